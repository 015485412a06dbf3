/**
 * The standard GraphQL over WebSocket protocol (`graphql-transport-ws`), spoken by the graphql-ws
 * library, which is an optional peer dependency loaded on the first subscription. The library already
 * shares one lazy socket, re-subscribes after a reconnect and retries; this adapter adds what the
 * AppSync client does too: fresh auth per connect (`connectionParams`), jittered backoff, a pong
 * watchdog, 401/403 as AuthError without retry, `onReconnect`, and the same iterator and errors.
 */
import type { Client, ExecutionResult, Sink } from 'graphql-ws';
import { AbortError, AuthError, ConnectionError, SdkError, ValidationError } from '../errors/index.js';
import { redact } from '../transport/observability.js';
import type { OperationDescriptor } from '../transport/operation.js';
import { backoffDelay, sleep } from '../transport/retry.js';
import { SubscriptionChannel } from './channel.js';
import { authHeaders, authorizationObject, backoffOptions, errorFromEntries, importAtRuntime, loadWebSocket, pick, safeUrl, userCallbacks } from './shared.js';
import type { ResolvedRealtimeOptions, SubscribeOptions, SubscriptionClient, WebSocketConstructor, WebSocketLike } from './types.js';

interface Entry {
  id: string;
  op: OperationDescriptor;
  channel: SubscriptionChannel<unknown>;
  onResubscribe: (() => void) | undefined;
  unsubscribe: (() => void) | undefined;
  detach: () => void;
}

/** A subclass that records the HTTP status of a refused upgrade (`ws` only), which graphql-ws cannot see. */
function recordingStatus(Base: WebSocketConstructor, onStatus: (status: number | undefined) => void, onCreated: (socket: WebSocketLike & { terminate?: () => void }) => void): WebSocketConstructor {
  const Recording = class extends (Base as unknown as new (url: string, protocols?: string | string[]) => WebSocketLike & { on?: (e: string, fn: (...a: any[]) => void) => void; terminate?: () => void }) {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      onStatus(undefined);
      onCreated(this);
      this.on?.('unexpected-response', (_req: unknown, res: { statusCode?: number }) => {
        onStatus(res.statusCode);
        this.terminate?.();
      });
    }
  };
  return Recording as unknown as WebSocketConstructor;
}

