/**
 * Hostile review of the transport-safety work (issue 11 items 1, 2, 3, 5, 6, 7; issue 13 item 7). Each test
 * reproduces one way the guarantees broke, counted at the server where it matters.
 */
import type { ServerResponse } from 'node:http';
import { deflateSync, gzipSync, brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphQLClient } from 'graphql-request';
import {
  ConnectionError,
  GraphQLResponseError,
  HttpError,
  RedirectError,
  ResponseTooLargeError,
  SdkError,
  UnexpectedResultError,
  ValidationError,
  createExecutor,
  noAuth,
  requestTokens,
  type OperationDescriptor,
} from '@sdk/core';
import { graphqlRequestTransport } from '@sdk/core/graphql-request';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, leaks, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

const totogi = VENDORS.find((v) => v.vendor === 'totogi')!;
const tokenVendors = VENDORS.filter((v) => v.vendor !== 'wherever');

const mutationOp: OperationDescriptor = { name: 'Charge', kind: 'mutation', document: 'mutation Charge{charge{__typename}}', path: ['charge'] };
const queryOp: OperationDescriptor = { name: 'Read', kind: 'query', document: 'query Read{read{id}}', path: ['read'] };

describe('a response that carries data is final, whatever its status', () => {
  it.each(tokenVendors)('$vendor: HTTP 401 whose body carries the mutation data is not refreshed and replayed', async (v) => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: v.mutationData }, 401));
    const client = v.client(server.url);
    await client.mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(client.renewals()).toBe(0);
  });
});

describe('a 5xx is "the server may have done the work" even when its text sounds like throttling', () => {
  it.each(VENDORS)('$vendor: HTTP 502 whose request-level error says "rate limit" is not re-sent for a mutation', async (v) => {
    const server = await hostileServer((_req, res) => sendJson(res, { errors: [{ message: 'Internal error after ledger write: downstream rate limit exceeded' }] }, 502));
    const err = await v.client(server.url, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).mutate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdkError);
    expect(server.receipts(v.mutation)).toBe(1);
  });
});

describe('retry delays a timer cannot honour', () => {
  it('a backoff above 2^31-1 ms is rejected (or honoured), never fired after 1 ms in a tight loop', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, 'down', 503));
    let ex: ReturnType<typeof createExecutor> | undefined;
    let err: unknown;
    try {
      // random 0.99: the first backoff is ~2.97e9 ms (34 days), past what a timer can hold.
      ex = createExecutor({ endpoint: server.url, auth: noAuth(), random: () => 0.99, retry: { maxRetries: 5, baseDelayMs: 3e9, maxDelayMs: 3e9 } });
    } catch (e) {
      err = e;
    }
    if (ex) {
      await ex.execute(queryOp, {}, { signal: AbortSignal.timeout(500) }).catch(() => undefined);
      // Node fires an overflowing timer after 1 ms: the "34-day" waits became a burst of requests.
      expect(server.received.length).toBe(1);
    } else {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe('retry.baseDelayMs');
    }
  });

  it('a Retry-After above 2^31-1 ms allowed by maxRetryAfterMs does not become a 1 ms wait', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, 'slow down', 429, { 'retry-after': String(40 * 24 * 3600) }));
    let client: ReturnType<typeof createWhereverClient> | undefined;
    let err: unknown;
    try {
      client = createWhereverClient({ apiKey: 'k', endpoint: server.url, retry: { maxRetries: 5, maxRetryAfterMs: 1e12 } });
    } catch (e) {
      err = e;
    }
    if (client) {
      await client.getCustomerData({}, { signal: AbortSignal.timeout(500) }).catch(() => undefined);
      expect(server.received.length).toBe(1);
    } else {
      expect(err).toBeInstanceOf(ValidationError);
    }
  });
});

