/**
 * Issue 11, classes 2 and 3: a hostile server sends bodies built to crash or exhaust the client (gzip bombs,
 * huge bodies, 10,000-deep JSON, odd shapes) and redirects meant to carry the request to another host.
 * Every answer must be a typed error; the process must live; the other host must see nothing.
 */
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, GraphQLResponseError, HttpError, RedirectError, ResponseTooLargeError, SdkError } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

const MiB = 1024 * 1024;
const TRANSPORTS = [
  { transport: 'node:http', options: {} },
  { transport: 'fetch', options: { fetch: globalThis.fetch } },
] as const;

/**
 * ~2.6 MB of gzip that inflates to ~270 MiB: 270 gzip members (gunzip reads them back to back), each 1 MiB of a
 * repeated random block, so building it costs one small gzipSync.
 */
const bomb = (() => {
  const block = randomBytes(3072).toString('base64');
  const member = gzipSync(Buffer.from(block.repeat(256)), { level: 9 });
  return Buffer.concat([gzipSync('{"data":{"blob":"'), ...Array.from({ length: 270 }, () => member)]);
})();

function sendGzip(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) });
  res.end(body);
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

/** What a user does with an error: print it, serialize it, read its message. None of it may throw. */
function showAll(err: unknown): void {
  inspect(err, { depth: Infinity });
  JSON.stringify(err);
  JSON.stringify((err as GraphQLResponseError).errors ?? null);
  JSON.stringify((err as GraphQLResponseError).data ?? null);
  String((err as Error).message);
}

describe.each(VENDORS)('$vendor: bounded responses', (v) => {
  it.each(TRANSPORTS)('a 2.6 MB gzip body that inflates to 270 MiB stops at the default cap with ResponseTooLargeError ($transport)', async ({ options }) => {
    expect(bomb.length).toBeGreaterThan(2 * MiB);
    const server = await hostileServer((_req, res) => sendGzip(res, bomb));
    const before = process.memoryUsage().rss;
    const err = await v.client(server.url, options).query().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as ResponseTooLargeError).maxResponseBytes).toBe(32 * MiB);
    expect((err as Error).message).toMatch(/maxResponseBytes/);
    // Never retried: the same body would come again.
    expect(server.receipts(v.query)).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MiB);
  });

  it.each(TRANSPORTS)('the cap is a client option with a per-call override; a plain body past it is refused while streaming ($transport)', async ({ options }) => {
    const big = JSON.stringify({ data: v.queryData, padding: 'x'.repeat(2 * MiB) });
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: counted while streaming
      res.end(big);
    });
    const client = v.client(server.url, { ...options, maxResponseBytes: MiB });
    const err = await client.query().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect((err as ResponseTooLargeError).maxResponseBytes).toBe(MiB);
    await expect(client.query({ maxResponseBytes: 4 * MiB })).resolves.toBeDefined();
  });

  it('10,000-deep JSON in errors, partial data or a 500 body gives typed errors that can be printed and serialized', async () => {
    const bodies = [
      `{"errors":[{"message":"boom","extensions":{"d":${deep(10_000)}}}]}`,
      `{"data":{"x":${deep(10_000)}},"errors":[{"message":"partial","path":["x"]}]}`,
      `{"detail":${deep(10_000)}}`,
      `{"errors":[{"message":${deep(10_000)}}]}`,
    ];
    const server = await hostileServer((_req, res, n) => sendJson(res, bodies[n % bodies.length]!, n % bodies.length === 2 ? 500 : 200));
    const client = v.client(server.url, { retry: 0 });
    for (let i = 0; i < bodies.length; i++) {
      const err = await client.query().catch((e: unknown) => e);
      expect(err, `body ${i}`).toBeInstanceOf(i === 2 ? HttpError : GraphQLResponseError);
      expect(() => showAll(err)).not.toThrow();
    }
  });

  it('odd shapes ({"errors":[null]}, a number, an array, a string, errors that are not a list) are typed errors', async () => {
    const bodies = ['{"errors":[null]}', '{"errors":[null, 5, "x", {"message": {"nested": true}, "path": "not-a-list"}]}', '5', '[]', '"text"', '{"errors":"nope"}', '{"data":5}', 'null'];
    const server = await hostileServer((_req, res, n) => sendJson(res, bodies[n]!));
    const client = v.client(server.url, { retry: 0 });
    for (let i = 0; i < bodies.length; i++) {
      const err = await client.query().catch((e: unknown) => e);
      expect(err, bodies[i]).toBeInstanceOf(SdkError);
      if (i < 2) expect(err, bodies[i]).toBeInstanceOf(GraphQLResponseError);
      else expect(err instanceof HttpError || err instanceof GraphQLResponseError, bodies[i]).toBe(true);
      expect(() => showAll(err)).not.toThrow();
    }
  });
});

describe('a union member 10,000 deep (Totogi)', () => {
  it('becomes an ApiError that can be printed and serialized', async () => {
    const server = await hostileServer((_req, res) =>
      sendJson(res, `{"data":{"getAccount":{"__typename":"AccountNotFound","providerId":"p1","accountId":"a","errorCode":"ACCOUNT_NOT_FOUND","errorMessage":"gone","extra":${deep(10_000)}}}}`),
    );
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 't' } }, endpoint: server.url });
    const err = await totogi.getAccount({ providerId: 'p1', accountId: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(() => showAll(err)).not.toThrow();
  });
});

describe.each(VENDORS)('$vendor: GraphQL POSTs never follow redirects', (v) => {
  it.each(TRANSPORTS)('a 307 to another host is a RedirectError naming the status and the host; that host sees nothing ($transport)', async ({ options }) => {
    const elsewhere = await hostileServer((_req, res) => sendJson(res, { data: v.mutationData }));
    const server = await hostileServer((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}?stolen=1` });
      res.end();
    });
    const err = await v.client(server.url, options).mutate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as RedirectError).status).toBe(307);
    expect((err as RedirectError).targetHost).toBe(elsewhere.host);
    expect((err as Error).message).toContain('307');
    expect((err as Error).message).toContain(elsewhere.host);
    expect(elsewhere.received).toHaveLength(0);
    expect(server.receipts(v.mutation)).toBe(1);
  });
});
