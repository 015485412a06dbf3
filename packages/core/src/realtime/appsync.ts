/**
 * AWS AppSync's real-time protocol over one shared WebSocket:
 *   connect (subprotocol `graphql-ws` + `header-<base64url {host, Authorization}>`, or `?header=&payload=`)
 *   → connection_init → connection_ack {connectionTimeoutMs} → ka … ; per subscription
 *   start {id, payload: {data: JSON {query, variables}, extensions: {authorization}}} → start_ack → data* →
 *   stop → complete. Errors: `error` (per id or connection-wide), `connection_error`.
 *
 * The socket opens with the first subscription and closes with the last. A missing `ka` within the
 * timeout, a drop or a non-auth failure triggers a reconnect with jittered backoff, fresh auth, and a
 * `start` for every live subscription; AppSync does not replay, hence `onReconnect`. The failure count
 * (which drives the backoff and the retry budget) is reset only once a connection has stayed up for a
 * while, not on every `connection_ack`: a server that acks and then drops must not be hammered forever. Refusals (HTTP
 * 401/403 on the upgrade, Unauthorized errors, close 4401/4403) fail the subscriptions with AuthError and
 * are not retried, except one replay when the auth strategy says it renewed its credentials.
 */
import { AbortError, ConnectionError, SdkError, ValidationError, AuthError } from '../errors/index.js';
import type { OperationDescriptor } from '../transport/operation.js';
import { backoffDelay } from '../transport/retry.js';
import { SubscriptionChannel } from './channel.js';
import { authHeaders, authorizationObject, backoffOptions, base64url, errorFromEntries, loadWebSocket, pick, safeUrl, userCallbacks } from './shared.js';
import type { ResolvedRealtimeOptions, SubscribeOptions, SubscriptionClient, WebSocketLike } from './types.js';

interface Entry {
  id: string;
  op: OperationDescriptor;
  variables: Record<string, unknown>;
  channel: SubscriptionChannel<unknown>;
  onResubscribe: (() => void) | undefined;
  /** `start` was sent on the current socket (so `stop` is owed). */
  started: boolean;
  /** The server confirmed it at least once (so a reconnect re-subscribes it). */
  confirmed: boolean;
  detach: () => void;
}

const OPEN = 1;

/** A connection counts as healthy (and the failure count is reset) after this long up, at least. */
const HEALTHY_MIN_MS = 1_000;

