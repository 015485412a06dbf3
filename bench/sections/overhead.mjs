// 1. Per-call overhead: client CPU µs per request and requests/s, ours vs the bare keep-alive node:http POST
// of a pre-serialized body (baseline: the cheapest hand-written client), with raw fetch, undici's request()
// and graphql-request for reference, sequential and 16 in flight. Each contender runs in a process of its own
// (bench/contender.mjs), as a service runs one client; rounds are still interleaved across them.
import { fork } from 'node:child_process';
import { QUICK, fmt, interleaved, startServer, table } from '../lib.mjs';

/** A contender's own process: `measure(count, inFlight)` → { cpuUs, perSec } of that process; rejects if it fails or exits. */
export async function contender(caseName, client, url) {
  const child = fork(new URL('../contender.mjs', import.meta.url), [caseName, client, url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // One pending reply at a time; an error or exit rejects it (else a failing contender hangs the bench).
  let pending;
  let gone;
  child.on('message', (m) => {
    const p = pending;
    pending = undefined;
    if (m?.error !== undefined) p?.reject(new Error(`contender ${caseName} / ${client}: ${m.error}`));
    else p?.resolve(m);
  });
  child.on('exit', (code, signal) => {
    gone = new Error(`contender ${caseName} / ${client} exited (${code ?? signal})`);
    pending?.reject(gone);
    pending = undefined;
  });
  const reply = (send) =>
    new Promise((resolve, reject) => {
      if (gone) return reject(gone);
      pending = { resolve, reject };
      send?.();
    });
  await reply();
  return {
    measure: (count, inFlight) => reply(() => child.send({ count, inFlight })),
    close: () => {
      if (!gone) child.kill();
    },
    pid: child.pid,
  };
}

export async function overhead() {
  const server = await startServer({ PAGES: '1000' });
  try {
    return await measureAll(server);
  } finally {
    server.close(); // a failed contender must not leave the server process behind
  }
}

async function measureAll(server) {
  const cases = [
    { name: 'listSims (100-SIM page)', key: 'listSims', clients: ['bare node:http', 'undici request()', 'raw fetch', '@sdk client', '@sdk client, fetch transport', 'graphql-request'] },
    // Your own document through client.request: the same document and response as listSims, wrapped as
    // codegen's client preset wraps it (TypedDocumentString); the baseline is the generated method.
    { name: 'listSims: client.request(typed document) vs the generated method', key: 'listSims', baseline: 'generated listSims()', clients: ['generated listSims()', 'client.request(TypedDocumentString)'] },
    { name: 'Totogi getAccount (5-member union)', key: 'getAccount', clients: ['bare node:http', 'undici request()', 'raw fetch', '@sdk client', 'graphql-request'] },
  ];
  // Each round of a contender lasts about ROUND_MS (count calibrated on the baseline after warm-up): rounds
  // of a fixed 400 requests lasted ~80 ms for a small call at 16 in flight, and one GC or scheduler hiccup
  // swung a round's ratio by ±0.3 on a 2-core machine. Longer rounds and more of them narrow the median.
  const ROUND_MS = QUICK ? 15 : 300;
  const rounds = QUICK ? 2 : 21;
  const rows = [];
  for (const c of cases) {
    const baseline = c.baseline ?? 'bare node:http';
    // Every started contender is closed even when one fails to start or to measure (else they outlive the bench).
    const started = await Promise.allSettled(c.clients.map((name) => contender(c.key, name, server.url)));
    const procs = Object.fromEntries(started.flatMap((s, i) => (s.status === 'fulfilled' ? [[c.clients[i], s.value]] : [])));
    try {
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      for (const inFlight of [1, 16]) {
        for (const p of Object.values(procs)) await p.measure(QUICK ? 20 : 500, inFlight); // warm up
        const probe = await procs[baseline].measure(QUICK ? 20 : 300, inFlight);
        const count = Math.max(QUICK ? 10 : 200, Math.min(5000, Math.round((ROUND_MS / 1000) * probe.perSec)));
        const perSec = {};
        const result = await interleaved(c.clients, baseline, rounds, async (name) => {
          const r = await procs[name].measure(count, inFlight);
          (perSec[name] ??= []).push(r.perSec);
          return r.cpuUs;
        });
        for (const [name, r] of Object.entries(result)) {
          const rps = perSec[name].sort((a, b) => a - b)[perSec[name].length >> 1];
          const target = name === '@sdk client' ? 1.1 : c.baseline && name !== baseline ? 1.05 : undefined;
          rows.push({
            operation: c.name,
            'in flight': inFlight,
            client: name,
            requests: count * rounds,
            'CPU µs/req': fmt(r.value, 1),
            'req/s': Math.round(rps),
            'CPU ratio (median)': `${fmt(r.ratio)}${c.baseline ? ` (vs ${c.baseline})` : ''}`,
            'p25–p75': `${fmt(r.p25)}–${fmt(r.p75)}`,
            'min–max': `${fmt(r.min)}–${fmt(r.max)}`,
            target: target === undefined ? '' : `≤ ${fmt(target)}: ${r.ratio <= target ? 'yes' : 'no'}`,
          });
        }
      }
    } finally {
      for (const p of Object.values(procs)) p.close();
    }
  }
  table(`1. Per-call overhead: client CPU per request vs a bare keep-alive node:http POST (target: @sdk client ≤ 1.10×), own documents vs the generated method (target ≤ 1.05×); ${rounds} interleaved rounds of ~${ROUND_MS} ms per contender, each contender in a process of its own (requests: the total per contender)`, rows);
}
