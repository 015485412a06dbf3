// Installs the packed tarballs (not workspace links) into a scratch project outside the workspace and runs
// an ESM, a CJS and a TypeScript consumer (node16 and bundler resolution) of every main and /testing entry,
// on each Node version given: `node scripts/smoke-packed.mjs --node 20,22,24`. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
// Without --node, the Node running this script (below); indexOf's -1 used to read argv[0], node's own path.
const flag = process.argv.indexOf('--node');
const versions = (process.argv.find((a) => a.startsWith('--node='))?.slice(7) ?? (flag === -1 ? '' : process.argv[flag + 1]) ?? '').split(',').filter(Boolean);
const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'dist')));
const run = (cmd, args, cwd, extra = {}) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], ...extra });

const scratch = mkdtempSync(join(tmpdir(), 'sdk-smoke-'));
const packs = join(scratch, 'packs');
mkdirSync(packs);
for (const p of packages) run('pnpm', ['pack', '--pack-destination', packs], join(root, 'packages', p), { stdio: ['ignore', 'ignore', 'inherit'] });
const tarballs = Object.fromEntries(readdirSync(packs).map((f) => [`@sdk/${f.replace(/^sdk-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`, join(packs, f)]));
console.log(`smoke: packed ${Object.keys(tarballs).join(', ')} into ${packs}`);

const app = join(scratch, 'app');
mkdirSync(app);
const deps = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'smoke-app', private: true, version: '1.0.0', dependencies: { ...deps, msw: '2.15.0', graphql: '16.15.0' }, devDependencies: { typescript: '5.9.3', '@types/node': '^20.19.0' }, overrides: deps }, null, 2),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);

// One consumer body per package: start the fake on loopback, make one typed call, check the answer.
const bodies = {
  '@sdk/wherever': {
    imports: ['createWhereverClient', 'ValidationError'],
    testing: ['createWhereverMock', 'generateSims'],
    code: `{
  const api = createWhereverMock({ sims: generateSims(7) });
  const server = await api.listen();
  const client = createWhereverClient(server.clientOptions);
  const all = await client.listSims.all({ limit: 5 }).toArray();
  await server.close();
  if (all.length !== 7) throw new Error('wherever: expected 7 SIMs, got ' + all.length);
  console.log('  @sdk/wherever ok');
}`,
  },
  '@sdk/myphone': {
    imports: ['createMyPhoneClient'],
    testing: ['createMyPhoneMock', 'generateSimcards'],
    code: `{
  const api = createMyPhoneMock({ simcards: generateSimcards(12) });
  const server = await api.listen();
  const client = createMyPhoneClient(server.clientOptions);
  const all = await client.simcards.all({ limit: 5 }, { concurrency: 2 }).toArray();
  await server.close();
  if (all.length !== 12) throw new Error('myphone: expected 12 simcards, got ' + all.length);
  console.log('  @sdk/myphone ok');
}`,
  },
  '@sdk/totogi': {
    imports: ['createTotogiClient', 'isApiError'],
    testing: ['createTotogiMock'],
    code: `{
  const api = createTotogiMock();
  const server = await api.listen();
  const client = createTotogiClient(server.clientOptions);
  const err = await client.getAccount({ providerId: api.providerId, accountId: 'no-such-account' }).catch((e) => e);
  await server.close();
  if (!isApiError(err, 'AccountNotFound')) throw new Error('totogi: expected AccountNotFound, got ' + err);
  console.log('  @sdk/totogi ok');
}`,
  },
  '@sdk/core': {
    imports: ['createExecutor', 'apiKeyAuth', 'SdkError', 'TokenManager'],
    testing: ['createGraphQLFake', 'startFakeServer'],
    code: `{
  const fake = createGraphQLFake({ schema: 'type Query { hello: String }', root: { hello: () => 'world' } });
  const server = await startFakeServer({ '/graphql': fake });
  const ex = createExecutor({ endpoint: server.url + '/graphql', auth: apiKeyAuth('k') });
  const { data } = await ex.execute({ name: 'Hello', kind: 'query', document: 'query Hello{hello}', bodyPrefix: '{"operationName":"Hello","query":"query Hello{hello}","variables":', path: ['hello'] }, {}, {});
  await server.close();
  if (data !== 'world') throw new Error('core: expected world');
  console.log('  @sdk/core ok');
}`,
  },
};