export function createAppSyncClient(config: ResolvedRealtimeOptions): SubscriptionClient {
  const entries = new Map<string, Entry>();
  let socket: (WebSocketLike & { terminate?: () => void }) | undefined;
  let state: 'idle' | 'connecting' | 'open' | 'waiting' = 'idle';
  // Bumped whenever we abandon a socket, so its late events are ignored.
  let generation = 0;
  let failures = 0;
  let lostAt: number | undefined;
  let resubscribing: Set<string> | undefined;
  let refreshTried = false;
  let kaTimer: ReturnType<typeof setTimeout> | undefined;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let healthyTimer: ReturnType<typeof setTimeout> | undefined;
  let kaTimeoutMs = 300_000;
  let authAbort: AbortController | undefined;
  const { emit, hook } = userCallbacks(config.emit);
  const backoff = backoffOptions(config.reconnect);
  // Up longer than the longest backoff (and a second at least): the connection works, start counting afresh.
  const healthyAfterMs = Math.max(config.reconnect.maxDelayMs, HEALTHY_MIN_MS);
  let reconnected: { attempts: number; downtimeMs: number; operations: string[] } | undefined;

  const send = (message: Record<string, unknown>) => {
    if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(message));
  };

  function clearTimers() {
    clearTimeout(kaTimer);
    clearTimeout(ackTimer);
    clearTimeout(retryTimer);
    clearTimeout(healthyTimer);
  }

  /** Abandon the current socket without waiting for a close handshake (a dead peer would never answer). */
  function abandon(code = 1000) {
    generation++;
    authAbort?.abort(); // a login still running for the abandoned connection is no longer wanted
    clearTimers();
    const s = socket;
    socket = undefined;
    if (!s) return;
    s.onopen = s.onmessage = s.onerror = s.onclose = null;
    s.onerror = () => {}; // `ws` emits an error when terminated mid-handshake
    if (code === 1000 && s.readyState === OPEN) s.close(1000, 'Normal Closure');
    else if (s.terminate) s.terminate();
    else s.close();
  }

  /** No subscription left: close the socket and forget the connection's history. */
  function shutdown() {
    abandon();
    state = 'idle';
    failures = 0;
    lostAt = undefined;
    resubscribing = undefined;
    reconnected = undefined;
    refreshTried = false;
  }

  /** End one subscription: `stop` when one is owed, then end or fail its iterator. */
  function finish(entry: Entry, error?: SdkError, discard = false) {
    if (entries.get(entry.id) !== entry) return;
    entries.delete(entry.id);
    entry.detach();
    emit({ type: 'realtime', action: 'end', operationName: entry.op.name, id: entry.id, error: error?.name });
    if (entry.started) send({ type: 'stop', id: entry.id });
    if (error) {
      if (!(error instanceof AbortError)) emit({ type: 'error', operationName: entry.op.name, attempt: Math.max(1, failures), durationMs: 0, error });
      entry.channel.fail(error, discard);
    } else entry.channel.end();
    if (entries.size === 0) return shutdown();
    if (resubscribing?.delete(entry.id) && resubscribing.size === 0) done();
  }

  function failAll(error: SdkError) {
    for (const entry of [...entries.values()]) {
      entry.started = false; // the connection is gone or refused: no stop to send
      finish(entry, error);
    }
    shutdown();
  }

  async function connect() {
    abandon(4000);
    state = 'connecting';
    emit({ type: 'realtime', action: 'connect', operationName: 'realtime', attempt: Math.max(1, failures) });
    const gen = ++generation;
    authAbort = new AbortController();
    let headers: Record<string, string>;
    let WebSocketImpl;
    try {
      headers = await authHeaders(config.auth, authAbort.signal);
      WebSocketImpl = await loadWebSocket(config.WebSocket);
    } catch (err) {
      if (gen === generation) failAll(err instanceof SdkError ? err : new ConnectionError('realtime connection could not start', { cause: err }));
      return;
    }
    if (gen !== generation || entries.size === 0) return;
    const encoded = base64url(JSON.stringify(authorizationObject(headers, config.host)));
    const url = config.authorizationIn === 'query' ? `${config.url}${config.url.includes('?') ? '&' : '?'}header=${encoded}&payload=e30` : config.url;
    const protocols = config.authorizationIn === 'query' ? ['graphql-ws'] : ['graphql-ws', `header-${encoded}`];
    let ws: WebSocketLike & { terminate?: () => void; on?: (event: string, fn: (...args: any[]) => void) => void };
    try {
      ws = new WebSocketImpl(url, protocols);
    } catch {
      // Not the error's message: it may quote the URL, whose query can carry the encoded credentials.
      retry('could not open the socket');
      return;
    }
    socket = ws;
    let httpStatus: number | undefined;
    // `ws` only: the status of a refused upgrade (401/403 must not be retried).
    ws.on?.('unexpected-response', (_req: unknown, res: { statusCode?: number }) => {
      httpStatus = res.statusCode;
      ws.terminate?.();
    });
    ackTimer = setTimeout(() => {
      if (gen !== generation) return;
      abandon(4000);
      retry('no connection_ack in time');
    }, config.ackTimeoutMs ?? 15_000);
    ws.onopen = () => send({ type: 'connection_init' });
    ws.onerror = () => {}; // the close event that follows carries what we need
    ws.onmessage = (event: { data: unknown }) => {
      if (gen === generation) onMessage(String(event.data), headers);
    };
    ws.onclose = (event: { code: number; reason?: string }) => {
      if (gen !== generation) return;
      socket = undefined;
      clearTimers();
      if (entries.size === 0) return shutdown();
      if (httpStatus === 401 || httpStatus === 403 || event.code === 4401 || event.code === 4403) {
        void refused(httpStatus ?? (event.code === 4401 ? 401 : 403), headers);
      } else retry(httpStatus ? `HTTP ${httpStatus} on connect` : `socket closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
    };
  }

  /** The server refused our credentials: replay once if the strategy renewed them, else fail. */
  async function refused(status: number, sent: Record<string, string>) {
    const gen = generation;
    if (config.auth.onUnauthorized && !refreshTried) {
      refreshTried = true;
      const renewed = await Promise.resolve()
        .then(() => config.auth.onUnauthorized!(sent, {}))
        .catch(() => false);
      if (gen !== generation || entries.size === 0) return;
      if (renewed) return void connect();
    }
    failAll(new AuthError(`realtime connection was refused (HTTP ${status})`, { status, endpoint: safeUrl(config.url) }));
  }

  function retry(reason: string) {
    abandon(4000);
    if (entries.size === 0) return shutdown();
    state = 'waiting';
    lostAt ??= Date.now();
    failures++;
    if (failures > config.reconnect.retries) {
      return failAll(new ConnectionError(`realtime connection failed ${failures} times in a row, last: ${reason}`, { attempts: failures }));
    }
    const delayMs = backoffDelay(failures - 1, backoff, config.random);
    emit({ type: 'retry', operationName: 'realtime', attempt: failures, delayMs, reason });
    retryTimer = setTimeout(() => void connect(), delayMs);
  }

  function armWatchdog() {
    clearTimeout(kaTimer);
    const gen = generation;
    kaTimer = setTimeout(() => {
      if (gen !== generation) return;
      emit({ type: 'warning', operationName: 'realtime', message: `no keep-alive for ${kaTimeoutMs} ms: reconnecting` });
      retry('keep-alive timeout');
    }, kaTimeoutMs);
  }

  function onMessage(raw: string, headers: Record<string, string>) {
    let message: { type?: string; id?: string; payload?: any };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return; // not ours to interpret; the watchdog catches a broken peer
    }
    const entry = message.id === undefined ? undefined : entries.get(message.id);
    switch (message.type) {
      case 'connection_ack': {
        clearTimeout(ackTimer);
        state = 'open';
        refreshTried = false;
        kaTimeoutMs = config.connectionTimeoutMs ?? (Number(message.payload?.connectionTimeoutMs) || 300_000);
        armWatchdog();
        const again = lostAt === undefined ? [] : [...entries.values()].filter((e) => e.confirmed);
        resubscribing = again.length ? new Set(again.map((e) => e.id)) : undefined;
        reconnected = again.length ? { attempts: failures, downtimeMs: Date.now() - lostAt!, operations: again.map((e) => e.op.name) } : undefined;
        emit({ type: 'realtime', action: 'connected', operationName: 'realtime', attempt: Math.max(1, failures), downtimeMs: lostAt === undefined ? undefined : Date.now() - lostAt });
        lostAt = undefined;
        // Not `failures = 0` here: only a connection that stays up resets the backoff and the retry budget.
        const gen = generation;
        clearTimeout(healthyTimer);
        healthyTimer = setTimeout(() => {
          if (gen === generation) failures = 0;
        }, healthyAfterMs);
        for (const e of entries.values()) void start(e, headers);
        return;
      }
      case 'ka':
        return armWatchdog();
      case 'start_ack':
        if (!entry) return;
        entry.confirmed = true;
        entry.channel.markReady();
        emit({ type: 'realtime', action: 'ready', operationName: entry.op.name, id: entry.id });
        if (resubscribing?.delete(entry.id)) {
          hook('onResubscribe', entry.onResubscribe);
          if (resubscribing.size === 0) done();
        }
        return;
      case 'data': {
        if (!entry) return;
        if (Array.isArray(message.payload?.errors) && message.payload.errors.length) {
          // The server still holds the subscription: finish() sends `stop` (and closes the socket after the last).
          return finish(entry, errorFromEntries(message.payload.errors, entry.op.name, config.auth, config.url));
        }
        const value = pick(message.payload?.data, entry.op.path);
        if (value !== null && value !== undefined) entry.channel.push(value);
        return;
      }
      case 'complete':
        if (!entry) return;
        entry.started = false;
        return finish(entry);
      case 'error':
      case 'connection_error': {
        const errors = message.payload?.errors ?? message.payload;
        if (entry) {
          entry.started = false; // the server already dropped it
          return finish(entry, errorFromEntries(errors, entry.op.name, config.auth, config.url));
        }
        // About a subscription we no longer have (say, already stopped): nothing to end, and certainly not
        // a reason to fail or reconnect all the others.
        if (message.type === 'error' && message.id !== undefined && message.id !== null) return;
        const error = errorFromEntries(errors, undefined, config.auth, config.url);
        if (error instanceof AuthError) return void refused(error.status ?? 401, headers);
        return retry(error.message);
      }
    }
  }

  function done() {
    resubscribing = undefined;
    const info = reconnected;
    reconnected = undefined;
    if (info) hook('onReconnect', config.onReconnect && (() => config.onReconnect!(info)));
  }

  async function start(entry: Entry, connectHeaders?: Record<string, string>) {
    const gen = generation;
    entry.started = false;
    let headers = connectHeaders;
    if (!headers) {
      try {
        headers = await authHeaders(config.auth, authAbort?.signal);
      } catch (err) {
        if (gen !== generation || entries.get(entry.id) !== entry) return;
        return finish(entry, err as SdkError);
      }
      if (gen !== generation || entries.get(entry.id) !== entry || state !== 'open') return;
    }
    entry.started = true;
    send({
      id: entry.id,
      type: 'start',
      payload: {
        data: JSON.stringify({ query: entry.op.document, variables: entry.variables }),
        extensions: { authorization: authorizationObject(headers, config.host) },
      },
    });
  }

  function subscribe(op: OperationDescriptor, variables?: Record<string, unknown>, options: SubscribeOptions = {}) {
    if (op.kind !== 'subscription') throw new ValidationError(`${op.name} is a ${op.kind}, not a subscription`, { operationName: op.name });
    const channel = new SubscriptionChannel<unknown>(op.name);
    const { signal } = options;
    if (signal?.aborted) {
      channel.fail(new AbortError(`${op.name} subscription was aborted`, { operationName: op.name, reason: signal.reason }), true);
      return channel;
    }
    const onAbort = () => finish(entry, new AbortError(`${op.name} subscription was aborted`, { operationName: op.name, reason: signal!.reason }), true);
    const entry: Entry = {
      id: crypto.randomUUID(),
      op,
      variables: variables ?? {},
      channel,
      onResubscribe: options.onResubscribe,
      started: false,
      confirmed: false,
      detach: () => signal?.removeEventListener('abort', onAbort),
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.onCancel = () => finish(entry);
    entries.set(entry.id, entry);
    emit({ type: 'realtime', action: 'subscribe', operationName: op.name, id: entry.id });
    if (state === 'open') void start(entry);
    else if (state === 'idle') void connect();
    return channel;
  }

  return {
    subscribe: subscribe as SubscriptionClient['subscribe'],
    get size() {
      return entries.size;
    },
    async close() {
      for (const entry of [...entries.values()]) finish(entry);
      shutdown();
    },
  };
}
