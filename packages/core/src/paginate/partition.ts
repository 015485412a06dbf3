/**
 * Partitioned walks and segments.
 *
 * A nextToken list whose spec declares a `split` (wherever `listSims`: ICCID prefix) is walked as
 * disjoint parts at once. The planner finds where the data is with one-item probes (the smallest and the
 * largest key under a prefix, and the part's total): it skips the common prefix of the two, splits on the
 * next character, and repeats for any part larger than the target size. A split is only kept when the
 * children's totals add up to the parent's, so a key outside the declared alphabet cannot be lost.
 * Parts are walked by `parts` workers; pages are yielded as they arrive, or part after part in key
 * order when the caller orders by the key (each part's buffer is bounded, so memory is too).
 *
 * Segment i of n plans the same way in every process (same probes, same answers for an unchanged list)
 * and takes the parts whose running total falls in its share. Offset lists split by page ranges.
 *
 * Rate limits: a throttled answer pauses every part of the walk for the server's delay, not just the
 * request that got it.
 */
import { PaginationError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { PaginationSpec, SplitSpec } from '../transport/operation.js';
import { sleep } from '../transport/retry.js';
import { chainPages, nextTokenSteps, type Step } from './chain.js';
import { countOf, offsetLimit, offsetPages } from './offset.js';
import { callerError, checkAborted, noop, pageItems, walkController, type Cursor, type PageFetcher, type Vars } from './shared.js';

/** The variable that carries a partitioned walk's resume state (`$` cannot start a GraphQL variable name). */
export const RESUME_KEY = '$partitions';

/** Where a partitioned walk stands, as plain JSON: spread `{ [RESUME_KEY]: state }` into the variables to resume. */
export interface PartitionState {
  parts: { key: string; exact?: true; token: string | null; done: boolean }[];
}

type TokenSpec = Extract<PaginationSpec, { style: 'nextToken' }>;

interface Plan {
  key: string;
  exact?: true;
  total?: number | undefined;
  min?: string;
  max?: string;
}

interface PartRun {
  key: string;
  exact?: true;
  total: number;
  /** Token of the next request (null: from the start). */
  token: string | null;
  fetched: boolean;
  started: boolean;
  buffer: Step[];
  /** Consumer's view: the token after the last page handed over, and whether that was the last. */
  consumedToken: string | null;
  consumedDone: boolean;
}

const getPath = (vars: Vars, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Vars)[k] : undefined), vars);
function setPath(vars: Vars, path: string, value: unknown): Vars {
  const [head, ...rest] = path.split('.');
  const inner = vars[head!];
  return { ...vars, [head!]: rest.length ? setPath(inner && typeof inner === 'object' ? (inner as Vars) : {}, rest.join('.'), value) : value };
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** A notifier: `wait()` resolves on the next `wake()`. */
function notifier() {
  let resolve: () => void = noop;
  let promise = new Promise<void>((r) => (resolve = r));
  return {
    wait: () => promise,
    wake: () => {
      resolve();
      promise = new Promise<void>((r) => (resolve = r));
    },
  };
}

export interface PartitionOptions {
  parts: number;
  readAhead: number;
  segment: { index: number; count: number } | undefined;
  resume: PartitionState | undefined;
  /** A position was handed back (checked even when it is not an object). */
  resuming: boolean;
}

export async function* partitionedPages(spec: TokenSpec, fetchPage: PageFetcher, vars: Vars, options: CallOptions, opts: PartitionOptions, self: Cursor, operationName: string): AsyncGenerator<unknown> {
  const split = spec.split as SplitSpec;
  const callerFilter = getPath(vars, split.filter) as Record<string, unknown> | null | undefined;
  const base: Vars = { ...vars };
  delete base[spec.tokenVar];
  const orderValue = getPath(vars, split.order ?? '');
  const direction = typeof orderValue === 'string' && /^(asc|desc)$/i.test(orderValue) ? (orderValue.toLowerCase() as 'asc' | 'desc') : undefined;
  const limit = (spec.limitVar ? (vars[spec.limitVar] as number | undefined) : undefined) ?? spec.pageSize ?? 100;
  const workers = opts.parts;
  // Ordered walks buffer at most this many pages per part; parts are planned no larger, so each fits.
  const bufferPages = Math.max(2, opts.readAhead + 1, 16);

  const walk = walkController(options);
  const wake = notifier();
  let failure: { error: unknown } | undefined;
  // Throttling pauses the whole walk: every request waits until the latest server-given delay has passed.
  let pausedUntil = 0;
  const callOptions: CallOptions = {
    ...options,
    signal: walk.signal,
    onRetry: (delayMs, throttled) => {
      options.onRetry?.(delayMs, throttled);
      if (throttled) pausedUntil = Math.max(pausedUntil, Date.now() + delayMs);
    },
  };
  let active = 0;
  const queue: (() => void)[] = [];
  /** Runs `fn` with at most `workers` requests in flight, after any throttle pause. */
  const limited = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= workers) await new Promise<void>((r) => queue.push(r));
    else active++;
    try {
      while (Date.now() < pausedUntil) await sleep(pausedUntil - Date.now(), walk.signal);
      if (walk.signal.aborted) throw walk.signal.reason ?? new Error('aborted');
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
  const fetchLimited: PageFetcher = (v, o) => limited(() => fetchPage(v, o));

  const filterFor = (key: string, exact?: true): unknown => (exact ? { eq: key } : { ...(callerFilter ?? {}), beginsWith: key });
  const partVars = (key: string, exact?: true): Vars => setPath(base, split.filter, filterFor(key, exact));

  // --- planning -------------------------------------------------------------------------------------
  const probe = async (key: string, exact: true | undefined, dir: 'asc' | 'desc') => {
    let v = partVars(key, exact);
    if (split.order) {
      const [orderVar, ...orderPath] = split.order.split('.');
      v = { ...v, [orderVar!]: orderPath.length ? setPath({}, orderPath.join('.'), dir) : dir };
    }
    if (spec.limitVar) v[spec.limitVar] = 1;
    const page = await fetchLimited(v, callOptions);
    const items = pageItems(spec, page);
    const first = (items[0] as Vars | undefined)?.[split.field];
    const total = split.count ? (page as Vars)[split.count] : undefined;
    return { first: typeof first === 'string' ? first : undefined, total: typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined };
  };
  /** The smallest key and the total under a prefix (one probe); the largest is asked for only to split. */
  const range = async (key: string, exact?: true): Promise<Plan | undefined> => {
    const lo = await probe(key, exact, 'asc');
    if (lo.first === undefined) return lo.total ? { key, exact, total: lo.total } : undefined;
    return { key, exact, total: lo.total, min: lo.first };
  };
  const alphabet = split.alphabet;
  /** Children of a part, or undefined when it cannot be split safely. */
  const splitPart = async (p: Plan): Promise<Plan[] | undefined> => {
    if (p.exact || p.min === undefined) return undefined;
    p.max ??= (await probe(p.key, p.exact, 'desc')).first;
    if (p.max === undefined || !p.min.startsWith(p.key) || !p.max.startsWith(p.key) || p.min >= p.max) return undefined;
    const q = commonPrefix(p.min, p.max);
    const lo = p.min.length > q.length ? p.min[q.length]! : alphabet[0]!;
    const hi = p.max[q.length]!;
    const chars = new Set<string>([lo, hi]);
    for (const c of alphabet) if (c > lo && c < hi) chars.add(c);
    const keys: Plan[] = [...(p.min === q ? [{ key: q, exact: true as const }] : []), ...[...chars].sort().map((c) => ({ key: q + c }))];
    const children = await Promise.all(keys.map((k) => range(k.key, k.exact)));
    // Keep the split only when the server filtered as asked and the children account for every item of the parent.
    if (children.some((c) => c?.min !== undefined && (c.exact ? c.min !== c.key : !c.min.startsWith(c.key)))) return undefined;
    if (split.count && (p.total === undefined || children.some((c) => c !== undefined && c.total === undefined))) return undefined;
    if (p.total !== undefined && children.reduce((sum, c) => sum + (c?.total ?? 0), 0) !== p.total) return undefined;
    return children.filter((c): c is Plan => c !== undefined && (c.total ?? 1) > 0);
  };
  /** Parts still being planned: a failed walk resumes them whole, so nothing is lost. */
  const frontier = new Set<Plan>();
  /** Plans the parts; `onFinal` hears of each part as soon as it is final (unordered walks start on it at once). */
  const plan = async (onFinal?: (p: Plan) => void): Promise<Plan[]> => {
    const rootKey = typeof callerFilter?.beginsWith === 'string' ? callerFilter.beginsWith : '';
    const root = await range(rootKey);
    if (!root) return [];
    frontier.add(root);
    const shares = workers * (opts.segment?.count ?? 1);
    const target = direction ? bufferPages * limit : Math.max(2 * limit, Math.ceil((root.total ?? 0) / (2 * shares)));
    const final: Plan[] = [];
    let pending = [root];
    for (let round = 0; pending.length && round < 64; round++) {
      const next: Plan[] = [];
      await Promise.all(
        pending.map(async (p) => {
          // Without totals, split while there are fewer parts than workers (deterministic either way).
          const big = p.total !== undefined ? p.total > target : final.length + pending.length < 4 * shares;
          const children = big ? await splitPart(p) : undefined;
          frontier.delete(p);
          if (children) {
            next.push(...children);
            for (const c of children) frontier.add(c);
          } else {
            final.push(p);
            onFinal?.(p);
          }
        }),
      );
      pending = next;
    }
    final.push(...pending);
    for (const p of pending) onFinal?.(p);
    frontier.clear();
    return final.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };

  const runs: PartRun[] = [];
  const runOf = (p: { key: string; exact?: true | undefined; total?: number | undefined; token?: string | null; done?: boolean }): PartRun => ({
    key: p.key,
    ...(p.exact ? { exact: true as const } : {}),
    total: p.total ?? 0,
    token: p.token ?? null,
    fetched: p.done ?? false,
    started: false,
    buffer: [],
    consumedToken: p.token ?? null,
    consumedDone: p.done ?? false,
  });
  const state = (override?: { run: PartRun; token: string | null; done: boolean }): Vars => ({
    [RESUME_KEY]: {
      parts: [
        ...runs.map((r) => {
          const [token, done] = override?.run === r ? [override.token, override.done] : [r.consumedToken, r.consumedDone];
          return { key: r.key, ...(r.exact ? { exact: true as const } : {}), token, done };
        }),
        ...[...frontier].map((p) => ({ key: p.key, ...(p.exact ? { exact: true as const } : {}), token: null, done: false })),
      ],
    } satisfies PartitionState,
  });

  const arrivals: PartRun[] = []; // unordered: parts in the order their pages arrived
  let head = 0; // ordered: the part being handed over
  let buffered = 0;
  const walkPart = async (run: PartRun) => {
    const { first, fetchStep } = nextTokenSteps(spec, fetchLimited, partVars(run.key, run.exact), callOptions, operationName, run.token);
    let vars: Vars | null = first;
    while (vars && !failure) {
      // Bounded buffering: ordered walks hold at most `bufferPages` per part, for at most 2 × `workers` parts;
      // unordered walks at most `workers + readAhead` pages overall.
      while (!failure && (direction ? run.buffer.length >= bufferPages : buffered >= workers + opts.readAhead)) await wake.wait();
      if (failure) return;
      const step = await fetchStep(vars, walk.signal);
      // An item outside its part would come twice (its own part has it too): the server did not filter as asked.
      for (const item of pageItems(spec, step.page)) {
        const key = (item as Vars)[split.field];
        if (typeof key !== 'string') {
          throw new PaginationError(`${operationName}: an item has no ${split.field}; a walk in parts needs it selected to keep the parts apart`, { operationName, cursor: state() });
        }
        if (run.exact ? key !== run.key : !key.startsWith(run.key)) {
          throw new PaginationError(`${operationName}: the part ${split.field} ${run.exact ? '=' : 'beginsWith'} ${JSON.stringify(run.key)} returned ${split.field} ${JSON.stringify(key)}; the server does not filter as documented, so parts would overlap`, { operationName, cursor: state() });
        }
      }
      run.buffer.push(step);
      buffered++;
      if (!direction) arrivals.push(run);
      vars = step.after ? null : step.next;
      wake.wake();
      if (step.after) return;
    }
    run.fetched = true;
    wake.wake();
  };

  // A caller's `eq`/`in` on the key names the items already: nothing to split (segment 0 walks them).
  if (!opts.resuming && callerFilter && (callerFilter.eq != null || callerFilter.in != null)) {
    walk.release();
    if ((opts.segment?.index ?? 0) !== 0) {
      self.done = true;
      return;
    }
    const { first, fetchStep } = nextTokenSteps(spec, fetchPage, vars, options, operationName, (vars[spec.tokenVar] as string | null | undefined) || null);
    yield* chainPages(first, fetchStep, opts.readAhead, options, self, operationName);
    return;
  }
  try {
    checkAborted(options, operationName);
    // Unordered walks start on each part as soon as planning settles it; the others plan first.
    let planning = false;
    if (opts.resuming) {
      const valid = (p: unknown) => {
        const q = p as PartitionState['parts'][number] | null;
        return q !== null && typeof q === 'object' && typeof q.key === 'string' && (q.token === null || typeof q.token === 'string') && typeof q.done === 'boolean' && (q.exact === undefined || q.exact === true);
      };
      if (opts.resume === null || typeof opts.resume !== 'object' || !Array.isArray(opts.resume.parts) || !opts.resume.parts.every(valid)) {
        throw new ValidationError(`${operationName}: ${RESUME_KEY} is not a partitioned walk's position`, { operationName, field: RESUME_KEY });
      }
      for (const p of opts.resume.parts) runs.push(runOf(p));
    } else if (!direction && !opts.segment) {
      planning = true;
      plan((p) => {
        runs.push(runOf(p));
        wake.wake();
      }).then(
        () => {
          planning = false;
          wake.wake();
        },
        (error: unknown) => {
          failure ??= { error };
          walk.abort();
          wake.wake();
        },
      );
    } else {
      let planned = await plan();
      if (opts.segment) planned = segmentOf(planned, opts.segment);
      for (const p of planned) runs.push(runOf(p));
    }
    if (direction === 'desc') runs.reverse();
    if (!direction && !planning) runs.sort((a, b) => b.total - a.total); // largest first balances the workers
    // Until a page is handed over, resuming means starting over (planning may not have found the root yet).
    self.position = self.before = opts.resuming ? state() : {};
    if (!planning && runs.every((r) => r.consumedDone)) {
      self.done = true;
      return;
    }
    let nextPart = 0;
    const worker = async () => {
      for (;;) {
        if (failure) return;
        if (direction) while (!failure && nextPart < runs.length && nextPart >= head + 2 * workers) await wake.wait();
        while (!failure && planning && nextPart >= runs.length) await wake.wait();
        const index = nextPart++;
        if (index >= runs.length || failure) return;
        const run = runs[index]!;
        if (run.fetched) continue;
        run.started = true;
        await walkPart(run);
      }
    };
    const pool = Promise.all(Array.from({ length: workers }, worker)).catch((error: unknown) => {
      failure ??= { error };
      walk.abort();
      wake.wake();
    });
    pool.catch(noop);
    for (;;) {
      if (failure) throw failure.error;
      let run: PartRun | undefined;
      if (direction) {
        while (head < runs.length && runs[head]!.fetched && runs[head]!.buffer.length === 0) {
          head++;
          wake.wake();
        }
        if (head >= runs.length) break;
        if (runs[head]!.buffer.length) run = runs[head];
      } else {
        run = arrivals.shift();
        if (!run && !planning && runs.every((r) => r.fetched)) break;
      }
      if (!run) {
        await wake.wait();
        continue;
      }
      const step = run.buffer.shift()!;
      buffered--;
      wake.wake();
      const beforeToken = run.consumedToken;
      const beforeDone = run.consumedDone;
      run.consumedToken = (step.position[spec.tokenVar] as string | null) ?? null;
      run.consumedDone = !step.next && !step.after;
      self.before = state({ run, token: beforeToken, done: beforeDone });
      self.position = state();
      if (!direction && !planning && !arrivals.length && runs.every((r) => r.fetched && r.consumedDone)) self.done = true;
      if (direction && runs.every((r) => r.consumedDone)) self.done = true;
      yield step.page;
      if (step.after) throw step.after;
      checkAborted(options, operationName);
    }
    if (failure) throw (failure as { error: unknown }).error;
    self.done = true;
  } catch (err) {
    throw callerError(err, options, operationName);
  } finally {
    failure ??= { error: undefined };
    walk.release();
    walk.abort();
    wake.wake();
  }
}

/** The parts of segment `index`: contiguous in key order, cut where the running total crosses each share. */
function segmentOf(parts: Plan[], segment: { index: number; count: number }): Plan[] {
  const total = parts.reduce((sum, p) => sum + (p.total ?? 1), 0);
  let seen = 0;
  return parts.filter((p) => {
    const at = seen;
    seen += p.total ?? 1;
    return Math.min(segment.count - 1, Math.floor((at * segment.count) / Math.max(1, total))) === segment.index;
  });
}

/**
 * Segment i of n of an offset list: a one-item probe reads the count, and the segment walks its range of
 * pages (pages split as evenly as they go), fetching `concurrency` at once.
 */
export async function* offsetSegmentPages(spec: Extract<PaginationSpec, { style: 'offset' }>, fetchPage: PageFetcher, vars: Vars, options: CallOptions, concurrency: number, segment: { index: number; count: number }, self: Cursor, operationName: string): AsyncGenerator<unknown> {
  const limit = offsetLimit(spec, vars, operationName);
  if (!spec.count || spec.items === '') throw new PaginationError(`${operationName}: this offset list reports no count, so it cannot be cut into segments`, { operationName });
  checkAborted(options, operationName);
  const start = (vars[spec.offsetVar] as number | undefined) ?? 0;
  const probe = await fetchPage({ ...vars, [spec.offsetVar]: start, [spec.limitVar]: 1 }, options).catch((err: unknown) => {
    throw callerError(err, options, operationName);
  });
  const total = countOf(spec, probe);
  if (total === undefined) throw new PaginationError(`${operationName}: the probe for the list's ${spec.count} got none; cannot cut it into segments`, { operationName });
  const pages = Math.ceil(Math.max(0, total - start) / limit);
  const from = start + Math.floor((pages * segment.index) / segment.count) * limit;
  const to = start + Math.floor((pages * (segment.index + 1)) / segment.count) * limit;
  if (from >= to) {
    self.done = true;
    return;
  }
  yield* offsetPages(spec, fetchPage, { ...vars, [spec.offsetVar]: from }, options, concurrency, self, operationName, to);
}
