// 2b. First call in a fresh process: `import`, create the client, make one call, as a short-lived job or a
// serverless cold start does. Work moved out of `import` (lazy chunks, tables decoded on first use, telemetry
// loaded when a provider is registered) shows up here if it only moved. Baseline per operation: a process that
// imports an empty ES module and sends the same request body as a bare node:http POST (loading node:http,
// connecting, parsing the JSON answer). Fresh processes, interleaved; wall and CPU ms, medians.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bodyPrefixOf } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { QUICK, fmt, median, shuffle, startServer, table } from '../lib.mjs';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

/** Code run in the child: marks after import, creation and the call; prints [[wall, cpu] per phase]. */
const timed = (phases) => `
  const marks = [[performance.now(), process.cpuUsage()]];
  const mark = () => marks.push([performance.now(), process.cpuUsage()]);
  ${phases.join('\nmark();\n')}
  mark();
  process.stdout.write(JSON.stringify(marks.slice(1).map(([t, c], i) => [t - marks[i][0], (c.user + c.system - marks[i][1].user - marks[i][1].system) / 1000])));
`;

function bare(url, body, headers, empty) {
  return timed([
    `await import(${JSON.stringify(empty)});`,
    `const { request } = await import('node:http');`,
    `const body = ${JSON.stringify(body)};
     await new Promise((resolve, reject) => {
       const req = request(${JSON.stringify(url)}, { method: 'POST', headers: { ...${JSON.stringify(headers)}, 'content-length': Buffer.byteLength(body) } }, (res) => {
         const chunks = [];
         res.on('data', (c) => chunks.push(c));
         res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
         res.on('error', reject);
       });
       req.on('error', reject);
       req.end(body);
     });`,
  ]);
}

export async function firstCall(rounds = QUICK ? 2 : 15) {
  const server = await startServer({ PAGES: '1000' });
  const dir = join(tmpdir(), 'sdk-bench-first-call');
  mkdirSync(dir, { recursive: true });
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const url = JSON.stringify(server.url);
  const tokenProvider = `{ getAccessToken: async () => 'bench-token' }`;
  const bodyOf = (op, variables) => bodyPrefixOf(op) + JSON.stringify(variables) + '}';
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const cases = [
    {
      name: '@sdk/wherever listSims({ limit: 100 })',
      ours: timed([`const { createWhereverClient } = await import('@sdk/wherever');`, `const c = createWhereverClient({ apiKey: 'bench-key', endpoint: ${url} });`, `await c.listSims({ limit: 100 });`]),
      bare: bare(server.url, bodyOf(createWhereverClient({ apiKey: 'k', endpoint: server.url }).listSims.operation, { limit: 100 }), { ...json, authorization: 'bench-key' }, empty),
    },
    {
      name: '@sdk/totogi getAccount',
      ours: timed([`const { createTotogiClient } = await import('@sdk/totogi');`, `const c = createTotogiClient({ auth: { tokenProvider: ${tokenProvider} }, endpoint: ${url} });`, `await c.getAccount({ providerId: '1001', accountId: 'acc-1' });`]),
      bare: bare(server.url, bodyOf(createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 't' } }, endpoint: server.url }).getAccount.operation, { providerId: '1001', accountId: 'acc-1' }), { ...json, authorization: 'bench-token' }, empty),
    },
    {
      name: '@sdk/myphone simcards({ limit: 100 })',
      ours: timed([`const { createMyPhoneClient } = await import('@sdk/myphone');`, `const c = createMyPhoneClient({ tokenProvider: ${tokenProvider}, endpoint: ${url} });`, `await c.simcards({ limit: 100 });`]),
      bare: bare(server.url, bodyOf(createMyPhoneClient({ tokenProvider: { getAccessToken: async () => 't' }, endpoint: server.url }).simcards.operation, { limit: 100 }), { ...json, authorization: 'Bearer bench-token' }, empty),
    },
  ];
  const runs = [];
  for (const c of cases) for (const kind of ['bare', 'ours']) runs.push({ c, kind, samples: [] });
  for (let r = 0; r < rounds; r++) {
    for (const run of shuffle(runs)) {
      const p = spawnSync(process.execPath, ['--input-type=module', '-e', run.c[run.kind]], { cwd: benchDir, stdio: ['ignore', 'pipe', 'pipe'] });
      if (p.status !== 0) throw new Error(`first-call run failed (${run.c.name}, ${run.kind})\n${p.stderr}`);
      run.samples.push(JSON.parse(p.stdout.toString()));
    }
  }
  server.close();
  const phase = (samples, i, j) => median(samples.map((s) => s[i][j]));
  const total = (samples, j) => median(samples.map((s) => s.reduce((a, p) => a + p[j], 0)));
  const rows = [];
  for (const c of cases) {
    const b = runs.find((r) => r.c === c && r.kind === 'bare').samples;
    const o = runs.find((r) => r.c === c && r.kind === 'ours').samples;
    rows.push({
      operation: c.name,
      'bare: wall / CPU ms': `${fmt(total(b, 0), 1)} / ${fmt(total(b, 1), 1)}`,
      '@sdk: wall / CPU ms': `${fmt(total(o, 0), 1)} / ${fmt(total(o, 1), 1)}`,
      'CPU ms over bare': fmt(total(o, 1) - total(b, 1), 1),
      '@sdk CPU ms: import · create · call': `${fmt(phase(o, 0, 1), 1)} · ${fmt(phase(o, 1, 1), 1)} · ${fmt(phase(o, 2, 1), 1)}`,
      'bare CPU ms: empty import · node:http · POST': `${fmt(phase(b, 0, 1), 1)} · ${fmt(phase(b, 1, 1), 1)} · ${fmt(phase(b, 2, 1), 1)}`,
    });
  }
  table(`2b. First call in a fresh process (import + create client + one call) vs an empty ES module + a bare node:http POST of the same body; medians of ${rounds} interleaved processes each (reported, no target: it shows whether work moved out of import only moved)`, rows);
}
