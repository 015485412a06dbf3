// 2. Cold start: wall time of `await import(pkg)` in a fresh node process, minus bare node, interleaved.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QUICK, fmt, median, shuffle, table } from '../lib.mjs';

const cwd = fileURLToPath(new URL('..', import.meta.url));

function time(code) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`cold start run failed: ${code}\n${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function coldStart() {
  const targets = { 'bare node': '0', '@sdk/core': "await import('@sdk/core')", '@sdk/wherever': "await import('@sdk/wherever')", 'graphql-request': "await import('graphql-request')" };
  for (const pkg of ['@sdk/totogi', '@sdk/myphone']) {
    try {
      await import(pkg);
      targets[pkg] = `await import('${pkg}')`;
    } catch {
      /* not built (yet) */
    }
  }
  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  const rounds = QUICK ? 3 : 21;
  for (let r = 0; r < rounds; r++) for (const k of shuffle(Object.keys(targets))) samples[k].push(time(targets[k]));
  const bare = median(samples['bare node']);
  const rows = Object.entries(samples)
    .filter(([k]) => k !== 'bare node')
    .map(([k, s]) => ({ import: k, 'ms over bare node (median)': fmt(median(s) - bare, 1), 'min–max': `${fmt(Math.min(...s) - bare, 1)}–${fmt(Math.max(...s) - bare, 1)}` }));
  table(`2. Cold start: import time over bare node (${fmt(bare, 1)} ms), ${rounds} interleaved cold processes each (target ≤ 15 ms)`, rows);
}
