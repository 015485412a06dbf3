/**
 * Cold start (issue 16): `import` of a package reads one file holding only what a plain call needs. The
 * real-time protocols, the OpenTelemetry instrumentation and the schema checker load on first use. These
 * check the BUILT packages (run `pnpm build` first), then use each lazily loaded part right after import,
 * from ESM and CommonJS, in fresh processes, as a new user would.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../packages/', import.meta.url);
const dist = (pkg: string, file: string) => readFileSync(new URL(`${pkg}/dist/${file}`, root), 'utf8');

describe('what import loads (built ESM entries)', () => {
  it.each(['core', 'wherever', 'totogi', 'myphone'])('@sdk/%s: dist/index.js imports no other file of its package statically', (pkg) => {
    const staticImports = [...dist(pkg, 'index.js').matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{][^;"']*?from\s*)?"(\.[^"]+)"/g)].map((m) => m[1]);
    expect(staticImports).toEqual([]);
  });

  it('@sdk/core: the telemetry instrumentation, the real-time protocols and the schema checker are not in the entry', () => {
    const index = dist('core', 'index.js');
    expect(index).not.toContain('AsyncLocalStorage'); // telemetry
    expect(index).not.toContain('connection_init'); // AppSync protocol
    expect(index).not.toContain('checkSchema needs a client'); // schema checker
    expect(index).not.toMatch(/from\s*"(node:)?(async_hooks|module)"/);
  });

  it.each(['wherever', 'totogi', 'myphone'])('@sdk/%s: does not import @sdk/core/schema-check at import', (pkg) => {
    expect(dist(pkg, 'index.js')).not.toContain('@sdk/core/schema-check');
  });
});

// A new user's first minutes: import, subscribe, call checkSchema wrongly, use the testing kit.
const script = (load: (specifier: string) => string) => `
  import { createRequire } from 'node:module';
  const require = createRequire(import.meta.url);
  const { createWhereverClient, checkSchema, ValidationError } = ${load('@sdk/wherever')};
  const { startRealtimeFake } = ${load('@sdk/core/testing')};
  const out = {};
  const fake = await startRealtimeFake({ authorize: (auth) => auth.headers.authorization === 'k-0123456789' });
  const wherever = createWhereverClient({ apiKey: 'k-0123456789', endpoint: 'http://127.0.0.1:9/graphql', realtime: { url: fake.url } });
  const sub = wherever.updatedSim();
  await sub.ready;
  fake.publish('updatedSim', { iccid: '8988', status: 'ACTIVE' });
  out.event = (await sub.next()).value;
  await sub.return();
  // Stopped before the protocol code could load: nothing is opened for it.
  const early = createWhereverClient({ apiKey: 'k-0123456789', endpoint: 'http://127.0.0.1:9/graphql', realtime: { url: fake.url } }).updatedSim();
  out.early = await early.return();
  out.earlyReady = await early.ready.then(() => 'ready', (e) => e.name);
  out.check = await checkSchema({}).then(() => 'resolved', (e) => (e instanceof ValidationError ? e.field : String(e)));
  await fake.close();
  console.log(JSON.stringify(out));
`;

function run(code: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: new URL('../bench/', import.meta.url).pathname, timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
  );
}

describe('lazily loaded parts work right after import (built packages, fresh process)', () => {
  it.each([
    ['ESM', (s: string) => `await import(${JSON.stringify(s)})`],
    ['CommonJS', (s: string) => `require(${JSON.stringify(s)})`],
  ])('%s: subscribe (and stop before the protocol loaded), checkSchema with a bad client', async (_format, load) => {
    expect(await run(script(load))).toEqual({
      event: { iccid: '8988', status: 'ACTIVE' },
      early: { done: true },
      earlyReady: 'AbortError',
      check: 'client',
    });
  });
});
