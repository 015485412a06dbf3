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
  UnexpectedResultError,
  ValidationError,
  type GraphQLErrorEntry,
} from '../errors/index.js';
import { createScrubber, type Scrubber } from '../secrets/index.js';
import { CORE_VERSION } from '../version.js';
import { ResponseInfo, createEmitter, requestIdOf, retryReason, wantsCallEvents, type Logger, type LogLevel, type SdkEvent } from './observability.js';
import { bodyPrefixBytesOf, bodyPrefixOf, type OperationDescriptor } from './operation.js';
import { DEFAULT_RETRY, abortErrorFrom, backoffDelay, resolveRetry, retryAfterMs, sleep, type RetryOptions } from './retry.js';
import { clearDeadline, setDeadline } from './deadlines.js';
import { httpTransport } from './http-transport.js';
import { ATTEMPT, AttemptControl, AttemptRequest, DEFAULT_MAX_RESPONSE_BYTES, type BodyParts, fetchTransport, usesAttempt, redirectErrorFor, type FetchLike, type HeadersLike, type Transport, type TransportResponse } from './transport.js';
import { describe, validateBytes, validateEndpoint, validateHeaders, validateMs } from './options.js';
import { validateVariables } from './validate.js';
import { isErrorMember, unknownMember } from '../results/index.js';
import type { Telemetry, TelemetryOptions } from '../telemetry/index.js';
import { createTelemetry } from '../telemetry/lazy.js';

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
  /**
   * Largest decoded (decompressed) response body accepted, in bytes; reading stops there with a
   * ResponseTooLargeError. Default 32 MiB.
   */
  maxResponseBytes?: number | undefined;
  logger?: Logger | undefined;
  /** Minimum level passed to `logger`. Default `info`. The `SDK_LOG` environment variable overrides it. */
  logLevel?: LogLevel | undefined;
  /** What this client calls itself in log lines (`[wherever] …`). Default: the vendor's name. */
  name?: string | undefined;
  /** Add the request's variables (scrubbed) to `request` events and debug lines. Default false. */
  logVariables?: boolean | undefined;
  /** Appended to the SDK's `User-Agent`, e.g. `fleet-sync/2.1`. */
  userAgent?: string | undefined;
  /** The vendor package behind this client, for the `User-Agent` (set by the vendor's createXClient). */
  sdk?: { name: string; version: string } | undefined;
  /** Hook for every request, response, retry, error, warning and token event (no secrets: names, numbers, scrubbed errors). */
  onEvent?: ((event: SdkEvent) => void) | undefined;
  /**
   * Union members that mean "try again": `throttle` is safe to retry even for mutations (the server
   * refused the work); `transient` is retried for queries only.
   */
  retryableResults?: Readonly<Record<string, 'throttle' | 'transient'>> | undefined;
  /** For tests: the randomness behind jitter. */
  random?: (() => number) | undefined;
  /**
   * OpenTelemetry spans and metrics, on by default when `@opentelemetry/api` is installed: `false` turns
   * them off; an object passes your own tracer/meter or switches parts (see TelemetryOptions).
   */
  telemetry?: TelemetryOptions | false | undefined;
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
  /** Size cap for this call's decoded response body, in bytes. */
  maxResponseBytes?: number | undefined;
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

const THROTTLED = /throttl|rate.?limit|too many requests/i;
const THROTTLE_CODES = ['THROTTLED', 'RATE_LIMITED', 'TOO_MANY_REQUESTS', 'THROTTLINGEXCEPTION'];
const UNAUTHORIZED_CODES = ['UNAUTHENTICATED', 'UNAUTHORIZED', 'UNAUTHORIZEDEXCEPTION'];
/** Nesting kept of server JSON copied onto errors: deeper parts are cut, so no recursion over it can overflow. */
const MAX_KEPT_DEPTH = 32;

/**
 * A copy of server JSON safe to keep on an error: nesting past MAX_KEPT_DEPTH becomes a marker string, so
 * JSON.stringify, util.inspect and scrubbing never meet a 10,000-deep structure.
 */
function boundedCopy(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_KEPT_DEPTH) return '[nested too deep: cut by the SDK]';
  if (Array.isArray(value)) return value.map((v) => boundedCopy(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copy = boundedCopy((value as Record<string, unknown>)[key], depth + 1);
    // JSON.parse makes "__proto__" an own key; assigning it would set the copy's prototype and lose it.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[key] = copy;
  }
  return out;
}

