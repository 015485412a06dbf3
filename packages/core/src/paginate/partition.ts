/**
 * Partitioned walks and segments.
 *
 * A nextToken list whose spec declares a `split` (wherever `listSims`: ICCID prefix) is walked as
 * disjoint parts at once. The planner finds where the data is (the smallest and the largest key under a
 * prefix, and the part's total): it skips the common prefix of the two, splits on the next character, and
 * repeats for any part larger than the target size. A split is only kept when the children's totals add up
 * to the parent's, so a key outside the declared alphabet cannot be lost. Where the walk runs in key
 * order (the caller's order, or `asc` when the caller set no order), a part's first look is a full first
 * page: a part that is not split further goes on from it, so most parts cost no probe at all; the other
 * end of a part is a one-item probe, asked only to split it. Planning requests go ahead of page requests.
 * Parts are walked by `parts` workers, largest first; pages are yielded as they arrive, or part after part
 * in key order when the caller orders by the key (each part's buffer is bounded, so memory is too).
 * `stats.probes` counts the requests spent on planning (pages handed over + probes = requests sent).
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
import { chainPages, nextTokenSteps, type Step, type StepFetcher } from './chain.js';
import { countOf, offsetLimit, offsetPages } from './offset.js';
import { callerError, checkAborted, noop, pageItems, RESUME_KEY, walkController, type Cursor, type PageFetcher, type Vars } from './shared.js';

/** Where a partitioned walk stands, as plain JSON: spread `{ [RESUME_KEY]: state }` into the variables to resume. */
export interface PartitionState {
  parts: { key: string; exact?: true; token: string | null; done: boolean }[];
}

type TokenSpec = Extract<PaginationSpec, { style: 'nextToken' }>;

interface Plan {
  key: string;
  exact?: true;
  total?: number | undefined;
  min?: string | undefined;
  max?: string | undefined;
  /** The part's first page, fetched while planning; walked from if the part is not split further. */
  step?: Step | undefined;
  /** Its first page was empty but named a next one. */
  more?: true;
}

