/**
 * Vendor-neutral GraphQL subscriptions over one shared WebSocket per client. The protocol code, the socket
 * library (`ws`) and, for the graphql-ws protocol, `graphql-ws` are imported only when the first
 * subscription opens, so importing the SDK (or creating a client) does not parse them.
 */
import { AbortError, ValidationError } from '../errors/index.js';
import type { OperationDescriptor } from '../transport/operation.js';
import { DEFAULT_RECONNECT, apiHostFor } from './shared.js';
import type { ResolvedRealtimeOptions, SubscribeOptions, Subscription, SubscriptionClient, SubscriptionClientOptions } from './types.js';

export { realtimeUrlFor } from './shared.js';
export type * from './types.js';

export function createSubscriptionClient(options: SubscriptionClientOptions): SubscriptionClient {
  if (typeof options?.url !== 'string' || !/^wss?:\/\//.test(options.url)) {
    throw new ValidationError(`realtime url must be a ws(s) URL, got ${JSON.stringify(String(options?.url))}`, { field: 'url' });
  }
  const protocol = options.protocol ?? 'appsync';
  if (protocol !== 'appsync' && protocol !== 'graphql-ws') {
    throw new ValidationError(`realtime protocol must be 'appsync' or 'graphql-ws', got ${JSON.stringify(String(protocol))}`, { field: 'protocol' });
  }
  const resolved: ResolvedRealtimeOptions = {
    ...options,
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    host: options.host ?? apiHostFor(options.url),
    random: options.random ?? Math.random,
  };
  return lazyClient(() => (protocol === 'graphql-ws' ? import('./graphql-ws.js').then((m) => m.createGraphQLWsClient(resolved)) : import('./appsync.js').then((m) => m.createAppSyncClient(resolved))));
}

/**
 * The client the caller gets at once; the protocol client is loaded on the first `subscribe`. Until it is,
 * subscriptions are stand-ins that hand over to the real ones (same iterator, `ready` and abort semantics).
 */
function lazyClient(load: () => Promise<SubscriptionClient>): SubscriptionClient {
  let engine: SubscriptionClient | undefined;
  let loading: Promise<SubscriptionClient> | undefined;
  const waiting = new Set<PendingSubscription>();
  const start = () =>
    (loading ??= load().then((client) => {
      engine = client;
      return client;
    }));
  return {
    subscribe(op: OperationDescriptor, variables?: Record<string, unknown>, options?: SubscribeOptions) {
      if (engine) return engine.subscribe(op, variables as never, options);
      if (op?.kind !== 'subscription') throw new ValidationError(`${op?.name} is a ${op?.kind}, not a subscription`, { operationName: op?.name });
      const pending = new PendingSubscription(op.name, waiting);
      waiting.add(pending);
      start().then(
        (client) => pending.attach(() => client.subscribe(op, variables as never, options)),
        (error: unknown) => pending.attach(() => { throw error; }),
      );
      return pending as Subscription<never>;
    },
    get size() {
      return engine ? engine.size : waiting.size;
    },
    close() {
      for (const pending of [...waiting]) void pending.return();
      return loading ? loading.then((client) => client.close(), () => {}) : Promise.resolve();
    },
  } as SubscriptionClient;
}

const DONE = Object.freeze({ done: true as const, value: undefined });

/** A subscription made before the protocol client loaded: forwards to the real one once it exists. */
class PendingSubscription implements Subscription<unknown> {
  readonly operationName: string;
  readonly ready: Promise<void>;
  #inner: Promise<Subscription<unknown>>;
  #settle!: (inner: Subscription<unknown> | undefined, error?: unknown) => void;
  #cancelled = false;
  #thrown = false;
  #waiting: Set<PendingSubscription>;

  constructor(operationName: string, waiting: Set<PendingSubscription>) {
    this.operationName = operationName;
    this.#waiting = waiting;
    this.#inner = new Promise((resolve, reject) => {
      this.#settle = (inner, error) => (inner ? resolve(inner) : reject(error));
    });
    this.#inner.catch(() => {});
    this.ready = this.#inner.then((inner) => inner.ready);
    this.ready.catch(() => {});
  }

  attach(subscribe: () => Subscription<unknown>): void {
    this.#waiting.delete(this);
    if (this.#cancelled) return;
    try {
      this.#settle(subscribe());
    } catch (error) {
      this.#settle(undefined, error);
    }
  }

  next(): Promise<IteratorResult<unknown, undefined>> {
    if (this.#cancelled) return Promise.resolve(DONE);
    // As a real subscription: a loop stopped while it waits ends with `done`; a failure is thrown once.
    return this.#inner.then(
      (inner) => inner.next(),
      (error: unknown) => {
        if (this.#cancelled || this.#thrown) return DONE;
        this.#thrown = true;
        throw error;
      },
    );
  }

  return(): Promise<IteratorResult<unknown, undefined>> {
    if (!this.#cancelled && this.#waiting.has(this)) {
      // Stopped before it started: nothing is opened for it, as a real subscription ended before `ready`.
      this.#cancelled = true;
      this.#waiting.delete(this);
      this.#settle(undefined, new AbortError(`${this.operationName} subscription ended before it started`, { operationName: this.operationName }));
      return Promise.resolve(DONE);
    }
    return this.#inner.then((inner) => inner.return(), () => DONE);
  }

  throw(): Promise<IteratorResult<unknown, undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
