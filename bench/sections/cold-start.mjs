// 2. Cold start: what `await import(pkg)` costs over `await import()` of an empty ES module, timed inside fresh
// node processes (performance.now() around the import, so process start-up jitter is out), interleaved.
// Also the process's CPU time during the import, which other load on the machine sways less.
// The empty module pays Node's ESM loader start-up; the empty *package* (bare specifier, package.json with an
// exports map) shows what bare-specifier resolution itself costs, a cost every package pays.
// Reference rows, over their own baseline: "2nd package" rows import another package first, as any app that
// already imports one has (part of the empty package's cost is Node's once-per-process set-up of exports-map
// resolution); "NODE_COMPILE_CACHE" rows (Node ≥ 22.1, cache warmed first) show what a user's compile cache saves.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK, fmt, median, shuffle, table } from '../lib.mjs';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const TARGET_MS = 3;

function run(specifier, cwd, cjs = false, { pre, cache } = {}) {
  // CommonJS: `require` made before the clock starts (its own cost is not the package's).
  const load = cjs ? `require(${JSON.stringify(specifier)})` : `await import(${JSON.stringify(specifier)})`;
  const before = pre ? `await import(${JSON.stringify(pre)}); ` : '';
  const code = `${before}${cjs ? `const require = (await import('node:module')).createRequire(${JSON.stringify(cwd + '/')}); ` : ''}const c = process.cpuUsage(); const t = performance.now(); ${load}; const d = process.cpuUsage(c); process.stdout.write(JSON.stringify([performance.now() - t, (d.user + d.system) / 1000]));`;
  const env = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  if (cache) env.NODE_COMPILE_CACHE = cache;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`cold start run failed for ${specifier}\n${r.stderr}`);
  const [wall, cpu] = JSON.parse(r.stdout.toString());
  return { wall, cpu };
}

/**
 * An empty ES module file and empty packages (resolved by bare specifier from `dir`); `dir` also links
 * @sdk/core as the bench's node_modules does, for the "2nd package" rows.
 */
function references() {
  const dir = join(tmpdir(), 'sdk-bench-cold-start');
  writeEmptyPackage(dir, 'sdk-bench-empty');
  writeEmptyPackage(dir, 'sdk-bench-other');
  writeFileSync(join(dir, 'empty.mjs'), 'export {};\n');
  mkdirSync(join(dir, 'node_modules', '@sdk'), { recursive: true });
  const link = join(dir, 'node_modules', '@sdk', 'core');
  rmSync(link, { force: true }); // the link only, never what it points to
  symlinkSync(realpathSync(join(benchDir, 'node_modules', '@sdk', 'core')), link, 'junction');
  return { dir, empty: join(dir, 'empty.mjs') };
}

function writeEmptyPackage(dir, name) {
  const pkgDir = join(dir, 'node_modules', name);
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name, version: '0.0.0', type: 'module', exports: { '.': { import: './index.js', require: './index.cjs' }, './package.json': './package.json' } }));
  writeFileSync(join(pkgDir, 'index.js'), 'export {};\n');
}

export async function coldStart(rounds = QUICK ? 5 : 31) {
  const ref = references();
  const EMPTY = 'empty ES module';
  const SECOND = 'empty ES module, 2nd package in process';
  const CACHED = 'empty ES module, NODE_COMPILE_CACHE';
  const targets = {
    [EMPTY]: { specifier: ref.empty, cwd: benchDir },
    'empty package (bare specifier, reference)': { specifier: 'sdk-bench-empty', cwd: ref.dir },
    '@sdk/core': { specifier: '@sdk/core', cwd: benchDir, target: true },
    '@sdk/wherever': { specifier: '@sdk/wherever', cwd: benchDir, target: true },
    '@sdk/totogi': { specifier: '@sdk/totogi', cwd: benchDir, target: true },
    '@sdk/myphone': { specifier: '@sdk/myphone', cwd: benchDir, target: true },
    // The CommonJS builds load the same entry and the same lazy chunks (informational: the target is for import).
    '@sdk/core (require)': { specifier: '@sdk/core', cwd: benchDir, cjs: true },
    '@sdk/wherever (require)': { specifier: '@sdk/wherever', cwd: benchDir, cjs: true },
    'graphql-request (reference)': { specifier: 'graphql-request', cwd: benchDir },
    // Reference rows, each over `base`: the same import after another package's (see the top of this file).
    [SECOND]: { specifier: ref.empty, cwd: ref.dir, pre: 'sdk-bench-other' },
    'empty package, 2nd package in process (reference)': { specifier: 'sdk-bench-empty', cwd: ref.dir, pre: 'sdk-bench-other', base: SECOND },
    '@sdk/core, 2nd package in process (reference)': { specifier: '@sdk/core', cwd: ref.dir, pre: 'sdk-bench-other', base: SECOND },
  };
  // Node ≥ 22.1: a warm compile cache (the user's NODE_COMPILE_CACHE), over the empty module with the same cache.
  const cache = module.enableCompileCache ? mkdtempSync(join(tmpdir(), 'sdk-bench-compile-cache-')) : undefined;
  if (cache) {
    targets[CACHED] = { specifier: ref.empty, cwd: benchDir, cache };
    for (const pkg of ['@sdk/core', '@sdk/wherever']) {
      targets[`${pkg}, NODE_COMPILE_CACHE (reference)`] = { specifier: pkg, cwd: benchDir, cache, base: CACHED };
      run(pkg, benchDir, false, { cache });
    }
    run(ref.empty, benchDir, false, { cache });
  }
  const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, { wall: [], cpu: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const k of shuffle(Object.keys(targets))) {
      const { wall, cpu } = run(targets[k].specifier, targets[k].cwd, targets[k].cjs, targets[k]);
      samples[k].wall.push(wall);
      samples[k].cpu.push(cpu);
    }
  }
  if (cache) rmSync(cache, { recursive: true, force: true });
  const empty = median(samples[EMPTY].wall);
  const baselines = new Set([EMPTY, SECOND, CACHED]);
  const rows = Object.entries(samples)
    .filter(([k]) => !baselines.has(k))
    .map(([k, s]) => {
      const base = samples[targets[k].base ?? EMPTY];
      const baseWall = median(base.wall);
      const baseCpu = median(base.cpu);
      const over = median(s.wall) - baseWall;
      const pass = targets[k].target ? (over <= TARGET_MS ? 'yes' : 'no') : '';
      return {
        import: k,
        'ms over empty ES module (median)': fmt(over, 1),
        'p25–p75': `${fmt(quantile(s.wall, 0.25) - baseWall, 1)}–${fmt(quantile(s.wall, 0.75) - baseWall, 1)}`,
        'import ms (median)': fmt(median(s.wall), 1),
        // CPU time of the process during the import: what the import costs, less swayed by other processes on a shared machine.
        'CPU ms over empty (median)': fmt(median(s.cpu) - baseCpu, 1),
        [`≤ ${TARGET_MS} ms`]: pass,
      };
    });
  table(`2. Cold start: import ms over an empty ES module (${fmt(empty, 1)} ms), median of ${rounds} interleaved cold processes each (target ≤ ${TARGET_MS} ms per package; p25–p75 also over the empty module's median; "2nd package" and NODE_COMPILE_CACHE rows are over the empty module imported the same way)`, rows);
  // Printed, not enforced: a timing on a shared machine is no CI gate (bench:smoke enforces the size budgets).
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}
