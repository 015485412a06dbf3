// 2. Cold start: wall time of `await import(pkg)` in a fresh node process, minus bare node, interleaved.
// Also the import time measured inside the process (no process start-up jitter), and an empty ES module
// for reference: the first `import()` of anything starts Node's ESM loader, a cost every package pays.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK, fmt, median, shuffle, table } from '../lib.mjs';

const cwd = fileURLToPath(new URL('..', import.meta.url));

function run(specifier) {
  const code = specifier ? `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));` : '0';
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`cold start run failed for ${specifier}\n${r.stderr}`);
  return { wall, inProcess: Number(r.stdout.toString() || 0) };
}

export async function coldStart() {
  const empty = join(tmpdir(), 'sdk-bench-empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const targets = { 'bare node': null, 'empty ES module (reference)': empty, '@sdk/core': '@sdk/core', '@sdk/wherever': '@sdk/wherever', '@sdk/totogi': '@sdk/totogi', '@sdk/myphone': '@sdk/myphone', 'graphql-request': 'graphql-request' };
  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, { wall: [], inProcess: [] }]));
  const rounds = QUICK ? 3 : 31;
  for (let r = 0; r < rounds; r++) {
    for (const k of shuffle(Object.keys(targets))) {
      const { wall, inProcess } = run(targets[k]);
      samples[k].wall.push(wall);
      samples[k].inProcess.push(inProcess);
    }
  }
  const bare = median(samples['bare node'].wall);
  const rows = Object.entries(samples)
    .filter(([k]) => k !== 'bare node')
    .map(([k, s]) => ({
      import: k,
      'wall ms over bare node (median)': fmt(median(s.wall) - bare, 1),
      'min–max': `${fmt(Math.min(...s.wall) - bare, 1)}–${fmt(Math.max(...s.wall) - bare, 1)}`,
      'import ms in process (median)': fmt(median(s.inProcess), 1),
    }));
  table(`2. Cold start: ${rounds} interleaved cold processes each; bare node ${fmt(bare, 1)} ms (target ≤ 15 ms over bare node)`, rows);
}
