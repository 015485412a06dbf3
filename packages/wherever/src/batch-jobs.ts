/**
 * `waitForBatchJob`: follow a batch job to its end with progress reports, then resolve its per-SIM
 * failures against the documented failure-code table.
 *
 * With the real-time socket it subscribes to `updatedBatchJob` first and reads the job once the
 * subscription is `ready`, then follows the events; it re-reads the job after every reconnect (AppSync
 * does not replay) and every `resyncIntervalMs` as a safety net. Over AppSync `ready` is the server's
 * confirmation, so no update falls between the subscription and the read. graphql-ws has no such
 * confirmation (`ready` only means connected): there the job is read once more, after the first event
 * or shortly after `ready`, whichever comes first. A failed safety-net read is reported as a `warning`
 * and ignored, unless it is an AuthError or the third failure in a row.
 * Without the socket (or in `auto` mode when it cannot be opened) it polls `getBatchJob`.
 *
 * It always reads the job once first: a finished job returns at once, with no socket. In `auto` mode it
 * polls while the socket connects, so a firewall that blocks WebSockets (or an msw-only test) costs no wait.
 */
import { AbortError, AuthError, ConnectionError, SdkError, ValidationError, sleep } from '@sdk/core';
import { BATCH_JOB_FAILURE_CODES, batchJobFailureDescription, isBatchJobFailureCode, type BatchJobChangeField } from './constants.js';
import type { OpenEnum, OpenResult } from '@sdk/core';
import type { BatchJobFieldsFragment as KnownBatchJob, BatchJobStatus } from './generated/graphql.js';

/** A batch job as the API may send it: statuses added after this SDK was generated included. */
type BatchJobFieldsFragment = OpenResult<KnownBatchJob>;
import type { WhereverMethods } from './generated/operations.js';
import { emitterOf, type WhereverSubscriptions } from './subscriptions.js';

export interface BatchJobProgress {
  batchJobId: number;
  currentStatus: OpenEnum<BatchJobStatus>;
  totalSims: number;
  successfulSims: number;
  failedSims: number;
  /** `successfulSims + failedSims`. */
  processedSims: number;
  /** Where this report came from: an `updatedBatchJob` event or a `getBatchJob` read. */
  source: 'subscription' | 'query';
}

export interface BatchJobSimFailure {
  iccid: string;
  custom_field_1: string | null;
  errorCodes: number[];
  /** From BATCH_JOB_FAILURE_CODES, in the order of `errorCodes` (`Unknown failure code N` for undocumented ones). */
  descriptions: string[];
  /** The changes that failed for this SIM. */
  changes: BatchJobChangeField[];
}

