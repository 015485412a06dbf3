// 1c. Heap allocated per call, sampled by V8 (objects already collected included), for Totogi getAccount against
// the bare POST, in rungs that show where it is spent. Allocation is what drives the young-generation GC whose
// helper threads also count in a process's CPU; unlike CPU time on a shared VM it repeats within a few percent,
// so it shows a change of a few hundred bytes per call that timings cannot.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QUICK, fmt, median, startServer, table } from '../lib.mjs';

const rungs = ['bare', 'bare, the client headers', 'executor', '@sdk client'];

function sample(rung, calls, url) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../allocation-worker.mjs', import.meta.url)), rung, String(calls), url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).bytesPerCall) : reject(new Error(`allocation rung ${rung} exited ${code}`))));
  });
}

export async function allocation() {
  const server = await startServer({ PAGES: '1000' });
  const calls = QUICK ? 200 : 5000;
  const runs = QUICK ? 1 : 3;
  const bytes = Object.fromEntries(rungs.map((r) => [r, []]));
  try {
    for (let i = 0; i < runs; i++) for (const rung of rungs) bytes[rung].push(await sample(rung, calls, server.url));
  } finally {
    server.close();
  }
  const base = median(bytes.bare);
  table(`1c. Heap allocated per call, Totogi getAccount, sequential (V8 sampling heap profiler, ${calls} calls after warm-up, median of ${runs} fresh processes per rung)`, rungs.map((rung) => ({
    rung,
    'bytes/call': Math.round(median(bytes[rung])),
    'vs bare': fmt(median(bytes[rung]) / base),
    'runs (bytes/call)': bytes[rung].map((b) => Math.round(b)).join(', '),
  })));
}
