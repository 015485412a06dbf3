// Proves each vendor README's "Your own documents" recipe from the packed tarballs: a scratch project outside
// the workspace installs the tarballs plus graphql-codegen's client preset (pinned, from the npm registry),
// runs codegen against node_modules/@sdk/<vendor>/schema.graphql, type-checks strictly (a field the document
// does not select must be a compile error), and runs the typed documents against each vendor's fake.
// The codegen config, documents and code come from the README blocks marked `<!-- consumer-codegen: <file> -->`,
// so the recipe users copy is exactly what CI runs. Run after `pnpm build`: `node scripts/consumer-codegen.mjs`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const CODEGEN_CLI = '7.4.3';
const CLIENT_PRESET = '6.2.0';
const root = resolve(new URL('..', import.meta.url).pathname);
const started = Date.now();
const run = (cmd, args, cwd, quiet = false) => execFileSync(cmd, args, { cwd, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
// pnpm rewrites workspace: ranges when packing; use the one on PATH, else the pinned one through npx.
const pnpm = (() => {
  try {
    execFileSync('pnpm', ['--version'], { stdio: 'ignore' });
    return ['pnpm'];
  } catch {
    return ['npx', '-y', 'pnpm@10.34.8'];
  }
})();
const step = (what) => console.log(`consumer-codegen: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

const vendors = {
  wherever: {
    // Starts the fake, hands the README's function a client, checks what came back.
    runner: `
import { createWhereverClient } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';
import * as recipe from './main.js';

export async function check(): Promise<void> {
  const api = createWhereverMock({ sims: generateSims(7) });
  const server = await api.listen();
  try {
    api.failNext(1, { status: 503 }); // through retries too
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, retry: { baseDelayMs: 1 } });
    const result = await recipe.simIds(wherever);
    if (result.first.length !== 3 || result.all.length !== 7) throw new Error('wherever: unexpected ' + JSON.stringify(result));
    for (const sim of result.first) if (Object.keys(sim).sort().join() !== 'iccid,statusid') throw new Error('wherever: fields ' + Object.keys(sim));
  } finally {
    await server.close();
  }
}`,
  },
  totogi: {
    runner: `
import { createTotogiClient } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';
import * as recipe from './main.js';

export async function check(): Promise<void> {
  const api = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 42 }], rules: Array.from({ length: 5 }, (_, i) => ({ id: 'rule-' + i })) });
  const server = await api.listen();
  try {
    const totogi = createTotogiClient({ endpoint: server.endpoint, auth: { ...api.credentials, cognitoEndpoint: server.cognitoEndpoint }, retry: { baseDelayMs: 1 } });
    const result = await recipe.balanceAndRules(totogi, api.providerId);
    if (result.balance !== 42 || result.ruleIds.length !== 5) throw new Error('totogi: unexpected ' + JSON.stringify(result));
  } finally {
    await server.close();
  }
}`,
  },
  myphone: {
    runner: `
import { createMyPhoneClient } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import * as recipe from './main.js';

export async function check(): Promise<void> {
  const api = createMyPhoneMock({ simcards: generateSimcards(9) });
  const server = await api.listen();
  try {
    const myphone = createMyPhoneClient({ ...api.credentials, origin: server.origin });
    const ids = await recipe.simcardIds(myphone);
    if (ids.length !== 9) throw new Error('myphone: unexpected ' + JSON.stringify(ids));
  } finally {
    await server.close();
  }
}`,
  },
};

/** The blocks of a README marked `<!-- consumer-codegen: path -->`, as { path: text }. */
function recipeOf(vendor) {
  const readme = readFileSync(join(root, 'packages', vendor, 'README.md'), 'utf8');
  const files = {};
  for (const m of readme.matchAll(/<!-- consumer-codegen: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) files[m[1]] = m[2];
  for (const required of ['codegen.ts', 'src/main.ts']) {
    if (!files[required]) throw new Error(`packages/${vendor}/README.md has no block marked <!-- consumer-codegen: ${required} -->`);
  }
  return files;
}

const scratch = mkdtempSync(join(tmpdir(), 'sdk-consumer-codegen-'));
const packs = join(scratch, 'packs');
mkdirSync(packs);
for (const p of ['core', ...Object.keys(vendors)]) run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', packs], join(root, 'packages', p), true);
const tarballs = Object.fromEntries(readdirSync(packs).map((f) => [`@sdk/${f.replace(/^sdk-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`, `file:${join(packs, f)}`]));
step('packed');

const app = join(scratch, 'app');
mkdirSync(app);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'consumer-codegen',
      private: true,
      type: 'module',
      dependencies: { ...tarballs, graphql: '16.15.0', msw: '2.15.0' },
      devDependencies: { '@graphql-codegen/cli': CODEGEN_CLI, '@graphql-codegen/client-preset': CLIENT_PRESET, typescript: '5.9.3', '@types/node': '20.19.9' },
      overrides: tarballs,
    },
    null,
    2,
  ),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], app);
step('installed');

for (const vendor of Object.keys(vendors)) {
  const dir = join(app, vendor);
  for (const [path, text] of Object.entries(recipeOf(vendor))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(join(dir, 'src', 'check.ts'), vendors[vendor].runner);
  // The README's codegen.ts points at node_modules/@sdk/<vendor>/schema.graphql relative to the project.
  symlinkSync(join(app, 'node_modules'), join(dir, 'node_modules'), 'dir');
  run(join(app, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts', '--silent'], dir);
  step(`${vendor}: codegen`);
}

// Strict consumer settings; a wrong field must fail to compile (each README block holds a @ts-expect-error).
const strict = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', outDir: 'dist', rootDir: '.' };
writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: strict, include: Object.keys(vendors).map((v) => `${v}/src/**/*.ts`) }, null, 2));
run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
step('type-checked');

writeFileSync(
  join(app, 'run.mjs'),
  Object.keys(vendors).map((v) => `await (await import('./dist/${v}/src/check.js')).check();\nconsole.log('  @sdk/${v}: typed own documents ran against the fake');`).join('\n') + '\n',
);
run('node', ['run.mjs'], app);
step('ran');
if (!process.argv.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
console.log(`consumer-codegen: all three vendors pass (${((Date.now() - started) / 1000).toFixed(0)} s)`);