const present = Object.keys(bodies).filter((name) => tarballs[name]);
const esm = present.map((n) => `import { ${bodies[n].imports.join(', ')} } from '${n}';\nimport { ${bodies[n].testing.join(', ')} } from '${n}/testing';`).join('\n') + '\n' + present.map((n) => bodies[n].code).join('\n') + '\n';
const cjs = "'use strict';\n" + present.map((n) => `const { ${bodies[n].imports.join(', ')} } = require('${n}');\nconst { ${bodies[n].testing.join(', ')} } = require('${n}/testing');`).join('\n') + `\n(async () => {\n${present.map((n) => bodies[n].code).join('\n')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
writeFileSync(join(app, 'consumer.mjs'), esm);
writeFileSync(join(app, 'consumer.cjs'), cjs);
// TypeScript consumers: the same code, type-checked under node16 (as ESM and as CJS) and bundler resolution.
writeFileSync(join(app, 'consumer-esm.mts'), esm);
writeFileSync(join(app, 'consumer-cjs.cts'), present.map((n) => `import { ${bodies[n].imports.join(', ')} } from '${n}';\nimport { ${bodies[n].testing.join(', ')} } from '${n}/testing';`).join('\n') + `\nexport async function main(): Promise<void> {\n${present.map((n) => bodies[n].code).join('\n')}\n}\n`);
writeFileSync(join(app, 'consumer-bundler.ts'), esm);
const strict = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', types: ['node'] };
writeFileSync(join(app, 'tsconfig.node16.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16' }, files: ['consumer-esm.mts'] }));
// msw's own typings cannot be loaded from a CommonJS TypeScript file (they import an ESM-only package),
// so the CJS consumer skips library checks; our declarations are still what its code is checked against.
writeFileSync(join(app, 'tsconfig.node16-cjs.json'), JSON.stringify({ compilerOptions: { ...strict, skipLibCheck: true, module: 'node16', moduleResolution: 'node16' }, files: ['consumer-cjs.cts'] }));
writeFileSync(join(app, 'tsconfig.bundler.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler' }, files: ['consumer-bundler.ts'] }));
console.log('smoke: tsc (node16: ESM and CJS consumers)');
run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.node16.json'], app);
run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.node16-cjs.json'], app);
console.log('smoke: tsc (bundler resolution)');
run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.bundler.json'], app);

// A strict consumer (issue 13): exactOptionalPropertyTypes, noUncheckedIndexedAccess and our declarations checked
// (skipLibCheck: false), with the TypeScript we build with and with the newest major on the registry (fetched
// with npx, so it is not a workspace dependency). Optional options must accept `undefined`.
const strictBody = `import { createWhereverClient, SIM_STATUS_ID, simStatusName, type CallOptions } from '@sdk/wherever';
import { createMyPhoneClient, filters } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
declare const maybe: number | undefined;
declare const maybeString: string | undefined;
export async function strictConsumer(): Promise<void> {
  const wherever = createWhereverClient({ apiKey: 'k', endpoint: maybeString, timeoutMs: maybe, retry: undefined });
  const options: CallOptions = { timeoutMs: maybe, deadlineMs: undefined, signal: undefined, retry: undefined };
  for await (const sim of wherever.listSims.all({ limit: maybe, order: { iccid: 'asc' }, filter: { statusid: { in: [SIM_STATUS_ID.ACTIVATED] } } }, { concurrency: maybe, signal: undefined })) {
    const name: string | undefined = simStatusName(sim.statusid);
    console.log(sim.iccid, name);
  }
  await wherever.listSims({ limit: 10, nextToken: maybeString }, options);
  // @ts-expect-error sort direction is 'asc' | 'desc'
  await wherever.listSims({ limit: 10, order: { iccid: 'ascending' } });
  const myphone = createMyPhoneClient({ username: 'u', password: 'p', origin: maybeString });
  await myphone.simcards.all({ limit: maybe, filter: filters.simcards.where('isBlocked', 'EQ', false) }).toArray();
  const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 't' } }, endpoint: maybeString });
  const r = await totogi.getAccount.result({ providerId: 'p', accountId: 'a' });
  if (r === null) return;
  switch (r.__typename) {
    case 'Account':
      console.log(r.id);
      break;
    default:
      console.log('not an account:', r.__typename);
  }
}
`;
writeFileSync(join(app, 'consumer-strict.mts'), strictBody);
writeFileSync(
  join(app, 'tsconfig.strict.json'),
  JSON.stringify({ compilerOptions: { ...strict, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, module: 'node16', moduleResolution: 'node16' }, files: ['consumer-strict.mts'] }),
);
console.log('smoke: tsc 5.9 (strict consumer: exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck false)');
run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.strict.json'], app);
const newest = execFileSync('npm', ['view', 'typescript', 'dist-tags.latest'], { encoding: 'utf8' }).trim();
const major = newest.split('.')[0];
if (major !== '5') {
  // TypeScript 7 is the native compiler; its package still installs a `tsc` binary.
  console.log(`smoke: tsc ${newest} (newest major on the registry; strict and node16 consumers)`);
  run('npx', ['-y', '-p', `typescript@${major}`, 'tsc', '-p', 'tsconfig.strict.json'], app);
  run('npx', ['-y', '-p', `typescript@${major}`, 'tsc', '-p', 'tsconfig.node16.json'], app);
}

const nodes = versions.length ? versions : [process.versions.node.split('.')[0]];
for (const v of nodes) {
  const node = v === process.versions.node.split('.')[0] ? [process.execPath] : ['npx', '-y', `node@${v}`];
  for (const file of ['consumer.mjs', 'consumer.cjs']) {
    console.log(`smoke: node ${v} ${file}`);
    run(node[0], [...node.slice(1), file], app);
  }
}
if (tarballs['@sdk/cli']) {
  // The CLI from its tarball: the bin is linked, its dependencies come from the registry, the fake answers.
  for (const v of nodes) {
    const node = v === process.versions.node.split('.')[0] ? [process.execPath] : ['npx', '-y', `node@${v}`];
    console.log(`smoke: node ${v} telco`);
    const out = execFileSync(node[0], [...node.slice(1), join(app, 'node_modules/@sdk/cli/dist/bin.js'), '--fake', 'wherever', 'listSims', '--limit', '2', '--format', 'ndjson'], { cwd: app, encoding: 'utf8' });
    if (out.trim().split('\n').length !== 2) throw new Error(`telco printed ${JSON.stringify(out)}`);
  }
}
console.log(`smoke: packed packages work for ESM, CJS and TypeScript consumers on Node ${nodes.join(', ')}`);
