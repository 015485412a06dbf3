import type { AuthStrategy } from '../auth/types.js';
import {
  ApiError,
  AuthError,
  ConnectionError,
  GraphQLResponseError,
  HttpError,
  SdkError,
  TimeoutError,
  UNAUTHORIZED_PATTERN,
  ValidationError,
  type GraphQLErrorEntry,
} from '../errors/index.js';
import { createEmitter, redact, type Logger, type LogLevel, type SdkEvent } from './observability.js';
import { bodyPrefixOf, type OperationDescriptor } from './operation.js';
import { DEFAULT_RETRY, abortErrorFrom, backoffDelay, resolveRetry, retryAfterMs, sleep, type RetryOptions } from './retry.js';
import { httpTransport } from './http-transport.js';
import { fetchTransport, type FetchLike, type HeadersLike, type Transport, type TransportResponse } from './transport.js';
import { validateVariables } from './validate.js';
import { isErrorMember } from '../results/index.js';

export interface ExecutorOptions {
  endpoint: string;
  auth: AuthStrategy;
  /** Replace the HTTP layer (e.g. `graphqlRequestTransport` from `@sdk/core/graphql-request`). */
  transport?: Transport | undefined;
  /** Send requests with this fetch instead of node:http (instrumented fetch, tests stubbing fetch). */
  fetch?: FetchLike | undefined;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /** Per-attempt timeout, including reading the body. Default 30 s. */
  timeoutMs?: number | undefined;
  /** Optional deadline for a whole call across retries. */
  deadlineMs?: number | undefined;
  /** Retry policy, or a number of retries. Default 2 retries, 0.5 s doubling, 8 s cap. */
  retry?: number | Partial<RetryOptions> | undefined;
  logger?: Logger | undefined;
  /** Minimum level passed to `logger`. Default `info`. */
  logLevel?: LogLevel | undefined;
  /** Hook for every request, response, retry, error, warning and token event (no secrets: names, numbers, scrubbed errors). */
  onEvent?: ((event: SdkEvent) => void) | undefined;
  /**
   * Union members that mean "try again": `throttle` is safe to retry even for mutations (the server
   * refused the work); `transient` is retried for queries only.
   */
  retryableResults?: Readonly<Record<string, 'throttle' | 'transient'>> | undefined;
  /** For tests: the randomness behind jitter. */
  random?: (() => number) | undefined;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout for this call. */
  timeoutMs?: number | undefined;
  /** Deadline for this call across retries. */
  deadlineMs?: number | undefined;
  headers?: Record<string, string> | undefined;
  /** Retry policy for this call, or a number of retries (0 disables). */
  retry?: number | Partial<RetryOptions> | undefined;
  /** Called before each retry wait; `throttled` when the server answered with a rate limit (paginate/ slows a whole walk). */
  onRetry?: ((delayMs: number, throttled: boolean) => void) | undefined;
}

export interface ResponseMeta {
  status: number;
  headers: HeadersLike;
  requestId: string | undefined;
  attempts: number;
  durationMs: number;
}

export interface ExecuteResult<T> {
  data: T;
  response: ResponseMeta;
}

/** `throw`: error members become ApiError; `union`: the member is returned as the result. */
export type ResultMode = 'throw' | 'union';

const REQUEST_ID_HEADERS = ['x-request-id', 'x-amzn-requestid', 'x-amz-request-id', 'request-id', 'x-correlation-id'];
const THROTTLED = /throttl|rate.?limit|too many requests/i;

function requestIdOf(headers: HeadersLike | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

function headersToObject(headers: HeadersLike, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = secrets.length ? redact(value, secrets) : value;
  });
  return out;
}

function errorSays(errors: readonly GraphQLErrorEntry[], pattern: RegExp, codes: readonly string[]): boolean {
  return errors.some((e) => {
    const code = e.extensions?.code ?? e.errorType;
    return (typeof code === 'string' && codes.includes(code.toUpperCase())) || pattern.test(String(e.message)) || (typeof e.errorType === 'string' && pattern.test(e.errorType));
  });
}

/** Why an attempt failed and whether another attempt is safe. */
interface Failure {
  error: SdkError;
  /** `safe`: the server surely did no work (refused, throttled); `unsafe`: it may have; `never`: do not retry. */
  retry: 'safe' | 'unsafe' | 'never';
  unauthorized?: boolean;
  serverDelayMs?: number | undefined;
  status?: number | undefined;
  /** The raw union member, for the non-throwing form. */
  member?: unknown;
}