describe('careless callers', () => {
  it.each(VENDORS)('$vendor: per-call options of null are a ValidationError (or ignored), not a TypeError', async (v) => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: v.queryData }));
    const out = await v
      .client(server.url)
      .query(null as never)
      .catch((e: unknown) => e);
    expect(out).not.toBeInstanceOf(TypeError);
  });

  const BAD_HEADERS: [string, Record<string, unknown>][] = [
    ['an undefined value (an unset env var)', { 'x-tenant': undefined }],
    ['a CR/LF in a value', { 'x-tenant': 'a\r\nx-injected: 1' }],
    ['an invalid name', { 'x tenant': 'a' }],
  ];

  it.each(BAD_HEADERS)('client headers with %s: ValidationError naming the header when the client is built, 0 requests', async (_what, headers) => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { charge: { __typename: 'Ok' } } }));
    let err: unknown;
    try {
      const ex = createExecutor({ endpoint: server.url, auth: noAuth(), headers: headers as Record<string, string>, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
      await ex.execute(mutationOp, {}, undefined);
    } catch (e) {
      err = e;
    }
    expect(server.received).toHaveLength(0);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toMatch(/^headers/);
  });

  it.each(BAD_HEADERS)('per-call headers with %s: ValidationError, not "the server may have applied it"', async (_what, headers) => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { charge: { __typename: 'Ok' } } }));
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const err = await ex.execute(mutationOp, {}, { headers: headers as Record<string, string> }).catch((e: unknown) => e);
    expect(server.received).toHaveLength(0);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).not.toMatch(/may have applied/);
  });
});

describe('unknown union members', () => {
  const shapes: [string, Record<string, unknown>][] = [
    ['no __typename', { errorCode: 'ACCOUNT_LOCKED', errorMessage: 'locked' }],
    ['__typename null', { __typename: null, errorCode: 'ACCOUNT_LOCKED' }],
    ['__typename a number', { __typename: 7, errorCode: 'ACCOUNT_LOCKED' }],
  ];
  it.each(shapes)('debitAccount answered with a member with %s is never taken for success', async (_what, member) => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { debitAccount: member } }));
    const out = await totogi
      .client(server.url)
      .mutate()
      .catch((e: unknown) => e);
    expect(out).toBeInstanceOf(UnexpectedResultError);
  });
});

describe('server JSON kept on errors', () => {
  it.each(VENDORS)('$vendor: a key named "__proto__" in errors and partial data is kept, not turned into a prototype', async (v) => {
    const server = await hostileServer((_req, res) =>
      sendJson(res, '{"data":{"x":{"__proto__":{"balance":5}}},"errors":[{"message":"boom","path":["x"],"__proto__":{"detail":"why it failed"}}]}'),
    );
    const err = await v.client(server.url).query().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect(JSON.stringify((err as GraphQLResponseError).errors)).toContain('why it failed');
    expect(JSON.stringify((err as GraphQLResponseError).data)).toContain('balance');
  });
});

describe('redirects with credentials', () => {
  it('graphqlRequestTransport (the README setup) never follows a 307 to another origin with the key and body', async () => {
    const other = await hostileServer((_req, res) => sendJson(res, { data: { getCustomerData: { id: 'c1', name: 'x' } } }));
    const server = await hostileServer((_req, res) => {
      res.writeHead(307, { location: other.url });
      res.end();
    });
    const client = new GraphQLClient(server.url, { errorPolicy: 'all' });
    const wherever = createWhereverClient({ apiKey: 'wk-secret-key-123', endpoint: server.url, transport: graphqlRequestTransport({ client }) });
    const err = await wherever.getCustomerData({}).catch((e: unknown) => e);
    expect(leaks(JSON.stringify(other.received), ['wk-secret-key-123'])).toEqual([]);
    expect(other.received).toHaveLength(0);
    expect(err).toBeInstanceOf(RedirectError);
  });

  it.each([307, 308, 301, 302, 303])('token endpoints (requestTokens) never follow a %i to another origin with the password', async (status) => {
    const other = await hostileServer((_req, res) => sendJson(res, { token: 't' }));
    const server = await hostileServer((_req, res) => {
      res.writeHead(status, { location: other.url });
      res.end();
    });
    const err = await requestTokens({ what: 'login', url: server.url, headers: { 'content-type': 'application/json' }, body: '{"password":"pw-secret-9"}', secrets: ['pw-secret-9'] }).catch((e: unknown) => e);
    expect(other.received).toHaveLength(0);
    expect(leaks(JSON.stringify(other.received), ['pw-secret-9'])).toEqual([]);
    expect(err).toBeInstanceOf(RedirectError);
  });
});

