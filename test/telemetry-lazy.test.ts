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
