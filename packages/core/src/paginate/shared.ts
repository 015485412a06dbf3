/** Small pieces the pagination strategies share. */
import { PaginationError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { PaginationSpec } from '../transport/operation.js';
import { abortErrorFrom } from '../transport/retry.js';

export type Vars = Record<string, unknown>;

/** Fetches one page: runs the operation with these variables and returns the (unwrapped) result. */
export type PageFetcher = (variables: Record<string, unknown>, options: CallOptions) => Promise<unknown>;

/** Where an iterator stands; PageIterator implements it. */
export interface Cursor {
  position: Vars;
  before: Vars;
  done: boolean;
  readonly stats: WalkStats;
}

/** What a walk spent beyond the pages it handed over. */
export interface WalkStats {
  /**
   * Requests a partitioned walk (or a segment) sent to plan its parts: one-item probes, and first pages of
   * parts that were split further (fetched, never handed over). For a walk that ran to its end, pages handed
   * over + probes = requests sent (retries aside). 0 for plain walks.
   */
  probes: number;
}

export const noop = (): void => undefined;

/** The variable that carries a partitioned walk's resume state (`$` cannot start a GraphQL variable name). */
export const RESUME_KEY = '$partitions';

/** Items of one page, whatever the strategy. */
export function pageItems(spec: PaginationSpec, page: unknown): unknown[] {
  if (spec.style === 'cursor') {
    const edges = (page as { edges?: unknown } | null)?.edges;
    if (!Array.isArray(edges)) throw new PaginationError('page has no edges list');
    const nodes: unknown[] = [];
    for (const edge of edges) if (edge && (edge as { node?: unknown }).node != null) nodes.push((edge as { node: unknown }).node);
    return nodes;
  }
  const items = spec.items === '' ? page : (page as Record<string, unknown> | null)?.[spec.items];
  if (!Array.isArray(items)) throw new PaginationError(spec.items === '' ? 'page is not a list' : `page has no ${spec.items} list`);
  return items.includes(null) ? items.filter((item) => item !== null) : items;
}

/** The caller now holds the page: move `position` past it, remembering where it started. */
export function advance(self: Cursor, next: Vars): void {
  self.before = self.position;
  self.position = next;
}

export function checkAborted(options: CallOptions, operationName: string): void {
  if (options.signal?.aborted) throw abortErrorFrom(options.signal, operationName);
}

/**
 * An AbortController for the requests of one walk: fired by the caller's signal, and by the walk itself
 * when it ends early (break, error), so pages fetched ahead are cancelled.
 */
export function walkController(options: CallOptions): { signal: AbortSignal; abort: () => void; release: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    release: () => options.signal?.removeEventListener('abort', onAbort),
  };
}

/** Rethrow as the caller's AbortError when the caller aborted (a cancelled fetch may fail in other ways). */
export function callerError(err: unknown, options: CallOptions, operationName: string): unknown {
  return options.signal?.aborted ? abortErrorFrom(options.signal, operationName) : err;
}

/** A non-negative integer option, or a ValidationError naming it. */
export function countOption(value: unknown, field: string, min: number, operationName: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 10_000) {
    throw new ValidationError(`${operationName}: ${field} must be an integer from ${min} to 10000, got ${describe(value)}`, { field, operationName });
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value) ?? String(value);
  return typeof value;
}
