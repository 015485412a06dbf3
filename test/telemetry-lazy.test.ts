/**
 * The instrumentation (telemetry/index.ts) is not loaded by `import`: it loads in the background when a
 * client is created with `@opentelemetry/api` installed. A fresh process using the BUILT package (ESM and
 * CommonJS) makes its first call in the same tick as creating the client: the call must still be traced.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const core = new URL('../packages/core/', import.meta.url);

const script = (load: string) => `
  import { createServer } from 'node:http';
  import { createRequire } from 'node:module';
  import { propagation, trace } from '@opentelemetry/api';
  import { W3CTraceContextPropagator } from '@opentelemetry/core';
  import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const core = ${load};
  let traceparent;
  const server = createServer((req, res) => { traceparent = req.headers.traceparent; res.setHeader('content-type', 'application/json'); res.end('{"data":{"thing":{"id":"1"}}}'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const ex = core.createExecutor({ endpoint: 'http://127.0.0.1:' + server.address().port + '/graphql', auth: core.noAuth() });
  // Same tick as creation: the instrumentation cannot have loaded yet.
  const { data } = await ex.execute({ name: 'G', kind: 'query', document: 'query G{thing{id}}', bodyPrefix: '{"query":"query G{thing{id}}","variables":', path: ['thing'] }, {}, undefined);
  server.close();
  const spans = exporter.getFinishedSpans();
  const call = spans.find((s) => s.name === 'query G');
  const attempt = spans.find((s) => s.name === 'POST');
  console.log(JSON.stringify({ data, names: spans.map((s) => s.name).sort(), nested: attempt?.parentSpanContext?.spanId === call?.spanContext().spanId, traced: traceparent === '00-' + attempt?.spanContext().traceId + '-' + attempt?.spanContext().spanId + '-01' }));
`;

function run(load: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script(load)], { cwd: core.pathname }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
  );
}

describe('telemetry loads on client creation, not on import (built package, fresh process)', () => {
  it.each([
    ['ESM', `await import(${JSON.stringify(new URL('dist/index.js', core).href)})`],
    ['CommonJS', `createRequire(import.meta.url)(${JSON.stringify(new URL('dist/index.cjs', core).pathname)})`],
  ])('%s: the first call, made in the same tick as creating the client, gets its call span, attempt span and traceparent', async (_format, load) => {
    expect(await run(load)).toEqual({ data: { id: '1' }, names: ['POST', 'query G'], nested: true, traced: true });
  });
});

// With @opentelemetry/api installed but nothing to record into, the instrumentation is not loaded (it would
// cost the first call ~45 ms of CPU for nothing): calls run plain until a provider is registered, and the
// first call after that loads it and is traced.
const lateScript = (load: string) => `
  import { createServer } from 'node:http';
  import { createRequire } from 'node:module';
  const core = ${load};
  const seen = [];
  const server = createServer((req, res) => { seen.push(req.headers.traceparent ?? null); res.setHeader('content-type', 'application/json'); res.end('{"data":{"thing":{"id":"1"}}}'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const op = { name: 'G', kind: 'query', document: 'query G{thing{id}}', bodyPrefix: '{"query":"query G{thing{id}}","variables":', path: ['thing'] };
  const ex = core.createExecutor({ endpoint: 'http://127.0.0.1:' + server.address().port + '/graphql', auth: core.noAuth() });
  await ex.execute(op, {}, undefined);
  const req = createRequire(import.meta.url);
  const loadedBefore = Object.keys(req.cache).some((f) => f.includes('@opentelemetry'));
  // The service starts its OpenTelemetry SDK after the client exists (and after a first call).
  const { trace } = await import('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  await ex.execute(op, {}, undefined);
  // An own tracer: loaded at creation, the call in the same tick is traced, nothing registered globally needed.
  trace.disable();
  const own = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] }).getTracer('mine');
  const ex2 = core.createExecutor({ endpoint: 'http://127.0.0.1:' + server.address().port + '/graphql', auth: core.noAuth(), telemetry: { tracer } });
  await ex2.execute(op, {}, undefined);
  server.close();
  console.log(JSON.stringify({ loadedBefore, spans: exporter.getFinishedSpans().map((s) => s.name).sort(), own: own.getFinishedSpans().map((s) => s.name).sort(), sentTraceparent: seen.map((t) => t !== null) }));
`;

describe('telemetry with the API installed but no provider (built package, fresh process)', () => {
  it.each([
    ['ESM', `await import(${JSON.stringify(new URL('dist/index.js', core).href)})`],
    ['CommonJS', `createRequire(import.meta.url)(${JSON.stringify(new URL('dist/index.cjs', core).pathname)})`],
  ])('%s: a call before any provider loads nothing; after a provider is registered the next call is traced; an own tracer traces the first call', async (_format, load) => {
    const got = await new Promise((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', lateScript(load)], { cwd: core.pathname }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
    );
    expect(got).toEqual({ loadedBefore: false, spans: ['POST', 'query G'], own: ['POST', 'query G'], sentTraceparent: [false, false, false] });
  });
});
