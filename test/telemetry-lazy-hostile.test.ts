/**
 * Review R2: the lazy telemetry (core/src/telemetry/lazy.ts) against an odd OpenTelemetry global registry
 * and a propagation-only setup, on the BUILT package in a fresh process (the registry is process-wide).
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const core = new URL('../packages/core/', import.meta.url);
const esm = `await import(${JSON.stringify(new URL('dist/index.js', core).href)})`;

const prelude = `
  import { createServer } from 'node:http';
  const seen = [];
  const server = createServer((req, res) => { seen.push(req.headers.traceparent ?? null); res.setHeader('content-type', 'application/json'); res.end('{"data":{"thing":{"id":"1"}}}'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const op = { name: 'G', kind: 'query', document: 'query G{thing{id}}', bodyPrefix: '{"query":"query G{thing{id}}","variables":', path: ['thing'] };
  const url = 'http://127.0.0.1:' + server.address().port + '/graphql';
`;

function run(body: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', prelude + body], { cwd: core.pathname }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
  );
}

describe('lazy telemetry: hostile registry and propagation-only setups (built ESM, fresh process)', () => {
  it('a registry whose getters throw, or that is null or a primitive, never breaks a call', async () => {
    const got = await run(`
      const core = ${esm};
      const key = Symbol.for('opentelemetry.js.api.1');
      const out = [];
      const tries = [
        () => Object.defineProperty(globalThis, key, { configurable: true, get() { throw new Error('registry getter'); } }),
        () => Object.defineProperty(globalThis, key, { configurable: true, writable: true, value: { get trace() { throw new Error('trace getter'); } } }),
        () => Object.defineProperty(globalThis, key, { configurable: true, writable: true, value: null }),
        () => Object.defineProperty(globalThis, key, { configurable: true, writable: true, value: 42 }),
        () => Object.defineProperty(globalThis, key, { configurable: true, writable: true, value: new Proxy({}, { get() { throw new Error('proxy'); } }) }),
      ];
      for (const set of tries) {
        set();
        try {
          const ex = core.createExecutor({ endpoint: url, auth: core.noAuth() });
          const { data } = await ex.execute(op, {}, undefined);
          out.push(data.id);
        } catch (e) { out.push('threw: ' + e.message); }
      }
      server.close();
      console.log(JSON.stringify(out));
    `);
    expect(got).toEqual(['1', '1', '1', '1', '1']);
  });

  it('a propagator and context manager only (no tracer provider): the caller incoming trace context is still sent, as before the lazy load', async () => {
    const got = await run(`
      const core = ${esm};
      const ex = core.createExecutor({ endpoint: url, auth: core.noAuth() });
      const { context, propagation } = await import('@opentelemetry/api');
      const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
      const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const ctx = propagation.extract(context.active(), { traceparent: incoming });
      await context.with(ctx, () => ex.execute(op, {}, undefined));
      server.close();
      console.log(JSON.stringify({ sent: seen[0], incoming }));
    `);
    const { sent, incoming } = got as { sent: string; incoming: string };
    expect(sent).toBe(incoming);
  });
  it.each([
    ['ESM', esm],
    ['CommonJS', `(await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(new URL('dist/index.cjs', core).pathname)})`],
  ])('%s on a Node without process.getBuiltinModule (< 20.16): plain with no provider, traced once one is registered', async (_format, load) => {
    const got = await run(`
      delete process.getBuiltinModule;
      const core = ${load};
      const ex = core.createExecutor({ endpoint: url, auth: core.noAuth() });
      await ex.execute(op, {}, undefined);
      const loadedBefore = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((f) => f.includes('@opentelemetry'));
      const { trace, propagation } = await import('@opentelemetry/api');
      const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
      const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      await ex.execute(op, {}, undefined);
      server.close();
      console.log(JSON.stringify({ loadedBefore, spans: exporter.getFinishedSpans().map((s) => s.name).sort(), sent: seen.map((t) => t !== null) }));
    `);
    expect(got).toEqual({ loadedBefore: false, spans: ['POST', 'query G'], sent: [false, true] });
  });
});