/** GraphQL `errors` as the server sent them, made safe to read: every entry an object with a string message. */
function normalizeErrors(list: readonly unknown[]): GraphQLErrorEntry[] {
  return list.map((entry) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return { message: `malformed error entry: ${String(JSON.stringify(boundedCopy(entry))).slice(0, 200)}` };
    const copy = boundedCopy(entry) as GraphQLErrorEntry;
    if (typeof copy.message !== 'string') copy.message = copy.message === undefined ? '(no message)' : String(JSON.stringify(copy.message)).slice(0, 200);
    if (copy.path !== undefined && !Array.isArray(copy.path)) delete copy.path;
    return copy;
  });
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

type Outcome = { ok: true; data: unknown } | Failure;

export interface Executor {
  execute<T = unknown>(operation: OperationDescriptor, variables: Record<string, unknown> | undefined, options: CallOptions | undefined, mode?: ResultMode): Promise<ExecuteResult<T>>;
  /** Emits SdkEvents to the client's logger/hook (also used by auth and subscriptions). */
  readonly emit: ((event: SdkEvent) => void) | undefined;
  readonly endpoint: string;
  readonly auth: AuthStrategy;
  /** Set when OpenTelemetry is on (the client builder wraps page iterators with it). */
  readonly telemetry?: Telemetry | undefined;
  /** The client's scrubber (every secret held so far), for other sinks such as subscriptions and telemetry. */
  readonly scrubber: Scrubber;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { endpoint } = options;
  // Every option is checked here, at construction: before a login sends a password, before any request.
  validateEndpoint(endpoint);
  const clientTimeout = validateMs(options.timeoutMs, 'timeoutMs') ?? 30_000;
  const clientDeadline = validateMs(options.deadlineMs, 'deadlineMs');
  const clientMaxBytes = validateBytes(options.maxResponseBytes, 'maxResponseBytes') ?? DEFAULT_MAX_RESPONSE_BYTES;
  // OpenTelemetry wraps the call, the transport and the auth strategy and listens to the events (telemetry/).
  const telemetry = createTelemetry(options.telemetry, { endpoint, scrub: (text) => scrub(text) });
  const auth = telemetry ? telemetry.auth(options.auth) : options.auth;
  const baseTransport = options.transport ?? (options.fetch ? fetchTransport(options.fetch) : httpTransport());
  const transport = telemetry ? telemetry.transport(baseTransport) : baseTransport;
  // The SDK's own transport cancels through AttemptControl: no AbortController per attempt (see AttemptControl).
  const native = usesAttempt(transport);
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  for (const [key, value] of Object.entries(validateHeaders(options.headers, 'headers') ?? {})) baseHeaders[key.toLowerCase()] = String(value);
  const clientRetry = resolveRetry(DEFAULT_RETRY, options.retry);
  const random = options.random ?? Math.random;
  const retryableResults = options.retryableResults ?? {};
  // One scrubber for every sink; it learns each token as it is issued (auth events) and keeps rotated ones.
  for (const key of ['name', 'userAgent'] as const) {
    const value = options[key];
    // Printable ASCII only: both end up in a header or a log prefix (no CR/LF injection, no odd bytes).
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '' || !/^[\x20-\x7e]+$/.test(value))) {
      throw new ValidationError(`${key} must be a non-empty string of printable ASCII characters`, { field: key });
    }
  }
  const scrubber = createScrubber(() => auth.secrets());
  const url = new URL(endpoint);
  const name = options.name ?? options.sdk?.name.replace(/^@[^/]+\//, '') ?? 'sdk';
  const emit = createEmitter(options.logger, options.logLevel ?? 'info', telemetry ? telemetry.listen(options.onEvent) : options.onEvent, scrubber, { name, host: url.host, path: url.pathname });
  // Telemetry listens for retries, tokens and subscriptions only: request/response events are built for a hook or a debug log.
  const emitCall = emit && wantsCallEvents(options.logger, options.logLevel ?? 'info', options.onEvent, name) ? emit : undefined;
  auth.connect?.((event) => {
    scrubber.observe();
    emit?.(event);
  });
  const logVariables = options.logVariables === true;
  // Built once: the vendor package, core and Node; the caller's own part last.
  const userAgent = [options.sdk ? `${options.sdk.name}/${options.sdk.version}` : undefined, `@sdk/core/${CORE_VERSION}`, `node/${process.version}`, baseHeaders['user-agent'], options.userAgent]
    .filter((part) => typeof part === 'string' && part.trim() !== '')
    .join(' ');
  baseHeaders['user-agent'] = userAgent;
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
    return scrubber.text(text);
  }

  /** Scrubbed copy of server-sent JSON kept on errors (GraphQL errors, partial data, union members), walked with bounded depth. */
  function scrubJson<T>(value: T): T {
    return scrubber.json(value);
  }

  function headersToObject(headers: HeadersLike, _secrets?: unknown): Record<string, string> {
    return scrubber.headers(headers).toObject();
  }

  /** Never throws: anything unreadable in a response becomes a typed error. */
  function classify(op: OperationDescriptor, res: TransportResponse, mode: ResultMode, attempts: number): Outcome {
    try {
      return classifyResponse(op, res, mode, attempts);
    } catch (err) {
      const error = new HttpError(`${op.name} returned a response the SDK could not read: ${scrub(describeCause(err))}`, { operationName: op.name, attempts, status: res?.status ?? 0 });
      return { error, retry: 'never', status: res?.status };
    }
  }

  /**
   * The one rule for retries. A response that carries `data` is final. Without data, only what shows the
   * server did no work is `safe` to resend (429, a request-level throttle error); 5xx, 408 and unreadable
   * 2xx bodies are `unsafe` (queries only, unless the caller opts in); request-level auth failures refresh
   * and replay once. "Request-level" means no data and no error naming a field `path`: a field error shows
   * execution started.
   */
  function classifyResponse(op: OperationDescriptor, res: TransportResponse, mode: ResultMode, attempts: number): Outcome {
    const status = res.status;
    const json = res.json;
    // The common answer (2xx, data, no errors) is read without building anything for the error paths.
    if (status >= 200 && status < 300 && json !== null && typeof json === 'object') {
      const { data, errors } = json as { data?: unknown; errors?: unknown };
      if (data !== null && data !== undefined && (errors === undefined || errors === null || (Array.isArray(errors) && errors.length === 0)) && !Array.isArray(json)) {
        return classifyData(op, res, mode, attempts, data);
      }
    }
    return classifyFailure(op, res, mode, attempts);
  }

  /** What an error carries about its response: built for errors only (a success never reads or scrubs its request id). */
  function contextOf(op: OperationDescriptor, res: TransportResponse, attempts: number) {
    const rawId = requestIdOf(res.headers);
    return { operationName: op.name, requestId: rawId === undefined ? undefined : scrub(rawId), attempts };
  }

  function classifyFailure(op: OperationDescriptor, res: TransportResponse, mode: ResultMode, attempts: number): Outcome {
    const ctx = () => contextOf(op, res, attempts);
    const status = res.status;
    if (status >= 300 && status < 400) return { error: redirectErrorFor(status, res.headers, endpoint, op.name, ctx())!, retry: 'never', status };
    const json = res.json;
    const body = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { data?: unknown; errors?: unknown }) : undefined;
    const errors = body && Array.isArray(body.errors) && body.errors.length > 0 ? normalizeErrors(body.errors) : undefined;
    const hasData = body !== undefined && body.data !== null && body.data !== undefined;
    const requestLevel = !hasData && (errors === undefined || errors.every((e) => e.path === undefined));
    const ok = status >= 200 && status < 300;
    const graphqlError = (message: string) =>
      new GraphQLResponseError(`${message}: ${scrub(errors!.map((e) => e.message).join('; '))}`, { ...ctx(), errors: scrubJson(errors!), data: scrubJson(body?.data), status });
    const httpError = (message: string) =>
      new HttpError(message, { ...ctx(), status, headers: headersToObject(res.headers, auth.secrets()), body: scrub(res.text ?? safeStringify(res.json)) });

    // A 401 that carries data is still final (below): replaying it would re-send a mutation the server ran.
    if ((status === 401 && !hasData) || (errors && requestLevel && errorSays(errors, UNAUTHORIZED_PATTERN, UNAUTHORIZED_CODES))) {
      const error = new AuthError(`${op.name} was refused as unauthorized (HTTP ${status})`, { ...ctx(), status, endpoint });
      return { error, retry: 'never', unauthorized: true, status };
    }
    if (hasData) {
      // Final, whatever the errors say (throttling, authorization): the server did work, so no retry, no replay.
      if (errors) return { error: graphqlError(`${op.name} returned partial data with GraphQL errors${ok ? '' : ` (HTTP ${status})`}`), retry: 'never', status };
      if (!ok) return { error: httpError(`${op.name} failed with HTTP ${status} (the body carried data)`), retry: 'never', status };
    } else {
      if (status === 403) return { error: new AuthError(`${op.name} is forbidden (HTTP 403)`, { ...ctx(), status, endpoint }), retry: 'never', status };
      if (status === 429 || (errors && errorSays(errors, THROTTLED, THROTTLE_CODES))) {
        const error = errors ? graphqlError(`${op.name} was throttled`) : httpError(`${op.name} was throttled (HTTP 429)`);
        // A throttled field (an error with a path) shows execution had started, and a 5xx may follow partial
        // work whatever its text says ("rate limit exceeded" from a downstream call): queries only.
        const safe = status === 429 || (requestLevel && status < 500);
        return { error, retry: safe ? 'safe' : 'unsafe', serverDelayMs: retryAfterMs(res.headers), status };
      }
      if (!ok) {
        const error = errors ? graphqlError(`${op.name} failed with HTTP ${status}`) : httpError(`${op.name} failed with HTTP ${status}`);
        // A 5xx may come after partial work (a charge applied, then a crash): mutations retry it only on opt-in.
        const transient = status === 408 || status >= 500;
        return { error, retry: transient ? 'unsafe' : 'never', serverDelayMs: retryAfterMs(res.headers), status };
      }
      if (body === undefined) {
        // Truncated or garbled: the server may have done the work, we cannot tell. Queries retry like a network error.
        const error = httpError(`${op.name} returned a truncated or unreadable body (HTTP ${status}), not GraphQL JSON`);
        return { error, retry: 'unsafe', status };
      }
      if (errors) return { error: graphqlError(`${op.name} returned GraphQL errors`), retry: 'never', status };
      return { error: new GraphQLResponseError(`${op.name} returned no data and no errors`, { ...ctx(), errors: [], status }), retry: 'never', status };
    }
    return classifyData(op, res, mode, attempts, body!.data);
  }

  /** A response whose `data` is final: the value at the operation's path, and what its union member means. */
  function classifyData(op: OperationDescriptor, res: TransportResponse, mode: ResultMode, attempts: number, data: unknown): Outcome {
    const status = res.status;
    let value: unknown = data;
    for (const key of op.path) {
      if (value === null || value === undefined || typeof value !== 'object') {
        value = value === null ? null : undefined;
        break;
      }
      value = (value as Record<string, unknown>)[key];
    }
    if (value === undefined) {
      return { error: new GraphQLResponseError(`${op.name} response is missing data.${op.path.join('.')}`, { ...contextOf(op, res, attempts), errors: [], data: scrubJson(data), status }), retry: 'never', status };
    }
    if (op.errorTypenames && value !== null && typeof value === 'object') {
      const sent = (value as { __typename?: unknown }).__typename;
      // A member without a string __typename (the document asks for it) cannot be told apart: never success.
      const typename = typeof sent === 'string' ? sent : op.successTypenames ? `(no __typename: ${describe(sent)})` : undefined;
      if (typename !== undefined) {
        if (typeof sent === 'string' && isErrorMember(value, op.errorTypenames)) {
          const kind = retryableResults[typename];
          // The member's text comes from the server and may echo what we sent: scrub it like any error text.
          const error = new ApiError(scrubJson(value as { __typename: string }), contextOf(op, res, attempts));
          if (kind) return { error, retry: kind === 'throttle' ? 'safe' : 'unsafe', status, member: value, serverDelayMs: memberRetryAfterMs(value) };
          if (mode === 'throw') return { error, retry: 'never', status };
        } else if (op.successTypenames && !op.successTypenames.includes(typename)) {
          // A member added to the API after this SDK was generated: never mistaken for success.
          if (mode === 'union') return { ok: true, data: unknownMember(typename, value as Record<string, unknown>) };
          const error = new UnexpectedResultError(
            `${op.name} returned ${scrub(typename.slice(0, 100))}, a result this SDK version does not know (neither a success nor an error member); use .result() to handle it as a value, or update the SDK`,
            { ...contextOf(op, res, attempts), typename: scrub(typename), result: scrubJson(value) },
          );
          return { error, retry: 'never', status };
        }
      }
    }
    return { ok: true, data: value };
  }

  async function execute<T>(op: OperationDescriptor, variables: Record<string, unknown> | undefined, call: CallOptions | undefined, mode: ResultMode = 'throw'): Promise<ExecuteResult<T>> {
    const vars = variables ?? {};
    validateVariables(op, vars);
    let retry = clientRetry;
    let timeoutMs = clientTimeout;
    let deadlineMs = clientDeadline;
    let maxResponseBytes = clientMaxBytes;
    let userSignal: AbortSignal | undefined;
    if (call !== undefined && call !== null) {
      if (typeof call !== 'object') throw new ValidationError(`${op.name}: options must be an object such as { signal, timeoutMs }, got ${describe(call)}`, { operationName: op.name, field: 'options' });
      // Per-call options get the same checks as the client's; each only when given.
      if (call.retry !== undefined) retry = resolveRetry(clientRetry, call.retry);
      if (call.timeoutMs !== undefined) timeoutMs = validateMs(call.timeoutMs, 'timeoutMs')!;
      if (call.deadlineMs !== undefined) deadlineMs = validateMs(call.deadlineMs, 'deadlineMs');
      if (call.maxResponseBytes !== undefined) maxResponseBytes = validateBytes(call.maxResponseBytes, 'maxResponseBytes')!;
      if (call.headers !== undefined) validateHeaders(call.headers, 'headers');
      userSignal = call.signal;
      if (userSignal !== undefined && (userSignal === null || typeof userSignal.aborted !== 'boolean' || typeof userSignal.addEventListener !== 'function')) {
        throw new ValidationError(`${op.name}: signal must be an AbortSignal`, { operationName: op.name, field: 'signal' });
      }
    }
    const prefix = bodyPrefixOf(op);
    const rest = JSON.stringify(vars) + '}';
    // The SDK's own transport writes the two parts (see AttemptRequest); any other gets the body whole.
    const body: string | BodyParts = native ? { prefix, rest, bytes: bodyPrefixBytesOf(op, prefix) + Buffer.byteLength(rest) } : prefix + rest;
    const started = Date.now();
    const deadlineAt = deadlineMs === undefined ? undefined : started + deadlineMs;
    const mayRetryUnsafe = op.kind !== 'mutation' || retry.retryMutations;
    let attempt = 0;
    let retries = 0;
    let replayed = false;

    for (;;) {
      attempt++;
      if (userSignal?.aborted) throw abortErrorFrom(userSignal!, op.name, attempt - 1, scrub);
      let authHeaders: Record<string, string>;
      try {
        // With a deadline, waiting for a token (login, refresh) counts against it too.
        const authSignal = deadlineAt === undefined ? userSignal : AbortSignal.any([...(userSignal ? [userSignal] : []), AbortSignal.timeout(Math.max(0, deadlineAt - Date.now()))]);
        const h = auth.headers({ signal: authSignal });
        authHeaders = h instanceof Promise ? await h : h;
      } catch (err) {
        if (userSignal?.aborted) throw abortErrorFrom(userSignal!, op.name, attempt - 1, scrub);
        if (deadlineAt !== undefined && Date.now() >= deadlineAt) throw missedDeadline(op, deadlineMs!, attempt - 1);
        // Nothing reached the API: an unreachable, slow or overloaded token endpoint is retried (mutations too).
        await retryTokenFailure(scrubber.error(withContext(err, op.name, attempt - 1)), { op, attempt, retries, retry, random, deadlineAt, emit, userSignal, aborted: () => abortErrorFrom(userSignal!, op.name, attempt - 1, scrub) });
        retries++;
        attempt--; // attempts count requests sent to the API
        continue;
      }
      // The caller may have aborted while the token was read: nothing leaves after an abort (the listener below
      // would never fire for a signal that is already aborted).
      if (userSignal?.aborted) throw abortErrorFrom(userSignal!, op.name, attempt - 1, scrub);
      const headers = headersFor(authHeaders, call?.headers ?? undefined);

      // One control per attempt: the attempt timeout, the call deadline and the caller's signal.
      const control = new AttemptControl();
      const remaining = deadlineAt === undefined ? Infinity : deadlineAt - Date.now();
      if (remaining <= 0) throw missedDeadline(op, deadlineMs!, attempt - 1); // never send a request that is already late
      const limit = Math.min(timeoutMs, remaining);
      control.at = performance.now() + Math.max(0, limit);
      setDeadline(control);
      const onAbort = userSignal ? () => control.abort() : undefined;
      if (onAbort) userSignal!.addEventListener('abort', onAbort, { once: true });
      emitCall?.(logVariables ? { type: 'request', operationName: op.name, attempt, variables: scrubJson(vars) } : { type: 'request', operationName: op.name, attempt });
      const attemptStarted = emitCall ? Date.now() : 0;

      let failure: Failure | undefined;
      let res: TransportResponse | undefined;
      try {
        res = await transport(
          native
            ? new AttemptRequest(endpoint, body, headers, op, vars, maxResponseBytes, control)
            : // A transport of the user's may write into its request's headers: it gets its own copy, never the merged object later calls share.
              { url: endpoint, body: body as string, headers: headers === merged ? copyHeaders(headers) : headers, signal: control.signal, operation: op, variables: vars, maxResponseBytes, [ATTEMPT]: control },
        );
      } catch (err) {
        if (userSignal?.aborted) throw abortErrorFrom(userSignal!, op.name, attempt, scrub);
        const timedOut = control.timedOut ? (limit === timeoutMs ? 'attempt' : 'deadline') : undefined;
        if (timedOut === 'deadline') {
          failure = { error: missedDeadline(op, deadlineMs!, attempt), retry: 'never' };
        } else if (timedOut) {
          const error = new TimeoutError(`${op.name} timed out after ${limit} ms (timeoutMs, per attempt)`, { operationName: op.name, attempts: attempt, timeoutMs: limit });
          failure = { error, retry: 'unsafe' };
        } else if (err instanceof SdkError) {
          failure = { error: err, retry: 'never' };
        } else {
          const refused = isRefused(err);
          const error = new ConnectionError(`${op.name} could not reach the server${refused ? ' (connection refused)' : ''}: ${scrub(describeCause(err))}`, { operationName: op.name, attempts: attempt, refused });
          failure = { error, retry: refused ? 'safe' : 'unsafe' };
        }
      } finally {
        clearDeadline(control);
        if (onAbort) userSignal!.removeEventListener('abort', onAbort);
      }

      if (res !== undefined && res !== null) {
        const outcome = classify(op, res, mode, attempt);
        if (emitCall) {
          const rawId = requestIdOf(res.headers);
          emitCall({ type: 'response', operationName: op.name, attempt, status: res.status, durationMs: Date.now() - attemptStarted, requestId: rawId === undefined ? undefined : scrub(rawId) });
        }
        if ('ok' in outcome) {
          return { data: outcome.data as T, response: new ResponseInfo(res.status, res.headers, attempt, Date.now() - started, scrubber) };
        }
        failure = outcome;
      }
      // A custom transport that resolved without a response: the request may have left.
      failure ??= { error: new ConnectionError(`${op.name}: the transport resolved without a response`, { operationName: op.name, attempts: attempt }), retry: 'unsafe' };

      if (failure.unauthorized && !replayed && auth.onUnauthorized) {
        replayed = true; // a replay after refreshing credentials does not use up a retry
        let renewed = false;
        scrubber.observe(); // a provider that tells no events: remember the refused token before it rotates
        try {
          renewed = await auth.onUnauthorized(authHeaders, { signal: userSignal });
        } catch (err) {
          if (userSignal?.aborted) throw abortErrorFrom(userSignal!, op.name, attempt, scrub);
          // A 401 means the server did no work: a renewal that failed on the network may be retried.
          await retryTokenFailure(scrubber.error(withContext(err, op.name, attempt)), { op, attempt, retries, retry, random, deadlineAt, emit, userSignal, aborted: () => abortErrorFrom(userSignal!, op.name, attempt, scrub) });
          retries++;
          continue;
        }
        if (renewed) continue;
      }
      const allowed = failure.retry === 'safe' || (failure.retry === 'unsafe' && mayRetryUnsafe);
      const delay = Math.min(failure.serverDelayMs ?? backoffDelay(retries, retry, random), failure.serverDelayMs !== undefined ? retry.maxRetryAfterMs : Infinity);
      const fitsDeadline = deadlineAt === undefined || Date.now() + delay < deadlineAt;
      if (!allowed || retries >= retry.maxRetries || !fitsDeadline) {
        const error = failure.error;
        error.attempts = attempt;
        if (mode === 'union' && error instanceof ApiError) {
          return { data: (failure.member ?? error.result) as T, response: new ResponseInfo(res!.status, res!.headers, attempt, Date.now() - started, scrubber) };
        }
        if (failure.retry === 'unsafe' && !mayRetryUnsafe && retry.maxRetries > 0) {
          // Say why a failure a query would have retried was not, and how to opt in.
          error.message += `. Not retried: ${op.name} is a mutation and the server may have applied it, so its outcome is unknown; check its effect before sending it again, or pass retry: { retryMutations: true } to retry such failures automatically`;
        }
        emit?.({ type: 'error', operationName: op.name, attempt, durationMs: Date.now() - started, error });
        throw scrubber.error(error);
      }
      emit?.({ type: 'retry', operationName: op.name, attempt, delayMs: delay, reason: retryReason(failure.error, failure.status), status: failure.status });
      call?.onRetry?.(delay, failure.retry === 'safe' && res !== undefined);
      await sleep(delay, userSignal).catch(() => {
        throw abortErrorFrom(userSignal!, op.name, attempt, scrub);
      });
      retries++;
    }
  }

  return { execute: telemetry ? telemetry.execute(execute) : execute, emit, endpoint, auth, scrubber, telemetry };
}