describe('bounded responses', () => {
  it('token endpoints read at most the default cap: a gzip body inflating to 40 MiB is a ResponseTooLargeError', async () => {
    // 40 gzip members of 1 MiB of spaces, then the JSON: one small gzipSync, 40 MiB once inflated.
    const spaces = gzipSync(Buffer.alloc(1024 * 1024, ' '), { level: 9 });
    const body = Buffer.concat([...Array.from({ length: 40 }, () => spaces), gzipSync('{"token":"t"}')]);
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(body);
    });
    const out = await requestTokens({ what: 'login', url: server.url, headers: {}, body: '{}', secrets: [] }).catch((e: unknown) => e);
    expect(out).toBeInstanceOf(ResponseTooLargeError);
  });

  it('graphqlRequestTransport honours maxResponseBytes', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { getCustomerData: { id: 'c1', name: 'x'.repeat(64 * 1024) } } }));
    const client = new GraphQLClient(server.url, { errorPolicy: 'all' });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, transport: graphqlRequestTransport({ client }), maxResponseBytes: 1024 });
    const out = await wherever.getCustomerData({}).catch((e: unknown) => e);
    expect(out).toBeInstanceOf(ResponseTooLargeError);
  });

  const TRANSPORTS = [
    { transport: 'node:http', options: {} },
    { transport: 'fetch', options: { fetch: globalThis.fetch } },
  ] as const;
  const answer = JSON.stringify({ data: { getCustomerData: { id: 'c1', name: 'Acme' } } });

  it.each(TRANSPORTS)('a body exactly at maxResponseBytes is accepted, one byte more is refused ($transport)', async ({ options }) => {
    const server = await hostileServer((_req, res) => sendJson(res, answer));
    const at = createWhereverClient({ apiKey: 'k', endpoint: server.url, maxResponseBytes: Buffer.byteLength(answer), ...options });
    await expect(at.getCustomerData({})).resolves.toBeDefined();
    const under = createWhereverClient({ apiKey: 'k', endpoint: server.url, maxResponseBytes: Buffer.byteLength(answer) - 1, ...options });
    await expect(under.getCustomerData({})).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  const ENCODINGS: [string, (b: Buffer) => Buffer][] = [
    ['deflate', (b) => deflateSync(b)],
    ['br', (b) => brotliCompressSync(b)],
    ['gzip', (b) => gzipSync(b)],
  ];
  it.each(TRANSPORTS)('bombs in every encoding stop at the cap ($transport)', async ({ options }) => {
    for (const [name, encode] of ENCODINGS) {
      const body = encode(Buffer.concat([Buffer.from('{"data":{"getCustomerData":{"id":"'), Buffer.alloc(4 * 1024 * 1024, 'a'), Buffer.from('"}}}')]));
      const server = await hostileServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': name });
        res.end(body);
      });
      const client = createWhereverClient({ apiKey: 'k', endpoint: server.url, maxResponseBytes: 1024 * 1024, ...options });
      await expect(client.getCustomerData({}), name).rejects.toBeInstanceOf(ResponseTooLargeError);
      expect(server.received, name).toHaveLength(1);
    }
  });

  it.each(TRANSPORTS)('double encoding "gzip, gzip" is bounded and typed ($transport)', async ({ options }) => {
    const body = gzipSync(gzipSync(Buffer.concat([Buffer.from('{"data":{"getCustomerData":{"id":"'), Buffer.alloc(4 * 1024 * 1024, 'a'), Buffer.from('"}}}')])));
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip' });
      res.end(body);
    });
    const client = createWhereverClient({ apiKey: 'k', endpoint: server.url, maxResponseBytes: 1024 * 1024, retry: 0, ...options });
    const err = await client.getCustomerData({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
  });

  it.each(TRANSPORTS)('gzip with trailing garbage on a mutation: typed error, sent once ($transport)', async ({ options }) => {
    const body = Buffer.concat([gzipSync(JSON.stringify({ data: { updateSim: { iccid: '1', statusid: 3 } } })), Buffer.from([0x1f, 0x8b, 0x00, 0x41, 0x41])]);
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(body);
    });
    const wherever = VENDORS.find((v) => v.vendor === 'wherever')!;
    const out = await wherever
      .client(server.url, options)
      .mutate()
      .catch((e: unknown) => e);
    expect(server.receipts('UpdateSim')).toBe(1);
    if (out instanceof Error) expect(out).toBeInstanceOf(SdkError);
  });
});

