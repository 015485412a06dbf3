// 3. Iteration: walking pages from a server that adds 20 ms per page, against a hand-written fetch loop
// doing the same pages. Wall time; ratio to the hand-written loop of the same strategy.
import { createWhereverClient } from '@sdk/wherever';
import { QUICK, fmt, interleaved, startServer, table } from '../lib.mjs';

export async function iteration() {
  const pages = QUICK ? 5 : 100;
  const server = await startServer({ LATENCY_MS: '20', PAGES: String(pages) });
  const wherever = createWhereverClient({ apiKey: 'bench-key', endpoint: server.url });
  const headers = { 'content-type': 'application/json', authorization: 'bench-key' };
  const prefix = wherever.listSims.operation.bodyPrefix;
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
  const rounds = QUICK ? 1 : 3;
  const result = await interleaved(Object.keys(contenders), 'wherever nextToken: hand-written loop', rounds, async (name) => {
    const t0 = performance.now();
    const n = await contenders[name]();
    if (n !== pages * 100) throw new Error(`${name} saw ${n} items, expected ${pages * 100}`);
    return performance.now() - t0;
  });
  server.close();
  table(
    `3. Iteration: ${pages} pages of 100 items, 20 ms server latency per page, ${rounds} interleaved rounds (target ≤ 1.05× the hand-written loop)`,
    Object.entries(result).map(([k, r]) => ({ walk: k, 'wall ms (median)': fmt(r.value, 0), ratio: fmt(r.ratio), 'min–max': `${fmt(r.min)}–${fmt(r.max)}` })),
  );
}
