/**
 * Bulk changes from a file, one operation per row, with a results file that is also a journal:
 * `sent` is written (synchronously) before a row's request leaves and its outcome after, so a run that
 * stops anywhere (Ctrl-C, a crash, `kill -9`, a dropped VPN) can be resumed without guessing:
 * - rows with a known outcome (applied, rejected) are never sent again;
 * - rows sent without an answer are `unknown`: reported, not re-sent; for operations that set a state
 *   (idempotent) they are settled by reading the state back where the vendor allows, else re-sent, since
 *   sending them again changes nothing; `--retry-unknown` re-sends the others on the operator's word;
 * - rows not attempted (or refused before any work: throttled, connection refused) are sent.
 * Rate-limit answers pause every worker together, not each one on its own.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { AbortError, ApiError, AuthError, ConnectionError, GraphQLResponseError, HttpError, SdkError, TimeoutError, ValidationError, type SdkEvent } from '@sdk/core';
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError, errorRecord } from './errors.js';
import type { Method } from './operations.js';
import type { Progress } from './progress.js';
import { variablesFrom } from './schema.js';
import { DryRunStop, type AnyClient, type Verifier } from './vendors.js';

export type RowState = 'applied' | 'rejected' | 'unknown' | 'not-attempted';

export interface Row {
  /** 1-based position among the data rows of the input. */
  row: number;
  variables: Record<string, unknown>;
  /** Times this run put the row back after a refusal that did no work (throttled, refused connection). */
  requeued?: number;
}

/** A row refused without any work done is tried again in the same run, after a pause, this many times. */
const MAX_REQUEUES = 5;