export function createGraphQLWsClient(config: ResolvedRealtimeOptions): SubscriptionClient {
  const entries = new Set<Entry>();
  let client: Promise<Client> | undefined;
  let socket: (WebSocketLike & { terminate?: () => void }) | undefined;
  /** The newest socket, from its construction (before `opened`): one still waiting for its ack can be dropped. */
  let latest: (WebSocketLike & { terminate?: () => void }) | undefined;
  let connected = false;
  let httpStatus: number | undefined;
  let paramsError: SdkError | undefined;
  let lostAt: number | undefined;
  let attempts = 0;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  // Aborted by close(): cuts a reconnect backoff short so that dispose() does not wait it out.
  let closing = new AbortController();
  const { emit, hook } = userCallbacks(config.emit);
  const backoff = backoffOptions(config.reconnect);

  function getClient(): Promise<Client> {
    if (closing.signal.aborted) closing = new AbortController(); // used again after close()
    const { signal } = closing;
    client ??= (async () => {
      const [{ createClient }, WebSocketImpl] = await Promise.all([importAtRuntime<typeof import('graphql-ws')>('graphql-ws'), loadWebSocket(config.WebSocket)]);
      return createClient({
        url: config.url,
        webSocketImpl: recordingStatus(WebSocketImpl, (status) => (httpStatus = status), (s) => (latest = s)),
        lazy: true,
        lazyCloseTimeout: 0,
        retryAttempts: config.reconnect.retries,
        keepAlive: config.pingIntervalMs ?? 30_000,
        connectionAckWaitTimeout: config.ackTimeoutMs ?? 15_000,
        // Called on every (re)connect: fresh credentials each time.
        connectionParams: async () => {
          paramsError = undefined;
          try {
            return authorizationObject(await authHeaders(config.auth, signal));
          } catch (err) {
            paramsError = err as SdkError;
            throw err;
          }
        },
        // Not for nobody: a socket dropped because its last subscription ended must not reconnect.
        shouldRetry: (event) => entries.size > 0 && refusal(event) === undefined && paramsError === undefined,
        retryWait: async (retries) => {
          if (signal.aborted) return;
          attempts = retries + 1;
          const delayMs = backoffDelay(retries, backoff, config.random);
          emit({ type: 'retry', operationName: 'realtime', attempt: attempts, delayMs, reason: 'socket closed' });
          // Resolve (never reject) when close() cuts the wait short: graphql-ws does not handle a rejected
          // retryWait (its connect promise would hang); with no subscription left it gives up by itself.
          await sleep(delayMs, signal).catch(() => {});
        },
        on: {
          connecting: () => emit({ type: 'realtime', action: 'connect', operationName: 'realtime', attempt: Math.max(1, attempts) }),
          opened: (s) => void (socket = s as typeof socket),
          connected: (_s, _payload, wasRetry) => {
            connected = true;
            emit({ type: 'realtime', action: 'connected', operationName: 'realtime', attempt: Math.max(1, attempts), downtimeMs: wasRetry && lostAt !== undefined ? Date.now() - lostAt : undefined });
            for (const entry of entries) if (entry.unsubscribe) setTimeout(() => ready(entry), 0);
            if (!wasRetry || lostAt === undefined) return;
            const info = { attempts: Math.max(1, attempts), downtimeMs: Date.now() - lostAt, operations: [...entries].map((e) => e.op.name) };
            lostAt = undefined;
            attempts = 0;
            // After the library has re-sent every `subscribe` on the new socket.
            setTimeout(() => {
              for (const entry of entries) hook('onResubscribe', entry.onResubscribe);
              hook('onReconnect', config.onReconnect && (() => config.onReconnect!(info)));
            }, 0);
          },
          // We ping every `keepAlive` ms; no pong in time means the peer is gone: drop the socket hard.
          ping: (received) => {
            if (received) return;
            clearTimeout(pongTimer);
            const dead = socket;
            pongTimer = setTimeout(() => {
              emit({ type: 'warning', operationName: 'realtime', message: 'no pong in time: reconnecting' });
              if (dead?.terminate) dead.terminate();
              else dead?.close(4408, 'Keep-alive timeout');
            }, config.connectionTimeoutMs ?? 20_000);
          },
          pong: (received) => {
            if (received) clearTimeout(pongTimer);
          },
          closed: () => {
            clearTimeout(pongTimer);
            connected = false;
            socket = undefined;
            if (entries.size > 0) lostAt ??= Date.now();
          },
        },
      });
    })();
    client.catch(() => (client = undefined));
    return client;
  }

  /** 401/403 from the upgrade or the close code, else undefined. */
  function refusal(event: unknown): number | undefined {
    if (httpStatus === 401 || httpStatus === 403) return httpStatus;
    const code = (event as { code?: unknown } | null)?.code;
    return code === 4401 ? 401 : code === 4403 ? 403 : undefined;
  }

  function toError(err: unknown, op: OperationDescriptor): SdkError {
    if (paramsError) return paramsError;
    const status = refusal(err);
    if (status) return new AuthError(`${op.name}: realtime connection was refused (HTTP ${status})`, { operationName: op.name, status, endpoint: safeUrl(config.url) });
    if (Array.isArray(err)) return errorFromEntries(err, op.name, config.auth, config.url);
    if (err instanceof SdkError) return err;
    const closed = err as { code?: unknown; reason?: unknown; message?: unknown };
    const why = typeof closed?.code === 'number' ? `socket closed (${closed.code}${closed.reason ? ` ${String(closed.reason)}` : ''})` : String(closed?.message ?? err);
    return new ConnectionError(`${op.name}: realtime connection failed: ${redact(why, config.auth.secrets())}`, { operationName: op.name, cause: err });
  }

  function ready(entry: Entry) {
    entry.channel.markReady();
    if (entries.has(entry)) emit({ type: 'realtime', action: 'ready', operationName: entry.op.name, id: entry.id });
  }

  function finish(entry: Entry, error?: SdkError, discard = false, alive = true) {
    if (!entries.delete(entry)) return;
    entry.detach();
    emit({ type: 'realtime', action: 'end', operationName: entry.op.name, id: entry.id, error: error?.name });
    const unsubscribe = entry.unsubscribe;
    entry.unsubscribe = undefined;
    if (alive) unsubscribe?.(); // sends `complete`; the library closes the socket after the last one
    // The library closes a socket only once acked: one still connecting (a server that never acks) would
    // stay open, and dispose() wait, until the ack timeout. Nobody needs it any more.
    if (entries.size === 0 && !connected) dropConnecting();
    if (!error) return entry.channel.end();
    if (!(error instanceof AbortError)) emit({ type: 'error', operationName: entry.op.name, attempt: Math.max(1, attempts), durationMs: 0, error });
    entry.channel.fail(error, discard);
  }

  function dropConnecting() {
    const s = latest;
    latest = undefined;
    if (!s || s.readyState > 1) return;
    if (s.terminate) s.terminate();
    else s.close(1000, 'Normal Closure');
  }

  function subscribe(op: OperationDescriptor, variables?: Record<string, unknown>, options: SubscribeOptions = {}) {
    if (op.kind !== 'subscription') throw new ValidationError(`${op.name} is a ${op.kind}, not a subscription`, { operationName: op.name });
    const channel = new SubscriptionChannel<unknown>(op.name);
    const { signal } = options;
    const aborted = () => new AbortError(`${op.name} subscription was aborted`, { operationName: op.name, reason: signal!.reason });
    if (signal?.aborted) {
      channel.fail(aborted(), true);
      return channel;
    }
    const onAbort = () => finish(entry, aborted(), true);
    const entry: Entry = { id: crypto.randomUUID(), op, channel, onResubscribe: options.onResubscribe, unsubscribe: undefined, detach: () => signal?.removeEventListener('abort', onAbort) };
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.onCancel = () => finish(entry);
    entries.add(entry);
    emit({ type: 'realtime', action: 'subscribe', operationName: op.name, id: entry.id });
    const sink: Sink<ExecutionResult<Record<string, unknown>, unknown>> = {
      next: (result) => {
        // A `next` with errors leaves the subscription live on the server: unsubscribing sends `complete`
        // (and lets the library close the socket after the last one).
        if (result.errors?.length) return finish(entry, errorFromEntries(result.errors, op.name, config.auth, config.url));
        const value = pick(result.data, op.path);
        if (value !== null && value !== undefined) channel.push(value);
      },
      error: (err) => finish(entry, toError(err, op), false, false),
      complete: () => finish(entry, undefined, false, false),
    };
    getClient().then(
      (c) => {
        if (!entries.has(entry)) return;
        entry.unsubscribe = c.subscribe({ query: op.document, variables: variables ?? {} }, sink);
        // The protocol has no per-subscription ack: ready once connected and the subscribe went out.
        if (connected) setTimeout(() => ready(entry), 0);
      },
      (err: unknown) => finish(entry, err instanceof SdkError ? err : new ConnectionError('the graphql-ws protocol needs the `graphql-ws` package: install it', { cause: err }), false, false),
    );
    return channel;
  }

  return {
    subscribe: subscribe as SubscriptionClient['subscribe'],
    get size() {
      return entries.size;
    },
    async close() {
      for (const entry of [...entries]) finish(entry);
      if (!connected) dropConnecting();
      closing.abort();
      const c = client;
      client = undefined;
      // dispose() rejects with the close event ({ code: 1000, … }) when it ends a pending reconnect: closing worked.
      const disposable = c && (await c.catch(() => undefined));
      if (disposable) await Promise.resolve().then(() => disposable.dispose()).catch(() => {});
    },
  };
}
