/**
 * One pagination abstraction, three strategies, each described by a few names (see PaginationSpec):
 * - nextToken: `{ items, nextToken }` pages, a token variable (wherever, AppSync style)      → chain.ts
 * - cursor:    Relay `{ edges { node cursor } pageInfo { hasNextPage endCursor } }` (Totogi) → chain.ts
 * - offset:    `{ items, count }` pages, `offset`/`limit` variables (MyPhone)                → offset.ts
 * Token and cursor walks read one page ahead by default; offset walks fetch `concurrency` pages at once.
 * A list whose spec declares a `split` (wherever listSims by ICCID prefix) can be walked in parts at once,
 * or as segment i of n across processes (partition.ts, loaded on such a walk's first page). Iterators are lazy, hold a bounded number of
 * pages, stop when the API says so, and end or throw PaginationError with a resume position.
 */
import { PaginationError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { PaginationSpec } from '../transport/operation.js';
import { abortErrorFrom } from '../transport/retry.js';
import { chainPages, cursorSteps, nextTokenSteps } from './chain.js';
import { offsetPages } from './offset.js';
import type { PartitionState } from './partition.js';
import { checkAborted, countOption, pageItems, RESUME_KEY, type Cursor, type PageFetcher, type Vars, type WalkStats } from './shared.js';

export { pageItems, type PageFetcher, type WalkStats };
export { LoopGuard } from './loop-guard.js';
export type { PartitionState } from './partition.js';

export interface IterateOptions extends CallOptions {
  /** Offset pagination only: pages fetched ahead in parallel once the total is known. Default 4. */
  concurrency?: number | undefined;
  /** Token and cursor walks: pages fetched ahead while you work on the current one. Default 1; 0 switches it off. */
  readAhead?: number | undefined;
  /**
   * Lists that can be split (their spec declares a `split`, e.g. wherever `listSims` by ICCID prefix): walk
   * the list in parts, this many at once. Default 1 (one sequential walk).
   */
  parts?: number | undefined;
  /**
   * Walk only segment `index` of `count` (0-based): `count` workers with the same variables and options
   * together see every item exactly once. Offset lists split by page ranges, split-capable lists by key.
   */
  segment?: { index: number; count: number } | undefined;
}

/**
 * An async iterable of pages that remembers where it is: `position` holds the variables that make a
 * new iterator continue after the last page this one yielded (e.g. `{ nextToken }`, `{ after }`, `{ offset }`).
 */
export class PageIterator<TPage> implements AsyncIterable<TPage>, Cursor {
  /** Variables that continue after the last page yielded (set as the page is handed over, so a `break` keeps it). */
  position: Vars;
  /** Where the last yielded page started: ItemIterator resumes here while that page is only partly consumed. */
  before: Vars;
  /** The API said the page last handed over is the final one: there is nothing to resume. */
  done = false;
  /** Requests spent planning a partitioned walk (`probes`); read it during or after the walk. */
  readonly stats: WalkStats = { probes: 0 };
  /** The caller's signal: an item iterator stops handing out items once it fired. */
  readonly signal: AbortSignal | undefined;
  readonly #run: (self: PageIterator<TPage>) => AsyncGenerator<TPage>;
  constructor(start: Vars, run: (self: PageIterator<TPage>) => AsyncGenerator<TPage>, signal?: AbortSignal) {
    this.position = start;
    this.before = start;
    this.#run = run;
    this.signal = signal;
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
  /** Requests spent planning a partitioned walk (see PageIterator.stats). */
  get stats(): WalkStats {
    return this.#pages.stats;
  }
  async *[Symbol.asyncIterator](): AsyncIterator<TItem> {
    const signal = this.#pages.signal;
    for await (const page of this.#pages) {
      const items = pageItems(this.#spec, page) as TItem[];
      this.#pageDone = items.length === 0;
      for (let i = 0; i < items.length; i++) {
        // After an abort nothing more is handed out, even from the page already here.
        if (signal?.aborted) throw abortErrorFrom(signal);
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
  const { concurrency: rawConcurrency, readAhead: rawReadAhead, parts: rawParts, segment, ...call } = options;
  const vars: Vars = { ...(variables ?? {}) };
  // A position handed back: present (even if mangled) means resume, so a bad one is refused, never ignored.
  const resuming = RESUME_KEY in vars;
  const resume = vars[RESUME_KEY] as PartitionState | undefined;
  delete vars[RESUME_KEY];
  const concurrency = countOption(rawConcurrency, 'concurrency', 1, operationName, 4);
  const readAhead = countOption(rawReadAhead, 'readAhead', 0, operationName, 1);
  const parts = countOption(rawParts, 'parts', 1, operationName, 1);
  const seg = segmentOption(segment, operationName);
  const run = (gen: (self: Cursor) => AsyncGenerator<unknown>, start: Vars) => new PageIterator<TPage>(start, gen as (self: PageIterator<TPage>) => AsyncGenerator<TPage>, call.signal);
  const splittable = spec.style === 'nextToken' && spec.split !== undefined;
  if ((parts > 1 || seg || resuming) && !splittable && spec.style !== 'offset') {
    const what = seg ? 'segment' : resuming ? RESUME_KEY : 'parts';
    throw new ValidationError(
      spec.style === 'cursor'
        ? `${operationName}: a Relay cursor list cannot be split (${what}): each page's cursor comes from the page before, and the API offers no key to split by; walk it in one process`
        : `${operationName}: this list declares no key to split by (${what}); walk it in one sequence`,
      { operationName, field: what },
    );
  }
  if (parts > 1 && spec.style === 'offset') throw new ValidationError(`${operationName}: offset lists fetch pages in parallel with \`concurrency\`, not \`parts\``, { operationName, field: 'parts' });
  switch (spec.style) {
    case 'nextToken': {
      if (spec.split && (parts > 1 || seg || resuming)) {
        return run((self) => partitioned((m) => m.partitionedPages(spec, fetchPage, vars, call, { parts, readAhead, segment: seg, resume, resuming }, self, operationName), call, self, operationName), resuming ? { [RESUME_KEY]: resume } : {});
      }
      const start = (vars[spec.tokenVar] as string | null | undefined) || null;
      const { first, fetchStep } = nextTokenSteps(spec, fetchPage, vars, call, operationName, start);
      return run((self) => chainPages(first, fetchStep, readAhead, call, self, operationName), { [spec.tokenVar]: start });
    }
    case 'cursor': {
      const { first, fetchStep } = cursorSteps(spec, fetchPage, vars, call, operationName);
      return run((self) => chainPages(first, fetchStep, readAhead, call, self, operationName), { [spec.afterVar]: vars[spec.afterVar] ?? null });
    }
    case 'offset':
      if (seg) return run((self) => partitioned((m) => m.offsetSegmentPages(spec, fetchPage, vars, call, concurrency, seg, self, operationName), call, self, operationName), { [spec.offsetVar]: vars[spec.offsetVar] ?? 0 });
      return run((self) => offsetPages(spec, fetchPage, vars, call, concurrency, self, operationName), { [spec.offsetVar]: vars[spec.offsetVar] ?? 0 });
  }
}

/**
 * A partitioned walk or a segment: its code (partition.ts, half the pagination code) loads when the walk
 * asks for its first page, so importing the SDK and plain walks never parse it. A load that fails (a file
 * a bundler or deploy step dropped) ends the walk with a PaginationError at its start position.
 */
async function* partitioned(walk: (m: typeof import('./partition.js')) => AsyncGenerator<unknown>, call: IterateOptions, self: Cursor, operationName: string): AsyncGenerator<unknown> {
  let m: typeof import('./partition.js');
  try {
    m = await import('./partition.js');
  } catch (cause) {
    throw new PaginationError(`${operationName}: the code for partitioned walks and segments could not be loaded (${cause instanceof Error ? cause.message : String(cause)})`, { operationName, cursor: self.position, cause });
  }
  checkAborted(call, operationName);
  yield* walk(m);
}

function segmentOption(segment: unknown, operationName: string): { index: number; count: number } | undefined {
  if (segment === undefined) return undefined;
  const s = segment as { index?: unknown; count?: unknown } | null;
  const ok = s !== null && typeof s === 'object' && Number.isInteger(s.count) && (s.count as number) >= 1 && (s.count as number) <= 10_000 && Number.isInteger(s.index) && (s.index as number) >= 0 && (s.index as number) < (s.count as number);
  if (!ok) throw new ValidationError(`${operationName}: segment must be { index, count } with integers 0 ≤ index < count ≤ 10000`, { operationName, field: 'segment' });
  return { index: s!.index as number, count: s!.count as number };
}
