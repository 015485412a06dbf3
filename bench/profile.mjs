// The per-call path under V8's profiler: `node bench/profile.mjs [getAccount|listSims] [calls]` (after
// `pnpm build`). Runs the calls sequentially against the bench server (its own process, so its CPU is not
// in the profile) and prints the functions with the most self time, grouped by where they live: our
// packages, Node's internals, V8. bench/RESULTS.md records the top entries before and after a change.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , which = 'getAccount', callsArg = '20000'] = process.argv;
const dir = mkdtempSync(join(tmpdir(), 'sdk-prof-'));
const worker = fileURLToPath(new URL('./profile-worker.mjs', import.meta.url));
const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, worker, which, callsArg], { stdio: 'inherit', cwd: fileURLToPath(new URL('.', import.meta.url)) });
if (r.status !== 0) process.exit(r.status ?? 1);
const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))), 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const self = new Map();
for (const [id, us] of dt) {
  const { callFrame: f } = byId.get(id);
  const where = f.url.includes('/packages/') ? f.url.replace(/.*\/packages\//, '') : f.url.startsWith('node:') ? f.url : f.url ? f.url.replace(/.*node_modules\//, '') : '(v8)';
  const key = `${f.functionName || '(anonymous)'}  ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + us);
}
const top = [...self.entries()].filter(([k]) => !/^\((idle|program|garbage collector)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 25);
const ours = [...self.entries()].filter(([k]) => /(core|wherever|totogi|myphone)\/dist\//.test(k)).reduce((a, [, v]) => a + v, 0);
const gc = [...self.entries()].filter(([k]) => k.startsWith('(garbage collector)')).reduce((a, [, v]) => a + v, 0);
const idle = [...self.entries()].filter(([k]) => /^\((idle|program)\)/.test(k)).reduce((a, [, v]) => a + v, 0);
const busy = total - idle;
const calls = Number(callsArg) + 500; // with the warm-up
console.log(`\n${which}: busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms; our packages ${((100 * ours) / busy).toFixed(1)}% of busy self time (${(ours / calls).toFixed(1)} µs per call), GC ${((100 * gc) / busy).toFixed(1)}%`);
console.log('self ms  % busy  function  location');
for (const [k, us] of top) console.log(`${(us / 1000).toFixed(1).padStart(7)}  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
