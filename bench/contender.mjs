// One per-call contender of section 1 in a process of its own (`node contender.mjs <case> <client> <url>`):
// contenders sharing a process shared Node's HTTP, stream and promise code too, and the mix (fetch, undici,
// graphql-request beside node:http) left that code slower for some of them than it is in a service running one
// client. It builds only its own client, then answers `{ count, inFlight }` with the CPU µs per call of this
// process over `count` calls, and requests/s.
import { bodyPrefixOf } from '@sdk/core';
import { barePost, cpuPerOp } from './lib.mjs';

const [, , caseName, client, url] = process.argv;

/** Per case: the body every client sends, and how each contender sends it. */
async function contenders() {
  if (caseName === 'getAccount') {
    const { createTotogiClient } = await import('@sdk/totogi');
    const sdk = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'bench-token' } }, endpoint: url });
    const variables = { providerId: '1001', accountId: 'acc-1' };
    return { sdk, op: sdk.getAccount.operation, variables, auth: 'bench-token', ours: { '@sdk client': () => sdk.getAccount(variables) } };
  }
  const { createWhereverClient } = await import('@sdk/wherever');
  const sdk = createWhereverClient({ apiKey: 'bench-key', endpoint: url });
  const variables = { limit: 100 };
  const op = sdk.listSims.operation;
  const ours = {
    '@sdk client': () => sdk.listSims(variables),
    'generated listSims()': () => sdk.listSims(variables),
  };
  if (client === '@sdk client, fetch transport') {
    const viaFetch = createWhereverClient({ apiKey: 'bench-key', endpoint: url, fetch: globalThis.fetch });
    ours[client] = () => viaFetch.listSims(variables);
  }
  if (client === 'client.request(TypedDocumentString)') {
    // The same document and response as listSims, wrapped as codegen's client preset wraps it.
    class TypedDocumentString extends String {
      #value;
      constructor(value) {
        super(value);
        this.#value = value;
      }
      toString() {
        return this.#value;
      }
    }
    const ownDoc = new TypedDocumentString(op.document);
    ours[client] = () => sdk.request(ownDoc, variables);
  }
  return { sdk, op, variables, auth: 'bench-key', ours };
}

const { op, variables, auth, ours } = await contenders();
const body = bodyPrefixOf(op) + JSON.stringify(variables) + '}';
const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: auth };
let fn = ours[client];
if (client === 'bare node:http') {
  const bare = barePost(url);
  fn = () => bare(headers, body);
} else if (client === 'undici request()') {
  const { request } = await import('undici');
  fn = async () => (await request(url, { method: 'POST', headers, body })).body.json();
} else if (client === 'raw fetch') {
  fn = async () => (await fetch(url, { method: 'POST', headers, body })).json();
} else if (client === 'graphql-request') {
  const { GraphQLClient } = await import('graphql-request');
  const gql = new GraphQLClient(url, { headers: { authorization: auth } });
  fn = () => gql.request(op.document, variables);
}
if (!fn) throw new Error(`unknown contender ${caseName} / ${client}`);

process.on('message', async ({ count, inFlight }) => {
  if (count === 0) return process.disconnect();
  try {
    process.send(await cpuPerOp(fn, count, inFlight));
  } catch (err) {
    // Reported, not thrown: the bench fails with the reason instead of waiting for a reply.
    process.send({ error: String(err?.message ?? err) });
  }
});
process.send({ ready: true });
