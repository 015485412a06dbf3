// 7. OpenTelemetry cost per call: client CPU per request with telemetry off (the path taken when
// `@opentelemetry/api` is not installed: createTelemetry returns undefined and nothing is wrapped), with
// the API installed but no provider registered (no-op), and recording into a real SDK tracer and meter.
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bodyPrefixOf } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { QUICK, cpuPerOp, fmt, interleaved, startServer, table } from '../lib.mjs';

/**
 * The SDK's own work per call, without the network: an in-process transport answers at once, so what is
 * left is the executor (and telemetry). The added µs per call, compared with the CPU a real loopback request
 * costs, is the precise form of the ratio that the noisy loopback rounds below estimate.
 */
async function inProcess() {
  const json = { data: { listSims: { items: [], nextToken: null } } };
  const headers = new Headers({ 'content-type': 'application/json' });
  const transport = async () => ({ status: 200, headers, json });
  const dropAll = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropAll)] }).getTracer('bench');
  const base = { apiKey: 'bench-key', endpoint: 'http://127.0.0.1:9/graphql', transport };
  const clients = {
    off: createWhereverClient({ ...base, telemetry: false }),
    'no-op API': createWhereverClient(base),
    recording: createWhereverClient({ ...base, telemetry: { tracer } }),
  };
  const count = QUICK ? 500 : 20_000;
  const rounds = QUICK ? 2 : 15;
  for (const c of Object.values(clients)) await cpuPerOp(() => c.listSims({ limit: 100 }), count, 1);
  return interleaved(Object.keys(clients), 'off', rounds, async (name) => (await cpuPerOp(() => clients[name].listSims({ limit: 100 }), count, 1)).cpuUs);
}

export async function telemetry() {
  const sdk = await inProcess();
  table('7a. OpenTelemetry: SDK CPU per call with an in-process transport (no network)', Object.entries(sdk).map(([name, r]) => ({ client: name, 'CPU µs/call': fmt(r.value, 2), 'added µs/call vs off': fmt(r.value - sdk.off.value, 2), 'ratio vs off': `${fmt(r.ratio)} (${fmt(r.min)}–${fmt(r.max)})` })));
  if (process.argv.includes('--telemetry-in-process')) return;
  const server = await startServer({ PAGES: '1000' });
  const base = { apiKey: 'bench-key', endpoint: server.url };
  // Recording without keeping anything: spans are built, attributes set, then dropped by the exporter.
  const dropAll = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropAll)] }).getTracer('bench');
  const clients = {
    'off (= OpenTelemetry absent)': createWhereverClient({ ...base, telemetry: false }),
    'no-op API (installed, no provider)': createWhereverClient(base),
    'recording (SDK tracer, spans dropped)': createWhereverClient({ ...base, telemetry: { tracer } }),
  };
  const op = clients['off (= OpenTelemetry absent)'].listSims.operation;
  const variables = { limit: 100 };
  const body = bodyPrefixOf(op) + JSON.stringify(variables) + '}';
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'bench-key' };
  const run = {
    'raw fetch': async () => (await fetch(server.url, { method: 'POST', headers, body })).json(),
    ...Object.fromEntries(Object.entries(clients).map(([name, client]) => [name, () => client.listSims(variables)])),
  };
  const count = QUICK ? 30 : 400;
  const rounds = QUICK ? 2 : 15;
  const rows = [];
  const summary = [];
  for (const inFlight of [1, 16]) {
    for (const fn of Object.values(run)) await cpuPerOp(fn, QUICK ? 20 : 300, inFlight); // warm up
    const result = await interleaved(Object.keys(run), 'raw fetch', rounds, async (name) => (await cpuPerOp(run[name], count, inFlight)).cpuUs);
    // The same rounds again as ratios to "off", the figure the 1.05× target is about.
    const vsOff = await interleaved(Object.keys(clients), 'off (= OpenTelemetry absent)', rounds, async (name) => (await cpuPerOp(run[name], count, inFlight)).cpuUs);
    for (const [name, r] of Object.entries(result)) {
      rows.push({ 'in flight': inFlight, client: name, 'CPU µs/req': fmt(r.value, 1), 'vs raw fetch': fmt(r.ratio), 'vs off': vsOff[name] ? `${fmt(vsOff[name].ratio)} (${fmt(vsOff[name].min)}–${fmt(vsOff[name].max)})` : '' });
    }
    summary.push(`in flight ${inFlight}: no-op API / off = ${fmt(vsOff['no-op API (installed, no provider)'].ratio)}× (target ≤ 1.05), recording / off = ${fmt(vsOff['recording (SDK tracer, spans dropped)'].ratio)}×`);
  }
  server.close();
  table(`7b. OpenTelemetry: client CPU per listSims call over loopback (${rounds} interleaved rounds of ${count} requests)`, rows);
  for (const line of summary) console.log(line);
  // The precise per-call cost (7a) as a share of a real request's client CPU (the "off" client here).
  const offUs = rows.find((r) => r['in flight'] === 1 && r.client.startsWith('off'))?.['CPU µs/req'];
  if (offUs) console.log(`no-op API adds ${fmt(sdk['no-op API'].value - sdk.off.value, 2)} µs per call = ${fmt(1 + (sdk['no-op API'].value - sdk.off.value) / Number(offUs), 3)}× of a loopback request's ${offUs} µs; recording adds ${fmt(sdk.recording.value - sdk.off.value, 2)} µs`);
}
