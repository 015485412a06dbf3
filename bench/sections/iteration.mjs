// 3. Iteration: walking pages from a server that adds 20 ms per page, against a hand-written fetch loop
// doing the same pages. Wall time; ratio to the hand-written loop of the same strategy.
import { bodyPrefixOf } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { createMyPhoneClient } from '@sdk/myphone';
import { QUICK, fmt, interleaved, startServer, table } from '../lib.mjs';

export async function iteration() {
  const pages = QUICK ? 5 : 100;
  const server = await startServer({ LATENCY_MS: '20', PAGES: String(pages) });
  const wherever = createWhereverClient({ apiKey: 'bench-key', endpoint: server.url });
  const headers = { 'content-type': 'application/json', authorization: 'bench-key' };
  const prefix = bodyPrefixOf(wherever.listSims.operation);
  const contenders = {
    'wherever nextToken: hand-written loop': async () => {
      let n = 0;
      let nextToken = null;
      do {
        const variables = nextToken ? { limit: 100, nextToken } : { limit: 100 };
        const res = await fetch(server.url, { method: 'POST', headers, body: prefix + JSON.stringify(variables) + '}' });
        const page = (await res.json()).data.listSims;
        n += page.items.length;
        nextToken = page.nextToken;
      } while (nextToken);
      return n;
    },
    'wherever nextToken: @sdk listSims.all()': async () => {
      let n = 0;
      for await (const _sim of wherever.listSims.all({ limit: 100 })) n++;
      return n;
    },
  };
  const tokenProvider = { getAccessToken: async () => 'bench-token' };
  const totogi = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url });
  const myphone = createMyPhoneClient({ tokenProvider, endpoint: server.url });
  const usersPrefix = bodyPrefixOf(totogi.listUsers.operation);
  const simcardsPrefix = bodyPrefixOf(myphone.simcards.operation);
  const post = async (prefix, variables) => (await (await fetch(server.url, { method: 'POST', headers, body: prefix + JSON.stringify(variables) + '}' })).json()).data;
  const groups = {
    // Totogi allows at most 25 per page: its walk is 100 pages of 25.
    'Totogi cursor': {
      expect: pages * 25,
      'hand-written loop': async () => {
        let n = 0;
        let after = null;
        for (;;) {
          const page = (await post(usersPrefix, after ? { providerId: '1001', first: 25, after } : { providerId: '1001', first: 25 })).listUsers;
          n += page.edges.length;
          if (!page.pageInfo.hasNextPage) return n;
          after = page.pageInfo.endCursor;
        }
      },
      '@sdk listUsers.all()': async () => {
        let n = 0;
        for await (const _u of totogi.listUsers.all({ providerId: '1001' })) n++;
        return n;
      },
    },
    'MyPhone offset': {
      expect: pages * 100,
      'hand-written loop (sequential)': async () => {
        let n = 0;
        for (let offset = 0, count = Infinity; offset < count; offset += 100) {
          const page = (await post(simcardsPrefix, { offset, limit: 100 })).simcards;
          n += page.items.length;
          count = page.count;
        }
        return n;
      },
      '@sdk simcards.all(), concurrency 1': async () => {
        let n = 0;
        for await (const _s of myphone.simcards.all({ limit: 100 }, { concurrency: 1 })) n++;
        return n;
      },
      '@sdk simcards.all(), concurrency 4': async () => {
        let n = 0;
        for await (const _s of myphone.simcards.all({ limit: 100 }, { concurrency: 4 })) n++;
        return n;
      },
    },
  };
  const rounds = QUICK ? 1 : 3;
  const rows = [];
  const measure = (fns, expected) => async (name) => {
    const t0 = performance.now();
    const n = await fns[name]();
    if (n !== expected) throw new Error(`${name} saw ${n} items, expected ${expected}`);
    return performance.now() - t0;
  };
  const add = (group, result) => rows.push(...Object.entries(result).map(([k, r]) => ({ walk: `${group}: ${k}`, 'wall ms (median)': fmt(r.value, 0), 'ratio to hand-written loop': fmt(r.ratio), 'min–max': `${fmt(r.min)}–${fmt(r.max)}` })));
  add('wherever nextToken', await interleaved(Object.keys(contenders), 'wherever nextToken: hand-written loop', rounds, measure(contenders, pages * 100)));
  for (const [group, { expect, ...fns }] of Object.entries(groups)) {
    const baseline = Object.keys(fns)[0];
    add(group, await interleaved(Object.keys(fns), baseline, rounds, measure(fns, expect)));
  }
  server.close();
  for (const row of rows) row.walk = row.walk.replace('wherever nextToken: wherever nextToken: ', 'wherever nextToken: ');
  table(`3. Iteration: ${pages} pages (100 items; Totogi 25), 20 ms server latency per page, ${rounds} interleaved rounds (targets: sequential ≤ 1.05× the hand-written loop; offset at concurrency 4 ≤ 0.30× concurrency 1)`, rows);
}
