/**
 * Cold start (issue 16), the generated operation tables: each vendor's descriptors (documents, variables,
 * typenames, pagination, input types) ship as one JSON string that is decoded on first use, not at import or
 * when a client is created. These check the BUILT packages (run `pnpm build` first) in fresh processes, from
 * ESM and CommonJS: the table is not decoded at import, is decoded once however many clients there are, and
 * every way of using a method still works against the vendor's testing fake served over loopback.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operationTable } from '@sdk/core';
import { operations as myphoneTable } from '../packages/myphone/src/generated/operations.js';
import { operations as totogiTable } from '../packages/totogi/src/generated/operations.js';
import { operations as whereverTable } from '../packages/wherever/src/generated/operations.js';

const root = new URL('../packages/', import.meta.url);
const dist = (pkg: string, file: string) => readFileSync(new URL(`${pkg}/dist/${file}`, root), 'utf8');

describe('the generated tables (sources)', () => {
  it.each([
    ['totogi', totogiTable],
    ['wherever', whereverTable],
    ['myphone', myphoneTable],
  ] as const)('%s: the outline the method tree is built from agrees with the decoded descriptors, one shared input-type table', (_vendor, table) => {
    const outline = table.outline();
    const all = outline.map((_, i) => table.descriptor(i));
    expect(outline.map((o) => ({ ...o, path: [...o.path] }))).toEqual(
      all.map((d) => ({ name: d.name, kind: d.kind, path: [...d.path], union: d.errorTypenames !== undefined, paginated: d.pagination !== undefined })),
    );
    // The methods: queries and mutations (subscriptions last, only through get()).
    const descriptors = table.descriptors();
    expect(descriptors.length).toBeGreaterThan(0);
    expect(descriptors).toEqual(all.filter((d) => d.kind !== 'subscription'));
    expect(all.slice(descriptors.length).every((d) => d.kind === 'subscription')).toBe(true);
    expect(all.every((d) => d.types === all[0]!.types)).toBe(true);
    // Decoded once: the same objects every time, and descriptor()/get() hand out those objects too.
    expect(table.descriptors()).toBe(descriptors);
    descriptors.forEach((d, i) => {
      expect(table.get(d.name as never)).toBe(d);
      expect(table.descriptor(i)).toBe(d);
    });
    // Every fragment a document spreads is appended, once.
    for (const d of descriptors) {
      const spreads = new Set([...d.document.matchAll(/\.\.\.(?!on )([A-Za-z_]\w*)/g)].map((m) => m[1]));
      const defined = [...d.document.matchAll(/fragment (\w+) on/g)].map((m) => m[1]);
      expect(new Set(defined), d.name).toEqual(spreads);
      expect(defined.length, d.name).toBe(new Set(defined).size);
    }
  });

  it('wherever: subscriptions are in the table (get) but not among the descriptors the methods are built from', () => {
    expect(whereverTable.get('UpdatedSim').document).toMatch(/^subscription UpdatedSim\{updatedSim\{\.\.\.SimFields\}\}fragment /);
    expect(whereverTable.descriptors().some((o) => o.kind === 'subscription')).toBe(false);
  });

  it('an unknown name is an error, not undefined; an empty outline is no methods', () => {
    expect(() => whereverTable.get('NoSuchOperation' as never)).toThrow(/no generated operation named NoSuchOperation/);
    expect(() => whereverTable.descriptor(whereverTable.outline().length)).toThrow(RangeError);
    const empty = operationTable('', '');
    expect(empty.outline()).toEqual([]);
    expect(empty.descriptors()).toEqual([]);
  });
});

describe('the entry holds the table as a string (built entries)', () => {
  it.each(['wherever', 'totogi', 'myphone'].flatMap((pkg) => [`${pkg}/index.js`, `${pkg}/index.cjs`]))('%s: no document in an object literal, one JSON string with every operation', (file) => {
    const [pkg, entry] = file.split('/') as [string, string];
    const code = dist(pkg, entry);
    // An object literal would hold `document:"query …"` (or `"document":` quoted); the table's JSON holds `\"document\"` or `"document"` inside a string.
    expect(code).not.toMatch(/[{,]document:\s*["'`]/);
    expect(code).toContain('"document":["');
    expect(code).not.toMatch(/"document":"/);
    expect(code).toMatch(/operationTable\)?\(/);
  });
});

// Watches JSON.parse for the table's parts (needs no hook in the shipped API): a descriptor starts with
// {"name":"X", the input-type table with {"inputs":, a fragment with "fragment . `decoded` lists what was
// decoded, in order. `load` is `await import(x)` or `require(x)`.
const prelude = (load: (s: string) => string) => `
  import { createRequire } from 'node:module';
  const require = createRequire(import.meta.url);
  const parse = JSON.parse;
  const decoded = [];
  JSON.parse = function (text, reviver) {
    if (typeof text === 'string') {
      const op = /^\\{"document":\\["(?:query|mutation|subscription) (\\w+)/.exec(text);
      if (op) decoded.push(op[1]);
      else if (text.startsWith('{"inputs":')) decoded.push('(types)');
      else if (text.startsWith('"fragment ')) decoded.push('(fragment)');
    }
    return parse.call(this, text, reviver);
  };
  const ops = () => decoded.filter((d) => !d.startsWith('('));
  const once = () => ops().length === new Set(ops()).size && decoded.filter((d) => d === '(types)').length <= 1;
  const out = {};
  const load = (s) => ${load('s')};
`;

const totogi = (load: (s: string) => string) => `${prelude(load)}
  const { createTotogiMock } = await load('@sdk/totogi/testing');
  const api = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 3 }] });
  const server = await api.listen();
  const { createTotogiClient, ApiError } = await load('@sdk/totogi');
  // Same tick as the import: two clients and a call each.
  const a = createTotogiClient(server.clientOptions);
  const b = createTotogiClient(server.clientOptions);
  out.afterCreate = decoded.length;
  const first = Promise.all([a.getAccount({ providerId: api.providerId, accountId: 'acc-1' }), b.getAccount({ providerId: api.providerId, accountId: 'acc-1' })]);
  out.afterCall = ops();
  out.balances = (await first).map((acc) => acc.balance.value);
  // getAccount takes only IDs: the input-type table is not needed, so not parsed.
  out.typesAfterCalls = decoded.includes('(types)');
  await a.updateAccount.result({ input: { providerId: api.providerId, accountId: 'acc-1', creditLimit: 5 } });
  out.typesAfterInput = decoded.filter((d) => d === '(types)').length;
  out.shared = a.getAccount.operation === b.getAccount.operation;
  out.own = Object.getOwnPropertyDescriptor(a.getAccount, 'operation');
  out.own = { value: typeof out.own.value, writable: out.own.writable, enumerable: out.own.enumerable, configurable: out.own.configurable };
  out.member = (await a.getAccount.result({ providerId: api.providerId, accountId: 'nope' })).__typename;
  out.thrown = await a.getAccount({ providerId: api.providerId, accountId: 'nope' }).then(() => 'resolved', (e) => (e instanceof ApiError ? e.__typename : String(e)));
  out.plans = (await a.getPlans.all({ providerId: api.providerId }).toArray()).length;
  const doc = 'query Mine($providerId: ID!, $accountId: ID!) { getAccount(providerId: $providerId, accountId: $accountId) { __typename ... on Account { id } ... on AccountNotFound { errorCode } } }';
  out.request = await a.request(doc, { providerId: api.providerId, accountId: 'acc-1' }, { path: ['getAccount'] });
  out.requestError = await a.request(doc, { providerId: api.providerId, accountId: 'nope' }, { path: ['getAccount'] }).then(() => 'resolved', (e) => e.__typename);
  out.decoded = ops();
  out.once = once();
  await server.close();
  console.log(JSON.stringify(out));
`;

const wherever = (load: (s: string) => string) => `${prelude(load)}
  const { createWhereverMock, generateSims } = await load('@sdk/wherever/testing');
  const api = createWhereverMock({ sims: generateSims(250) });
  const server = await api.listen();
  const { createWhereverClient } = await load('@sdk/wherever');
  const a = createWhereverClient(server.clientOptions);
  const b = createWhereverClient(server.clientOptions);
  out.afterCreate = decoded.length;
  // A descriptor read before any call.
  out.document = a.listSims.operation.document.slice(0, 14);
  out.pagination = a.listSims.operation.pagination.style;
  out.afterRead = ops();
  out.walked = (await b.listSims.all({ limit: 100 }).toArray()).length;
  out.pages = api.requestsOf('ListSims').length;
  out.sameDescriptor = a.listSims.operation === b.listSims.operation;
  const like = await a.request.all('query Mine($limit: Int!, $nextToken: String) { listSims(limit: $limit, nextToken: $nextToken) { items { iccid } nextToken totalSims } }', { limit: 100 }, { like: 'listSims' }).toArray();
  out.like = like.length;
  out.decoded = ops();
  out.once = once();
  await server.close();
  console.log(JSON.stringify(out));
`;

const myphone = (load: (s: string) => string) => `${prelude(load)}
  const { createMyPhoneMock, generateSimcards } = await load('@sdk/myphone/testing');
  const api = createMyPhoneMock({ simcards: generateSimcards(30) });
  const server = await api.listen();
  const { createMyPhoneClient } = await load('@sdk/myphone');
  const a = createMyPhoneClient(server.clientOptions);
  out.afterCreate = decoded.length;
  out.tariffsOp = a.tariffs.operation.name;
  out.blockOp = a.simcard.block.operation.name;
  out.tariffs = (await a.tariffs.all().toArray()).length;
  out.simcards = (await a.simcards.all({ limit: 10 }).toArray()).length;
  out.decoded = ops();
  out.once = once();
  await server.close();
  console.log(JSON.stringify(out));
`;

function run(code: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: new URL('../bench/', import.meta.url).pathname, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout) as Record<string, unknown>),
    ),
  );
}

const formats = [
  ['ESM', (s: string) => `import(${s})`],
  // Every package (and its testing kit) through require: the .cjs entries.
  ['CommonJS', (s: string) => `require(${s})`],
] as const;

describe('decoded on first use, once, and everything works (built packages, fresh process)', () => {
  it.each(formats)('%s: totogi — nothing decoded by import or two clients; the first calls (same tick) decode their operation only, once; union result, thrown member, a walk, request with a path', async (_f, load) => {
    expect(await run(totogi(load))).toEqual({
      afterCreate: 0,
      afterCall: ['GetAccount'],
      balances: [3, 3],
      typesAfterCalls: false,
      typesAfterInput: 1,
      shared: true,
      own: { value: 'object', writable: false, enumerable: false, configurable: false },
      member: 'AccountNotFound',
      thrown: 'AccountNotFound',
      plans: 0,
      request: { __typename: 'Account', id: 'acc-1' },
      requestError: 'AccountNotFound',
      decoded: ['GetAccount', 'UpdateAccount', 'GetPlans'],
      once: true,
    });
  });

  it.each(formats)('%s: wherever — a descriptor read before any call decodes that operation, once; a 3-page walk; request.all like a generated list', async (_f, load) => {
    expect(await run(wherever(load))).toEqual({
      afterCreate: 0,
      document: 'query ListSims',
      pagination: 'nextToken',
      afterRead: ['ListSims'],
      walked: 250,
      pages: 3,
      sameDescriptor: true,
      like: 250,
      decoded: ['ListSims'],
      once: true,
    });
  });

  it.each(formats)('%s: myphone — the wrapped tariffs method reads its descriptor lazily; nested methods; walks; only what was used is decoded', async (_f, load) => {
    expect(await run(myphone(load))).toEqual({
      afterCreate: 0,
      tariffsOp: 'Tariffs',
      blockOp: 'SimcardBlock',
      tariffs: 3,
      simcards: 30,
      decoded: ['Tariffs', 'SimcardBlock', 'Simcards'],
      once: true,
    });
  });
});
