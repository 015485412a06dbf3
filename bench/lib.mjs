// Shared benchmark plumbing: loopback servers in child processes, interleaved shuffled rounds, ratio stats.
import { fork } from 'node:child_process';
import http from 'node:http';

export const QUICK = process.argv.includes('--quick');

export async function startServer(env = {}, script = './server.mjs') {
  const child = fork(new URL(script, import.meta.url), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/graphql`, close: () => child.kill() };
}

export function shuffle(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs each contender `rounds` times in a fresh random order per round; `measure(contender)` returns a
 * number (lower is better). Returns per contender: median value, and median/p25/p75/min/max of per-round ratios
 * against `baseline` measured in the same round.
 */
export async function interleaved(contenders, baseline, rounds, measure) {
  const values = Object.fromEntries(contenders.map((c) => [c, []]));
  const ratios = Object.fromEntries(contenders.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    const got = {};
    for (const c of shuffle(contenders)) got[c] = await measure(c);
    for (const c of contenders) {
      values[c].push(got[c]);
      ratios[c].push(got[c] / got[baseline]);
    }
  }
  return Object.fromEntries(
    contenders.map((c) => [c, { value: median(values[c]), ratio: median(ratios[c]), p25: quantile(ratios[c], 0.25), p75: quantile(ratios[c], 0.75), min: Math.min(...ratios[c]), max: Math.max(...ratios[c]) }]),
  );
}

/** The q-quantile (nearest rank) of xs. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/** CPU µs of this process per operation, and operations per second, for `count` operations at `inFlight` concurrency. */
export async function cpuPerOp(fn, count, inFlight) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpu0);
  const ms = performance.now() - t0;
  return { cpuUs: (cpu.user + cpu.system) / count, perSec: (count / ms) * 1000 };
}

export function table(title, rows) {
  console.log(`\n${title}`);
  console.table(rows);
}

/**
 * The floor: what the cheapest hand-written client does, a keep-alive node:http POST of a pre-serialized
 * body whose JSON answer is parsed. Every per-call row is measured against it.
 */
export function barePost(url) {
  const { hostname, port, pathname } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (headers, body) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: hostname, port, path: pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}
