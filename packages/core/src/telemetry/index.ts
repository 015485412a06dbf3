/**
 * OpenTelemetry for every client, in one place. `@opentelemetry/api` is an optional peer: when it is
 * installed, this module is loaded (./lazy.ts) when the first client is built, and requires it once per
 * process; when it is missing nothing is loaded and the executor runs exactly as without it.
 *
 * How it attaches (nothing in the attempt loop knows about it):
 * - `execute` is wrapped: one CLIENT span per call (`query ListSims`), run under the caller's context;
 * - the transport is wrapped: one HTTP CLIENT span per attempt (`POST`, with `http.request.resend_count`),
 *   W3C trace context injected into its headers;
 * - the auth strategy is wrapped: a call waiting for a token renewal links its next attempt to the
 *   renewal's span (one span per renewal, built from the `token` event);
 * - the executor's events give retries (reason, wait, Retry-After) and the subscription lifecycle;
 * - page iterators are wrapped by the client builder: one span per page.
 * Per-call state travels in an AsyncLocalStorage of our own, so attempts nest under their call even
 * when the application registered no context manager.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';
import type { AuthStrategy } from '../auth/types.js';
import { ApiError } from '../errors/index.js';
import { pageItems } from '../paginate/index.js';
import { isErrorMember } from '../results/index.js';
import type { SdkEvent } from '../transport/observability.js';
import { retryAfterMs } from '../transport/retry.js';
import { checkTelemetryOption } from './lazy.js';
import type { OperationDescriptor, PaginationSpec } from '../transport/operation.js';
import { ATTEMPT, AttemptRequest, BODY_PARTS, USES_ATTEMPT, usesAttempt, type Transport, type TransportRequest, type TransportResponse } from '../transport/transport.js';

/** The parts of an OpenTelemetry `Tracer` we use (typed loosely so `@opentelemetry/api` stays optional for type-checking too). */
export interface TracerLike {
  startSpan(name: string, options?: any, context?: any): any;
}

/** The parts of an OpenTelemetry `Meter` we use. */
export interface MeterLike {
  createHistogram(name: string, options?: any): any;
  createCounter(name: string, options?: any): any;
  createUpDownCounter(name: string, options?: any): any;
}

export interface TelemetryOptions {
  /** Use this tracer instead of the global provider's `@sdk/core` tracer. */
  tracer?: TracerLike | undefined;
  /** Use this meter instead of the global provider's `@sdk/core` meter. */
  meter?: MeterLike | undefined;
  /** Inject the active trace context (W3C `traceparent` with the default propagator) into requests. Default true. */
  propagate?: boolean | undefined;
  /** Record the GraphQL document on call spans (`graphql.document`). Default false. */
  recordDocument?: boolean | undefined;
  /** Record the variables, scrubbed of secrets and sensitive-looking keys, on call spans. Default false. */
  recordVariables?: boolean | undefined;
}

type OtelApi = typeof Api;
type Vars = Record<string, unknown>;
type Execute = (op: OperationDescriptor, variables: Vars | undefined, options: any, mode?: any) => Promise<{ data: unknown; response: { status: number } }>;

/** What the executor and the client builder call. */
export interface Telemetry {
  execute<F extends Execute>(inner: F): F;
  transport(inner: Transport): Transport;
  auth(inner: AuthStrategy): AuthStrategy;
  /** The client's event listener: ours, then the user's `onEvent`. */
  listen(user: ((event: SdkEvent) => void) | undefined): (event: SdkEvent) => void;
  /** Wraps a page iterator so that each page fetched gets a span. */
  pages<I extends AsyncIterable<unknown>>(op: OperationDescriptor, spec: PaginationSpec, iterator: I): I;
}

const NAME = '@sdk/core';
let api: OtelApi | null | undefined;

