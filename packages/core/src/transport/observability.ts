import type { TokenEvent } from '../auth/token-manager.js';
import { ApiError, HttpError, SdkError } from '../errors/index.js';
import { scrubText, type Scrubber, type ShownHeaders } from '../secrets/index.js';
import type { HeadersLike } from './transport.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

/** Any console-like logger (console, pino, winston) fits. */
export interface Logger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

export type SdkEvent =
  /** `variables` only when the client was created with `logVariables: true` (scrubbed). */
  | { type: 'request'; operationName: string; attempt: number; variables?: Record<string, unknown> | undefined }
  | { type: 'response'; operationName: string; attempt: number; status: number; durationMs: number; requestId?: string | undefined }
  /** `reason`: the member typename (`RateLimitExceeded`), `HTTP 503`, `connection refused`, `timeout`… */
  | { type: 'retry'; operationName: string; attempt: number; delayMs: number; reason: string; status?: number | undefined }
  | { type: 'error'; operationName: string; attempt: number; durationMs: number; error: SdkError }
  /** Input that is allowed but probably not what the caller meant. */
  | { type: 'warning'; operationName: string; message: string }
  /**
   * Subscription lifecycle: the shared socket starts to `connect` and is `connected` (acknowledged; after a
   * loss with `downtimeMs`; `attempt` counts tries as ReconnectInfo does); a subscription is `subscribe`d,
   * `ready` (acknowledged) and `end`s (`error`: the error's name, when it failed; the error itself comes as an `error` event).
   */
  | { type: 'realtime'; action: 'connect' | 'connected' | 'subscribe' | 'ready' | 'end'; operationName: string; id?: string | undefined; attempt?: number | undefined; downtimeMs?: number | undefined; error?: string | undefined }
  | TokenEvent;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };
const EVENT_LEVEL: Record<SdkEvent['type'], Exclude<LogLevel, 'off'>> = {
  request: 'debug',
  response: 'debug',
  retry: 'warn',
  error: 'error',
  warning: 'warn',
  token: 'info',
  realtime: 'debug',
};

/**
 * Replace every occurrence of each secret (4+ characters) in `text`, in every form a server may echo it:
 * raw, JSON-escaped, URL/form-encoded, base64 and base64url. Clients use a scrubber that remembers rotated
 * tokens (see `createScrubber`); this is the one-off form.
 */
export function redact(text: string, secrets: readonly string[]): string {
  return scrubText(text, secrets);
}

/** Names of the headers a request id is read from, first found wins. */
export const REQUEST_ID_HEADERS = ['x-request-id', 'x-amzn-requestid', 'x-amz-request-id', 'request-id', 'x-correlation-id'] as const;

