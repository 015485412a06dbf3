/**
 * OpenTelemetry through the real SDK (BasicTracerProvider + in-memory exporter, MeterProvider with a
 * reader we collect by hand, AsyncLocalStorage context manager, W3C propagator) against hostile loopback
 * servers. Asserts the span tree, names, attributes, events, links and metric points, and that no
 * secret, in any encoding, reaches any span or metric.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { context, metrics, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { apiKeyAuth, ApiError, buildMethods, createExecutor, TokenManager, tokenAuth, type OperationDescriptor } from '@sdk/core';
import { startRealtimeFake } from '@sdk/core/testing';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, leaks, sendJson } from './hostile/lib.js';

const KEY = 'wk-live-4f1c9a7e2b6d8035';
const T1 = 'access-token-one-7c1e5f0a9b';
const T2 = 'access-token-two-3d8b2e6f4a';
const R1 = 'refresh-token-one-8e2a7d1c5f';
const R2 = 'refresh-token-two-1b9c4e7a2d';
const PASSWORD = 'hunter2-Pa55word!';
const SECRETS = [KEY, T1, T2, R1, R2, PASSWORD];

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush() {}
  protected override async onShutdown() {}
}

const exporter = new InMemorySpanExporter();
let reader: TestReader;
const appTracer = () => trace.getTracer('app');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
});
beforeEach(() => {
  exporter.reset();
  metrics.disable();
  reader = new TestReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterEach(async () => {
  // Whatever the test did: no secret in any encoding in any span or metric.
  const shown = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, links: s.links, status: s.status })));
  expect(leaks(shown, SECRETS)).toEqual([]);
  expect(leaks(JSON.stringify((await reader.collect()).resourceMetrics.scopeMetrics), SECRETS)).toEqual([]);
  await closeAll();
});

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((s) => s.name === name);
const childrenOf = (parent: ReadableSpan) => spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId).sort((a, b) => hr(a.startTime) - hr(b.startTime));
const hr = (t: [number, number]) => t[0] * 1e9 + t[1];

async function metric(name: string) {
  const { resourceMetrics } = await reader.collect();
  const found = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (found?.dataPoints ?? []) as DataPoint<number | Histogram>[];
}
const sum = async (name: string, where: Attributes = {}) =>
  (await metric(name)).filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v)).reduce((n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count), 0);

const GetThing: OperationDescriptor = {
  name: 'GetThing',
  kind: 'query',
  document: 'query GetThing($id:ID!){thing(id:$id){id}}',
  bodyPrefix: `${JSON.stringify({ operationName: 'GetThing', query: 'query GetThing($id:ID!){thing(id:$id){id}}' }).slice(0, -1)},"variables":`,
  path: ['thing'],
};

describe('OpenTelemetry', () => {
  it('a plain call: a CLIENT span under the caller, one HTTP attempt span, traceparent sent, metrics recorded', async () => {
    const server = await hostileServer((req, res) => sendJson(res, { data: { thing: { id: req.json?.variables?.id } } }));
    const executor = createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY) });
    await appTracer().startActiveSpan('handler', async (handler) => {
      await executor.execute(GetThing, { id: 'a', password: PASSWORD }, undefined);
      handler.end();
    });
    const [handler] = named('handler');
    const [call] = childrenOf(handler!);
    expect(call).toMatchObject({ name: 'query GetThing', kind: SpanKind.CLIENT, status: { code: SpanStatusCode.UNSET } });
    expect(call!.attributes).toEqual({
      'graphql.operation.name': 'GetThing',
      'graphql.operation.type': 'query',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(server.url).port),
      'http.response.status_code': 200,
      'sdk.request.attempts': 1,
    });
    const [attempt, ...more] = childrenOf(call!);
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ name: 'POST', kind: SpanKind.CLIENT });
    expect(attempt!.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(server.url).port),
      'url.full': server.url,
      'http.response.status_code': 200,
    });
    // W3C trace context of the attempt span reached the server.
    expect(server.received[0]!.headers.traceparent).toBe(`00-${attempt!.spanContext().traceId}-${attempt!.spanContext().spanId}-01`);
    expect(call!.spanContext().traceId).toBe(handler!.spanContext().traceId);
    // Variables and documents are not recorded by default.
    expect(JSON.stringify(spans().map((s) => s.attributes))).not.toContain('thing(id');
    const [duration] = await metric('sdk.operation.duration');
    expect(duration!.attributes).toEqual({ 'graphql.operation.name': 'GetThing', 'graphql.operation.type': 'query', 'server.address': '127.0.0.1' });
    expect((duration!.value as Histogram).count).toBe(1);
    expect(await sum('http.client.request.duration', { 'http.response.status_code': 200 })).toBe(1);
    expect(await sum('sdk.operation.attempts', { 'graphql.operation.name': 'GetThing' })).toBe(1);
  });

  it('a call with two retries: three attempt spans with resend counts, retry events with reason, wait and Retry-After', async () => {
    const server = await hostileServer((_req, res, n) => {
      if (n === 0) return sendJson(res, 'busy', 503);
      if (n === 1) return sendJson(res, 'slow down', 429, { 'retry-after': '0' });
      sendJson(res, { data: { thing: { id: 'a' } } });
    });
    const executor = createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY), retry: { baseDelayMs: 2 } });
    await executor.execute(GetThing, { id: 'a' }, undefined);
    const [call] = named('query GetThing');
    expect(call!.parentSpanContext).toBeUndefined();
    expect(call!.attributes['sdk.request.attempts']).toBe(3);
    expect(call!.status.code).toBe(SpanStatusCode.UNSET);
    const attempts = childrenOf(call!);
    expect(attempts.map((a) => a.name)).toEqual(['POST', 'POST', 'POST']);
    expect(attempts.map((a) => a.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2]);
    expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([503, 429, 200]);
    expect(attempts.map((a) => a.attributes['error.type'])).toEqual(['503', '429', undefined]);
    expect(attempts.map((a) => a.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(attempts.map((a) => a.attributes['sdk.retry_after_ms'])).toEqual([undefined, 0, undefined]);
    // Each attempt carried its own span as the parent in traceparent.
    expect(server.received.map((r) => r.headers.traceparent)).toEqual(attempts.map((a) => `00-${a.spanContext().traceId}-${a.spanContext().spanId}-01`));
    expect(call!.events.map((e) => e.name)).toEqual(['retry', 'retry']);
    expect(call!.events[0]!.attributes).toMatchObject({ 'sdk.retry.attempt': 1, 'sdk.retry.reason': 'HTTP 503', 'http.response.status_code': 503 });
    expect(call!.events[0]!.attributes!['sdk.retry.delay_ms']).toBeGreaterThanOrEqual(0);
    expect(call!.events[0]!.attributes!['sdk.retry.retry_after_ms']).toBeUndefined();
    expect(call!.events[1]!.attributes).toMatchObject({ 'sdk.retry.attempt': 2, 'sdk.retry.reason': 'HTTP 429', 'http.response.status_code': 429, 'sdk.retry.delay_ms': 0, 'sdk.retry.retry_after_ms': 0 });
    expect(await sum('sdk.operation.attempts')).toBe(3);
    expect(await sum('sdk.operation.retries', { 'graphql.operation.name': 'GetThing', 'sdk.retry.reason': 'HTTP 503' })).toBe(1);
    expect(await sum('sdk.operation.retries', { 'graphql.operation.name': 'GetThing' })).toBe(2);
    expect(await sum('http.client.request.duration', { 'error.type': '503' })).toBe(1);
    expect(await sum('sdk.operation.duration')).toBe(1);
  });

  it('a 401 under 50 concurrent callers: one refresh span, parented to one call and linked from every replay', async () => {
    let refreshes = 0;
    let refused = 0;
    let releaseRefresh!: () => void;
    const allRefused = new Promise<void>((resolve) => (releaseRefresh = resolve));
    const server = await hostileServer(async (req, res) => {
      if (req.url === '/token') {
        refreshes++;
        await allRefused; // every caller holds the old token's 401 before the refresh answers
        await new Promise((r) => setTimeout(r, 20));
        return sendJson(res, { accessToken: T2, refreshToken: R2 });
      }
      if (req.headers.authorization === `Bearer ${T1}`) {
        if (++refused === 50) releaseRefresh();
        return sendJson(res, { errors: [{ message: `token ${T1} revoked`, extensions: { code: 'UNAUTHENTICATED' } }] }, 401);
      }
      sendJson(res, { data: { thing: { id: req.json?.variables?.id } } });
    });
    const manager = new TokenManager({
      initialTokens: { accessToken: T1, refreshToken: R1, expiresAt: Date.now() + 3_600_000 },
      login: () => Promise.reject(new Error('no login in this test')),
      refresh: async (refreshToken) => {
        const res = await fetch(`${server.origin}/token`, { method: 'POST', body: JSON.stringify({ refreshToken }) });
        const body = (await res.json()) as { accessToken: string; refreshToken: string };
        return { ...body, expiresAt: Date.now() + 3_600_000 };
      },
    });
    const executor = createExecutor({ endpoint: server.url, auth: tokenAuth(manager) });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => executor.execute(GetThing, { id: `s${i}` }, undefined)));
    expect(results.map((r) => (r.data as { id: string }).id)).toEqual(Array.from({ length: 50 }, (_, i) => `s${i}`));
    expect(refreshes).toBe(1);

    const refresh = named('token refresh');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.attributes).toEqual({ 'sdk.token.action': 'refresh', 'sdk.token.waiters': 50 });
    const calls = named('query GetThing');
    expect(calls).toHaveLength(50);
    expect(calls.map((c) => c.spanContext().spanId)).toContain(refresh[0]!.parentSpanContext?.spanId);
    for (const call of calls) {
      const attempts = childrenOf(call).filter((s) => s.name === 'POST');
      expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([401, 200]);
      expect(attempts[1]!.attributes['http.request.resend_count']).toBe(1);
      expect(attempts[0]!.links).toEqual([]);
      expect(attempts[1]!.links.map(({ context, attributes }) => ({ context, attributes }))).toEqual([{ context: refresh[0]!.spanContext(), attributes: { 'sdk.link.type': 'token refresh' } }]);
    }
    expect(await sum('sdk.token.renewals', { 'sdk.token.action': 'refresh' })).toBe(1);
    expect(await sum('sdk.operation.attempts')).toBe(100);
  });

  it('a 3-page iteration: one span per page under the caller, item counts, walk totals on the last page', async () => {
    const pages = [
      { items: [{ iccid: '1' }, { iccid: '2' }], nextToken: 't2' },
      { items: [{ iccid: '3' }, { iccid: '4' }], nextToken: 't3' },
      { items: [{ iccid: '5' }], nextToken: null },
    ];
    const server = await hostileServer((req, res) => {
      const token = req.json?.variables?.nextToken;
      sendJson(res, { data: { listSims: pages[token === 't2' ? 1 : token === 't3' ? 2 : 0] } });
    });
    const wherever = createWhereverClient({ apiKey: KEY, endpoint: server.url });
    const seen: string[] = [];
    await appTracer().startActiveSpan('nightly sync', async (sync) => {
      // readAhead 0: each page's call starts inside its own page span (read ahead, page k+1's call starts
      // while page k is handed over, under page k's span; checked below).
      for await (const sim of wherever.listSims.all({ limit: 2 }, { readAhead: 0 })) seen.push(sim.iccid);
      sync.end();
    });
    expect(seen).toEqual(['1', '2', '3', '4', '5']);
    const [sync] = named('nightly sync');
    const pageSpans = childrenOf(sync!);
    expect(pageSpans.map((s) => s.name)).toEqual(['ListSims page', 'ListSims page', 'ListSims page']);
    expect(pageSpans.map((s) => s.attributes['sdk.page.number'])).toEqual([1, 2, 3]);
    expect(pageSpans.map((s) => s.attributes['sdk.page.item_count'])).toEqual([2, 2, 1]);
    expect(pageSpans.map((s) => s.attributes['sdk.iteration.item_count'])).toEqual([undefined, undefined, 5]);
    expect(pageSpans[2]!.attributes['sdk.iteration.page_count']).toBe(3);
    for (const page of pageSpans) {
      const [call] = childrenOf(page);
      expect(call!.name).toBe('query ListSims');
      expect(childrenOf(call!).map((s) => s.name)).toEqual(['POST']);
    }
    expect(await sum('sdk.iteration.pages', { 'graphql.operation.name': 'ListSims' })).toBe(3);
    expect(await sum('sdk.iteration.items', { 'graphql.operation.name': 'ListSims' })).toBe(5);

    // With the default read-ahead: still one span per page under the caller, and every call in the caller's trace.
    await appTracer().startActiveSpan('nightly sync, read ahead', async (sync) => {
      for await (const sim of wherever.listSims.all({ limit: 2 })) seen.push(sim.iccid);
      sync.end();
    });
    const [ahead] = named('nightly sync, read ahead');
    expect(childrenOf(ahead!).map((s) => s.attributes['sdk.page.item_count'])).toEqual([2, 2, 1]);
    const calls = named('query ListSims').filter((s) => s.spanContext().traceId === ahead!.spanContext().traceId);
    expect(calls).toHaveLength(3);
  });

  it('a Totogi error member: the call span carries its __typename as error.type, the HTTP attempt is fine', async () => {
    const server = await hostileServer((_req, res) =>
      // Hostile: the member's message echoes the token.
      sendJson(res, { data: { getAccount: { __typename: 'AccountNotFound', errorCode: 'ACCOUNT_NOT_FOUND', errorMessage: `no account for ${T1}` } } }),
    );
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => T1, secrets: () => [T1] } }, endpoint: server.url });
    await expect(totogi.getAccount({ providerId: 'p', accountId: 'a' })).rejects.toBeInstanceOf(ApiError);
    const member = await totogi.getAccount.result({ providerId: 'p', accountId: 'a' });
    expect(member.__typename).toBe('AccountNotFound');
    const calls = named('query GetAccount');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.attributes).toMatchObject({ 'error.type': 'AccountNotFound', 'http.response.status_code': 200, 'graphql.operation.type': 'query' });
      expect(call.status.code).toBe(SpanStatusCode.ERROR);
      const [attempt] = childrenOf(call);
      expect(attempt!.attributes['http.response.status_code']).toBe(200);
      expect(attempt!.attributes['error.type']).toBeUndefined();
    }
    expect(await sum('sdk.operation.duration', { 'graphql.operation.name': 'GetAccount', 'error.type': 'AccountNotFound' })).toBe(2);
  });

  it.each(['appsync', 'graphql-ws'] as const)('a subscription with one reconnect (%s): one span from subscribe to end with connect, ack, reconnect (downtime) and end events', async (protocol) => {
    const fake = await startRealtimeFake({ authorize: (auth) => auth.headers.authorization === KEY });
    const reconnects: number[] = [];
    const wherever = createWhereverClient({
      apiKey: KEY,
      endpoint: 'http://127.0.0.1:9/graphql',
      realtime: { url: fake.url, protocol, reconnect: { retries: 5, baseDelayMs: 5, maxDelayMs: 20 }, onReconnect: (info) => reconnects.push(info.downtimeMs) },
    });
    try {
      await appTracer().startActiveSpan('watcher', async (watcher) => {
        const sub = wherever.updatedSim();
        await sub.ready;
        expect(await sum('sdk.subscriptions.open')).toBe(1);
        fake.dropAll();
        await expect.poll(() => reconnects.length).toBe(1);
        await fake.until((s) => s.active === 1);
        fake.publish('updatedSim', { iccid: '8988', status: 'ACTIVE' });
        for await (const sim of sub) {
          expect(sim.iccid).toBe('8988');
          break;
        }
        watcher.end();
      });
    } finally {
      await fake.close();
    }
    const [watcher] = named('watcher');
    const [sub] = named('subscription UpdatedSim');
    expect(sub).toMatchObject({ kind: SpanKind.CLIENT, attributes: { 'graphql.operation.name': 'UpdatedSim', 'graphql.operation.type': 'subscription' } });
    expect(sub!.parentSpanContext?.spanId).toBe(watcher!.spanContext().spanId);
    expect(sub!.status.code).toBe(SpanStatusCode.UNSET);
    expect(sub!.events.map((e) => e.name)).toEqual(['connect', 'connected', 'ack', 'reconnect.wait', 'connect', 'reconnected', 'ack', 'end']);
    const reconnected = sub!.events.find((e) => e.name === 'reconnected')!;
    expect(reconnected.attributes!['sdk.realtime.downtime_ms']).toBeGreaterThanOrEqual(0);
    expect(reconnected.attributes!['sdk.realtime.attempt']).toBe(1);
    expect(await sum('sdk.subscriptions.open')).toBe(0);
    expect(await sum('sdk.subscription.reconnects')).toBe(1);
  });

  it('a refused subscription: its span ends with error.type AuthError and the open-subscriptions gauge returns to 0', async () => {
    const fake = await startRealtimeFake({ authorize: () => false });
    const wherever = createWhereverClient({ apiKey: KEY, endpoint: 'http://127.0.0.1:9/graphql', realtime: { url: fake.url } });
    try {
      await expect(wherever.updatedSim().next()).rejects.toThrow(/unauthorized|refused/i);
    } finally {
      await fake.close();
    }
    const [sub] = named('subscription UpdatedSim');
    expect(sub!.attributes['error.type']).toBe('AuthError');
    expect(sub!.status.code).toBe(SpanStatusCode.ERROR);
    expect(await sum('sdk.subscriptions.open')).toBe(0);
  });

  it('records the document and variables only on opt-in, scrubbed of secrets and sensitive keys', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { thing: { id: 'a' } } }));
    const variables = { id: 'a', password: PASSWORD, note: `key is ${KEY}` };
    await createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY) }).execute(GetThing, variables, undefined);
    await createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY), telemetry: { recordDocument: true, recordVariables: true } }).execute(GetThing, variables, undefined);
    const [plain, recorded] = named('query GetThing');
    expect(plain!.attributes['sdk.graphql.variables']).toBeUndefined();
    expect(plain!.attributes['graphql.document']).toBeUndefined();
    expect(recorded!.attributes['graphql.document']).toBe(GetThing.document);
    expect(JSON.parse(recorded!.attributes['sdk.graphql.variables'] as string)).toEqual({ id: 'a', password: '[REDACTED]', note: 'key is [REDACTED]' });
  });

  it('telemetry: false records nothing and sends no traceparent; propagate: false keeps spans but sends none', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { thing: { id: 'a' } } }));
    await createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY), telemetry: false }).execute(GetThing, { id: 'a' }, undefined);
    expect(spans()).toEqual([]);
    expect(server.received[0]!.headers.traceparent).toBeUndefined();
    await createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY), telemetry: { propagate: false } }).execute(GetThing, { id: 'a' }, undefined);
    expect(named('POST')).toHaveLength(1);
    expect(server.received[1]!.headers.traceparent).toBeUndefined();
  });

  it('uses the tracer and meter it is given instead of the global ones', async () => {
    const own = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] }).getTracer('mine');
    const ownReader = new TestReader();
    const meter = new MeterProvider({ readers: [ownReader] }).getMeter('mine');
    const server = await hostileServer((_req, res) => sendJson(res, { data: { thing: { id: 'a' } } }));
    await createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY), telemetry: { tracer, meter } }).execute(GetThing, { id: 'a' }, undefined);
    expect(spans()).toEqual([]);
    expect(own.getFinishedSpans().map((s) => s.name)).toEqual(['POST', 'query GetThing']);
    const { resourceMetrics } = await ownReader.collect();
    expect(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name))).toContain('sdk.operation.duration');
    expect(await sum('sdk.operation.duration')).toBe(0);
  });

  it('a hostile server: secrets echoed in Retry-After and in the endpoint URL reach no span', async () => {
    const server = await hostileServer((_req, res, n) => {
      if (n === 0) return sendJson(res, `slow down ${KEY}`, 429, { 'retry-after': KEY, 'retry-after-ms': Buffer.from(KEY).toString('base64') });
      sendJson(res, { data: { thing: { id: 'a' } } });
    });
    const url = new URL(server.url);
    const endpoint = `http://user:${encodeURIComponent(PASSWORD)}@${url.host}/graphql?key=${KEY}`;
    await createExecutor({ endpoint, auth: apiKeyAuth(KEY), retry: { baseDelayMs: 1 } }).execute(GetThing, { id: 'a' }, undefined);
    const attempts = named('POST');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.attributes['url.full']).toBe(server.url);
    expect(attempts[0]!.attributes['sdk.retry_after_ms']).toBeUndefined();
    // afterEach scans every span and metric for the secrets in every encoding.
  });

  it('rejects a telemetry option that is not an object, naming the field', () => {
    expect(() => createExecutor({ endpoint: 'http://127.0.0.1:9/graphql', auth: apiKeyAuth(KEY), telemetry: 'on' as never })).toThrow(/telemetry/);
    expect(() => createExecutor({ endpoint: 'http://127.0.0.1:9/graphql', auth: apiKeyAuth(KEY), telemetry: { tracer: {} as never } })).toThrow(/telemetry\.tracer/);
  });

  it('a failing call: error.type and ERROR status on the call span, no server text in the status', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { errors: [{ message: `bad key ${Buffer.from(KEY).toString('base64')} ${KEY}` }] }));
    const executor = createExecutor({ endpoint: server.url, auth: apiKeyAuth(KEY) });
    const methods = buildMethods<{ thing(v: { id: string }): Promise<unknown> }>(executor, [GetThing]);
    await expect(methods.thing({ id: 'a' })).rejects.toThrow();
    const [call] = named('query GetThing');
    expect(call!.attributes['error.type']).toBe('GraphQLResponseError');
    expect(call!.status).toEqual({ code: SpanStatusCode.ERROR });
  });
});

describe('without @opentelemetry/api (built package, in a child process)', () => {
  // A service using the built @sdk/core: it makes one call and reports what it loaded and sent.
  const script = `
    import { createServer } from 'node:http';
    import { createRequire } from 'node:module';
    const core = await import(${JSON.stringify(new URL('../packages/core/dist/index.js', import.meta.url).href)});
    let traceparent;
    const server = createServer((req, res) => { traceparent = req.headers.traceparent; res.setHeader('content-type', 'application/json'); res.end('{"data":{"thing":{"id":"1"}}}'); });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const ex = core.createExecutor({ endpoint: 'http://127.0.0.1:' + server.address().port + '/graphql', auth: core.noAuth() });
    const { data } = await ex.execute({ name: 'G', kind: 'query', document: 'query G{thing{id}}', bodyPrefix: '{"query":"q","variables":', path: ['thing'] }, {}, undefined);
    server.close();
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('@opentelemetry'));
    console.log(JSON.stringify({ data, loaded, traceparent: traceparent ?? null }));
  `;
  const run = async (preload: string[]) => {
    const { execFile } = await import('node:child_process');
    return new Promise<{ data: unknown; loaded: boolean; traceparent: string | null }>((resolve, reject) =>
      execFile(process.execPath, [...preload, '--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url).pathname }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
    );
  };

  it('works without it and never loads it; with it installed but no provider registered it is not loaded either and sends nothing extra', async () => {
    const absent = await run(['--require', new URL('./fixtures/no-opentelemetry.cjs', import.meta.url).pathname]);
    expect(absent).toEqual({ data: { id: '1' }, loaded: false, traceparent: null });
    const installed = await run([]);
    expect(installed).toEqual({ data: { id: '1' }, loaded: false, traceparent: null });
  });
});