export interface WaitForBatchJobOptions {
  /** Called whenever the status or the counts change. */
  onProgress?: ((progress: BatchJobProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Polling interval. Default 2000 ms. */
  pollIntervalMs?: number | undefined;
  /** `true`: the subscription or fail; `false`: poll; `auto` (default): the subscription, else polling. */
  useSubscription?: boolean | 'auto' | undefined;
  /** `auto`: fall back to polling when the subscription is not confirmed within this time. Default 10 s. */
  subscriptionTimeoutMs?: number | undefined;
  /** With the subscription: re-read the job this often anyway. Default 30 s. */
  resyncIntervalMs?: number | undefined;
  /** Fetch the failed SIMs' details (listBatchJobDetails). Default true. */
  resolveFailures?: boolean | undefined;
}

export interface WaitForBatchJobResult {
  /** The job as it finished (COMPLETED, CANCELLED or FAILED). */
  job: BatchJobFieldsFragment;
  failures: BatchJobSimFailure[];
  /** How the end was observed. */
  via: 'subscription' | 'polling';
}

type Client = Pick<WhereverMethods, 'getBatchJob' | 'listBatchJobDetails'> &
  Pick<WhereverSubscriptions, 'updatedBatchJob'> & { readonly realtime?: Pick<WhereverSubscriptions['realtime'], 'protocol'> | undefined };

const TERMINAL: readonly string[] = ['COMPLETED', 'CANCELLED', 'FAILED'];
// A status added after this SDK was generated is not assumed to be running: `finishedAt` says it ended.
const isFinished = (job: BatchJobFieldsFragment) => TERMINAL.includes(job.statusDetails.currentStatus) || job.finishedAt != null;

/** The socket could not be used; in `auto` mode this means: poll instead. */
class SocketUnavailable extends Error {}
/** A read while the socket was connecting failed: that is the caller's error, not the socket's. */
class ReadFailed extends Error {}

/** Safety-net reads that may fail in a row before the wait fails with the last error. */
const MAX_RESYNC_FAILURES = 3;
/** graphql-ws: how long after `ready` the job is read again, unless an event came first. */
const SETTLE_MS = 500;

/** Reports each new state once, and never goes backwards (an old event arriving after a newer read). */
function progressReporter(batchJobId: number, onProgress: WaitForBatchJobOptions['onProgress']) {
  let lastKey = '';
  let lastProcessed = -1;
  return (job: BatchJobFieldsFragment, source: BatchJobProgress['source']) => {
    const d = job.statusDetails;
    const processed = d.successfulSims + d.failedSims;
    if (processed < lastProcessed && !isFinished(job)) return;
    const key = `${d.currentStatus}/${d.totalSims}/${d.successfulSims}/${d.failedSims}`;
    if (key === lastKey) return;
    lastKey = key;
    lastProcessed = processed;
    onProgress?.({ batchJobId, currentStatus: d.currentStatus, totalSims: d.totalSims, successfulSims: d.successfulSims, failedSims: d.failedSims, processedSims: processed, source });
  };
}

async function bySubscription(
  client: Client,
  batchJobId: number,
  options: WaitForBatchJobOptions,
  report: ReturnType<typeof progressReporter>,
): Promise<{ job: BatchJobFieldsFragment; via: WaitForBatchJobResult['via'] }> {
  const { signal } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished: BatchJobFieldsFragment | undefined;
  let readError: unknown;
  let resyncFailures = 0;
  const emit = emitterOf(client.realtime);
  const consider = (job: BatchJobFieldsFragment, source: BatchJobProgress['source']) => {
    if (job.batchJobId !== batchJobId || finished) return;
    report(job, source);
    if (isFinished(job)) {
      finished = job;
      stop.abort(); // ends the event loop below
    }
  };
  // A safety-net read: the events are the main source, so one failed read is no reason to give up.
  const reread = () =>
    readJob(client, batchJobId, stop.signal).then(
      (job) => {
        resyncFailures = 0;
        consider(job, 'query');
      },
      (err: unknown) => {
        if (stop.signal.aborted) return;
        if (err instanceof AuthError || ++resyncFailures >= MAX_RESYNC_FAILURES) {
          readError = err;
          stop.abort();
          return;
        }
        const why = err instanceof Error ? err.message : String(err);
        try {
          emit?.({ type: 'warning', operationName: 'waitForBatchJob', message: `re-reading batch job ${batchJobId} failed (${resyncFailures} in a row), still following it: ${why}` });
        } catch {
          // a throwing listener must not turn an ignored failure into an unhandled rejection
        }
      },
    );
  const sub = client.updatedBatchJob({}, { signal: stop.signal, onResubscribe: () => void reread() });
  let resync: ReturnType<typeof setInterval> | undefined;
  // graphql-ws: `ready` means connected, not that the server registered the subscription yet.
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  let settled = client.realtime?.protocol !== 'graphql-ws';
  const settle = () => {
    if (settled) return;
    settled = true;
    clearTimeout(settleTimer);
    void reread();
  };
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = options.useSubscription === true ? undefined : options.subscriptionTimeoutMs ?? 10_000;
    // `auto`: poll while the socket connects, so a blocked or slow socket costs nothing (and a job that
    // finishes meanwhile is seen by a read).
    let connected = false;
    const polled =
      options.useSubscription === true
        ? new Promise<never>(() => {})
        : pollUntil(client, batchJobId, options, report, stop.signal, () => connected).catch((err: unknown) => Promise.reject(new ReadFailed('', { cause: err })));
    let early: BatchJobFieldsFragment | undefined;
    try {
      early = await Promise.race([
        sub.ready.then(() => undefined),
        polled,
        new Promise<never>((_, reject) => {
          if (limit !== undefined) timer = setTimeout(() => reject(new ConnectionError(`updatedBatchJob was not confirmed within ${limit} ms`)), limit);
          (timer as { unref?: () => void } | undefined)?.unref?.();
        }),
      ]);
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err instanceof ReadFailed) throw err.cause; // a failed read, not the socket
      throw new SocketUnavailable('', { cause: err });
    } finally {
      connected = true;
      clearTimeout(timer);
    }
    if (early) return { job: early, via: 'polling' };
    if (!settled) settleTimer = setTimeout(settle, SETTLE_MS);
    consider(await readJob(client, batchJobId, signal), 'query');
    resync = setInterval(() => void reread(), options.resyncIntervalMs ?? 30_000);
    try {
      for await (const job of sub) {
        consider(job, 'subscription');
        if (finished) break;
        settle(); // the first event: the server has the subscription now; read what came before it
      }
    } catch (err) {
      if (finished) return { job: finished, via: 'subscription' };
      if (readError) throw readError;
      if (signal?.aborted) throw err;
      throw new SocketUnavailable('', { cause: err });
    }
    if (finished) return { job: finished, via: 'subscription' };
    if (readError) throw readError;
    throw new SocketUnavailable('', { cause: new ConnectionError('updatedBatchJob ended before the batch job finished') });
  } finally {
    clearInterval(resync);
    clearTimeout(settleTimer);
    signal?.removeEventListener('abort', onAbort);
    await sub.return();
  }
}