interface PartRun {
  key: string;
  exact?: true;
  total: number;
  /** Token of the next request (null: from the start). */
  token: string | null;
  fetched: boolean;
  /** A worker took it up at least once (ordered walks: it counts against the parts walked ahead). */
  started: boolean;
  /** A worker is on it now. Ordered walks let go of a part whose buffer is full (see walkPart). */
  walking: boolean;
  /** Where its walk goes on (kept across hand-offs, with its loop guard). */
  cont?: { fetchStep: StepFetcher; vars: Vars | null } | undefined;
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
  const [orderVar, ...orderPath] = (split.order ?? '').split('.');
  const orderFor = (dir: 'asc' | 'desc'): unknown => (orderPath.length ? setPath({}, orderPath.join('.'), dir) : dir);
  // Parts are walked in key order when the caller asked for it, or (unordered, no order of the caller's)
  // ascending, so a part's first page also tells where its keys start. Segments keep one-item probes:
  // every process plans the whole list, and only its own parts' pages would be of use.
  const pageDir = opts.segment ? undefined : (direction ?? (split.order && vars[orderVar!] == null ? 'asc' : undefined));
  if (pageDir && !direction) base[orderVar!] = orderFor(pageDir);
  const limit = (spec.limitVar ? (vars[spec.limitVar] as number | undefined) : undefined) ?? spec.pageSize ?? 100;
  const workers = opts.parts;
  // Ordered walks buffer at most this many pages per part; parts are planned no larger, so each fits.
  const bufferPages = Math.max(2, opts.readAhead + 1, 16);
  const stats = self.stats;

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
  /** Runs `fn` with at most `workers` requests in flight, after any throttle pause; planning goes first in the queue. */
  const limited = async <T>(fn: () => Promise<T>, planning: boolean): Promise<T> => {
    if (active >= workers) await new Promise<void>((r) => (planning ? queue.unshift(r) : queue.push(r)));
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
  const fetchLimited: PageFetcher = (v, o) => limited(() => fetchPage(v, o), false);
  const fetchPlanning: PageFetcher = (v, o) => limited(() => fetchPage(v, o), true);

  const filterFor = (key: string, exact?: true): unknown => (exact ? { eq: key } : { ...(callerFilter ?? {}), beginsWith: key });
  const partVars = (key: string, exact?: true): Vars => setPath(base, split.filter, filterFor(key, exact));

  // First pages fetched while planning are held until handed over (unordered: at once; ordered: in turn):
  // at most `prefetchCap` at a time; beyond that a part gets a one-item probe instead.
  const prefetchCap = (direction ? 8 : 4) * workers;
  let prefetched = 0;
  const held = new WeakSet<Step>();
  const release = (step: Step | undefined, handedOver: boolean) => {
    if (!step || !held.has(step)) return;
    held.delete(step);
    prefetched--;
    if (!handedOver) stats.probes++; // fetched to plan, never handed over
    wake.wake();
  };

  // --- planning -------------------------------------------------------------------------------------
  const keyOf = (page: unknown): string | undefined => {
    const k = (pageItems(spec, page)[0] as Vars | undefined)?.[split.field];
    return typeof k === 'string' ? k : undefined;
  };
  const totalOf = (page: unknown): number | undefined => {
    const total = split.count ? (page as Vars)[split.count] : undefined;
    return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined;
  };
  /** The first key under a prefix in direction `dir`, and the total: one one-item request. */
  const probe = async (key: string, exact: true | undefined, dir: 'asc' | 'desc') => {
    const v = partVars(key, exact);
    if (split.order) v[orderVar!] = orderFor(dir);
    if (spec.limitVar) v[spec.limitVar] = 1;
    stats.probes++;
    const page = await fetchPlanning(v, callOptions);
    return { first: keyOf(page), total: totalOf(page) };
  };
  /**
   * Where a part's keys start and end, and its total. A part expected to be split further gets two one-item
   * probes at once (its smallest and largest key); one expected to fit gets its full first page (or a
   * one-item probe when too many first pages are held already).
   */
  const range = async (key: string, exact: true | undefined, expectSplit: boolean): Promise<Plan | undefined> => {
    if (expectSplit && !exact) {
      const [lo, hi] = await Promise.all([probe(key, exact, 'asc'), probe(key, exact, 'desc')]);
      if (lo.first === undefined) return lo.total ? { key, exact, total: lo.total } : undefined;
      return { key, exact, total: lo.total, min: lo.first, max: hi.first };
    }
    if (pageDir) {
      // Whether a first page can be held is decided when the request leaves, not while it waits its turn.
      const { first, fetchStep } = nextTokenSteps(spec, fetchPage, partVars(key, exact), callOptions, operationName, null);
      const got = await limited(async () => {
        if (prefetched >= prefetchCap) return undefined;
        prefetched++;
        try {
          return await fetchStep(first, walk.signal);
        } catch (err) {
          prefetched--;
          stats.probes++;
          throw err;
        }
      }, true);
      if (got) {
        const step = got;
        held.add(step);
        const k = keyOf(step.page);
        const total = totalOf(step.page);
        if (k === undefined) {
          // Nothing to start from (an empty page): walk such a part from scratch, if anything is there.
          release(step, false);
          return total || step.next ? { key, exact, total, ...(step.next ? { more: true as const } : {}) } : undefined;
        }
        return { key, exact, total, step, ...(pageDir === 'asc' ? { min: k } : { max: k }) };
      }
    }
    const lo = await probe(key, exact, 'asc');
    if (lo.first === undefined) return lo.total ? { key, exact, total: lo.total } : undefined;
    return { key, exact, total: lo.total, min: lo.first };
  };
  const alphabet = split.alphabet;
  /** Children of a part, or undefined when it cannot be split safely. */
  const splitPart = async (p: Plan, target: number): Promise<Plan[] | undefined> => {
    if (p.exact || (p.min === undefined && p.max === undefined)) return undefined;
    p.min ??= (await probe(p.key, p.exact, 'asc')).first;
    p.max ??= (await probe(p.key, p.exact, 'desc')).first;
    if (p.min === undefined || p.max === undefined || !p.min.startsWith(p.key) || !p.max.startsWith(p.key) || p.min >= p.max) return undefined;
    const q = commonPrefix(p.min, p.max);
    const lo = p.min.length > q.length ? p.min[q.length]! : alphabet[0]!;
    const hi = p.max[q.length]!;
    const chars = new Set<string>([lo, hi]);
    for (const c of alphabet) if (c > lo && c < hi) chars.add(c);
    const keys: Plan[] = [...(p.min === q ? [{ key: q, exact: true as const }] : []), ...[...chars].sort().map((c) => ({ key: q + c }))];
    const expectSplit = p.total !== undefined && p.total / keys.length > target;
    const settled = await Promise.allSettled(keys.map((k) => range(k.key, k.exact, expectSplit)));
    const children = settled.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const refuse = (err?: PromiseRejectedResult) => {
      for (const c of children) release(c?.step, false);
      if (err) throw err.reason;
      return undefined;
    };
    if (failed) return refuse(failed);
    // Keep the split only when the server filtered as asked and the children account for every item of the parent.
    const outside = (c: Plan) => [c.min, c.max].some((k) => k !== undefined && (c.exact ? k !== c.key : !k.startsWith(c.key)));
    if (children.some((c) => c !== undefined && outside(c))) return refuse();
    if (split.count && (p.total === undefined || children.some((c) => c !== undefined && c.total === undefined))) return refuse();
    if (p.total !== undefined && children.reduce((sum, c) => sum + (c?.total ?? 0), 0) !== p.total) return refuse();
    release(p.step, false);
    p.step = undefined;
    const kept: Plan[] = [];
    for (const c of children) {
      if (c === undefined) continue;
      // A child that showed (or promised) an item is kept whatever its total says.
      if ((c.total ?? 1) > 0 || c.min !== undefined || c.max !== undefined || c.more) kept.push(c);
      else release(c.step, false);
    }
    return kept;
  };
  /** Parts still being planned: a failed walk resumes them whole, so nothing is lost. */
  const frontier = new Set<Plan>();
  /** Plans the parts; `onFinal` hears of each part as soon as it is final (unordered walks start on it at once). */
  const plan = async (onFinal?: (p: Plan) => void): Promise<Plan[]> => {
    const rootKey = typeof callerFilter?.beginsWith === 'string' ? callerFilter.beginsWith : '';
    const root = await range(rootKey, undefined, false);
    if (!root) return [];
    frontier.add(root);
    const shares = workers * (opts.segment?.count ?? 1);
    const target = direction ? bufferPages * limit : Math.max(2 * limit, Math.ceil((root.total ?? 0) / (2 * shares)));
    const final: Plan[] = [];
    // Each part is decided as soon as its own split is settled (not round by round), so first pages
    // fetched while planning are handed over early; the depth is bounded.
    const decide = async (p: Plan, depth: number): Promise<void> => {
      // Without totals, split to a fixed depth (a split makes at least two parts): the same plan in every process.
      const big = depth < 64 && (p.total !== undefined ? p.total > target : depth < Math.ceil(Math.log2(4 * shares)));
      const children = big ? await splitPart(p, target) : undefined;
      frontier.delete(p);
      if (!children) {
        final.push(p);
        onFinal?.(p);
        return;
      }
      for (const c of children) frontier.add(c);
      await Promise.all(children.map((c) => decide(c, depth + 1)));
    };
    await decide(root, 0);
    frontier.clear();
    return final.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };

  const runs: PartRun[] = [];
  const runOf = (p: { key: string; exact?: true | undefined; total?: number | undefined; token?: string | null; done?: boolean; step?: Step | undefined }): PartRun => {
    const run: PartRun = {
      key: p.key,
      ...(p.exact ? { exact: true as const } : {}),
      total: p.total ?? 0,
      token: p.token ?? null,
      fetched: p.done ?? false,
      started: false,
      walking: false,
      buffer: [],
      consumedToken: p.token ?? null,
      consumedDone: p.done ?? false,
    };
    if (p.step) {
      // The part goes on from its first page (already fetched while planning).
      check(run, p.step);
      run.buffer.push(p.step);
      run.token = (p.step.position[spec.tokenVar] as string | null) ?? null;
      if (!p.step.next) run.fetched = true;
      if (!direction) arrivals.push(run);
    }
    return run;
  };
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
  /** An item outside its part would come twice (its own part has it too): the server did not filter as asked. */
  const check = (run: PartRun, step: Step) => {
    for (const item of pageItems(spec, step.page)) {
      const key = (item as Vars)[split.field];
      if (typeof key !== 'string') {
        throw new PaginationError(`${operationName}: an item has no ${split.field}; a walk in parts needs it selected to keep the parts apart`, { operationName, cursor: state() });
      }
      if (run.exact ? key !== run.key : !key.startsWith(run.key)) {
        throw new PaginationError(`${operationName}: the part ${split.field} ${run.exact ? '=' : 'beginsWith'} ${JSON.stringify(run.key)} returned ${split.field} ${JSON.stringify(key)}; the server does not filter as documented, so parts would overlap`, { operationName, cursor: state() });
      }
    }
  };

  const arrivals: PartRun[] = []; // unordered: parts in the order their pages arrived
  let head = 0; // ordered: the part being handed over
  let buffered = 0;
  /**
   * Walks a part. Bounded buffering: ordered walks hold at most `bufferPages` per part, for at most
   * 2 × `workers` parts ahead of the consumer plus the part it needs next; unordered walks at most
   * `workers + readAhead` pages overall (plus first pages held from planning). An ordered part whose
   * buffer is full is let go (its walk goes on later from `cont`): a worker that waited on it could leave
   * the part the consumer needs without a worker, and the walk would stall.
   */
  const walkPart = async (run: PartRun) => {
    if (!run.cont) {
      const { first, fetchStep } = nextTokenSteps(spec, fetchLimited, partVars(run.key, run.exact), callOptions, operationName, run.token);
      run.cont = { fetchStep, vars: first };
    }
    const cont = run.cont;
    while (cont.vars && !failure) {
      if (direction && run.buffer.length >= bufferPages) return;
      while (!failure && !direction && buffered >= workers + opts.readAhead) await wake.wait();
      if (failure) return;
      const step = await cont.fetchStep(cont.vars, walk.signal);
      check(run, step);
      run.buffer.push(step);
      buffered++;
      if (!direction) arrivals.push(run);
      cont.vars = step.after ? null : step.next;
      wake.wake();
    }
    if (!failure) run.fetched = true;
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
    // Parts are walked while planning goes on: unordered walks start on each part as soon as planning
    // settles it; ordered walks hand a part over once no part still being planned comes before it.
    let planning = false;
    const precedes = (a: string, b: string) => (direction === 'desc' ? a > b : a < b);
    /** Adds a run in walk order (ordered walks); planning only ever adds runs after those handed over. */
    const insert = (run: PartRun) => {
      let i = runs.length;
      if (direction) while (i > 0 && precedes(run.key, runs[i - 1]!.key)) i--;
      runs.splice(i, 0, run);
      if (i < head) head = i;
    };
    if (opts.resuming) {
      const valid = (p: unknown) => {
        const q = p as PartitionState['parts'][number] | null;
        return q !== null && typeof q === 'object' && typeof q.key === 'string' && (q.token === null || typeof q.token === 'string') && typeof q.done === 'boolean' && (q.exact === undefined || q.exact === true);
      };
      if (opts.resume === null || typeof opts.resume !== 'object' || !Array.isArray(opts.resume.parts) || !opts.resume.parts.every(valid)) {
        throw new ValidationError(`${operationName}: ${RESUME_KEY} is not a partitioned walk's position`, { operationName, field: RESUME_KEY });
      }
      for (const p of opts.resume.parts) insert(runOf(p));
    } else if (!opts.segment) {
      planning = true;
      plan((p) => {
        insert(runOf(p));
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
      // Segments plan first: each process takes its share of the whole plan.
      for (const p of segmentOf(await plan(), opts.segment)) insert(runOf(p));
    }
    // Until a page is handed over, resuming means starting over (planning may not have found the root yet).
    self.position = self.before = opts.resuming ? state() : {};
    if (!planning && runs.every((r) => r.consumedDone)) {
      self.done = true;
      return;
    }
    const exhausted = (r: PartRun) => r.fetched && r.buffer.length === 0;
    /** Ordered: a part still being planned may come before `run`; then `run` waits. */
    const blocked = (run: PartRun) => {
      if (!planning) return false;
      for (const f of frontier) if (!precedes(run.key, f.key)) return true;
      return false;
    };
    /**
     * The next part to walk. Unordered: the largest (it balances the workers). Ordered: the first in walk
     * order with room in its buffer; a part not yet started only while fewer than 2 × `workers` started
     * parts wait ahead of the consumer (bounded buffers), except the part the consumer takes next: planning
     * may settle a part before parts already walked, and it must not wait for them to be handed over. (No
     * part can be settled before that one, so at most one part is walked beyond the 2 × `workers`.)
     */
    const pick = (): PartRun | undefined => {
      let best: PartRun | undefined;
      if (direction) {
        let open = 0;
        let next: PartRun | undefined;
        for (let i = head; i < runs.length; i++) {
          const r = runs[i]!;
          if (exhausted(r)) continue;
          next ??= r;
          if (r.started) open++;
        }
        for (let i = head; i < runs.length; i++) {
          const r = runs[i]!;
          if (!r.walking && !r.fetched && r.buffer.length < bufferPages && (r.started || open < 2 * workers || (r === next && !blocked(r)))) return r;
        }
        return undefined;
      }
      for (const r of runs) if (!r.walking && !r.fetched && (!best || r.total > best.total)) best = r;
      return best;
    };
    const worker = async () => {
      while (!failure) {
        const run = pick();
        if (run) {
          run.started = run.walking = true;
          try {
            await walkPart(run);
          } finally {
            run.walking = false;
          }
        } else if (!planning && !runs.some((r) => !r.walking && !r.fetched)) return;
        else await wake.wait();
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
        while (head < runs.length && exhausted(runs[head]!)) {
          head++;
          wake.wake();
        }
        if (head >= runs.length && !planning) break;
        const r = runs[head];
        if (r?.buffer.length && !blocked(r)) run = r;
      } else {
        run = arrivals.shift();
        if (!run && !planning && runs.every((r) => r.fetched)) break;
      }
      if (!run) {
        await wake.wait();
        continue;
      }
      const step = run.buffer.shift()!;
      if (held.has(step)) release(step, true);
      else buffered--;
      wake.wake();
      const beforeToken = run.consumedToken;
      const beforeDone = run.consumedDone;
      run.consumedToken = (step.position[spec.tokenVar] as string | null) ?? null;
      run.consumedDone = !step.next && !step.after;
      self.before = state({ run, token: beforeToken, done: beforeDone });
      self.position = state();
      if (!planning && (direction || !arrivals.length) && runs.every((r) => r.fetched && r.consumedDone)) self.done = true;
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
  self.stats.probes++;
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