describe('odd statuses on a mutation: sent once, typed', () => {
  const wherever = VENDORS.find((v) => v.vendor === 'wherever')!;
  const answers: [string, (res: ServerResponse) => void][] = [
    ['204', (res) => { res.writeHead(204); res.end(); }],
    ['304', (res) => { res.writeHead(304); res.end(); }],
    ['205', (res) => { res.writeHead(205); res.end(); }],
    ['101', (res) => { res.writeHead(101, { connection: 'upgrade', upgrade: 'websocket' }); res.end(); }],
    ['103 then 200 data', (res) => { res.writeEarlyHints({ link: '</x>; rel=preload' }); sendJson(res, { data: { updateSim: { iccid: '1', statusid: 3 } } }); }],
    ['599', (res) => sendJson(res, 'odd', 599)],
    ['204 + content-encoding gzip', (res) => { res.writeHead(204, { 'content-encoding': 'gzip' }); res.end(); }],
    ['200 + content-encoding br, empty body', (res) => { res.writeHead(200, { 'content-encoding': 'br', 'content-length': '0' }); res.end(); }],
    ['200 + content-encoding deflate, plain JSON body', (res) => { res.writeHead(200, { 'content-encoding': 'deflate', 'content-type': 'application/json' }); res.end(JSON.stringify({ data: { updateSim: { iccid: '1', statusid: 3 } } })); }],
    ['200 data then reset before the end', (res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }); res.write('{"data":{"updateSim":{"iccid":"1","statusid":3}}}'); setTimeout(() => res.socket?.resetAndDestroy(), 10); }],
    ['content-length lie (longer than sent)', (res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' }); res.write('{"data":{"updateSim":{"iccid":"1"}}}'); setTimeout(() => res.socket?.destroy(), 20); }],
    ['chunked stall after data', (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"data":{"updateSim":{"iccid":"1","statusid":3}}}'); }],
  ];
  it.each(answers)('%s', async (_what, answer) => {
    const server = await hostileServer((_req, res) => answer(res));
    const out = await wherever
      .client(server.url, { timeoutMs: 400, retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1 } })
      .mutate()
      .catch((e: unknown) => e);
    expect(server.receipts('UpdateSim')).toBe(1);
    if (out instanceof Error) expect(out).toBeInstanceOf(SdkError);
  });
});

void ConnectionError;
void GraphQLResponseError;
void createTotogiClient;

describe('a body in many tiny chunks', () => {
  /** A 200 whose chunked body is `n` one-byte chunks: 6 bytes on the wire per byte of body. */
  function tinyChunks(res: ServerResponse, n: number): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const socket = res.socket!;
    const head = '{"data":{"read":{"id":"';
    socket.write(`${head.length.toString(16)}\r\n${head}\r\n`);
    const block = Buffer.from('1\r\na\r\n'.repeat(16_384));
    let sent = 0;
    const pump = (): void => {
      while (sent < n) {
        sent += 16_384;
        if (!socket.write(block)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.write('4\r\n"}}}\r\n0\r\n\r\n');
    };
    pump();
  }

  it('node:http: 256 Ki one-byte chunks (a 256 KiB body, far under the cap) do not cost ~200 bytes of heap per byte', async () => {
    const n = 256 * 1024;
    const server = await hostileServer((_req, res) => tinyChunks(res, n));
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0, timeoutMs: 60_000 });
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const out = await ex.execute<{ id: string }>(queryOp, {}, undefined).finally(() => clearInterval(sampler));
    expect(out.data.id).toHaveLength(n);
    // Kept as one Buffer per chunk, the body held ~50 MB of heap for 256 KiB; at the 32 MiB default cap that is
    // several GB, past V8's heap limit: a hostile server could end the process with ~200 MB of traffic.
    // Node 24 counts ~25 MB here for the whole walk; the bug held ~50 MB.
    expect(peak - base).toBeLessThan(36 * 1024 * 1024);
  }, 60_000);
});