/** `getBatchJob`, whose answer is null for an id that does not exist (or is not visible to this key). */
async function readJob(client: Client, batchJobId: number, signal: AbortSignal | undefined): Promise<BatchJobFieldsFragment> {
  const job = (await client.getBatchJob({ batchJobId }, { signal })) as BatchJobFieldsFragment | null | undefined;
  if (!job || typeof job !== 'object' || !job.statusDetails) {
    throw new ValidationError(`waitForBatchJob: batch job ${batchJobId} was not found`, { operationName: 'waitForBatchJob', field: 'batchJobId' });
  }
  return job;
}

/** Polls `getBatchJob` (after one interval: the caller has just read it) until the job finishes or `stopped()`. */
async function pollUntil(
  client: Client,
  batchJobId: number,
  options: WaitForBatchJobOptions,
  report: ReturnType<typeof progressReporter>,
  signal: AbortSignal | undefined,
  stopped: () => boolean = () => false,
): Promise<BatchJobFieldsFragment> {
  for (;;) {
    await sleep(options.pollIntervalMs ?? 2_000, signal);
    if (stopped()) return new Promise<never>(() => {});
    const job = await readJob(client, batchJobId, signal);
    report(job, 'query');
    if (isFinished(job)) return job;
  }
}

async function failuresOf(client: Client, job: BatchJobFieldsFragment, signal: AbortSignal | undefined): Promise<BatchJobSimFailure[]> {
  const failures: BatchJobSimFailure[] = [];
  if (job.statusDetails.failedSims === 0) return failures;
  for await (const sim of client.listBatchJobDetails.all({ batchJobId: job.batchJobId, filter: { status: ['FAILED'] } }, { signal })) {
    if (!sim) continue;
    const errorCodes = (sim.details.errorCodes ?? []).filter((c): c is number => typeof c === 'number');
    const changes = errorCodes.map((c) => (isBatchJobFailureCode(c) ? BATCH_JOB_FAILURE_CODES[c].change : undefined)).filter((c): c is BatchJobChangeField => c !== undefined);
    failures.push({
      iccid: sim.iccid,
      custom_field_1: sim.custom_field_1,
      errorCodes,
      descriptions: errorCodes.map((c) => batchJobFailureDescription(c) ?? `Unknown failure code ${c}`),
      changes: [...new Set(changes)],
    });
  }
  return failures;
}

/** Intervals must be finite and positive: NaN or 0 would turn polling into a tight loop against the API. */
function checkOptions(options: WaitForBatchJobOptions): void {
  for (const key of ['pollIntervalMs', 'subscriptionTimeoutMs', 'resyncIntervalMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new ValidationError(`waitForBatchJob: ${key} must be a positive number of milliseconds`, { operationName: 'waitForBatchJob', field: key });
    }
  }
  const mode = options.useSubscription;
  if (mode !== undefined && mode !== true && mode !== false && mode !== 'auto') {
    throw new ValidationError("waitForBatchJob: useSubscription must be true, false or 'auto'", { operationName: 'waitForBatchJob', field: 'useSubscription' });
  }
}

export async function waitForBatchJob(client: Client, batchJobId: number, options: WaitForBatchJobOptions = {}): Promise<WaitForBatchJobResult> {
  checkOptions(options ?? {});
  options ??= {};
  if (options.signal?.aborted) throw new AbortError('waitForBatchJob was aborted', { operationName: 'waitForBatchJob', reason: options.signal.reason });
  const mode = options.useSubscription ?? 'auto';
  const report = progressReporter(batchJobId, options.onProgress);
  // One read first: a job that has already finished needs no socket and no wait.
  let job = await readJob(client, batchJobId, options.signal);
  report(job, 'query');
  let via: WaitForBatchJobResult['via'] = 'polling';
  if (!isFinished(job) && mode !== false) {
    try {
      ({ job, via } = await bySubscription(client, batchJobId, options, report));
    } catch (err) {
      if (!(err instanceof SocketUnavailable)) throw err;
      // Only when asked for the subscription explicitly is a socket failure the caller's problem;
      // in `auto` mode polling takes over (wrong credentials then surface from getBatchJob).
      const cause = err.cause;
      if (mode === true) throw cause instanceof SdkError ? cause : new ConnectionError('updatedBatchJob failed', { cause });
    }
  }
  if (!isFinished(job)) {
    via = 'polling';
    job = await pollUntil(client, batchJobId, options, report, options.signal);
  }
  const failures = options.resolveFailures === false ? [] : await failuresOf(client, job, options.signal);
  return { job, failures, via };
}