/** Reads the input: NDJSON objects are the variables; CSV headers are variable names (dotted for nested fields). */
export function readRows(vendor: string, method: Method, file: string): { rows: Row[]; hash: string } {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const rows: Row[] = [];
  if (/\.(nd)?jsonl?$/i.test(file) || /^\s*\{/.test(text)) {
    let n = 0;
    for (const [i, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      n++;
      try {
        const value = JSON.parse(line) as unknown;
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        rows.push({ row: n, variables: value as Record<string, unknown> });
      } catch (err) {
        throw new UsageError(`${file}:${i + 1}: not a JSON object of variables (${(err as Error).message})`);
      }
    }
  } else {
    const records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    records.forEach((record, i) => {
      const pairs = Object.entries(record).filter(([, v]) => v !== '');
      try {
        rows.push({ row: i + 1, variables: variablesFrom(vendor, method.operation, pairs) });
      } catch (err) {
        throw new UsageError(`${file}: row ${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  return { rows, hash };
}

/** What happened to a row whose request failed: did the server surely do nothing, surely refuse, or may it have worked? */
export function outcomeOf(err: unknown): RowState {
  // Throttled after every retry: the server did no work, so the row can go again.
  if ((err as { status?: unknown } | null)?.status === 429) return 'not-attempted';
  if (err instanceof ValidationError || err instanceof ApiError || err instanceof AuthError) return err instanceof AuthError && err.status === 401 ? 'not-attempted' : 'rejected';
  if (err instanceof HttpError) return err.status === 429 ? 'not-attempted' : err.status >= 500 || err.status === 408 ? 'unknown' : 'rejected';
  if (err instanceof GraphQLResponseError) return (err.status ?? 200) >= 500 ? 'unknown' : 'rejected';
  if (err instanceof ConnectionError) return (err as { refused?: boolean }).refused ? 'not-attempted' : 'unknown';
  if (err instanceof TimeoutError || err instanceof AbortError) return 'unknown';
  if (err instanceof SdkError) return 'unknown';
  return 'unknown';
}

/** One pause for all workers: set by rate-limit answers, awaited before each send. */
export class Gate {
  #until = 0;
  pauses = 0;
  pauseFor(ms: number): void {
    const until = Date.now() + ms;
    if (until > this.#until) {
      this.#until = until;
      this.pauses++;
    }
  }
  /** Feed the client's events: a throttle anywhere slows everyone. */
  onEvent = (event: SdkEvent): void => {
    if (event.type !== 'retry') return;
    const e = event as { status?: number; reason?: string; delayMs?: number };
    if (e.status === 429 || /throttl|ratelimit/i.test(e.reason ?? '')) this.pauseFor(e.delayMs ?? 1000);
  };
  async ready(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && Date.now() < this.#until) {
      await new Promise((r) => setTimeout(r, Math.min(1000, this.#until - Date.now())));
    }
  }
}

interface JournalEntry {
  row?: number;
  state?: RowState | 'sent';
  header?: { operation: string; input: string; rows: number };
}

export interface BulkOptions {
  vendor: string;
  method: Method;
  client: AnyClient;
  input: { rows: Row[]; hash: string };
  results: string;
  concurrency: number;
  resume: boolean;
  retryUnknown: boolean;
  /** null: idempotent without a read-back; a function: idempotent, settled by reading back; undefined: not idempotent. */
  verifier: Verifier | null | undefined;
  gate: Gate;
  progress: Progress;
  signal: AbortSignal;
}

export interface BulkSummary {
  applied: number;
  rejected: number;
  unknown: number;
  notAttempted: number;
  sent: number;
  unknownRows: number[];
  rejectedRows: number[];
}

function readJournal(file: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      /* a line cut short by a kill: its row was not settled by it */
    }
  }
  return out;
}

export async function runBulk(o: BulkOptions): Promise<BulkSummary> {
  const { rows, hash } = o.input;
  const last = new Map<number, RowState | 'sent'>();
  if (o.resume) {
    if (!existsSync(o.results)) throw new UsageError(`no results file at ${o.results}: nothing to resume`);
    const entries = readJournal(o.results);
    const header = entries.find((e) => e.header)?.header;
    if (!header || header.operation !== o.method.operation.name || header.input !== hash) {
      throw new UsageError(`${o.results} was written for ${header ? `${header.operation} over a different input file` : 'something else'}; resume needs the same operation and input`);
    }
    for (const e of entries) if (e.row !== undefined && e.state) last.set(e.row, e.state);
  } else if (existsSync(o.results)) {
    throw new UsageError(`${o.results} exists: use --resume to continue that run, or choose another --results file`);
  }
  const fd = openSync(o.results, 'a');
  const record = (entry: Record<string, unknown>) => {
    writeSync(fd, `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`);
  };
  if (!o.resume) record({ header: { operation: o.method.operation.name, input: hash, rows: rows.length } });

  const idempotent = o.verifier !== undefined;
  const retry = idempotent ? { retryMutations: true } : undefined;
  const summary: BulkSummary = { applied: 0, rejected: 0, unknown: 0, notAttempted: 0, sent: 0, unknownRows: [], rejectedRows: [] };
  const final = new Map<number, RowState>();
  const todo: Row[] = [];
  const settle: Row[] = [];
  for (const row of rows) {
    const state = last.get(row.row);
    if (state === 'applied' || state === 'rejected') final.set(row.row, state);
    else if (state === 'sent' || state === 'unknown') {
      if (idempotent || o.retryUnknown) settle.push(row);
      else final.set(row.row, 'unknown');
    } else todo.push(row);
  }
  let done = final.size;
  o.progress.update(done, 0, rows.length);

  const send = async (row: Row): Promise<void> => {
    await o.gate.ready(o.signal);
    if (o.signal.aborted) return;
    record({ row: row.row, state: 'sent' });
    summary.sent++;
    try {
      const result = await o.method.call(row.variables, { ...(retry ? { retry } : {}) });
      record({ row: row.row, state: 'applied', result });
      final.set(row.row, 'applied');
    } catch (err) {
      if (err instanceof DryRunStop) throw err;
      const state = outcomeOf(err);
      record({ row: row.row, state, error: errorRecord(err) });
      if (state === 'not-attempted' && !(err instanceof AuthError) && (row.requeued ?? 0) < MAX_REQUEUES) {
        // Nothing was applied: pause everyone, then send it again at the end of the queue.
        row.requeued = (row.requeued ?? 0) + 1;
        o.gate.pauseFor(1000 * row.requeued);
        todo.push(row);
        return;
      }
      final.set(row.row, state);
      if (err instanceof AuthError) throw err; // every other row would fail the same way
    }
    done++;
    o.progress.update(done, 0, rows.length);
  };

  const settleOne = async (row: Row): Promise<void> => {
    if (typeof o.verifier === 'function') {
      try {
        if (await o.verifier(o.client, row.variables)) {
          record({ row: row.row, state: 'applied', verified: true });
          final.set(row.row, 'applied');
          done++;
          return;
        }
      } catch {
        /* could not read it back: sending again is still safe for an idempotent change */
      }
    }
    await send(row);
  };

  const worker = async (queue: Row[], run: (row: Row) => Promise<void>) => {
    while (!o.signal.aborted) {
      const row = queue.shift();
      if (!row) return;
      await run(row);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, () => worker(settle, settleOne)));
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, () => worker(todo, send)));
    // Rows this run left unknown (a 5xx after every retry, a timeout): a change that sets a state is
    // settled now, read back or sent again, a few rounds at most.
    for (let round = 0; idempotent && round < 3 && !o.signal.aborted; round++) {
      const again = rows.filter((r) => final.get(r.row) === 'unknown');
      if (again.length === 0) break;
      for (const r of again) final.delete(r.row);
      done -= again.length;
      await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, () => worker(again, settleOne)));
    }
  } finally {
    // Stopped early (Ctrl-C, an auth failure): every row still gets a line.
    for (const row of rows) {
      if (!final.has(row.row)) {
        const state = last.get(row.row) === 'sent' ? 'unknown' : 'not-attempted';
        record({ row: row.row, state });
        final.set(row.row, state);
      }
    }
    for (const [row, state] of final) {
      if (state === 'applied') summary.applied++;
      else if (state === 'rejected') {
        summary.rejected++;
        summary.rejectedRows.push(row);
      } else if (state === 'unknown') {
        summary.unknown++;
        summary.unknownRows.push(row);
      }
      else summary.notAttempted++;
    }
    summary.unknownRows.sort((a, b) => a - b);
    summary.rejectedRows.sort((a, b) => a - b);
    record({ summary: { applied: summary.applied, rejected: summary.rejected, unknown: summary.unknown, notAttempted: summary.notAttempted } });
    closeSync(fd);
    o.progress.stop();
  }
  return summary;
}

/** Dry run: every row through the SDK's checks (variables, types, bounds, vendor rules); nothing is sent. */
export async function dryRun(method: Method, rows: readonly Row[]): Promise<{ row: number; valid: boolean; error?: Record<string, unknown> }[]> {
  const out: { row: number; valid: boolean; error?: Record<string, unknown> }[] = [];
  for (const row of rows) {
    try {
      await method.call(row.variables);
      out.push({ row: row.row, valid: true }); // unreachable with the dry-run transport, kept for clarity
    } catch (err) {
      if (err instanceof DryRunStop) out.push({ row: row.row, valid: true });
      else out.push({ row: row.row, valid: false, error: errorRecord(err) });
    }
  }
  return out;
}
