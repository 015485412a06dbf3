/**
 * The three wherever subscriptions as typed client methods, over core's subscription client. The API's
 * conventions (nextToken lists, `updatedX` subscriptions, the raw key in `Authorization`) are AppSync's,
 * so the default protocol is AppSync's real-time protocol at `wss://<endpoint host>/graphql/realtime`.
 */
import {
  createSubscriptionClient,
  realtimeUrlFor,
  type Args,
  type Executor,
  type ReconnectInfo,
  type ReconnectOptions,
  type RealtimeProtocol,
  type SdkEvent,
  type SubscribeOptions,
  type Subscription,
  type WebSocketConstructor,
} from '@sdk/core';
import type {
  UpdatedBatchJobSubscription,
  UpdatedBatchJobSubscriptionVariables,
  UpdatedSimEventSubscription,
  UpdatedSimEventSubscriptionVariables,
  UpdatedSimSubscription,
  UpdatedSimSubscriptionVariables,
} from './generated/graphql.js';
import { operations } from './generated/operations.js';

/** What one `updatedSim` event carries: the SIM as selected by operations/UpdatedSim.graphql. */
export type UpdatedSimPayload = NonNullable<UpdatedSimSubscription['updatedSim']>;
/** What one `updatedSimEvent` event carries. */
export type UpdatedSimEventPayload = NonNullable<UpdatedSimEventSubscription['updatedSimEvent']>;
/** What one `updatedBatchJob` event carries: the whole job with its status details. */
export type UpdatedBatchJobPayload = NonNullable<UpdatedBatchJobSubscription['updatedBatchJob']>;

export interface WhereverRealtimeOptions {
  /** Default: derived from `endpoint` (https → wss, http → ws, `/graphql` → `/graphql/realtime`). */
  url?: string | undefined;
  /** Default `appsync`; `graphql-ws` speaks the standard protocol (install the optional `graphql-ws` package). */
  protocol?: RealtimeProtocol | undefined;
  /** After a reconnect, once every subscription is active again: re-query what you may have missed (nothing is replayed). */
  onReconnect?: ((info: ReconnectInfo) => void) | undefined;
  /** Default: 10 attempts in a row, 0.5 s doubling to 30 s, full jitter. */
  reconnect?: Partial<ReconnectOptions> | undefined;
  /** Declare the socket dead after this long without a keep-alive (default: what the server announces). */
  connectionTimeoutMs?: number | undefined;
  /** A WebSocket class instead of `ws`. */
  WebSocket?: WebSocketConstructor | undefined;
}

export interface WhereverSubscriptions {
  /** Every SIM change: `for await (const sim of wherever.updatedSim())`. */
  updatedSim(...args: Args<UpdatedSimSubscriptionVariables, SubscribeOptions>): Subscription<UpdatedSimPayload>;
  /** The events of one SIM: `for await (const event of wherever.updatedSimEvent({ iccid }, { signal }))`. */
  updatedSimEvent(...args: Args<UpdatedSimEventSubscriptionVariables, SubscribeOptions>): Subscription<UpdatedSimEventPayload>;
  /** Progress of batch jobs (`customerid` only for super admins). */
  updatedBatchJob(...args: Args<UpdatedBatchJobSubscriptionVariables, SubscribeOptions>): Subscription<UpdatedBatchJobPayload>;
  /** The shared socket behind the subscriptions. */
  readonly realtime: {
    readonly url: string;
    /** The protocol spoken: `appsync` (the default) or `graphql-ws`. */
    readonly protocol: RealtimeProtocol;
    /** Active subscriptions. */
    readonly size: number;
    /** End every subscription (their loops finish) and close the socket. */
    close(): Promise<void>;
  };
}

/** The client's event emitter, by its `realtime` object: for helpers (waitForBatchJob) without widening the public surface. */
const emitters = new WeakMap<object, (event: SdkEvent) => void>();

export function emitterOf(realtime: object | undefined): ((event: SdkEvent) => void) | undefined {
  return realtime === undefined ? undefined : emitters.get(realtime);
}

export function createWhereverSubscriptions(executor: Executor, options: WhereverRealtimeOptions = {}): WhereverSubscriptions {
  const url = options.url ?? realtimeUrlFor(executor.endpoint);
  const protocol = options.protocol ?? 'appsync';
  const client = createSubscriptionClient({
    url,
    protocol,
    auth: executor.auth,
    // AppSync wants the API's host in the authorization object, not the real-time host.
    host: new URL(executor.endpoint).host,
    connectionTimeoutMs: options.connectionTimeoutMs,
    reconnect: options.reconnect,
    onReconnect: options.onReconnect,
    emit: executor.emit,
    WebSocket: options.WebSocket,
  });
  const realtime = {
    url,
    protocol,
    get size() {
      return client.size;
    },
    close: () => client.close(),
  };
  if (executor.emit) emitters.set(realtime, executor.emit);
  return {
    updatedSim: (variables?: UpdatedSimSubscriptionVariables, call?: SubscribeOptions) => client.subscribe(operations.get('UpdatedSim'), variables, call) as Subscription<UpdatedSimPayload>,
    updatedSimEvent: (variables: UpdatedSimEventSubscriptionVariables, call?: SubscribeOptions) => client.subscribe(operations.get('UpdatedSimEvent'), variables, call) as Subscription<UpdatedSimEventPayload>,
    updatedBatchJob: (variables?: UpdatedBatchJobSubscriptionVariables, call?: SubscribeOptions) => client.subscribe(operations.get('UpdatedBatchJob'), variables, call) as Subscription<UpdatedBatchJobPayload>,
    realtime,
  } as WhereverSubscriptions;
}
