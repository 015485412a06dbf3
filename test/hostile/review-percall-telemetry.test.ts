/**
 * OpenTelemetry registered AFTER the client was made (the usual order when an app creates clients at
 * import time and starts its SDK in main): spans are still recorded, trace context is still injected, and
 * the copied request the telemetry wrapper makes (to add `traceparent`) is still cancelled by the timeout.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TimeoutError } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

it('spans are recorded and traceparent injected when the provider is registered after the client, and a timeout still tears the copy down', async () => {
  let torn = 0;
  const server = await hostileServer((req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) torn++;
    });
    if (req.json?.variables?.accountId === 'stall') return; // never answers
    sendJson(res, { data: VENDORS[0]!.queryData });
  });
  const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-otel-1' } }, endpoint: server.url, retry: 0, timeoutMs: 150 });

  const exporter = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  await trace.getTracer('app').startActiveSpan('app-work', async (span) => {
    await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    span.end();
  });
  const names = exporter.getFinishedSpans().map((s) => s.name);
  expect(names).toContain('POST');
  expect(names).toContain('app-work');
  expect(server.received[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

  // The traced copy (to add traceparent) keeps the default path free of per-call AbortControllers.
  const Original = globalThis.AbortController;
  let made = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made++;
    }
  };
  try {
    await trace.getTracer('app').startActiveSpan('app-work-2', async (span) => {
      await totogi.getAccount({ providerId: 'p1', accountId: 'acc-2' });
      span.end();
    });
  } finally {
    globalThis.AbortController = Original;
  }
  expect(server.received[1]!.headers.traceparent).toBeDefined();
  expect(made).toBe(0);

  const err = await totogi.getAccount({ providerId: 'p1', accountId: 'stall' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TimeoutError);
  for (let i = 0; i < 100 && torn < 1; i++) await new Promise((r) => setTimeout(r, 10));
  expect(torn).toBe(1);
});
