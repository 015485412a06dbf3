/** Writing results: JSON, NDJSON, CSV (csv-stringify) or a table, to stdout or a file. */
import { stringify } from 'csv-stringify/sync';
import { UsageError } from './errors.js';

export type Format = 'json' | 'ndjson' | 'csv' | 'table';
export const FORMATS: readonly Format[] = ['json', 'ndjson', 'csv', 'table'];

export function formatNamed(name: string | undefined, fallback: Format): Format {
  if (name === undefined) return fallback;
  if (!FORMATS.includes(name as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(name)}`);
  return name as Format;
}

/** `a.b` of an item; arrays and objects become JSON in a cell. */
export function pick(item: unknown, path: string): unknown {
  let value: unknown = item;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Columns of an item: its scalar fields, nested objects flattened to dotted names. */
export function columnsOf(item: unknown, prefix = ''): string[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return prefix ? [prefix] : [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(item)) {
    if (key === '__typename') continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...columnsOf(value, name));
    else out.push(name);
  }
  return out;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function csvHeader(columns: readonly string[]): string {
  return stringify([columns]);
}

export function csvRows(items: readonly unknown[], columns: readonly string[]): string {
  return stringify(items.map((item) => columns.map((c) => cell(pick(item, c)))));
}

/** An item narrowed to the chosen columns (NDJSON/JSON with --columns). */
export function project(item: unknown, columns: readonly string[] | undefined): unknown {
  if (!columns) return item;
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = pick(item, c) ?? null;
  return out;
}

/** A plain-text table for a terminal: one row per item, columns padded. */
export function table(items: readonly unknown[], columns: readonly string[]): string {
  const rows = [columns as string[], ...items.map((item) => columns.map((c) => cell(pick(item, c))))];
  const widths = columns.map((_, i) => Math.min(40, Math.max(...rows.map((r) => r[i]!.length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  return rows.map((r, n) => r.map((c, i) => fit(c, widths[i]!)).join('  ').trimEnd() + (n === 0 ? `\n${widths.map((w) => '─'.repeat(w)).join('  ')}` : '')).join('\n') + '\n';
}

/** The one result of a call, written in the chosen format. */
export function formatResult(result: unknown, format: Format, columns: readonly string[] | undefined): string {
  const list = Array.isArray(result) ? result : [result];
  switch (format) {
    case 'json':
      return `${JSON.stringify(columns ? (Array.isArray(result) ? list.map((i) => project(i, columns)) : project(result, columns)) : result, null, 2)}\n`;
    case 'ndjson':
      return list.map((i) => JSON.stringify(project(i, columns))).join('\n') + '\n';
    case 'csv': {
      const cols = columns ?? columnsOf(list[0]);
      return csvHeader(cols) + csvRows(list, cols);
    }
    case 'table':
      return table(list, columns ?? columnsOf(list[0]));
  }
}
