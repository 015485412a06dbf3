// `node examples/trace-tree.mjs`: a small service traced with OpenTelemetry, against the fakes on loopback.
// The clients need no code for it: with a tracer and meter provider registered they emit spans and metrics.
// Spans go to an in-memory exporter and are printed as a tree at the end, with the metric totals.
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTotogiClient, isApiError } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';
import { createWhereverClient } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

// What @opentelemetry/sdk-node's NodeSDK would set up, with in-memory outputs.
class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  async onForceFlush() {}
  async onShutdown() {}
}
const spans = new InMemorySpanExporter();
const reader = new Reader();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const tracer = trace.getTracer('fleet-service');

const whereverApi = createWhereverMock({ sims: generateSims(250) });
const whereverServer = await whereverApi.listen();
const totogiApi = createTotogiMock({ accounts: [] });
const totogiServer = await totogiApi.listen();
try {
  const wherever = createWhereverClient({
    apiKey: whereverApi.apiKey,
    endpoint: whereverServer.endpoint,
    retry: { baseDelayMs: 20 },
    realtime: { reconnect: { baseDelayMs: 20, maxDelayMs: 50 } },
  });
  const totogi = createTotogiClient({ auth: { ...totogiApi.credentials, cognitoEndpoint: totogiServer.cognitoEndpoint }, endpoint: totogiServer.endpoint });

  await tracer.startActiveSpan('nightly sync', async (span) => {
    // The second page is refused once with 503: one retry, visible as a second attempt.
    let calls = 0;
    const undo = whereverApi.override('ListSims', () => (++calls === 2 ? { status: 503, headers: { 'retry-after': '0' } } : undefined));
    let count = 0;
    for await (const _sim of wherever.listSims.all({ limit: 100 })) count++;
    undo();
    span.setAttribute('sims', count);
    span.end();
  });

  await tracer.startActiveSpan('watch SIM updates', async (span) => {
    const updates = wherever.updatedSim();
    await updates.ready;
    whereverApi.realtime.dropAll(); // a network drop: the client reconnects and re-subscribes
    await whereverApi.realtime.until((s) => s.connections === 2 && s.active === 1);
    const [sim] = whereverApi.state.sims.values();
    whereverApi.publish('updatedSim', sim);
    for await (const update of updates) {
      span.setAttribute('first update', update.iccid);
      break;
    }
    span.end();
  });

  await tracer.startActiveSpan('check account', async (span) => {
    // Logs in to Cognito first (a token span), then gets an AccountNotFound member (error.type on the call).
    try {
      await totogi.getAccount({ providerId: totogiApi.providerId, accountId: 'missing' });
    } catch (err) {
      if (!isApiError(err)) throw err;
    }
    span.end();
  });
  await wherever.realtime.close();
} finally {
  await whereverServer.close();
  await totogiServer.close();
}

// Render the finished spans as one tree per trace.
const finished = spans.getFinishedSpans();
const ids = new Set(finished.map((s) => s.spanContext().spanId));
const children = new Map();
for (const s of finished) {
  const parent = s.parentSpanContext?.spanId;
  const key = parent && ids.has(parent) ? parent : 'root';
  if (!children.has(key)) children.set(key, []);
  children.get(key).push(s);
}
const ms = (s) => (s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(1);
const SHOWN = ['graphql.operation.type', 'server.address', 'http.response.status_code', 'http.request.resend_count', 'error.type', 'sdk.page.item_count', 'sdk.iteration.item_count', 'sdk.token.action', 'sdk.token.waiters', 'sims'];
function print(span, indent) {
  const attrs = SHOWN.filter((k) => span.attributes[k] !== undefined).map((k) => `${k}=${span.attributes[k]}`);
  const links = span.links.length ? ` links→${span.links.map((l) => l.attributes?.['sdk.link.type'] ?? l.context.spanId).join(',')}` : '';
  console.log(`${indent}${span.name}  ${ms(span)} ms  ${attrs.join(' ')}${links}`);
  for (const e of span.events) console.log(`${indent}  · ${e.name} ${Object.entries(e.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const kids = (children.get(span.spanContext().spanId) ?? []).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  for (const child of kids) print(child, `${indent}  `);
}
for (const root of children.get('root') ?? []) print(root, '');

const { resourceMetrics } = await reader.collect();
const rows = [];
for (const m of resourceMetrics.scopeMetrics.filter((s) => s.scope.name === '@sdk/core').flatMap((s) => s.metrics)) {
  const total = m.dataPoints.reduce((n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count), 0);
  rows.push({ metric: m.descriptor.name, 'points (attribute sets)': m.dataPoints.length, total });
}
console.log('\nmetrics');
console.table(rows);
