// 1. Per-call overhead: client CPU µs per request and requests/s, ours vs the bare keep-alive node:http POST
// of a pre-serialized body (baseline: the cheapest hand-written client), with raw fetch, undici's request()
// and graphql-request for reference, sequential and 16 in flight.
import { GraphQLClient } from 'graphql-request';
import { request as undiciRequest } from 'undici';
import { bodyPrefixOf } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { QUICK, barePost, cpuPerOp, fmt, interleaved, startServer, table } from '../lib.mjs';

export async function overhead() {
  const server = await startServer({ PAGES: '1000' });
  const bare = barePost(server.url);
  const undici = async (headers, body) => (await undiciRequest(server.url, { method: 'POST', headers, body })).body.json();
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
        'bare node:http': () => bare(headers, body),
        'undici request()': () => undici(headers, body),
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
        'bare node:http': () => bare(headers, body),
        'undici request()': () => undici(headers, body),
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
      const result = await interleaved(Object.keys(c.run), c.baseline ?? 'bare node:http', rounds, async (name) => {
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
  table(`1. Per-call overhead: client CPU per request vs a bare keep-alive node:http POST (target: @sdk client ≤ 1.10×), own documents vs the generated method (target ≤ 1.05×); ${rounds} interleaved rounds of ${count} requests`, rows);
}
