// One rung of section 1c in a process of its own (`node allocation-worker.mjs <rung> <calls> <url>`): warms up,
// then samples V8's heap allocations (including objects already collected) over `calls` sequential getAccount
// calls and prints the bytes allocated per call as JSON.
import { Session } from 'node:inspector/promises';
import { bodyPrefixOf, createExecutor } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { barePost } from './lib.mjs';

const [, , rung, callsArg, url] = process.argv;
const calls = Number(callsArg);
const sdk = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'bench-token' } }, endpoint: url });
const variables = { providerId: '1001', accountId: 'acc-1' };
const op = sdk.getAccount.operation;
const body = bodyPrefixOf(op) + JSON.stringify(variables) + '}';
const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'bench-token' };
let fn;
if (rung === 'bare') {
  const bare = barePost(url);
  fn = () => bare(headers, body);
} else if (rung === 'bare, the client headers') {
  // The two headers the client adds: its User-Agent and accept-encoding (compressed responses).
  const bare = barePost(url);
  const more = { ...headers, 'user-agent': `@sdk/totogi/0.0.0 @sdk/core/0.0.0 node/${process.version}`, 'accept-encoding': 'gzip, br' };
  fn = () => bare(more, body);
} else if (rung === 'executor') {
  // The executor and default transport alone: a static header (no token provider), telemetry off.
  const auth = Object.freeze({ authorization: 'bench-token' });
  const executor = createExecutor({ endpoint: url, auth: { headers: () => auth, secrets: () => [] }, telemetry: false });
  fn = () => executor.execute(op, variables, undefined);
} else if (rung === '@sdk client') {
  fn = () => sdk.getAccount(variables);
} else throw new Error(`unknown rung ${rung}`);

for (let i = 0; i < Math.max(2000, calls / 2); i++) await fn();
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (let i = 0; i < calls; i++) await fn();
const { profile } = await session.post('HeapProfiler.stopSampling');
let total = 0;
const walk = (node) => {
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(JSON.stringify({ bytesPerCall: total / calls }));
