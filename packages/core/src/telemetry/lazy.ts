/**
 * How telemetry is loaded: the executor calls `createTelemetry` here, at client creation, which checks the
 * option. Whether `@opentelemetry/api` is installed is resolved, and the instrumentation (./index.ts)
 * loaded, only once there is something to record into: a tracer or meter passed in the options, or a
 * provider or propagator registered with the API (seen in its global registry, without loading it). Until
 * then calls take the plain path: with the API installed but no provider, loading it (~45 ms of CPU on
 * the first call) would record nothing. Once loading, the wrappers below hold calls until it is there (so
 * the first call after a provider is registered is traced), and buffer events for it (so a renewal or
 * subscription before the first call still gets its span).
 */
import type { AuthStrategy } from '../auth/types.js';
import { ValidationError } from '../errors/index.js';
import type { SdkEvent } from '../transport/observability.js';
import type { OperationDescriptor, PaginationSpec } from '../transport/operation.js';
import { USES_ATTEMPT, usesAttempt, type Transport } from '../transport/transport.js';
import type { Telemetry, TelemetryOptions } from './index.js';

/** Throws the ValidationError a bad `telemetry` option gets, at client creation. */
export function checkTelemetryOption(option: unknown): void {
  if (option === false || option === undefined) return;
  if (option === null || typeof option !== 'object') {
    throw new ValidationError(`telemetry must be an options object or false, got ${JSON.stringify(String(option))}`, { field: 'telemetry' });
  }
  const { tracer, meter } = option as TelemetryOptions;
  if (tracer !== undefined && typeof tracer?.startSpan !== 'function') {
    throw new ValidationError('telemetry.tracer must be a Tracer', { field: 'telemetry.tracer' });
  }
  if (meter !== undefined && typeof meter?.createHistogram !== 'function') {
    throw new ValidationError('telemetry.meter must be a Meter', { field: 'telemetry.meter' });
  }
}

let installed: boolean | undefined;

/**
 * Whether `@opentelemetry/api` resolves from here (once per process), without loading it. Undefined when
 * this Node cannot tell synchronously (ESM build on Node < 20.16, no `process.getBuiltinModule`): then the
 * instrumentation loads and decides, as it did before.
 */
function openTelemetryInstalled(): boolean | undefined {
  if (installed !== undefined) return installed;
  const nodeModule = (process as { getBuiltinModule?: (id: string) => typeof import('node:module') | undefined }).getBuiltinModule?.('node:module');
  if (!nodeModule) return undefined;
  try {
    // A computed name: bundlers do not follow it, so users without OpenTelemetry never bundle it.
    const here = typeof __filename === 'string' ? __filename : import.meta.url;
    nodeModule.createRequire(here).resolve(/* webpackIgnore: true */ ['@opentelemetry', 'api'].join('/'));
    installed = true;
  } catch {
    installed = false;
  }
  return installed;
}

/** Where @opentelemetry/api 1.x registers its global providers (its `internal/global-utils`). */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * Whether a tracer or meter provider, or a propagator, is registered with the API (the same registry the API
 * itself reads). A propagator alone counts: the caller's incoming trace context is passed on without a tracer.
 */
export function providerRegistered(): boolean {
  try {
    const registry = (globalThis as { [OTEL_GLOBAL]?: { trace?: unknown; metrics?: unknown; propagation?: unknown } })[OTEL_GLOBAL];
    if (registry === undefined || registry === null || typeof registry !== 'object') return false;
    return registry.trace !== undefined || registry.metrics !== undefined || registry.propagation !== undefined;
  } catch {
    // Someone else's odd registry (a throwing getter or proxy) must never break a call: nothing to record into.
    return false;
  }
}

/** The client's telemetry, or undefined when it is off or `@opentelemetry/api` is not installed. */
export function createTelemetry(option: TelemetryOptions | false | undefined, context: { endpoint: string; scrub: (text: string) => string }): Telemetry | undefined {
  checkTelemetryOption(option);
  // `installed` is known once asked (resolving the API costs ~2 ms, so it is asked only when there is something to record).
  if (option === false || installed === false) return undefined;
  const own = option !== undefined && (option.tracer !== undefined || option.meter !== undefined);
  const load = () => (openTelemetryInstalled() === false ? Promise.resolve(undefined) : import('./index.js').then((m) => m.createTelemetry(option, context)));
  return new LazyTelemetry(load, own ? () => true : providerRegistered);
}

type Execute = Parameters<Telemetry['execute']>[0];

/** Stands in for the instrumentation until it has loaded, then forwards to it (or to nothing, if it found no API). */
class LazyTelemetry implements Telemetry {
  /** undefined: not loaded (yet); null: loaded, nothing to instrument. */
  #real: Telemetry | null | undefined;
  /** Set once loading has started. */
  #ready: Promise<void> | undefined;
  /** Events seen while the instrumentation loads, replayed into it once (the user's `onEvent` got them at once). */
  #early: SdkEvent[] | undefined = [];
  #ours: ((event: SdkEvent) => void) | undefined;
  readonly #load: () => Promise<Telemetry | undefined>;
  readonly #wanted: () => boolean;

