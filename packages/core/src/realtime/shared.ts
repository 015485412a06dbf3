/**
 * Helpers both protocol implementations share: loading a WebSocket class lazily, backoff, auth header
 * shaping, error mapping and URL derivation.
 */
import type { AuthStrategy } from '../auth/types.js';
import { AuthError, ConnectionError, GraphQLResponseError, SdkError, UNAUTHORIZED_PATTERN, type GraphQLErrorEntry } from '../errors/index.js';
import { redact, type SdkEvent } from '../transport/observability.js';
import { DEFAULT_RETRY, type RetryOptions } from '../transport/retry.js';
import type { ReconnectOptions, WebSocketConstructor } from './types.js';

export const DEFAULT_RECONNECT: ReconnectOptions = { retries: 10, baseDelayMs: 500, maxDelayMs: 30_000 };

let cached: Promise<WebSocketConstructor> | undefined;

/**
 * Imports a module only when it is needed, by a name bundlers do not follow: a literal `import('ws')`
 * would put ws, graphql-ws and graphql into every bundle of the main entry, subscriptions or not.
 */
export function importAtRuntime<T>(name: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}

/**
 * The WebSocket class: the injected one, else `ws`, imported on first use so that importing the SDK
 * does not load it. `ws` is preferred over Node 22's global WebSocket because only `ws` reports the HTTP
 * status of a refused upgrade, which is how a 401/403 is told apart from a network failure.
 */
export function loadWebSocket(injected: WebSocketConstructor | undefined): Promise<WebSocketConstructor> {
  if (injected) return Promise.resolve(injected);
  cached ??= importAtRuntime<typeof import('ws')>('ws').then(
    (mod) => ((mod as { default?: unknown }).default ?? (mod as { WebSocket?: unknown }).WebSocket) as WebSocketConstructor,
    (err: unknown) => {
      cached = undefined;
      const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (global) return global;
      throw new ConnectionError('subscriptions need a WebSocket implementation: install the `ws` package', { cause: err });
    },
  );
  return cached;
}

/** The reconnect policy in the shape of core's `backoffDelay` (same full-jitter formula as HTTP retries). */
export function backoffOptions(reconnect: ReconnectOptions): RetryOptions {
  return { ...DEFAULT_RETRY, maxRetries: reconnect.retries, baseDelayMs: reconnect.baseDelayMs, maxDelayMs: reconnect.maxDelayMs };
}

/**
 * Guards the call sites of user code (`emit`, `onReconnect`, `onResubscribe`): a throwing listener must
 * not leave a subscription half-finished or a reconnect unscheduled. A throwing hook is reported as a
 * `warning` (through a guarded emit); a throwing emit is dropped.
 */
export function userCallbacks(userEmit: ((event: SdkEvent) => void) | undefined) {
  const emit = (event: SdkEvent): void => {
    try {
      userEmit?.(event);
    } catch {
      // the listener's bug; the connection state must stay consistent
    }
  };
  const hook = (name: string, fn: (() => void) | undefined): void => {
    if (!fn) return;
    try {
      fn();
    } catch (err) {
      emit({ type: 'warning', operationName: 'realtime', message: `${name} threw: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  return { emit, hook };
}

/** Fresh auth headers; a failure to get them is an AuthError (never retried). */
export async function authHeaders(auth: AuthStrategy, signal?: AbortSignal): Promise<Record<string, string>> {
  try {
    // With a signal: a login nobody waits for any more (the subscriptions ended) is cancelled.
    return await auth.headers(signal ? { signal } : {});
  } catch (err) {
    if (err instanceof SdkError) throw err;
    throw new AuthError('subscriptions: could not obtain credentials', { cause: err });
  }
}

/** AppSync spells the header `Authorization`; our strategies give lower-case names. */
export function authorizationObject(headers: Record<string, string>, host?: string): Record<string, string> {
  const out: Record<string, string> = host === undefined ? {} : { host };
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase() === 'authorization' ? 'Authorization' : key] = value;
  return out;
}

export function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * The real-time URL for a GraphQL endpoint: `https` → `wss`, `http` → `ws`; AppSync's own domains map
 * `appsync-api` to `appsync-realtime-api`; elsewhere (custom domains) `/graphql` gains `/realtime`.
 */
export function realtimeUrlFor(endpoint: string): string {
  const url = new URL(endpoint);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  if (url.hostname.includes('.appsync-api.')) url.hostname = url.hostname.replace('.appsync-api.', '.appsync-realtime-api.');
  else url.pathname = `${url.pathname.replace(/\/+$/, '')}/realtime`;
  return url.toString();
}

/** The API host AppSync expects in the authorization object, derived from the real-time URL. */
export function apiHostFor(realtimeUrl: string): string {
  return new URL(realtimeUrl).host.replace('.appsync-realtime-api.', '.appsync-api.');
}

/** The URL without its query (which may carry the encoded authorization), for error messages. */
export function safeUrl(url: string): string {
  return url.split('?')[0]!;
}


export function isUnauthorized(errors: readonly GraphQLErrorEntry[]): boolean {
  return errors.some((e) => {
    const code = (e as { errorCode?: unknown }).errorCode;
    return code === 401 || code === 403 || UNAUTHORIZED_PATTERN.test(String(e.errorType ?? '')) || UNAUTHORIZED_PATTERN.test(String(e.message ?? '')) || UNAUTHORIZED_PATTERN.test(String(e.extensions?.code ?? ''));
  });
}

/** Server error entries → AuthError or GraphQLResponseError, scrubbed of the auth secrets. */
export function errorFromEntries(raw: unknown, operationName: string | undefined, auth: AuthStrategy, endpoint: string): SdkError {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  const errors = list.map((e) => (e && typeof e === 'object' ? e : { message: String(e) })) as GraphQLErrorEntry[];
  const secrets = auth.secrets();
  const text = redact(errors.map((e) => e.message ?? e.errorType ?? 'error').join('; ') || 'unknown error', secrets);
  const what = operationName ?? 'realtime connection';
  if (isUnauthorized(errors)) {
    const code = (errors[0] as { errorCode?: unknown } | undefined)?.errorCode;
    return new AuthError(`${what} was refused as unauthorized: ${text}`, { operationName, status: typeof code === 'number' ? code : undefined, endpoint: safeUrl(endpoint) });
  }
  return new GraphQLResponseError(`${what} returned errors: ${text}`, { operationName, errors: JSON.parse(redact(JSON.stringify(errors), secrets)) as GraphQLErrorEntry[] });
}

/** The value at the operation's data path (`data.updatedSim`). */
export function pick(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || value === undefined) return value;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
