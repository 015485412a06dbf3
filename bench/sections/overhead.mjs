// 1. Per-call overhead: client CPU µs per request and requests/s, ours vs raw fetch of a pre-serialized
// body (baseline) vs graphql-request used plainly, sequential and 16 in flight.
import { GraphQLClient } from 'graphql-request';
import { bodyPrefixOf } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { QUICK, cpuPerOp, fmt, interleaved, startServer, table } from '../lib.mjs';

export async function overhead() {
  const server = await startServer({ PAGES: '1000' });
  const cases = [];
  {
    const wherever = createWhereverClient({ apiKey: 'bench-key', endpoint: server.url });
    const viaFetch = createWhereverClient({ apiKey: 'bench-key', endpoint: server.url, fetch: globalThis.fetch });
    const op = wherever.listSims.operation;
    const variables = { limit: 100 };
    const body = bodyPrefixOf(op) + JSON.stringify(variables) + '}';
    const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'bench-key' };
    const gql = new GraphQLClient(server.url, { headers: { authorization: 'bench-key' } });
    cases.push({
      name: 'listSims (100-SIM page)',
      run: {
        'raw fetch': async () => (await fetch(server.url, { method: 'POST', headers, body })).json(),
        '@sdk client': () => wherever.listSims(variables),
        '@sdk client, fetch transport': () => viaFetch.listSims(variables),
        'graphql-request': () => gql.request(op.document, variables),
      },
    });
    // Your own document through client.request: the same document and response as listSims, wrapped as
    // codegen's client preset wraps it (TypedDocumentString); the baseline is the generated method.
    class TypedDocumentString extends String {
      #value;
      constructor(value) {
        super(value);
        this.#value = value;
      }
      toString() {
        return this.#value;
      }
    }
    const ownDoc = new TypedDocumentString(op.document);
    cases.push({
      name: 'listSims: client.request(typed document) vs the generated method',
      baseline: 'generated listSims()',
      run: {
        'generated listSims()': () => wherever.listSims(variables),
        'client.request(TypedDocumentString)': () => wherever.request(ownDoc, variables),
      },
    });
  }
  {
    const tokenProvider = { getAccessToken: async () => 'bench-token' };
    const totogi = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url });
    const op = totogi.getAccount.operation;
    const variables = { providerId: '1001', accountId: 'acc-1' };
    const body = bodyPrefixOf(op) + JSON.stringify(variables) + '}';
    const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'bench-token' };
    const gql = new GraphQLClient(server.url, { headers: { authorization: 'bench-token' } });
    cases.push({
      name: 'Totogi getAccount (5-member union)',
      run: {
        'raw fetch': async () => (await fetch(server.url, { method: 'POST', headers, body })).json(),
        '@sdk client': () => totogi.getAccount(variables),
        'graphql-request': () => gql.request(op.document, variables),
      },
    });
  }
  const count = QUICK ? 30 : 400;
  const rounds = QUICK ? 2 : 15;
  const rows = [];
  for (const c of cases) {
    for (const inFlight of [1, 16]) {
      for (const fn of Object.values(c.run)) await cpuPerOp(fn, QUICK ? 20 : 300, inFlight); // warm up
      const perSec = {};
      const result = await interleaved(Object.keys(c.run), c.baseline ?? 'raw fetch', rounds, async (name) => {
        const r = await cpuPerOp(c.run[name], count, inFlight);
        (perSec[name] ??= []).push(r.perSec);
        return r.cpuUs;
      });
      for (const [name, r] of Object.entries(result)) {
        const rps = perSec[name].sort((a, b) => a - b)[perSec[name].length >> 1];
        rows.push({ operation: c.name, 'in flight': inFlight, client: name, 'CPU µs/req': fmt(r.value, 1), 'req/s': Math.round(rps), 'CPU ratio (median)': `${fmt(r.ratio)}${c.baseline ? ` (vs ${c.baseline})` : ''}`, 'min–max': `${fmt(r.min)}–${fmt(r.max)}` });
      }
    }
  }
  server.close();
  table(`1. Per-call overhead: client CPU per request vs raw fetch, own documents vs the generated method (${rounds} interleaved rounds of ${count} requests; target ≤ 1.05×)`, rows);
}