/** States the deadline the caller set, not the slice of it left for the last attempt. */
function missedDeadline(op: OperationDescriptor, deadlineMs: number, attempts: number): TimeoutError {
  return new TimeoutError(`${op.name} missed its call deadline of ${deadlineMs} ms (deadlineMs) after ${attempts} attempt(s)`, { operationName: op.name, attempts, timeoutMs: deadlineMs });
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

function copyHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) out[key] = headers[key]!;
  return out;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(boundedCopy(value ?? '')) ?? '';
  } catch {
    return '';
  }
}

function withContext(err: unknown, operationName: string, attempts: number): SdkError {
  if (err instanceof SdkError) {
    if (err.attempts === undefined) err.attempts = attempts;
    if (err.operationName === undefined) (err as { operationName: string | undefined }).operationName = operationName;
    return err;
  }
  return new AuthError(`${operationName}: could not obtain credentials`, { operationName, attempts, cause: err });
}

/**
 * A token endpoint that was unreachable, slow or overloaded: the call itself never reached the API, so it
 * is retried (mutations too) under the retry policy. Resolves after the backoff, or throws `error`.
 */
async function retryTokenFailure(
  error: SdkError,
  c: {
    op: OperationDescriptor;
    attempt: number;
    retries: number;
    retry: RetryOptions;
    random: () => number;
    deadlineAt: number | undefined;
    emit: ((event: SdkEvent) => void) | undefined;
    userSignal: AbortSignal | undefined;
    aborted: () => SdkError;
  },
): Promise<void> {
  const delay = backoffDelay(c.retries, c.retry, c.random);
  if (!isTransientAuthFailure(error) || c.retries >= c.retry.maxRetries || (c.deadlineAt !== undefined && Date.now() + delay >= c.deadlineAt)) throw error;
  c.emit?.({ type: 'retry', operationName: c.op.name, attempt: c.attempt, delayMs: delay, reason: error.name, status: (error as { status?: number }).status });
  await sleep(delay, c.userSignal).catch(() => {
    throw c.aborted();
  });
}

/**
 * A token endpoint that could not be reached, timed out, throttled or failed (requestTokens makes refusals
 * AuthErrors, redirects 3xx HttpErrors, and "try again" answers HttpErrors with a 4xx/5xx status).
 */
function isTransientAuthFailure(err: SdkError): boolean {
  return err instanceof ConnectionError || err instanceof TimeoutError || (err instanceof HttpError && err.status >= 400);
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