/** The raw request id of a response (scrub it before it is shown anywhere). */
export function requestIdOf(headers: HeadersLike | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/** What made an attempt worth retrying, for `retry` events and log lines. */
export function retryReason(error: SdkError, status: number | undefined): string {
  if (error instanceof ApiError) return error.__typename;
  if (error instanceof HttpError || (status !== undefined && status !== 200)) return `HTTP ${status ?? (error as HttpError).status}`;
  if (error.name === 'ConnectionError') return (error as { refused?: boolean }).refused ? 'connection refused' : 'connection failed';
  if (error.name === 'TimeoutError') return 'timeout';
  if (error.name === 'GraphQLResponseError') return 'GraphQL error (throttled)';
  return error.name;
}

/**
 * Response metadata of `withResponse()`: headers and request id are scrubbed when first read, so a
 * successful call pays nothing for them unless they are used.
 */
export class ResponseInfo {
  readonly status: number;
  readonly attempts: number;
  readonly durationMs: number;
  readonly #raw: HeadersLike;
  readonly #scrubber: Scrubber;
  #headers: ShownHeaders | undefined;
  #requestId: string | undefined | null = null;
  constructor(status: number, headers: HeadersLike, attempts: number, durationMs: number, scrubber: Scrubber) {
    this.status = status;
    this.#raw = headers;
    this.attempts = attempts;
    this.durationMs = durationMs;
    this.#scrubber = scrubber;
  }
  /** The response headers, secrets removed. */
  get headers(): ShownHeaders {
    return (this.#headers ??= this.#scrubber.headers(this.#raw));
  }
  /** From `x-request-id` and its kin, secrets removed. */
  get requestId(): string | undefined {
    if (this.#requestId === null) {
      const raw = requestIdOf(this.#raw);
      this.#requestId = raw === undefined ? undefined : this.#scrubber.text(raw);
    }
    return this.#requestId;
  }
  toJSON(): Record<string, unknown> {
    return { status: this.status, headers: this.headers.toObject(), requestId: this.requestId, attempts: this.attempts, durationMs: this.durationMs };
  }
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `ResponseInfo ${inspect({ status: this.status, headers: this.headers, requestId: this.requestId, attempts: this.attempts, durationMs: this.durationMs }, options)}`;
  }
}

/** Where a client sends its requests and what it calls itself in log lines. */
export interface EmitterContext {
  /** The client's name in every log line, e.g. `wherever`. */
  name: string;
  /** Host and path of the GraphQL endpoint (never its query string). */
  host: string;
  path: string;
}

function describe(event: SdkEvent, ctx: EmitterContext): string {
  switch (event.type) {
    case 'request':
      return `${event.operationName} attempt ${event.attempt} → POST ${ctx.host}${ctx.path}`;
    case 'response':
      return `${event.operationName} HTTP ${event.status} in ${event.durationMs} ms (attempt ${event.attempt}, ${ctx.host}${ctx.path}${event.requestId ? `, request id ${event.requestId}` : ''})`;
    case 'retry':
      return `${event.operationName} retrying in ${event.delayMs} ms after ${event.reason} (attempt ${event.attempt})`;
    case 'error':
      return `${event.operationName} failed after ${event.attempt} attempt(s) in ${event.durationMs} ms: ${event.error.message}`;
    case 'warning':
      return `${event.operationName}: ${event.message}`;
    case 'realtime':
      return `${event.operationName}: ${event.action}${event.downtimeMs !== undefined ? ` after ${event.downtimeMs} ms down` : ''}${event.error ? ` (${event.error})` : ''}`;
    case 'token':
      return `token ${event.action} ${event.ok ? 'succeeded' : 'failed'} in ${event.durationMs} ms${event.fallback ? ' (after refresh failed)' : ''}${event.persistFailed ? ' (not persisted: onTokens threw)' : ''}`;
  }
}

/** The environment switch: `SDK_LOG=debug`, or per client `SDK_LOG=wherever=debug,totogi=warn`. */
export const LOG_ENV = 'SDK_LOG';

/** The level `SDK_LOG` asks for this client, or undefined when it says nothing about it. */
export function envLogLevel(name: string, value: string | undefined = typeof process === 'undefined' ? undefined : process.env[LOG_ENV]): LogLevel | undefined {
  if (!value) return undefined;
  let found: LogLevel | undefined;
  for (const part of value.split(',')) {
    const [who, level] = part.includes('=') ? part.split('=', 2).map((s) => s.trim().toLowerCase()) : ['*', part.trim().toLowerCase()];
    if (!level || !(level in LEVELS)) continue;
    if (who === name.toLowerCase()) return level as LogLevel;
    if (who === '*' || who === 'all') found = level as LogLevel;
  }
  return found;
}

/** The logger `SDK_LOG` uses when the client was given none: one line per event on stderr (the line holds what the metadata does). */
const line = (message: string) => console.error(message);
const stderrLogger: Logger = { debug: line, info: line, warn: line, error: line };

/** The logger a client writes to and its threshold, after `SDK_LOG`; no sink when logging is off. */
function sinkOf(logger: Logger | undefined, level: LogLevel, name: string): { sink: Logger | undefined; threshold: number } {
  const fromEnv = envLogLevel(name);
  const effectiveLevel = fromEnv ?? level;
  const sink = effectiveLevel === 'off' ? undefined : (logger ?? (fromEnv ? stderrLogger : undefined));
  return { sink, threshold: LEVELS[effectiveLevel] };
}

/**
 * Whether anyone wants the per-call `request`/`response` events (a hook, or a logger at debug level):
 * when nobody does, the executor does not build them (they are most of what logging costs a call).
 */
export function wantsCallEvents(logger: Logger | undefined, level: LogLevel, onEvent: ((event: SdkEvent) => void) | undefined, name: string): boolean {
  const { sink, threshold } = sinkOf(logger, level, name);
  return onEvent !== undefined || (sink !== undefined && threshold <= LEVELS.debug);
}

/**
 * Builds the emit function a client uses, or undefined when nobody listens (so the hot path skips
 * building events). Every event passes the scrubber before anyone sees it: errors are scrubbed in place,
 * request ids and variables are scrubbed copies; log lines name the client and are scrubbed again whole.
 * `SDK_LOG` (read once, here) turns logging on, or changes its level, without a code change.
 */
export function createEmitter(
  logger: Logger | undefined,
  level: LogLevel,
  onEvent: ((event: SdkEvent) => void) | undefined,
  scrubber: Scrubber,
  context: EmitterContext,
): ((event: SdkEvent) => void) | undefined {
  const { sink, threshold } = sinkOf(logger, level, context.name);
  if (!onEvent && !sink) return undefined;
  const prefix = `[${context.name}] `;
  // A throwing hook or logger must never break a request, a retry or a subscription: errors are dropped.
  return (event) => {
    if (event.type === 'error') scrubber.error(event.error); // never throws
    try {
      onEvent?.(event);
    } catch {
      /* the caller's hook failed; the SDK carries on */
    }
    const eventLevel = EVENT_LEVEL[event.type];
    if (!sink || LEVELS[eventLevel] < threshold) return;
    try {
      const { type, ...rest } = event;
      const meta: Record<string, unknown> = { client: context.name, event: type, ...rest };
      if (type === 'request' || type === 'response') {
        meta.host = context.host;
        meta.path = context.path;
      }
      if (event.type === 'error') meta.error = { name: event.error.name, message: event.error.message, requestId: event.error.requestId, status: (event.error as { status?: unknown }).status };
      sink[eventLevel]?.(scrubber.text(prefix + describe(event, context)), scrubber.json(meta, { cap: 4096 }));
    } catch {
      /* the logger failed */
    }
  };
}
