/**
 * One pagination abstraction, three strategies, each described by a few names (see PaginationSpec):
 * - nextToken: `{ items, nextToken }` pages, a token variable (wherever, AppSync style)
 * - cursor:    Relay `{ edges { node cursor } pageInfo { hasNextPage endCursor } }`, `first`/`after` (Totogi)
 * - offset:    `{ items, count }` pages, `offset`/`limit` variables (MyPhone); with a count it fetches
 *              ahead with bounded concurrency and still yields in order.
 * Iterators are lazy, hold at most one page (offset: at most `concurrency`), stop when the API says so,
 * keep going through empty pages while a token remains, and throw PaginationError when a cursor repeats.
 */
import { PaginationError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { PaginationSpec } from '../transport/operation.js';
import { abortErrorFrom } from '../transport/retry.js';

export interface IterateOptions extends CallOptions {
  /** Offset pagination only: pages fetched ahead in parallel once the total is known. Default 4. */
  concurrency?: number | undefined;
}

/** Fetches one page: runs the operation with these variables and returns the (unwrapped) result. */
export type PageFetcher = (variables: Record<string, unknown>, options: CallOptions) => Promise<unknown>;

type Vars = Record<string, unknown>;

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

/**
 * An async iterable of pages that remembers where it is: `position` holds the variables that make a
 * new iterator continue after the last page this one yielded (e.g. `{ nextToken }`, `{ after }`, `{ offset }`).
 */
export class PageIterator<TPage> implements AsyncIterable<TPage> {
  /** Variables that continue after the last page yielded (set as the page is handed over, so a `break` keeps it). */
  position: Vars;
  /** Where the last yielded page started: ItemIterator resumes here while that page is only partly consumed. */
  before: Vars;
  /** The API said the page last handed over is the final one: there is nothing to resume. */
  done = false;
  readonly #run: (self: PageIterator<TPage>) => AsyncGenerator<TPage>;
  constructor(start: Vars, run: (self: PageIterator<TPage>) => AsyncGenerator<TPage>) {
    this.position = start;
    this.before = start;
    this.#run = run;
  }
  [Symbol.asyncIterator](): AsyncIterator<TPage> {
    return this.#run(this);
  }
}

/**
 * Items across pages. `position` counts a page once its last item was handed over, so resuming after a
 * `break` or an error mid-page starts that page again (its earlier items come twice; none is lost).
 * `done` is true once the final item of the final page was handed over.
 */
export class ItemIterator<TItem> implements AsyncIterable<TItem> {
  readonly #pages: PageIterator<unknown>;
  readonly #spec: PaginationSpec;
  #pageDone = true;
  constructor(pages: PageIterator<unknown>, spec: PaginationSpec) {
    this.#pages = pages;
    this.#spec = spec;
  }
  get position(): Vars {
    return this.#pageDone ? this.#pages.position : this.#pages.before;
  }
  get done(): boolean {
    return this.#pages.done && this.#pageDone;
  }
  async *[Symbol.asyncIterator](): AsyncIterator<TItem> {
    for await (const page of this.#pages) {
      const items = pageItems(this.#spec, page) as TItem[];
      this.#pageDone = items.length === 0;
      for (let i = 0; i < items.length; i++) {
        // Mark the page consumed as its last item is handed over: a break right after it resumes past the page.
        if (i === items.length - 1) this.#pageDone = true;
        yield items[i]!;
      }
    }
  }
  /** Collect every item into an array (convenience for small sets). */
  async toArray(): Promise<TItem[]> {
    const out: TItem[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}

export function paginate<TPage>(spec: PaginationSpec, fetchPage: PageFetcher, variables: Vars | undefined, options: IterateOptions = {}, operationName = 'operation'): PageIterator<TPage> {
  const vars: Vars = { ...(variables ?? {}) };
  const { concurrency = 4, ...call } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(`concurrency must be a positive integer, got ${JSON.stringify(concurrency)}`, { field: 'concurrency', operationName });
  }
  switch (spec.style) {
    case 'nextToken':
      return new PageIterator<TPage>({ [spec.tokenVar]: vars[spec.tokenVar] ?? null }, (self) => nextTokenPages(spec, fetchPage, vars, call, self, operationName) as AsyncGenerator<TPage>);
    case 'cursor':
      return new PageIterator<TPage>({ [spec.afterVar]: vars[spec.afterVar] ?? null }, (self) => cursorPages(spec, fetchPage, vars, call, self, operationName) as AsyncGenerator<TPage>);
    case 'offset':
      return new PageIterator<TPage>({ [spec.offsetVar]: vars[spec.offsetVar] ?? 0 }, (self) => offsetPages(spec, fetchPage, vars, call, concurrency, self, operationName) as AsyncGenerator<TPage>);
  }
}

/** The caller now holds the page: move `position` past it, remembering where it started. */
function advance(self: { position: Vars; before: Vars; done: boolean }, next: Vars): void {
  self.before = self.position;
  self.position = next;
}

function checkAborted(options: CallOptions, operationName: string): void {
  if (options.signal?.aborted) throw abortErrorFrom(options.signal, operationName);
}

async function* nextTokenPages(spec: Extract<PaginationSpec, { style: 'nextToken' }>, fetchPage: PageFetcher, vars: Vars, options: CallOptions, self: { position: Vars; before: Vars; done: boolean }, operationName: string) {
  const limit = spec.limitVar ? (vars[spec.limitVar] ?? spec.pageSize) : undefined;
  let token = (vars[spec.tokenVar] as string | null | undefined) || null;
  const seen = new Set<string>();
  for (;;) {
    checkAborted(options, operationName);
    const pageVars: Vars = { ...vars };
    if (spec.limitVar && limit !== undefined) pageVars[spec.limitVar] = limit;
    if (token) pageVars[spec.tokenVar] = token;
    else delete pageVars[spec.tokenVar];
    const page = await fetchPage(pageVars, options);
    pageItems(spec, page); // validates the page shape before we trust its token
    const next = (page as Vars)[spec.next] as string | null | undefined;
    advance(self, { [spec.tokenVar]: next || null });
    if (!next) self.done = true;
    yield page;
    if (next === null || next === undefined || next === '') return;
    // Keyed by value: a hostile server's object token is new by identity on every page.
    const key = typeof next === 'string' ? next : JSON.stringify(next);
    if (seen.has(key)) throw new PaginationError(`${operationName}: the API returned a ${spec.next} it had returned before; stopping to avoid an endless loop`, { operationName, cursor: next });
    seen.add(key);
    token = next;
  }
}

async function* cursorPages(spec: Extract<PaginationSpec, { style: 'cursor' }>, fetchPage: PageFetcher, vars: Vars, options: CallOptions, self: { position: Vars; before: Vars; done: boolean }, operationName: string) {
  const first = vars[spec.firstVar] ?? spec.pageSize;
  let after = (vars[spec.afterVar] as string | null | undefined) ?? null;
  const seen = new Set<string>();
  for (;;) {
    checkAborted(options, operationName);
    const pageVars: Vars = { ...vars, [spec.firstVar]: first };
    if (after !== null) pageVars[spec.afterVar] = after;
    else delete pageVars[spec.afterVar];
    const page = await fetchPage(pageVars, options);
    pageItems(spec, page);
    const info = (page as { pageInfo?: { hasNextPage?: boolean | null; endCursor?: string | null } }).pageInfo;
    if (!info) throw new PaginationError(`${operationName}: page has no pageInfo`, { operationName, cursor: after });
    advance(self, { [spec.afterVar]: info.endCursor ?? after });
    if (!info.hasNextPage) self.done = true;
    yield page;
    if (!info.hasNextPage) return;
    const end = info.endCursor;
    const key = typeof end === 'string' ? end : JSON.stringify(end);
    if (end === null || end === undefined || end === after || seen.has(key)) {
      throw new PaginationError(`${operationName}: hasNextPage is true but endCursor did not advance (${JSON.stringify(end)}); stopping to avoid an endless loop`, { operationName, cursor: after });
    }
    seen.add(key);
    after = end;
  }
}

async function* offsetPages(spec: Extract<PaginationSpec, { style: 'offset' }>, fetchPage: PageFetcher, vars: Vars, options: CallOptions, concurrency: number, self: { position: Vars; before: Vars; done: boolean }, operationName: string) {
  const limit = (vars[spec.limitVar] as number | undefined) ?? spec.pageSize;
  if (typeof limit !== 'number' || limit < 1) {
    throw new ValidationError(`${operationName}: offset pagination needs a positive ${spec.limitVar}`, { operationName, field: spec.limitVar });
  }
  const start = (vars[spec.offsetVar] as number | undefined) ?? 0;
  // Prefetches are cancelled when the loop breaks or throws; the caller's signal cancels everything.
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const pageOptions: CallOptions = { ...options, signal: controller.signal };
  const get = (offset: number) => fetchPage({ ...vars, [spec.offsetVar]: offset, [spec.limitVar]: limit }, pageOptions);
  const countOf = (page: unknown): number | undefined => {
    if (!spec.count || spec.items === '') return undefined;
    const c = (page as Vars | null)?.[spec.count];
    return typeof c === 'number' ? c : undefined;
  };
  const window: { offset: number; promise: Promise<unknown> }[] = [];
  try {
    checkAborted(options, operationName);
    const first = await get(start);
    let total = countOf(first);
    let items = pageItems(spec, first);
    // A full first page whose `count` is no more than its own length looks like a page size, not a total:
    // do not trust it to plan the walk; read page by page until a short page instead.
    if (total !== undefined && items.length >= limit && total <= start + items.length) total = undefined;
    advance(self, { [spec.offsetVar]: start + limit });
    if (total === undefined ? items.length < limit : start + limit >= total) self.done = true;
    yield first;
    if (total === undefined) {
      // No count: walk sequentially until a short page.
      let offset = start;
      while (items.length >= limit) {
        offset += limit;
        checkAborted(options, operationName);
        const page = await get(offset);
        items = pageItems(spec, page);
        if (items.length === 0) {
          self.done = true;
          return;
        }
        advance(self, { [spec.offsetVar]: offset + limit });
        if (items.length < limit) self.done = true;
        yield page;
      }
      return;
    }
    let next = start + limit;
    const fill = () => {
      while (window.length < concurrency && next < total!) {
        const promise = get(next);
        promise.catch(() => undefined); // observed when its turn comes; avoid unhandled rejections meanwhile
        window.push({ offset: next, promise });
        next += limit;
      }
    };
    fill();
    while (window.length > 0) {
      const head = window.shift()!;
      const page = await head.promise;
      const got = pageItems(spec, page).length;
      const count = countOf(page);
      if (count !== undefined && count > total) total = count; // items were added meanwhile: keep going
      // A short page before the end means the server returns fewer than `limit` per page: pages planned by
      // `limit` would skip items, so stop loudly instead of losing them.
      if (got < limit && head.offset + got < (count ?? total)) {
        throw new PaginationError(`${operationName}: the server returned ${got} items for ${spec.limitVar} ${limit} at ${spec.offsetVar} ${head.offset} although ${count ?? total} exist; use a smaller ${spec.limitVar}`, { operationName, cursor: { [spec.offsetVar]: head.offset + got } });
      }
      advance(self, { [spec.offsetVar]: head.offset + limit });
      if (window.length === 0 && next >= total) self.done = true;
      yield page;
      fill();
    }
  } catch (err) {
    if (options.signal?.aborted) throw abortErrorFrom(options.signal, operationName);
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (window.length > 0) controller.abort();
  }
}