  constructor(load: () => Promise<Telemetry | undefined>, wanted: () => boolean) {
    this.#load = load;
    this.#wanted = wanted;
    this.#loadIfWanted();
  }

  /** The load in progress or done; starts it when there is something to record into, else undefined. */
  #loadIfWanted(): Promise<void> | undefined {
    if (this.#ready !== undefined || !this.#wanted()) return this.#ready;
    return (this.#ready = this.#load().then(
      (real) => {
        this.#real = real ?? null;
        const early = this.#early!;
        this.#early = undefined;
        if (real) {
          this.#ours = real.listen(undefined);
          for (const event of early) this.#ours(event);
        }
      },
      () => {
        // Instrumentation that cannot load must never break calls: run them uninstrumented.
        this.#real = null;
        this.#early = undefined;
      },
    ));
  }

  execute<F extends Execute>(inner: F): F {
    let run: F | undefined;
    const bind = () => (run ??= this.#real ? this.#real.execute(inner) : inner);
    const traced = (op: OperationDescriptor, variables: Record<string, unknown> | undefined, options: unknown, mode?: unknown) => {
      if (this.#real !== undefined) return bind()(op, variables, options, mode);
      const ready = this.#loadIfWanted();
      // No provider yet: nothing would record this call, so it runs plain (a later one loads the instrumentation).
      return ready === undefined ? inner(op, variables, options, mode) : ready.then(() => bind()(op, variables, options, mode));
    };
    return traced as F;
  }

  transport(inner: Transport): Transport {
    let real: Transport | undefined;
    // Attempts run inside `execute`, which waited for the load; before it, requests pass through.
    const wrapped: Transport = (request) => (this.#real !== undefined ? (real ??= this.#real ? this.#real.transport(inner) : inner) : inner)(request);
    if (usesAttempt(inner)) Object.assign(wrapped, { [USES_ATTEMPT]: true });
    return wrapped;
  }

  auth(inner: AuthStrategy): AuthStrategy {
    let real: AuthStrategy | undefined;
    const current = () => (this.#real !== undefined ? (real ??= this.#real ? this.#real.auth(inner) : inner) : inner);
    const wrapped: AuthStrategy = {
      headers: (ctx) => current().headers(ctx),
      secrets: () => inner.secrets(),
    };
    if (inner.onUnauthorized) wrapped.onUnauthorized = (sent, ctx) => current().onUnauthorized!(sent, ctx);
    if (inner.connect) wrapped.connect = (emit) => inner.connect!(emit);
    return wrapped;
  }

  listen(user: ((event: SdkEvent) => void) | undefined): (event: SdkEvent) => void {
    return (event) => {
      if (this.#ours) {
        try {
          this.#ours(event);
        } catch {
          // telemetry must never break a call
        }
      } else if (this.#ready !== undefined) {
        this.#early?.push(event);
      } // else: no provider, nothing to record the event into (and nothing kept)
      user?.(event);
    };
  }

  pages<I extends AsyncIterable<unknown>>(op: OperationDescriptor, spec: PaginationSpec, iterator: I): I {
    if (this.#real !== undefined) return this.#real ? this.#real.pages(op, spec, iterator) : iterator;
    // Wrapped when iteration starts; if the instrumentation is still loading then, its first page waits for it.
    const open = iterator[Symbol.asyncIterator];
    const wrap = () => {
      delete (iterator as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
      if (Object.hasOwn(iterator, Symbol.asyncIterator) || iterator[Symbol.asyncIterator] !== open) {
        Object.defineProperty(iterator, Symbol.asyncIterator, { configurable: true, writable: true, value: open });
      }
      return (this.#real ? this.#real.pages(op, spec, iterator) : iterator)[Symbol.asyncIterator]();
    };
    Object.defineProperty(iterator, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value: () => {
        if (this.#real !== undefined) return wrap();
        const ready = this.#loadIfWanted();
        if (ready === undefined) return open.call(iterator); // no provider when the walk starts: a plain walk
        let started: AsyncIterator<unknown> | undefined;
        const begin = () => ready.then(() => (started ??= wrap()));
        return {
          next: (...args: [] | [unknown]) => (started ? started.next(...args) : begin().then((it) => it.next(...args))),
          return: (value?: unknown) => (started ? (started.return?.(value) ?? Promise.resolve({ done: true, value })) : begin().then((it) => it.return?.(value) ?? { done: true as const, value })),
          [Symbol.asyncIterator]() {
            return this;
          },
        } as AsyncIterator<unknown> & AsyncIterable<unknown>;
      },
    });
    return iterator;
  }
}