describe('a custom transport that breaks its contract', () => {
  it.each([undefined, null, 'ok'])('resolving %j instead of a response is a typed error, not a TypeError', async (value) => {
    const ex = createExecutor({ endpoint: 'http://127.0.0.1:9/graphql', auth: noAuth(), retry: 0, transport: async () => value as never });
    const err = await ex.execute(mutationOp, {}, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdkError);
  });
});

describe('held: no redirect is followed, in any form', () => {
  const TRANSPORTS = [
    { transport: 'node:http', options: {} },
    { transport: 'fetch', options: { fetch: globalThis.fetch } },
  ] as const;
  const wherever = VENDORS.find((v) => v.vendor === 'wherever')!;
  const cases = [301, 302, 303, 307, 308].flatMap((status) =>
    (['other host', 'relative path', 'same host, other port'] as const).flatMap((where) => TRANSPORTS.map((t) => ({ status, where, ...t }))),
  );
  it.each(cases)('$status to $where ($transport): one request, RedirectError, nothing elsewhere', async ({ status, where, options }) => {
    const other = await hostileServer((_req, res) => sendJson(res, { data: wherever.mutationData }));
    const server = await hostileServer((req, res) => {
      if (req.url !== '/graphql') return sendJson(res, { data: wherever.mutationData });
      res.writeHead(status, { location: where === 'relative path' ? '/elsewhere' : where === 'other host' ? other.url.replace('127.0.0.1', 'localhost') : other.url });
      res.end();
    });
    const err = await wherever
      .client(server.url, { ...options, retry: { maxRetries: 3, retryMutations: true, baseDelayMs: 1, maxDelayMs: 1 } })
      .mutate()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedirectError);
    expect(server.received).toHaveLength(1);
    expect(other.received).toHaveLength(0);
  });
});

describe('held: server-requested waits are bounded', () => {
  const wherever = VENDORS.find((v) => v.vendor === 'wherever')!;
  it.each([
    ['huge', String(10 ** 9)],
    ['a far-future date', new Date(Date.now() + 86_400_000).toUTCString()],
  ])('Retry-After %s with a 300 ms deadline: fails at once, one request', async (_what, value) => {
    const server = await hostileServer((_req, res) => sendJson(res, 'slow down', 429, { 'retry-after': value }));
    const started = Date.now();
    const err = await wherever.client(server.url).mutate({ deadlineMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(server.received).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it.each([
    ['negative', '-5'],
    ['a past date', new Date(Date.now() - 86_400_000).toUTCString()],
    ['garbage', 'soon'],
  ])('Retry-After %s: a normal bounded retry (maxRetries + 1 requests)', async (_what, value) => {
    const server = await hostileServer((_req, res) => sendJson(res, 'slow down', 429, { 'retry-after': value }));
    await wherever.client(server.url, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).mutate().catch((e: unknown) => e);
    expect(server.received).toHaveLength(3);
  });

  it('a 429 storm with Retry-After: 0 and a 200 ms deadline stops at the retry limit or the deadline', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, 'slow down', 429, { 'retry-after': '0' }));
    const err = await wherever.client(server.url, { retry: { maxRetries: 100 } }).mutate({ deadlineMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdkError);
    expect(server.received.length).toBeLessThanOrEqual(101);
  });
});
