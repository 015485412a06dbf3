/**
 * Fleet exports that survive interruption. Pages are written whole, then a checkpoint records the
 * iterator's position and the output's length (written to a temp file and renamed, so it is never half
 * written). Resuming cuts the output back to that length (dropping rows written after the last
 * checkpoint) and continues from that position: every item exactly once, however the run stopped.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { pageItems, type PaginationSpec } from '@sdk/core';
import { UsageError } from './errors.js';
import type { Method } from './operations.js';
import { columnsOf, csvHeader, csvRows, project } from './output.js';
import type { Progress } from './progress.js';

export interface ExportOptions {
  vendor: string;
  method: Method;
  variables: Record<string, unknown>;
  out: string;
  format: 'csv' | 'ndjson';
  columns: string[] | undefined;
  checkpoint: string;
  resume: boolean;
  force: boolean;
  /** Iteration options passed to the SDK (concurrency). */
  iterate: Record<string, unknown>;
  progress: Progress;
  /** Stop after the page in flight (its rows and checkpoint are written first). */
  signal: AbortSignal;
}

export interface Checkpoint {
  version: 1;
  vendor: string;
  operation: string;
  format: 'csv' | 'ndjson';
  columns: string[] | null;
  variables: Record<string, unknown>;
  /** Variables that continue the walk after the last page written. */
  position: Record<string, unknown>;
  /** Bytes of the output that hold whole pages. */
  bytes: number;
  items: number;
  pages: number;
  done: boolean;
}

function writeCheckpoint(file: string, cp: Checkpoint): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(cp));
  renameSync(tmp, file);
}

export async function runExport(o: ExportOptions): Promise<Checkpoint> {
  const spec = o.method.operation.pagination as PaginationSpec | undefined;
  if (!spec || !o.method.call.pages) throw new UsageError(`${o.method.path} is not a list: export walks list operations (${o.vendor} lists have .all())`);
  let cp: Checkpoint;
  let fd: number;
  if (o.resume && existsSync(o.checkpoint)) {
    cp = JSON.parse(readFileSync(o.checkpoint, 'utf8')) as Checkpoint;
    if (cp.vendor !== o.vendor || cp.operation !== o.method.operation.name || cp.format !== o.format) {
      throw new UsageError(`${o.checkpoint} belongs to ${cp.vendor} ${cp.operation} (${cp.format}), not this export`);
    }
    if (cp.done) return cp;
    if (!existsSync(o.out)) throw new UsageError(`${o.checkpoint} says ${cp.items} items were written to ${o.out}, but it is gone; start again without --resume`);
    fd = openSync(o.out, 'r+');
    if (fstatSync(fd).size < cp.bytes) throw new UsageError(`${o.out} is shorter than the checkpoint says; start again without --resume`);
    ftruncateSync(fd, cp.bytes); // rows after the last checkpoint are written again
  } else {
    if (o.resume) throw new UsageError(`no checkpoint at ${o.checkpoint}: nothing to resume`);
    if (existsSync(o.out) && !o.force) throw new UsageError(`${o.out} exists; use --resume to continue an interrupted export, or --force to overwrite`);
    fd = openSync(o.out, 'w');
    cp = { version: 1, vendor: o.vendor, operation: o.method.operation.name, format: o.format, columns: o.columns ?? null, variables: o.variables, position: {}, bytes: 0, items: 0, pages: 0, done: false };
  }
  let bytes = cp.bytes;
  const write = (text: string) => {
    if (!text) return;
    const buf = Buffer.from(text);
    writeSync(fd, buf, 0, buf.length, bytes);
    bytes += buf.length;
  };
  try {
    const pages = o.method.call.pages({ ...cp.variables, ...cp.position }, o.iterate);
    o.progress.update(cp.items, cp.pages);
    for await (const page of pages) {
      const items = pageItems(spec, page);
      if (o.format === 'csv') {
        cp.columns ??= items.length ? columnsOf(items[0]) : null;
        if (cp.columns && bytes === 0) write(csvHeader(cp.columns));
        if (cp.columns && items.length) write(csvRows(items, cp.columns));
      } else {
        let text = '';
        for (const item of items) text += `${JSON.stringify(project(item, o.columns))}\n`;
        write(text);
      }
      cp.items += items.length;
      cp.pages += 1;
      cp.position = pages.position;
      cp.bytes = bytes;
      cp.done = pages.done;
      writeCheckpoint(o.checkpoint, cp);
      o.progress.update(cp.items, cp.pages, totalOf(page));
      if (o.signal.aborted) break;
    }
    if (!o.signal.aborted) {
      cp.done = true;
      writeCheckpoint(o.checkpoint, cp);
    }
    return cp;
  } finally {
    closeSync(fd);
    o.progress.stop();
  }
}

/** The list's total when the page says it (wherever totalSims, MyPhone count). */
function totalOf(page: unknown): number | undefined {
  if (!page || typeof page !== 'object') return undefined;
  for (const key of ['totalSims', 'totalCount', 'count', 'totalEvents']) {
    const v = (page as Record<string, unknown>)[key];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

export function removeCheckpoint(file: string): void {
  rmSync(file, { force: true });
}
