// 7. Input validation: CPU per call of the variable check (declared GraphQL types, compiled once per
// operation), next to the CPU of one bare node:http POST of the same body to a loopback server.
import { request, Agent } from 'node:http';
import { bodyPrefixOf, validateVariables } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { createMyPhoneClient } from '@sdk/myphone';
import { QUICK, fmt, interleaved, startServer, table } from '../lib.mjs';

/** CPU ns per call of a synchronous function, over `n` calls. */
function cpuNsPerCall(fn, n) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) * 1000) / n;
}

/** CPU ns per bare node:http POST (keep-alive, sequential), the floor a request costs. */
async function httpPostNs(url, body, n) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port, pathname } = new URL(url);
  const post = () =>
    new Promise((resolve, reject) => {
      const req = request({ hostname, port, path: pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.on('data', () => {});
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 20; i++) await post();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await post();
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return ((cpu.user + cpu.system) * 1000) / n;
}

export async function validation() {
  const server = await startServer({ PAGES: '10' });
  const wherever = createWhereverClient({ apiKey: 'bench-key', endpoint: server.url });
  const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 't' } }, endpoint: server.url });
  const myphone = createMyPhoneClient({ tokenProvider: { getAccessToken: async () => 't' }, endpoint: server.url });
  const cases = [
    { name: 'wherever listSims (limit only)', op: wherever.listSims.operation, variables: { limit: 100 } },
    {
      name: 'wherever listSims (filter + order)',
      op: wherever.listSims.operation,
      variables: { limit: 100, filter: { statusid: { in: [1, 2, 3] }, iccid: { beginsWith: '8949' } }, order: { iccid: 'asc' }, quickSearch: 'device' },
    },
    {
      name: 'wherever startBatchJob (1,000 ICCIDs)',
      op: wherever.startBatchJob.operation,
      variables: { params: { includeIccIds: Array.from({ length: 1000 }, (_, i) => `8949${String(i).padStart(15, '0')}`), statusid: 2 } },
    },
    { name: 'Totogi debitAccount (input object)', op: totogi.debitAccount.operation, variables: { input: { providerId: '1001', accountId: 'acc-1', amount: 12.5, mode: 'IMMEDIATE' } } },
    {
      name: 'MyPhone simcards (filter + sort lists)',
      op: myphone.simcards.operation,
      variables: { offset: 0, limit: 100, filter: [{ field: 'isBlocked', comparator: 'EQ', value: false }], sort: [{ field: 'id', order: 'DESC' }] },
    },
  ];
  const n = QUICK ? 20_000 : 200_000;
  const posts = QUICK ? 200 : 1000;
  const rounds = QUICK ? 2 : 5;
  const rows = [];
  for (const c of cases) {
    const body = bodyPrefixOf(c.op) + JSON.stringify(c.variables) + '}';
    const check = () => validateVariables(c.op, c.variables);
    cpuNsPerCall(check, n / 10); // compile + warm up
    const result = await interleaved(['node:http POST', 'validation'], 'node:http POST', rounds, async (k) => (k === 'validation' ? cpuNsPerCall(check, n) : httpPostNs(server.url, body, posts)));
    rows.push({
      operation: c.name,
      'validation ns/call': fmt(result.validation.value, 0),
      'node:http POST ns/req': fmt(result['node:http POST'].value, 0),
      'ratio (median)': fmt(result.validation.ratio, 4),
      'min–max': `${fmt(result.validation.min, 4)}–${fmt(result.validation.max, 4)}`,
    });
  }
  server.close();
  table(`7. Input validation: CPU per call of the variable check vs one bare node:http POST of the same body (${rounds} interleaved rounds; target ≤ 0.01×)`, rows);
}
