/**
 * Public types of the vendor-neutral subscription client. Kept free of `ws` and `graphql-ws` types so
 * the declaration files (and a consumer's type-check) never need those packages.
 */
import type { AuthStrategy } from '../auth/types.js';
import type { SdkEvent } from '../transport/observability.js';
import type { OperationDescriptor, ResultOf, VariablesOf } from '../transport/operation.js';

/**
 * `appsync`: AWS AppSync's real-time protocol (subprotocol `graphql-ws`, `start`/`start_ack`/`ka`).
 * `graphql-ws`: the standard GraphQL over WebSocket protocol (subprotocol `graphql-transport-ws`).
 */
export type RealtimeProtocol = 'appsync' | 'graphql-ws';

export interface ReconnectOptions {
  /** Failed connection attempts in a row before the subscriptions fail with ConnectionError. Default 10. */
  retries: number;
  /** First backoff ceiling; doubles per attempt, full jitter picks below it. Default 500 ms. */
  baseDelayMs: number;
  /** Ceiling of any backoff. Default 30 s. */
  maxDelayMs: number;
}

export interface ReconnectInfo {
  /** Connection attempts it took to get back (1 = the first try worked). */
  attempts: number;
  /** Time since the previous connection was lost. */
  downtimeMs: number;
  /** Operation names of the subscriptions that are active again. */
  operations: string[];
}

/** The part of a WebSocket the client uses: the WHATWG shape, which `ws` implements too. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface SubscriptionClientOptions {
  /** The real-time endpoint, e.g. `wss://example.com/graphql/realtime`. */
  url: string;
  /** Default `appsync`. */
  protocol?: RealtimeProtocol | undefined;
  /** Asked for fresh headers on every (re)connect and every `start`. */
  auth: AuthStrategy;
  /** `host` in the AppSync authorization object. Default: the API host derived from `url`. */
  host?: string | undefined;
  /** AppSync: where the authorization goes on connect. Default `subprotocol` (keeps the key out of URLs and access logs). */
  authorizationIn?: 'subprotocol' | 'query' | undefined;
  /**
   * Declare the socket dead after this long without a keep-alive. AppSync: overrides the
   * `connectionTimeoutMs` of `connection_ack` (default: the server's, else 5 min). graphql-ws: how long
   * to wait for the pong to our ping (default 20 s).
   */
  connectionTimeoutMs?: number | undefined;
  /** graphql-ws: ping the server this often. Default 30 s. */
  pingIntervalMs?: number | undefined;
  /** How long to wait for `connection_ack` after the socket opens. Default 15 s. */
  ackTimeoutMs?: number | undefined;
  reconnect?: Partial<ReconnectOptions> | undefined;
  /** After a reconnect, once every subscription is active again: re-query what you may have missed (nothing is replayed). */
  onReconnect?: ((info: ReconnectInfo) => void) | undefined;
  /** Where reconnects (`retry`), dead sockets (`warning`) and failed subscriptions (`error`) are reported. */
  emit?: ((event: SdkEvent) => void) | undefined;
  /** A WebSocket class to use instead of `ws` (loaded lazily on the first subscription). */
  WebSocket?: WebSocketConstructor | undefined;
  /** For tests: the randomness behind jitter. */
  random?: (() => number) | undefined;
}

export interface SubscribeOptions {
  /** Aborting ends the subscription: a pending `next()` rejects with AbortError carrying the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called each time this subscription is active again after a reconnect. */
  onResubscribe?: (() => void) | undefined;
}

/**
 * One subscription: `for await` it. Breaking out of the loop (or `return()`) sends `stop`; the shared
 * socket closes when the last subscription ends.
 */
export interface Subscription<T> extends AsyncIterableIterator<T> {
  readonly operationName: string;
  /**
   * Resolves once the subscription is active as far as the protocol can tell; rejects if it failed or
   * ended first.
   * - `appsync`: the server confirmed this subscription (`start_ack`); events from then on are delivered.
   * - `graphql-ws`: the protocol has no per-subscription acknowledgement, so this only means the socket
   *   is connected (`connection_ack`) and the `subscribe` message was sent. The server may register the
   *   subscription a moment later, and an event in between is not delivered: after `ready`, re-read state
   *   that must not be missed (once, shortly after, or after the first event).
   */
  readonly ready: Promise<void>;
  return(): Promise<IteratorResult<T, undefined>>;
}

export interface SubscriptionClient {
  /** Payloads are the value at the operation's data path; null payloads carry nothing to act on and are skipped. */
  subscribe<O extends OperationDescriptor>(operation: O, variables?: VariablesOf<O>, options?: SubscribeOptions): Subscription<NonNullable<ResultOf<O>>>;
  /** Active subscriptions. */
  readonly size: number;
  /** End every subscription (their loops finish normally) and close the socket. */
  close(): Promise<void>;
}

/** Options with the defaults filled in, shared by both protocol implementations. */
export interface ResolvedRealtimeOptions extends SubscriptionClientOptions {
  reconnect: ReconnectOptions;
  host: string;
  random: () => number;
}
