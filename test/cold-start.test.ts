/**
 * Cold start (issue 16): `import` of a package reads one file holding only what a plain call needs. The
 * real-time protocols, the OpenTelemetry instrumentation and the schema checker load on first use. These
 * check the BUILT packages (run `pnpm build` first), then use each lazily loaded part right after import,
 * from ESM and CommonJS, in fresh processes, as a new user would.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../packages/', import.meta.url);
const dist = (pkg: string, file: string) => readFileSync(new URL(`${pkg}/dist/${file}`, root), 'utf8');

describe('what import loads (built ESM entries)', () => {
  it.each(['core', 'wherever', 'totogi', 'myphone'])('@sdk/%s: dist/index.js imports no other file of its package statically', (pkg) => {
    const staticImports = [...dist(pkg, 'index.js').matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{][^;"']*?from\s*)?"(\.[^"]+)"/g)].map((m) => m[1]);
    expect(staticImports).toEqual([]);
  });

  it.each(['index.js', 'index.cjs'])('@sdk/core %s: the telemetry instrumentation, the real-time protocols and the schema checker are not in the entry', (file) => {
    const index = dist('core', file);
    expect(index).not.toContain('AsyncLocalStorage'); // telemetry
    expect(index).not.toContain('connection_init'); // AppSync protocol
    expect(index).not.toContain('checkSchema needs a client'); // schema checker
    expect(index).not.toMatch(/from\s*"(node:)?(async_hooks|module)"|require\("(node:)?(async_hooks|module)"\)/);
  });

  it('@sdk/core: partitioned walks and segments are a chunk of their own, for ESM and CommonJS', () => {
    const files = readdirSync(new URL('core/dist/', root));
    expect(files.filter((f) => /^partition-\w+\.(c?js)$/.test(f)).map((f) => f.split('.').pop()).sort()).toEqual(['cjs', 'js']);
    expect(dist('core', 'index.js')).not.toContain('is not a partitioned walk'); // partition.ts
    expect(dist('core', 'index.cjs')).not.toContain('is not a partitioned walk');
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

function run(code: string, cwd = new URL('../bench/', import.meta.url).pathname): Promise<unknown> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', code], { cwd, timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
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

// Which files of @sdk/core's dist a process loaded: ESM through a loader hook that reports every module it
// loads, CommonJS through require.cache. Names without their content hash (`partition-X1Y2.js` → `partition.js`).
const observe = `
  import { register, createRequire } from 'node:module';
  import { MessageChannel } from 'node:worker_threads';
  const require = createRequire(import.meta.url);
  const seen = [];
  const { port1, port2 } = new MessageChannel();
  let onSeen = () => {};
  port1.on('message', (url) => { seen.push(url); onSeen(); });
  port1.unref();
  register('data:text/javascript,' + encodeURIComponent('let port; export function initialize(d) { port = d.port } export async function load(url, context, next) { port.postMessage(url); return next(url, context) }'), { data: { port: port2 }, transferList: [port2] });
  let n = 0;
  // A module loaded after the others: once the hook reported it, it reported every module before it.
  const flush = async () => { const url = 'data:text/javascript,export{}//' + n++; const got = new Promise((r) => (onSeen = () => seen.includes(url) && r())); await import(url); await got; };
  const coreDist = ${JSON.stringify(new URL('core/dist/', root).pathname)};
  const coreFiles = async () => {
    await flush();
    const files = [...seen.filter((u) => u.startsWith('file:')).map((u) => new URL(u).pathname), ...Object.keys(require.cache)];
    return [...new Set(files.filter((f) => f.startsWith(coreDist)).map((f) => f.slice(coreDist.length).replace(/-[A-Z0-9]{8}\\./, '.')))].sort();
  };
`;

const firstUse = (load: (specifier: string) => string) => `${observe}
  const { simsServer, fleet } = await import(${JSON.stringify(new URL('../test/fixtures/sims-server.mjs', import.meta.url).pathname)});
  const iccids = fleet(60);
  const server = await simsServer(iccids);
  const out = {};
  const core = ${load('@sdk/core')};
  out.atImport = await coreFiles();
  const { createWhereverClient } = ${load('@sdk/wherever')};
  const wherever = createWhereverClient({ apiKey: 'k-0123456789', endpoint: server.url, telemetry: false });
  // First use in the same tick as import: the walk's first page is asked for before anything else ran.
  const sameTick = wherever.listSims.all({ limit: 10 }, { parts: 2 })[Symbol.asyncIterator]().next();
  out.sameTick = await sameTick.then((r) => typeof r.value.iccid);
  out.afterSameTick = await coreFiles();
  const collect = async (it) => { const ids = []; for await (const sim of it) ids.push(sim.iccid); return ids.sort(); };
  // Two first uses at once (a fresh process for this part: see below), one walk in parts, one segment.
  const [parts, segment] = await Promise.all([collect(wherever.listSims.all({ limit: 10 }, { parts: 3 })), collect(wherever.listSims.all({ limit: 10 }, { segment: { index: 0, count: 1 } }))]);
  out.parts = parts.join() === [...iccids].sort().join();
  out.segment = segment.join() === [...iccids].sort().join();
  await server.close();
  console.log(JSON.stringify(out));
`;

const plainThenAborted = (load: (specifier: string) => string) => `${observe}
  const { simsServer, fleet } = await import(${JSON.stringify(new URL('../test/fixtures/sims-server.mjs', import.meta.url).pathname)});
  const server = await simsServer(fleet(30));
  const out = {};
  const { createWhereverClient } = ${load('@sdk/wherever')};
  const wherever = createWhereverClient({ apiKey: 'k-0123456789', endpoint: server.url, telemetry: false });
  out.plain = (await wherever.listSims({ limit: 5 })).items.length;
  out.walk = (await wherever.listSims.all({ limit: 10 }).toArray()).length;
  out.afterPlain = await coreFiles();
  // First use aborted while its code loads: it throws AbortError and sends nothing.
  const sent = server.requests.length;
  const controller = new AbortController();
  const first = wherever.listSims.all({ limit: 10 }, { parts: 2, signal: controller.signal })[Symbol.asyncIterator]().next();
  controller.abort();
  out.aborted = await first.then(() => 'resolved', (e) => e.name);
  out.sentWhileAborted = server.requests.length - sent;
  // Two first uses at once, both after the aborted one: each walks every SIM.
  const [a, b] = await Promise.all([wherever.listSims.all({ limit: 10 }, { parts: 2 }).toArray(), wherever.listSims.all({ limit: 10 }, { parts: 4 }).toArray()]);
  out.both = [a.length, b.length];
  out.afterPartition = await coreFiles();
  await server.close();
  console.log(JSON.stringify(out));
`;

describe('what import loads, observed in a fresh process (built packages)', () => {
  it.each([
    ['ESM', (s: string) => `await import(${JSON.stringify(s)})`, 'js'],
    ['CommonJS', (s: string) => `require(${JSON.stringify(s)})`, 'cjs'],
  ])('%s: import loads only the entry; a partitioned walk started in the same tick loads its chunk and works; two at once walk every SIM', async (_format, load, ext) => {
    expect(await run(firstUse(load))).toEqual({
      atImport: [`index.${ext}`],
      sameTick: 'string',
      afterSameTick: [`index.${ext}`, `partition.${ext}`],
      parts: true,
      segment: true,
    });
  });

  it.each([
    ['ESM', (s: string) => `await import(${JSON.stringify(s)})`, 'js'],
    ['CommonJS', (s: string) => `require(${JSON.stringify(s)})`, 'cjs'],
  ])('%s: plain calls and plain walks load nothing more; a first partitioned walk aborted while loading sends nothing', async (_format, load, ext) => {
    expect(await run(plainThenAborted(load))).toEqual({
      plain: 5,
      walk: 30,
      afterPlain: [`index.${ext}`],
      aborted: 'AbortError',
      sentWhileAborted: 0,
      both: [30, 30],
      afterPartition: [`index.${ext}`, `partition.${ext}`],
    });
  });
});

describe('a lazily loaded chunk is missing (a deploy step dropped it): built @sdk/core without its partition chunk', () => {
  const app = mkdtempSync(join(tmpdir(), 'sdk-missing-chunk-'));
  afterAll(() => rmSync(app, { recursive: true, force: true }));
  const core = join(app, 'node_modules', '@sdk', 'core');
  cpSync(new URL('core/package.json', root), join(core, 'package.json'));
  cpSync(new URL('core/dist/', root), join(core, 'dist'), { recursive: true, filter: (src) => !/partition-\w+\.c?js$/.test(src) });
  const script = (load: string) => `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const { paginate, PaginationError } = ${load};
    const spec = { style: 'nextToken', items: 'items', next: 'nextToken', tokenVar: 'nextToken', limitVar: 'limit', split: { style: 'prefix', filter: 'filter.iccid', field: 'iccid', count: 'total', alphabet: '0123456789' } };
    let sent = 0;
    const fetchPage = async () => { sent++; return { items: [], nextToken: null, total: 0 }; };
    const walk = paginate(spec, fetchPage, { limit: 10 }, { parts: 2 }, 'ListSims')[Symbol.asyncIterator]();
    const error = await walk.next().then(() => undefined, (e) => e);
    const plain = await paginate(spec, fetchPage, { limit: 10 }, {}, 'ListSims')[Symbol.asyncIterator]().next();
    console.log(JSON.stringify({ pagination: error instanceof PaginationError, message: /could not be loaded/.test(error?.message), after: await walk.next(), plain: Array.isArray(plain.value?.items), sent }));
  `;
  it.each([
    ['ESM', `await import('@sdk/core')`],
    ['CommonJS', `require('@sdk/core')`],
  ])('%s: a partitioned walk throws a PaginationError at once (no hang, nothing sent); plain walks still work', async (_format, load) => {
    expect(await run(script(load), app)).toEqual({ pagination: true, message: true, after: { done: true }, plain: true, sent: 1 });
  });
});