/** `@opentelemetry/api` when the application has it installed, else null (looked up once per process). */
export function loadOpenTelemetry(): OtelApi | null {
  if (api !== undefined) return api;
  try {
    // A computed name through createRequire: bundlers do not follow it, so users without OpenTelemetry never bundle it.
    const name = ['@opentelemetry', 'api'].join('/');
    // Resolved from this file (CommonJS build: __filename; ESM build: import.meta.url), where the peer is linked.
    const here = typeof __filename === 'string' ? __filename : import.meta.url;
    api = createRequire(here)(/* webpackIgnore: true */ name) as OtelApi;
    if (typeof api?.trace?.getTracer !== 'function') api = null;
  } catch {
    api = null;
  }
  return api;
}

interface CallState {
  span: Api.Span;
  ctx: Api.Context;
  opName: string;
  attempts: number;
  /** Token renewals this call waited for: linked from its next attempt. */
  links: Api.Link[] | undefined;
  /** The server's Retry-After of the last attempt, in ms. */
  retryAfterMs: number | undefined;
  /** HTTP status of the last attempt. */
  status: number | undefined;
}

const calls = new AsyncLocalStorage<CallState>();
/** One span per token renewal even when several clients share a TokenManager (they receive the same event object). */
const renewals = new WeakMap<object, Api.SpanContext>();
const SENSITIVE_KEY = /pass|secret|token|pin$|^pin|puk|apikey|api_key|authori[sz]ation|credential|cookie/i;
const MAX_ATTRIBUTE = 4096;

/**
 * The client's telemetry, or undefined when it is off (`false`) or `@opentelemetry/api` is not installed:
 * then nothing is wrapped and calls cost what they cost before.
 */
export function createTelemetry(option: TelemetryOptions | false | undefined, context: { endpoint: string; scrub: (text: string) => string }): Telemetry | undefined {
  checkTelemetryOption(option);
  if (option === false) return undefined;
  const otel = loadOpenTelemetry();
  if (!otel) return undefined;
  return new ClientTelemetry(otel, option ?? {}, context.endpoint, context.scrub);
}

function instrumentsOf(meter: Api.Meter) {
  return {
    duration: meter.createHistogram('sdk.operation.duration', { unit: 's' }),
    httpDuration: meter.createHistogram('http.client.request.duration', { unit: 's' }),
    attempts: meter.createCounter('sdk.operation.attempts'),
    retries: meter.createCounter('sdk.operation.retries'),
    renewals: meter.createCounter('sdk.token.renewals'),
    pages: meter.createCounter('sdk.iteration.pages'),
    items: meter.createCounter('sdk.iteration.items'),
    subscriptions: meter.createUpDownCounter('sdk.subscriptions.open'),
    reconnects: meter.createCounter('sdk.subscription.reconnects'),
  };
}

class ClientTelemetry implements Telemetry {
  readonly #api: OtelApi;
  readonly #tracer: Api.Tracer;
  readonly #meter: Api.Meter | undefined;
  readonly #propagate: boolean;
  readonly #recordDocument: boolean;
  readonly #recordVariables: boolean;
  readonly #scrub: (text: string) => string;
  readonly #server: Api.Attributes;
  readonly #url: string;
  /** Calls waiting for `auth.headers()` or `auth.onUnauthorized()`. */
  readonly #waiting = new Set<CallState>();
  /** Open subscriptions by id. */
  readonly #subscriptions = new Map<string, Api.Span>();
  /** Per operation: the span name and attributes every call of it starts with. */
  readonly #opAttributes = new WeakMap<OperationDescriptor, { name: string; attributes: Api.Attributes; metric: Api.Attributes }>();
  #meterProvider: unknown;
  #instruments: ReturnType<typeof instrumentsOf> | undefined;
  readonly #ownTracer: boolean;
  /** The API's no-op singletons: "installed, no provider" is detected by identity. */
  readonly #noopTracerProvider: unknown;
  readonly #noopHistogram: unknown;

  constructor(otel: OtelApi, options: TelemetryOptions, endpoint: string, scrub: (text: string) => string) {
    this.#api = otel;
    this.#tracer = (options.tracer as Api.Tracer | undefined) ?? otel.trace.getTracer(NAME);
    this.#meter = options.meter as Api.Meter | undefined;
    this.#ownTracer = options.tracer !== undefined;
    this.#noopTracerProvider = new otel.ProxyTracerProvider().getDelegate();
    this.#noopHistogram = otel.createNoopMeter().createHistogram('noop');
    this.#propagate = options.propagate !== false;
    this.#recordDocument = options.recordDocument === true;
    this.#recordVariables = options.recordVariables === true;
    this.#scrub = scrub;
    const url = new URL(endpoint);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    this.#server = { 'server.address': url.hostname, 'server.port': port };
    // Never the query or user info: either may carry credentials.
    this.#url = `${url.protocol}//${url.host}${url.pathname}`;
  }

