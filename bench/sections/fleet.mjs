// 5. Fleet scale: read-ahead (token and cursor walks with 20 ms of the caller's own work per page) and
// partitioned walks of wherever listSims (100,000 SIMs spread like a real fleet), 20 ms server latency
// per page. Ratios against the baseline measured in the same round; requests counted at the server.
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { QUICK, fmt, interleaved, startServer, table } from '../lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function fleet() {
  const pages = QUICK ? 5 : 100;
  const sims = QUICK ? 5_000 : 100_000;
  const rounds = QUICK ? 1 : 5;
  const server = await startServer({ LATENCY_MS: '20', SIMS: String(sims), USER_PAGES: String(pages) }, './fleet-server.mjs');
  const counts = async () => (await fetch(server.url)).json();
  const wherever = createWhereverClient({ apiKey: 'bench-key', endpoint: server.url });
  const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'bench-token' } }, endpoint: server.url });
  let ok = true;

  // Read-ahead: a walk of `pages` pages where the caller spends 20 ms on each page (writing it to a database, say).
  const work = async (iterable) => {
    let n = 0;
    for await (const page of iterable) {
      n += (page.items ?? page.edges).length;
      await sleep(20);
    }
    return n;
  };
  const readAhead = {
    'nextToken, readAhead 0': () => work(wherever.listSims.pages({ limit: 100, filter: { iccid: { beginsWith: '894902000001200' } } }, { readAhead: 0 })),
    'nextToken, readAhead 1 (default)': () => work(wherever.listSims.pages({ limit: 100, filter: { iccid: { beginsWith: '894902000001200' } } })),
    'nextToken, readAhead 2': () => work(wherever.listSims.pages({ limit: 100, filter: { iccid: { beginsWith: '894902000001200' } } }, { readAhead: 2 })),
    'cursor, readAhead 0': () => work(totogi.listUsers.pages({ providerId: '1001' }, { readAhead: 0 })),
    'cursor, readAhead 1 (default)': () => work(totogi.listUsers.pages({ providerId: '1001' })),
    'cursor, readAhead 2': () => work(totogi.listUsers.pages({ providerId: '1001' }, { readAhead: 2 })),
  };
  const timed = (fns) => async (name) => {
    const t0 = performance.now();
    await fns[name]();
    return performance.now() - t0;
  };
  const rows = [];
  for (const style of ['nextToken', 'cursor']) {
    const names = Object.keys(readAhead).filter((k) => k.startsWith(style));
    const r = await interleaved(names, names[0], rounds, timed(readAhead));
    for (const name of names) {
      const pass = name === names[0] || r[name].ratio <= 0.55 || !name.includes('default');
      ok &&= pass;
      rows.push({ walk: name, 'wall ms (median)': fmt(r[name].value, 0), 'ratio to readAhead 0': fmt(r[name].ratio), 'min–max': `${fmt(r[name].min)}–${fmt(r[name].max)}`, target: name.includes('default') ? '≤ 0.55' : '', met: name.includes('default') ? pass : '' });
    }
  }
  table(`5a. Read-ahead: a walk (nextToken: ${Math.min(pages * 100, 10_000)} SIMs of one ICCID range; cursor: ${pages} pages of 25) with 20 ms of the caller's work per page, 20 ms server latency, ${rounds} rounds`, rows);

  // Partitioned: every SIM of the fleet, sequentially and in 8 parts.
  await counts();
  const walks = {
    sequential: () => wherever.listSims.all({ limit: 100 }),
    '8 parts, unordered': () => wherever.listSims.all({ limit: 100 }, { parts: 8 }),
    '8 parts, ordered by iccid': () => wherever.listSims.all({ limit: 100, order: { iccid: 'asc' } }, { parts: 8 }),
  };
  const requests = {};
  const partRounds = QUICK ? 1 : 3;
  const measure = async (name) => {
    await counts();
    const seen = new Set();
    let n = 0;
    let last = '';
    let inOrder = true;
    const t0 = performance.now();
    const walk = walks[name]();
    for await (const sim of walk) {
      n++;
      seen.add(sim.iccid);
      if (sim.iccid < last) inOrder = false;
      last = sim.iccid;
    }
    const ms = performance.now() - t0;
    const c = await counts();
    // Kept from the last round (the plan is the same every round for an unchanged fleet).
    requests[name] = { ...c, n, unique: seen.size, inOrder, reported: walk.stats.probes };
    if (n !== sims || seen.size !== sims) throw new Error(`${name} saw ${n} SIMs (${seen.size} distinct), expected ${sims} once each`);
    return ms;
  };
  const r = await interleaved(Object.keys(walks), 'sequential', partRounds, measure);
  const seqPages = requests.sequential.pages;
  const partRows = Object.entries(r).map(([name, v]) => {
    const q = requests[name];
    const target = name === 'sequential' ? undefined : name.includes('ordered by') ? 0.25 : 0.18;
    const sent = q.pages + q.probes;
    const pass = target === undefined || (v.ratio <= target && sent <= 1.1 * seqPages + q.reported && q.pages + q.probes === seqPages + q.reported && (!name.includes('ordered by') || q.inOrder));
    ok &&= pass;
    return {
      walk: name,
      'wall ms (median)': fmt(v.value, 0),
      'ratio to sequential': fmt(v.ratio),
      'min–max': `${fmt(v.min)}–${fmt(v.max)}`,
      target: target ? `≤ ${target}` : '',
      'SIMs (each once)': `${q.n.toLocaleString()} (${q.unique === q.n})`,
      'requests (server)': `${q.pages + q.probes} (${q.probes} one-item)`,
      'probes reported': q.reported,
      'requests / sequential': fmt((q.pages + q.probes) / seqPages),
      met: target ? pass : '',
    };
  });
  table(`5b. Partitioned walk of wherever listSims: ${sims.toLocaleString()} SIMs (common 7-digit prefix, 5 sequential ranges), 20 ms server latency per page, 100 per page ${partRounds} rounds (targets: requests ≤ 1.1× sequential + probes reported by the walk)`, partRows);
  server.close();
  return QUICK ? true : ok;
}
