/**
 * A user who bundles their service (esbuild, as many Lambda and container builds do) must get a working
 * bundle and a quiet build: the lazily loaded parts (real-time protocols, schema checker, batch-job waiter,
 * partitioned walks) are found by the bundler, work in the bundle, and our packages cause no bundler warnings. Built packages
 * (run `pnpm build` first), bundled from bench/ where they are installed, run in a fresh process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const bench = new URL('../bench/', import.meta.url).pathname;
const core = new URL('../packages/core/', import.meta.url).pathname;
// Output next to @sdk/core so the bundle's externals (ws, graphql) resolve when it runs.
const out = mkdtempSync(join(core, '.user-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const app = `
import { createWhereverClient, checkSchema, ValidationError } from '@sdk/wherever';
import { startRealtimeFake } from '@sdk/core/testing';
import { simsServer, fleet } from ${JSON.stringify(new URL('fixtures/sims-server.mjs', import.meta.url).pathname)};
const out = {};
const sims = await simsServer(fleet(40));
const walker = createWhereverClient({ apiKey: 'k-0123456789', endpoint: sims.url });
const [parts, first, second] = await Promise.all([walker.listSims.all({ limit: 10 }, { parts: 3 }).toArray(), ...[0, 1].map((index) => walker.listSims.all({ limit: 10 }, { segment: { index, count: 2 } }).toArray())]);
out.walks = [parts.length, first.length + second.length];
await sims.close();
const fake = await startRealtimeFake({ authorize: (auth) => auth.headers.authorization === 'k-0123456789' });
const wherever = createWhereverClient({ apiKey: 'k-0123456789', endpoint: 'http://127.0.0.1:9/graphql', realtime: { url: fake.url } });
const sub = wherever.updatedSim();
await sub.ready;
fake.publish('updatedSim', { iccid: '8988', status: 'ACTIVE' });
out.event = (await sub.next()).value;
await sub.return();
out.check = await checkSchema({}).then(() => 'resolved', (e) => (e instanceof ValidationError ? e.field : String(e)));
out.wait = await wherever.waitForBatchJob(undefined).then(() => 'resolved', (e) => (e instanceof ValidationError ? e.field : String(e)));
await fake.close();
console.log(JSON.stringify(out));
`;

function run(file: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [file], { cwd: out, timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout)))),
  );
}

describe('a user bundles an app using the lazily loaded parts (esbuild, ESM)', () => {
  it.each([
    ['one file', false],
    ['code splitting', true],
  ])('%s: no warnings from our packages, and the bundle works', async (_name, splitting) => {
    const dir = join(out, splitting ? 'split' : 'single');
    const entry = join(bench, `.user-bundle-app-${splitting ? 'split' : 'single'}.mjs`);
    writeFileSync(entry, app);
    try {
      const result = await build({
        entryPoints: { app: entry },
        bundle: true,
        platform: 'node',
        format: 'esm',
        splitting,
        outdir: dir,
        outExtension: { '.js': '.mjs' },
        external: ['ws', 'graphql', 'msw', 'bufferutil', 'utf-8-validate'],
        logLevel: 'silent',
      });
      expect(result.warnings.map((w) => `${w.location?.file}: ${w.text}`)).toEqual([]);
    } finally {
      rmSync(entry, { force: true });
    }
    expect(await run(join(dir, 'app.mjs'))).toEqual({ walks: [40, 40], event: { iccid: '8988', status: 'ACTIVE' }, check: 'client', wait: 'variables.batchJobId' });
  });
});
