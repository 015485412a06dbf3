/**
 * Offset walks: `{ items, count }` pages, `offset`/`limit` variables. With a count the pages are known in
 * advance: up to `concurrency` are fetched at once and still yielded in order. Any sign that the pages
 * shifted under the walk (a page larger or smaller than asked before the end, a count that changed)
 * stops it with a PaginationError, because pages planned by offset would then repeat or skip items.
 */
import { PaginationError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { PaginationSpec } from '../transport/operation.js';
import { advance, callerError, checkAborted, noop, pageItems, walkController, type Cursor, type PageFetcher, type Vars } from './shared.js';

type OffsetSpec = Extract<PaginationSpec, { style: 'offset' }>;

export function offsetLimit(spec: OffsetSpec, vars: Vars, operationName: string): number {
  const limit = (vars[spec.limitVar] as number | undefined) ?? spec.pageSize;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new ValidationError(`${operationName}: offset pagination needs a positive integer ${spec.limitVar}`, { operationName, field: spec.limitVar });
  }
  return limit;
}

export function countOf(spec: OffsetSpec, page: unknown): number | undefined {
  if (!spec.count || spec.items === '') return undefined;
  const c = (page as Vars | null)?.[spec.count];
  return typeof c === 'number' && Number.isFinite(c) && c >= 0 ? c : undefined;
}

/** Walks offsets from `start` (the caller's `offset`, default 0) up to `end` (exclusive; a segment's end). */
export async function* offsetPages(spec: OffsetSpec, fetchPage: PageFetcher, vars: Vars, options: CallOptions, concurrency: number, self: Cursor, operationName: string, end = Infinity): AsyncGenerator<unknown> {
  const limit = offsetLimit(spec, vars, operationName);
  const start = (vars[spec.offsetVar] as number | undefined) ?? 0;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
    throw new ValidationError(`${operationName}: ${spec.offsetVar} must be a non-negative integer`, { operationName, field: spec.offsetVar });
  }
  // Prefetches are cancelled when the loop breaks or throws; the caller's signal cancels everything.
  const walk = walkController(options);
  const pageOptions: CallOptions = { ...options, signal: walk.signal };
  const get = (offset: number) => fetchPage({ ...vars, [spec.offsetVar]: offset, [spec.limitVar]: Math.min(limit, end - offset) }, pageOptions);
  const shifted = (why: string, offset: number) =>
    new PaginationError(`${operationName}: ${why}; the list changed or the server pages differently, so continuing would repeat or skip items (resume from ${spec.offsetVar} ${offset})`, { operationName, cursor: { [spec.offsetVar]: offset } });
  /** Checks one page against the plan; returns its item count. */
  const check = (page: unknown, offset: number, total: number | undefined): number => {
    const got = pageItems(spec, page).length;
    const asked = Math.min(limit, end - offset);
    if (got > asked) throw shifted(`the server returned ${got} items for ${spec.limitVar} ${asked} at ${spec.offsetVar} ${offset}`, offset);
    const count = countOf(spec, page);
    if (total !== undefined && count !== undefined && count !== total) throw shifted(`the ${spec.count} changed from ${total} to ${count} during the walk`, offset);
    return got;
  };
  const window: { offset: number; promise: Promise<unknown> }[] = [];
  try {
    checkAborted(options, operationName);
    const first = await get(start);
    let total = countOf(spec, first);
    let got = check(first, start, undefined);
    // A full first page whose `count` is no more than its own length looks like a page size, not a total:
    // do not trust it to plan the walk; read page by page until a short page instead.
    if (total !== undefined && got >= limit && total <= start + got) total = undefined;
    const stop = Math.min(end, total ?? Infinity);
    advance(self, { [spec.offsetVar]: start + limit });
    if (total === undefined ? got < limit || start + limit >= end : start + limit >= stop) self.done = true;
    yield first;
    if (total === undefined) {
      // No count: walk sequentially until a short page.
      let offset = start;
      while (got >= limit && offset + limit < end) {
        offset += limit;
        checkAborted(options, operationName);
        const page = await get(offset);
        got = check(page, offset, undefined);
        if (got === 0) {
          self.done = true;
          return;
        }
        advance(self, { [spec.offsetVar]: offset + limit });
        if (got < limit || offset + limit >= end) self.done = true;
        yield page;
      }
      return;
    }
    let next = start + limit;
    const fill = () => {
      while (window.length < concurrency && next < stop) {
        const promise = get(next);
        promise.catch(noop); // observed when its turn comes; avoid unhandled rejections meanwhile
        window.push({ offset: next, promise });
        next += limit;
      }
    };
    fill();
    while (window.length > 0) {
      const head = window.shift()!;
      const page = await head.promise;
      const n = check(page, head.offset, total);
      // A short page before the end means the server returns fewer than `limit` per page: pages planned by
      // `limit` would skip items, so stop loudly instead of losing them.
      if (n < Math.min(limit, stop - head.offset)) {
        throw new PaginationError(`${operationName}: the server returned ${n} items for ${spec.limitVar} ${limit} at ${spec.offsetVar} ${head.offset} although ${total} exist; use a smaller ${spec.limitVar}`, { operationName, cursor: { [spec.offsetVar]: head.offset + n } });
      }
      advance(self, { [spec.offsetVar]: head.offset + limit });
      if (window.length === 0 && next >= stop) self.done = true;
      yield page;
      checkAborted(options, operationName);
      fill();
    }
  } catch (err) {
    throw callerError(err, options, operationName);
  } finally {
    walk.release();
    if (window.length > 0) walk.abort();
  }
}