  /** Instruments of the given meter, or of the global provider's (re-read when one is registered later); undefined when that is the no-op one. */
  #metrics(): ReturnType<typeof instrumentsOf> | undefined {
    if (this.#meter) return (this.#instruments ??= instrumentsOf(this.#meter));
    const provider = this.#api.metrics.getMeterProvider();
    if (provider !== this.#meterProvider) {
      this.#meterProvider = provider;
      const instruments = instrumentsOf(provider.getMeter(NAME));
      this.#instruments = instruments.duration === this.#noopHistogram ? undefined : instruments;
    }
    return this.#instruments;
  }

  #describe(op: OperationDescriptor) {
    let entry = this.#opAttributes.get(op);
    if (!entry) {
      const base = { 'graphql.operation.name': op.name, 'graphql.operation.type': op.kind };
      entry = { name: `${op.kind} ${op.name}`, attributes: { ...base, ...this.#server }, metric: { ...base, 'server.address': this.#server['server.address']! } };
      this.#opAttributes.set(op, entry);
    }
    return entry;
  }

  /**
   * Whether a call is worth instrumenting: a tracer that may record, or a meter that is not the no-op one.
   * With the API installed but no provider registered, calls take the plain path.
   */
  #active(): boolean {
    if (this.#ownTracer) return true;
    const provider = this.#api.trace.getTracerProvider() as { getDelegate?: () => unknown };
    if (provider.getDelegate?.() !== this.#noopTracerProvider) return true;
    return this.#metrics() !== undefined;
  }

  execute<F extends Execute>(inner: F): F {
    const traced = (op: OperationDescriptor, variables: Vars | undefined, options: unknown, mode?: unknown) =>
      this.#active() ? this.#call(inner, op, variables, options, mode) : inner(op, variables, options, mode);
    return traced as F;
  }

  async #call(inner: Execute, op: OperationDescriptor, variables: Vars | undefined, options: unknown, mode: unknown) {
    const { trace, context, SpanKind, SpanStatusCode } = this.#api;
    const described = this.#describe(op);
    const parent = context.active();
    const span = this.#tracer.startSpan(described.name, { kind: SpanKind.CLIENT, attributes: described.attributes }, parent);
    const started = performance.now();
    // A span nobody samples still runs the call with state: metrics count its attempts and retries.
    const recording = span.isRecording();
    if (recording && this.#recordDocument) span.setAttribute('graphql.document', op.document);
    if (recording && this.#recordVariables) span.setAttribute('sdk.graphql.variables', this.#scrubVariables(variables));
    const state: CallState = { span, ctx: trace.setSpan(parent, span), opName: op.name, attempts: 0, links: undefined, retryAfterMs: undefined, status: undefined };
    let errorType: string | undefined;
    try {
      const result = await context.with(state.ctx, () => calls.run(state, () => inner(op, variables, options, mode)));
      span.setAttribute('http.response.status_code', result.response.status);
      errorType = memberType(op, result.data);
      if (errorType) span.setStatus({ code: SpanStatusCode.ERROR });
      return result;
    } catch (err) {
      errorType = errorTypeOf(err);
      if (state.status !== undefined) span.setAttribute('http.response.status_code', state.status);
      // No message: error text may quote what a server sent back; error.type says what failed.
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      if (errorType) span.setAttribute('error.type', errorType);
      if (state.attempts > 0) span.setAttribute('sdk.request.attempts', state.attempts);
      span.end();
      this.#metrics()?.duration.record((performance.now() - started) / 1000, errorType ? { ...described.metric, 'error.type': errorType } : described.metric);
    }
  }

  #scrubVariables(variables: Vars | undefined): string {
    let text: string;
    try {
      text = JSON.stringify(variables ?? {}, (key, value: unknown) => (key && SENSITIVE_KEY.test(key) && value !== null && value !== undefined ? '[REDACTED]' : value));
    } catch {
      text = '[unserializable]';
    }
    text = this.#scrub(text);
    return text.length > MAX_ATTRIBUTE ? `${text.slice(0, MAX_ATTRIBUTE)}…` : text;
  }

  transport(inner: Transport): Transport {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the per-attempt function below is a plain function
    const self = this;
    const { trace, context, propagation, SpanKind, SpanStatusCode } = this.#api;
    const propagate = this.#propagate;
    const inject = (ctx: Api.Context, headers: Record<string, string>): Record<string, string> => {
      if (!propagate || propagation.fields().length === 0) return headers;
      const carrier: Record<string, string> = {};
      propagation.inject(ctx, carrier);
      for (const _ in carrier) return { ...headers, ...carrier };
      return headers;
    };
    // Not async: the uninstrumented path (no provider) adds no promise of its own.
    const wrapped: Transport = (request) => {
      const state = calls.getStore();
      if (state) return traced(request, state);
      // Not instrumented (no provider): pass the caller's trace context on all the same.
      const headers = inject(context.active(), request.headers);
      return inner(headers === request.headers ? request : withHeaders(request, headers));
    };
    // Requests pass through to `inner` (copies keep [ATTEMPT]): it cancels as it would unwrapped.
    if (usesAttempt(inner)) Object.assign(wrapped, { [USES_ATTEMPT]: true });
    return wrapped;
    async function traced(this: void, request: Parameters<Transport>[0], state: CallState): Promise<TransportResponse> {
      const resend = state.attempts++;
      const attributes: Api.Attributes = { 'http.request.method': 'POST', ...self.#server, 'url.full': self.#url };
      if (resend > 0) attributes['http.request.resend_count'] = resend;
      const links = state.links;
      state.links = undefined;
      state.retryAfterMs = undefined;
      const span = self.#tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes, links }, state.ctx);
      const ctx = trace.setSpan(state.ctx, span);
      const headers = inject(ctx, request.headers);
      const started = performance.now();
      const metric: Api.Attributes = { 'http.request.method': 'POST', ...self.#server };
      try {
        const res: TransportResponse = await context.with(ctx, () => inner(headers === request.headers ? request : withHeaders(request, headers)));
        span.setAttribute('http.response.status_code', res.status);
        metric['http.response.status_code'] = res.status;
        state.status = res.status;
        if (res.status >= 400) {
          span.setAttribute('error.type', String(res.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
          metric['error.type'] = String(res.status);
        }
        // The parsed delay only, never the raw header: a hostile server may put anything there.
        state.retryAfterMs = retryAfterMs(res.headers);
        if (state.retryAfterMs !== undefined) span.setAttribute('sdk.retry_after_ms', state.retryAfterMs);
        return res;
      } catch (err) {
        const type = errorTypeOf(err);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR });
        metric['error.type'] = type;
        throw err;
      } finally {
        span.end();
        const m = self.#metrics();
        m?.httpDuration.record((performance.now() - started) / 1000, metric);
        m?.attempts.add(1, self.#opAttributes.get(request.operation)?.metric ?? { 'graphql.operation.name': state.opName });
      }
    }
  }

  auth(inner: AuthStrategy): AuthStrategy {
    const waiting = this.#waiting;
    const track = <T>(promise: Promise<T>, state: CallState): Promise<T> => {
      waiting.add(state);
      return promise.finally(() => waiting.delete(state));
    };
    const wrapped: AuthStrategy = {
      headers(ctx) {
        const headers = inner.headers(ctx);
        const state = headers instanceof Promise ? calls.getStore() : undefined;
        return state ? track(headers as Promise<Record<string, string>>, state) : headers;
      },
      secrets: () => inner.secrets(),
    };
    if (inner.onUnauthorized) {
      wrapped.onUnauthorized = (sent, ctx) => {
        const renewed = inner.onUnauthorized!(sent, ctx);
        const state = calls.getStore();
        return state ? track(renewed, state) : renewed;
      };
    }
    if (inner.connect) wrapped.connect = (emit) => inner.connect!(emit);
    return wrapped;
  }

  listen(user: ((event: SdkEvent) => void) | undefined): (event: SdkEvent) => void {
    return (event) => {
      try {
        this.#onEvent(event);
      } catch {
        // telemetry must never break a call
      }
      user?.(event);
    };
  }

  #onEvent(event: SdkEvent): void {
    switch (event.type) {
      case 'retry': {
        const state = calls.getStore();
        if (state && event.operationName === state.opName) {
          const attributes: Api.Attributes = { 'sdk.retry.attempt': event.attempt, 'sdk.retry.reason': event.reason, 'sdk.retry.delay_ms': event.delayMs };
          if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
          if (state.retryAfterMs !== undefined) attributes['sdk.retry.retry_after_ms'] = state.retryAfterMs;
          state.span.addEvent('retry', attributes);
          this.#metrics()?.retries.add(1, { 'graphql.operation.name': event.operationName, 'sdk.retry.reason': event.reason });
        } else if (event.operationName === 'realtime') {
          for (const span of this.#subscriptions.values()) span.addEvent('reconnect.wait', { 'sdk.retry.attempt': event.attempt, // The reason without its details (a close reason is server text).
            'sdk.retry.reason': event.reason.replace(/\s*\(.*$/s, ''), 'sdk.retry.delay_ms': event.delayMs });
        }
        return;
      }
      case 'token':
        return this.#onToken(event);
      case 'realtime':
        return this.#onRealtime(event);
      default:
        return;
    }
  }

  #onToken(event: Extract<SdkEvent, { type: 'token' }>): void {
    let spanContext = renewals.get(event);
    if (!spanContext) {
      this.#metrics()?.renewals.add(1, { 'sdk.token.action': event.action, ...(event.ok ? {} : { 'error.type': 'AuthError' }) });
      // The event comes at the end of the renewal: the span is written after the fact, with its real start.
      const { context, trace, SpanStatusCode } = this.#api;
      const parent = calls.getStore()?.ctx ?? context.active();
      const attributes: Api.Attributes = { 'sdk.token.action': event.action, 'sdk.token.waiters': this.#waiting.size };
      if (event.fallback) attributes['sdk.token.fallback'] = true;
      if (event.persistFailed) attributes['sdk.token.persist_failed'] = true;
      const end = Date.now();
      const span = this.#tracer.startSpan(`token ${event.action}`, { kind: this.#api.SpanKind.INTERNAL, attributes, startTime: end - event.durationMs }, parent);
      if (!event.ok) {
        span.setAttribute('error.type', 'AuthError');
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${event.action} failed` });
      }
      span.end(end);
      spanContext = span.spanContext();
      renewals.set(event, spanContext);
      if (!trace.isSpanContextValid(spanContext)) return;
    }
    // Everyone waiting for credentials now waited for this renewal: their next attempt links to it.
    if (!event.ok) return;
    for (const state of this.#waiting) (state.links ??= []).push({ context: spanContext, attributes: { 'sdk.link.type': `token ${event.action}` } });
  }

  #onRealtime(event: Extract<SdkEvent, { type: 'realtime' }>): void {
    const { SpanKind, SpanStatusCode, context } = this.#api;
    switch (event.action) {
      case 'subscribe': {
        if (event.id === undefined) return;
        const span = this.#tracer.startSpan(`subscription ${event.operationName}`, { kind: SpanKind.CLIENT, attributes: { 'graphql.operation.name': event.operationName, 'graphql.operation.type': 'subscription' } }, context.active());
        this.#subscriptions.set(event.id, span);
        this.#metrics()?.subscriptions.add(1, { 'graphql.operation.name': event.operationName });
        return;
      }
      case 'ready':
        this.#subscriptions.get(event.id ?? '')?.addEvent('ack');
        return;
      case 'end': {
        const span = this.#subscriptions.get(event.id ?? '');
        if (!span) return;
        this.#subscriptions.delete(event.id!);
        this.#metrics()?.subscriptions.add(-1, { 'graphql.operation.name': event.operationName });
        if (event.error) {
          span.setAttribute('error.type', event.error);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.addEvent('end');
        span.end();
        return;
      }
      case 'connect':
        for (const span of this.#subscriptions.values()) span.addEvent('connect', event.attempt ? { 'sdk.realtime.attempt': event.attempt } : {});
        return;
      case 'connected': {
        const reconnect = event.downtimeMs !== undefined;
        if (reconnect) this.#metrics()?.reconnects.add(1);
        for (const span of this.#subscriptions.values()) {
          span.addEvent(reconnect ? 'reconnected' : 'connected', reconnect ? { 'sdk.realtime.downtime_ms': event.downtimeMs!, 'sdk.realtime.attempt': event.attempt ?? 1 } : {});
        }
        return;
      }
    }
  }

  pages<I extends AsyncIterable<unknown>>(op: OperationDescriptor, spec: PaginationSpec, iterator: I): I {
    const open = iterator[Symbol.asyncIterator].bind(iterator);
    // PageIterator.done: the API said the page last handed over is the final one.
    const finished = () => (iterator as { done?: unknown }).done === true;
    Object.defineProperty(iterator, Symbol.asyncIterator, {
      configurable: true,
      value: () => {
        const inner = open();
        let pages = 0;
        let items = 0;
        const metric = this.#describe(op).metric;
        const totals = (span: Api.Span) => span.setAttributes({ 'sdk.iteration.page_count': pages, 'sdk.iteration.item_count': items });
        const walk: AsyncIterator<unknown> & AsyncIterable<unknown> = {
          next: async () => {
            // The walk handed over its final page: this call only ends it, nothing is fetched.
            if (finished()) return inner.next();
            const { context, trace, SpanStatusCode } = this.#api;
            const parent = context.active();
            const span = this.#tracer.startSpan(`${op.name} page`, { attributes: { 'graphql.operation.name': op.name, 'sdk.page.number': pages + 1, 'sdk.page.style': spec.style } }, parent);
            try {
              const result = await context.with(trace.setSpan(parent, span), () => inner.next());
              const count = result.done ? 0 : pageItems(spec, result.value).length;
              if (!result.done) {
                pages++;
                items += count;
                const m = this.#metrics();
                m?.pages.add(1, metric);
                m?.items.add(count, metric);
              }
              span.setAttribute('sdk.page.item_count', count);
              if (result.done || finished()) totals(span);
              return result;
            } catch (err) {
              span.setAttribute('error.type', errorTypeOf(err));
              span.setStatus({ code: SpanStatusCode.ERROR });
              totals(span);
              throw err;
            } finally {
              span.end();
            }
          },
          return: (value?: unknown) => (inner.return ? inner.return(value) : Promise.resolve({ done: true as const, value: undefined })),
          throw: (err?: unknown) => (inner.throw ? inner.throw(err) : Promise.reject(err)),
          [Symbol.asyncIterator]: () => walk,
        };
        return walk;
      },
    });
    return iterator;
  }
}

/** `error.type` of a failed call: the error member's `__typename`, else the error class name. */
function errorTypeOf(err: unknown): string {
  if (err instanceof ApiError) return err.__typename;
  if (err instanceof Error) return err.name || 'Error';
  return '_OTHER';
}

/** The non-throwing form returns error members as results: they still mark the span. */
function memberType(op: OperationDescriptor, data: unknown): string | undefined {
  return op.errorTypenames && isErrorMember(data, op.errorTypenames) ? (data as { __typename: string }).__typename : undefined;
}

/** A copy of `request` with other headers; `signal` is read explicitly (an AttemptRequest has it as a getter, which a spread leaves out). */
function withHeaders(request: TransportRequest, headers: Record<string, string>): TransportRequest {
  // The SDK's own transport below: another AttemptRequest, so reading `signal` makes no AbortController.
  if (request instanceof AttemptRequest) return new AttemptRequest(request.url, request[BODY_PARTS] ?? request.body, headers, request.operation, request.variables, request.maxResponseBytes, request[ATTEMPT]);
  return { ...request, signal: request.signal, headers };
}