export interface Executor {
  execute<T = unknown>(operation: OperationDescriptor, variables: Record<string, unknown> | undefined, options: CallOptions | undefined, mode?: ResultMode): Promise<ExecuteResult<T>>;
  /** Emits SdkEvents to the client's logger/hook (also used by auth and subscriptions). */
  readonly emit: ((event: SdkEvent) => void) | undefined;
  readonly endpoint: string;
  readonly auth: AuthStrategy;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { endpoint, auth } = options;
  if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
    throw new ValidationError(`endpoint must be an http(s) URL, got ${JSON.stringify(String(endpoint))}`, { field: 'endpoint' });
  }
  const transport = options.transport ?? (options.fetch ? fetchTransport(options.fetch) : httpTransport());
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [key, value] of Object.entries(options.headers ?? {})) baseHeaders[key.toLowerCase()] = value;
  const clientRetry = resolveRetry(DEFAULT_RETRY, options.retry);
  const clientTimeout = options.timeoutMs ?? 30_000;
  const random = options.random ?? Math.random;
  const retryableResults = options.retryableResults ?? {};
  const emit = createEmitter(options.logger, options.logLevel ?? 'info', options.onEvent, () => auth.secrets());
  if (emit) auth.connect?.(emit);
  // Static auth (API keys) gives the same headers object every time: merge it once.
  let mergedFor: Record<string, string> | undefined;
  let merged: Record<string, string> = baseHeaders;

  function headersFor(authHeaders: Record<string, string>, extra: Record<string, string> | undefined): Record<string, string> {
    let out: Record<string, string>;
    if (authHeaders === mergedFor) out = merged;
    else {
      out = { ...baseHeaders, ...authHeaders };
      if (Object.isFrozen(authHeaders)) {
        mergedFor = authHeaders;
        merged = out;
      }
    }
    if (!extra) return out;
    out = { ...out };
    for (const [key, value] of Object.entries(extra)) out[key.toLowerCase()] = value;
    return out;
  }

  function scrub(text: string): string {
    return redact(text, auth.secrets());
  }

  /** Scrubbed deep copy of server-sent JSON kept on errors (GraphQL errors, partial data, union members). */
  function scrubJson<T>(value: T): T {
    const secrets = auth.secrets();
    if (value === undefined || secrets.length === 0) return value;
    return JSON.parse(redact(JSON.stringify(value), secrets)) as T;
  }

  function classify(op: OperationDescriptor, res: TransportResponse, mode: ResultMode, attempts: number): { ok: true; data: unknown } | Failure {
    const requestId = requestIdOf(res.headers);
    const ctx = { operationName: op.name, requestId, attempts };
    const status = res.status;
    const body = res.json as { data?: unknown; errors?: GraphQLErrorEntry[] } | undefined;
    const errors = body && Array.isArray(body.errors) && body.errors.length > 0 ? body.errors : undefined;
    if (status === 401 || (errors && errorSays(errors, UNAUTHORIZED_PATTERN, ['UNAUTHENTICATED', 'UNAUTHORIZED', 'UNAUTHORIZEDEXCEPTION']))) {
      const error = new AuthError(`${op.name} was refused as unauthorized (HTTP ${status})`, { ...ctx, status, endpoint });
      return { error, retry: 'never', unauthorized: true, status };
    }
    if (status === 403) return { error: new AuthError(`${op.name} is forbidden (HTTP 403)`, { ...ctx, status, endpoint }), retry: 'never', status };
    if (status === 429 || (errors && errorSays(errors, THROTTLED, ['THROTTLED', 'RATE_LIMITED', 'TOO_MANY_REQUESTS']))) {
      const error = errors
        ? new GraphQLResponseError(`${op.name} was throttled: ${scrub(errors.map((e) => e.message).join('; '))}`, { ...ctx, errors: scrubJson(errors), data: scrubJson(body?.data), status })
        : new HttpError(`${op.name} was throttled (HTTP 429)`, { ...ctx, status, headers: headersToObject(res.headers, auth.secrets()), body: scrub(res.text ?? '') });
      return { error, retry: 'safe', serverDelayMs: retryAfterMs(res.headers), status };
    }
    if (status < 200 || status >= 300) {
      const text = res.text ?? JSON.stringify(res.json ?? '');
      const error = errors
        ? new GraphQLResponseError(`${op.name} failed with HTTP ${status}: ${scrub(errors.map((e) => e.message).join('; '))}`, { ...ctx, errors: scrubJson(errors), data: scrubJson(body?.data), status })
        : new HttpError(`${op.name} failed with HTTP ${status}`, { ...ctx, status, headers: headersToObject(res.headers, auth.secrets()), body: scrub(text) });
      // A 5xx may come after partial work (a charge applied, then a crash): mutations retry it only on opt-in.
      const transient = status === 408 || status >= 500;
      return { error, retry: transient ? 'unsafe' : 'never', serverDelayMs: retryAfterMs(res.headers), status };
    }
    if (body === undefined || typeof body !== 'object' || body === null) {
      const error = new HttpError(`${op.name} returned a response that is not GraphQL JSON`, { ...ctx, status, headers: headersToObject(res.headers, auth.secrets()), body: scrub(res.text ?? '') });
      return { error, retry: 'never', status };
    }
    if (errors) {
      const error = new GraphQLResponseError(`${op.name} returned GraphQL errors: ${scrub(errors.map((e) => e.message).join('; '))}`, { ...ctx, errors: scrubJson(errors), data: scrubJson(body.data), status });
      return { error, retry: 'never', status };
    }
    if (body.data === null || body.data === undefined || typeof body.data !== 'object') {
      return { error: new GraphQLResponseError(`${op.name} returned no data and no errors`, { ...ctx, errors: [], status }), retry: 'never', status };
    }
    let value: unknown = body.data;
    for (const key of op.path) {
      if (value === null || value === undefined) break;
      value = (value as Record<string, unknown>)[key];
    }
    if (value === undefined) {
      return { error: new GraphQLResponseError(`${op.name} response is missing data.${op.path.join('.')}`, { ...ctx, errors: [], data: scrubJson(body.data), status }), retry: 'never', status };
    }
    if (op.errorTypenames && isErrorMember(value, op.errorTypenames)) {
      const kind = retryableResults[value.__typename];
      // The member's text comes from the server and may echo what we sent: scrub it like any error text.
      const error = new ApiError(scrubJson(value as { __typename: string }), ctx);
      if (kind) return { error, retry: kind === 'throttle' ? 'safe' : 'unsafe', status, member: value, serverDelayMs: memberRetryAfterMs(value) };
      if (mode === 'throw') return { error, retry: 'never', status };
    }
    return { ok: true, data: value };
  }

  async function execute<T>(op: OperationDescriptor, variables: Record<string, unknown> | undefined, call: CallOptions | undefined, mode: ResultMode = 'throw'): Promise<ExecuteResult<T>> {
    const vars = variables ?? {};
    validateVariables(op, vars);
    const retry = call?.retry === undefined ? clientRetry : resolveRetry(clientRetry, call.retry);
    const timeoutMs = call?.timeoutMs ?? clientTimeout;
    const deadlineMs = call?.deadlineMs ?? options.deadlineMs;
    const userSignal = call?.signal;
    const body = bodyPrefixOf(op) + JSON.stringify(vars) + '}';
    const started = Date.now();
    const deadlineAt = deadlineMs === undefined ? undefined : started + deadlineMs;
    const mayRetryUnsafe = op.kind !== 'mutation' || retry.retryMutations;
    let attempt = 0;
    let retries = 0;
    let replayed = false;

    for (;;) {
      attempt++;
      if (userSignal?.aborted) throw abortErrorFrom(userSignal, op.name);
      const deadlineError = () => new TimeoutError(`${op.name} timed out after ${deadlineMs} ms (call deadline)`, { operationName: op.name, attempts: attempt, timeoutMs: deadlineMs! });
      let authHeaders: Record<string, string>;
      try {
        // With a deadline, waiting for a token (login, refresh) counts against it too.
        const authSignal = deadlineAt === undefined ? userSignal : AbortSignal.any([...(userSignal ? [userSignal] : []), AbortSignal.timeout(Math.max(0, deadlineAt - Date.now()))]);
        const h = auth.headers({ signal: authSignal });
        authHeaders = h instanceof Promise ? await h : h;
      } catch (err) {
        if (userSignal?.aborted) throw abortErrorFrom(userSignal, op.name);
        if (deadlineAt !== undefined && Date.now() >= deadlineAt) throw deadlineError();
        throw withContext(err, op.name, attempt);
      }
      const headers = headersFor(authHeaders, call?.headers);

      // One controller per attempt: the attempt timeout, the call deadline and the caller's signal.
      const controller = new AbortController();
      let timedOut: 'attempt' | 'deadline' | undefined;
      const remaining = deadlineAt === undefined ? Infinity : deadlineAt - Date.now();
      if (remaining <= 0) throw deadlineError(); // never send a request that is already late
      const limit = Math.min(timeoutMs, remaining);
      const timer = limit === Infinity ? undefined : setTimeout(() => {
        timedOut = limit === timeoutMs ? 'attempt' : 'deadline';
        controller.abort();
      }, Math.max(0, limit));
      const onAbort = () => controller.abort();
      userSignal?.addEventListener('abort', onAbort, { once: true });
      emit?.({ type: 'request', operationName: op.name, attempt });
      const attemptStarted = emit ? Date.now() : 0;

      let failure: Failure;
      let res: TransportResponse | undefined;
      try {
        res = await transport({ url: endpoint, body, headers, signal: controller.signal, operation: op, variables: vars });
      } catch (err) {
        if (userSignal?.aborted) throw abortErrorFrom(userSignal, op.name);
        if (timedOut) {
          const error = new TimeoutError(`${op.name} timed out after ${limit} ms${timedOut === 'deadline' ? ' (call deadline)' : ''}`, { operationName: op.name, attempts: attempt, timeoutMs: limit });
          failure = { error, retry: timedOut === 'deadline' ? 'never' : 'unsafe' };
        } else if (err instanceof SdkError) {
          failure = { error: err, retry: 'never' };
        } else {
          const refused = isRefused(err);
          const error = new ConnectionError(`${op.name} could not reach the server${refused ? ' (connection refused)' : ''}: ${scrub(describeCause(err))}`, { operationName: op.name, attempts: attempt, refused });
          failure = { error, retry: refused ? 'safe' : 'unsafe' };
        }
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        userSignal?.removeEventListener('abort', onAbort);
      }

      if (res) {
        const outcome = classify(op, res, mode, attempt);
        if (emit) emit({ type: 'response', operationName: op.name, attempt, status: res.status, durationMs: Date.now() - attemptStarted, requestId: requestIdOf(res.headers) });
        if ('ok' in outcome) {
          return { data: outcome.data as T, response: { status: res.status, headers: res.headers, requestId: requestIdOf(res.headers), attempts: attempt, durationMs: Date.now() - started } };
        }
        failure = outcome;
      }
      failure = failure!;

      if (failure.unauthorized && !replayed && auth.onUnauthorized) {
        replayed = true; // a replay after refreshing credentials does not use up a retry
        let renewed = false;
        try {
          renewed = await auth.onUnauthorized(authHeaders, { signal: userSignal });
        } catch (err) {
          throw withContext(err, op.name, attempt);
        }
        if (renewed) continue;
      }
      const allowed = failure.retry === 'safe' || (failure.retry === 'unsafe' && mayRetryUnsafe);
      const delay = Math.min(failure.serverDelayMs ?? backoffDelay(retries, retry, random), failure.serverDelayMs !== undefined ? retry.maxRetryAfterMs : Infinity);
      const fitsDeadline = deadlineAt === undefined || Date.now() + delay < deadlineAt;
      if (!allowed || retries >= retry.maxRetries || !fitsDeadline) {
        failure.error.attempts = attempt;
        if (mode === 'union' && failure.error instanceof ApiError) {
          return { data: (failure.member ?? failure.error.result) as T, response: { status: res!.status, headers: res!.headers, requestId: failure.error.requestId, attempts: attempt, durationMs: Date.now() - started } };
        }
        emit?.({ type: 'error', operationName: op.name, attempt, durationMs: Date.now() - started, error: failure.error });
        throw failure.error;
      }
      emit?.({ type: 'retry', operationName: op.name, attempt, delayMs: delay, reason: failure.error.name, status: failure.status });
      call?.onRetry?.(delay, failure.retry === 'safe' && res !== undefined);
      await sleep(delay, userSignal).catch(() => {
        throw abortErrorFrom(userSignal!, op.name);
      });
      retries++;
    }
  }

  return { execute, emit, endpoint, auth };
}

/** A rate-limit member's own `retryAfter` (seconds, or a date-time) as a delay in ms. */
function memberRetryAfterMs(member: unknown): number | undefined {
  const value = (member as { retryAfter?: unknown }).retryAfter;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value * 1000);
  if (typeof value === 'string') {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  return undefined;
}

function withContext(err: unknown, operationName: string, attempts: number): SdkError {
  if (err instanceof SdkError) {
    if (err.attempts === undefined) err.attempts = attempts;
    return err;
  }
  return new AuthError(`${operationName}: could not obtain credentials`, { operationName, attempts, cause: err });
}

function isRefused(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const o = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (o.code === 'ECONNREFUSED') return true;
    if (Array.isArray(o.errors) && o.errors.some(visit)) return true;
    return visit(o.cause);
  };
  return visit(err);
}

function describeCause(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const o = e as { message?: unknown; code?: unknown; cause?: unknown };
    const text = typeof o.code === 'string' ? `${String(o.message ?? '')} (${o.code})` : String(o.message ?? e);
    if (text && !parts.includes(text)) parts.push(text);
    e = o.cause;
  }
  return parts.join(': ') || 'unknown error';
}

