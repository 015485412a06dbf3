/**
 * Token and cursor walks: each page names the next, so pages come one after another. Read-ahead asks
 * for page k+1 as soon as page k arrives, while the caller still works on page k; it holds at most
 * `readAhead` pages beyond the caller's, and `position` only moves as pages are handed over.
 */
import { PaginationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { PaginationSpec } from '../transport/operation.js';
import { LoopGuard } from './loop-guard.js';
import { advance, callerError, checkAborted, noop, pageItems, walkController, type Cursor, type PageFetcher, type Vars } from './shared.js';

/** One fetched page and what it says about the walk. */
export interface Step {
  page: unknown;
  /** Variables that continue after this page. */
  position: Vars;
  /** Variables of the following request; null when this page is the last (or an error follows it). */
  next: Vars | null;
  /** Thrown once this page was handed over (a loop: the page itself is good, what follows is not). */
  after?: PaginationError | undefined;
}

/** Fetches the page for `vars` and reads it; the signal belongs to the walk. */
export type StepFetcher = (vars: Vars, signal: AbortSignal) => Promise<Step>;

/** Walks pages one after another, `readAhead` pages ahead of the caller. */
export async function* chainPages(first: Vars, fetchStep: StepFetcher, readAhead: number, options: CallOptions, self: Cursor, operationName: string): AsyncGenerator<unknown> {
  const walk = walkController(options);
  const follow = (prev: Promise<Step | null>): Promise<Step | null> => {
    const p = prev.then((s) => (s?.next && !walk.signal.aborted ? fetchStep(s.next, walk.signal) : null));
    p.catch(noop); // observed when its turn comes
    return p;
  };
  const ahead: Promise<Step | null>[] = [];
  try {
    checkAborted(options, operationName);
    let head: Promise<Step | null> = fetchStep(first, walk.signal);
    for (;;) {
      const step = await head;
      if (!step) return;
      while (ahead.length < readAhead) ahead.push(follow(ahead.at(-1) ?? Promise.resolve(step)));
      advance(self, step.position);
      if (!step.next && !step.after) self.done = true;
      yield step.page;
      if (step.after) throw step.after;
      if (!step.next) return;
      checkAborted(options, operationName);
      head = ahead.shift() ?? follow(Promise.resolve(step));
    }
  } catch (err) {
    throw callerError(err, options, operationName);
  } finally {
    walk.release();
    walk.abort(); // cancels whatever was fetched ahead
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Reads nextToken pages: `{ items, nextToken }`. */
export function nextTokenSteps(spec: Extract<PaginationSpec, { style: 'nextToken' }>, fetchPage: PageFetcher, vars: Vars, options: CallOptions, operationName: string, start: string | null = null): { first: Vars; fetchStep: StepFetcher } {
  const limit = spec.limitVar ? (vars[spec.limitVar] ?? spec.pageSize) : undefined;
  const guard = new LoopGuard();
  if (start) guard.repeated(start);
  const varsFor = (token: string | null): Vars => {
    const pageVars: Vars = { ...vars };
    if (spec.limitVar && limit !== undefined) pageVars[spec.limitVar] = limit;
    if (token) pageVars[spec.tokenVar] = token;
    else delete pageVars[spec.tokenVar];
    return pageVars;
  };
  const fetchStep: StepFetcher = async (pageVars, signal) => {
    const page = await fetchPage(pageVars, { ...options, signal });
    pageItems(spec, page); // validates the page shape before we trust its token
    const raw = (page as Vars)[spec.next];
    const from = (pageVars[spec.tokenVar] as string | undefined) ?? null;
    if (raw !== null && raw !== undefined && typeof raw !== 'string') {
      throw new PaginationError(`${operationName}: the API returned a ${spec.next} that is not a string (${describe(raw)}); stopping rather than guess where the walk stands`, { operationName, cursor: { [spec.tokenVar]: from } });
    }
    const next = raw || null;
    const step: Step = { page, position: { [spec.tokenVar]: next }, next: next ? varsFor(next) : null };
    if (next && guard.repeated(next)) {
      step.after = new PaginationError(`${operationName}: the API returned a ${spec.next} it had returned before; stopping to avoid an endless loop`, { operationName, cursor: next });
      step.next = null;
    }
    return step;
  };
  return { first: varsFor(start), fetchStep };
}

/** Reads Relay pages: `{ edges { node }, pageInfo { hasNextPage, endCursor } }`. */
export function cursorSteps(spec: Extract<PaginationSpec, { style: 'cursor' }>, fetchPage: PageFetcher, vars: Vars, options: CallOptions, operationName: string): { first: Vars; fetchStep: StepFetcher } {
  const first = vars[spec.firstVar] ?? spec.pageSize;
  const start = (vars[spec.afterVar] as string | null | undefined) ?? null;
  const guard = new LoopGuard();
  if (typeof start === 'string') guard.repeated(start);
  const varsFor = (after: string | null): Vars => {
    const pageVars: Vars = { ...vars, [spec.firstVar]: first };
    if (after !== null) pageVars[spec.afterVar] = after;
    else delete pageVars[spec.afterVar];
    return pageVars;
  };
  const fetchStep: StepFetcher = async (pageVars, signal) => {
    const page = await fetchPage(pageVars, { ...options, signal });
    pageItems(spec, page);
    const after = (pageVars[spec.afterVar] as string | undefined) ?? null;
    const info = (page as { pageInfo?: { hasNextPage?: unknown; endCursor?: unknown } }).pageInfo;
    if (!info || typeof info !== 'object') throw new PaginationError(`${operationName}: page has no pageInfo`, { operationName, cursor: after });
    const end = info.endCursor;
    if (info.hasNextPage && typeof end !== 'string') {
      throw new PaginationError(`${operationName}: hasNextPage is true but endCursor is not a string (${end === null ? 'null' : describe(end)}); stopping rather than guess where the walk stands`, { operationName, cursor: after });
    }
    const hasNext = Boolean(info.hasNextPage);
    const step: Step = { page, position: { [spec.afterVar]: typeof end === 'string' ? end : after }, next: hasNext ? varsFor(end as string) : null };
    if (hasNext && (end === '' || end === after || guard.repeated(end as string))) {
      step.after = new PaginationError(`${operationName}: hasNextPage is true but endCursor did not advance (${JSON.stringify(end)}); stopping to avoid an endless loop`, { operationName, cursor: after });
      step.next = null;
    }
    return step;
  };
  return { first: varsFor(start), fetchStep };
}
