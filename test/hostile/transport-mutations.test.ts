/**
 * Issue 11, class 1 (never charge twice) and issue 13 item 7 (errors that say why): a hostile server answers
 * each vendor's mutation in the ways that once made the client re-send it. Counted at the server.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, AuthError, ConnectionError, GraphQLResponseError, HttpError, TimeoutError } from '@sdk/core';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

describe.each(VENDORS)('$vendor: a response that carries data is final', (v) => {
  it('data + an error that sounds like throttling: reached the server once, partial errors reported', async () => {
    const server = await hostileServer((_req, res) =>
      sendJson(res, { data: v.partialMutationData, errors: [{ message: 'ThrottlingException: Rate exceeded', errorType: 'ThrottlingException', path: [Object.keys(v.mutationData)[0]!, 'account'] }] }),
    );
    const err = await v.client(server.url, { retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1 } }).mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect((err as GraphQLResponseError).data).toEqual(v.partialMutationData);
    expect((err as GraphQLResponseError).attempts).toBe(1);
  });

  it('data + a request-style throttle error without a path is still final (data wins)', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: v.partialMutationData, errors: [{ message: 'Too Many Requests', extensions: { code: 'THROTTLED' } }] }));
    const err = await v.client(server.url).mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(err).toBeInstanceOf(GraphQLResponseError);
  });

  it("a field-level authorization error with data (AppSync's 'Not Authorized to access parent') is no refresh, no replay", async () => {
    const server = await hostileServer((_req, res) =>
      sendJson(res, { data: v.partialMutationData, errors: [{ message: 'Not Authorized to access parent on type Account', errorType: 'Unauthorized', path: [Object.keys(v.mutationData)[0]!, 'account', 'parent'] }] }),
    );
    const client = v.client(server.url);
    const err = await client.mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(client.renewals()).toBe(0);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect(err).not.toBeInstanceOf(AuthError);
  });

  it('a field-level authorization error with data: null but a path (the field resolver ran) is not replayed either', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: null, errors: [{ message: 'Not Authorized to access debitAccount on type Mutation', errorType: 'Unauthorized', path: ['x'] }] }));
    const client = v.client(server.url);
    const err = await client.mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(client.renewals()).toBe(0);
    expect(err).toBeInstanceOf(GraphQLResponseError);
  });
});

describe.each(VENDORS)('$vendor: re-sent only when the server surely did no work', (v) => {
  it('a throttle error naming a field path (execution started), data null: the mutation is sent once, a query is retried', async () => {
    const throttledField = (field: string) => ({ data: null, errors: [{ message: 'ThrottlingException', errorType: 'DynamoDB:ProvisionedThroughputExceededException', path: [field] }] });
    const server = await hostileServer((req, res) =>
      req.json?.operationName === v.query && server.receipts(v.query) > 1 ? sendJson(res, { data: v.queryData }) : sendJson(res, throttledField(Object.keys(v.mutationData)[0]!)),
    );
    const client = v.client(server.url);
    await expect(client.mutate()).rejects.toBeInstanceOf(GraphQLResponseError);
    expect(server.receipts(v.mutation)).toBe(1);
    await expect(client.query()).resolves.toBeDefined();
    expect(server.receipts(v.query)).toBe(2);
  });

  it('HTTP 429, then success: re-sent, reached the server twice, succeeds', async () => {
    const server = await hostileServer((_req, res, n) => (n === 0 ? sendJson(res, { message: 'slow down' }, 429, { 'retry-after': '0' }) : sendJson(res, { data: v.mutationData })));
    await expect(v.client(server.url).mutate()).resolves.toBeDefined();
    expect(server.receipts(v.mutation)).toBe(2);
  });

  it('a request-level throttle error with no data, then success: re-sent', async () => {
    const server = await hostileServer((_req, res, n) =>
      n === 0 ? sendJson(res, { errors: [{ message: 'Rate exceeded', errorType: 'ThrottlingException' }] }) : sendJson(res, { data: v.mutationData }),
    );
    await expect(v.client(server.url).mutate()).resolves.toBeDefined();
    expect(server.receipts(v.mutation)).toBe(2);
  });

  it('a request-level Unauthorized without data refreshes and replays once (token clients)', async () => {
    const server = await hostileServer((_req, res, n) =>
      n === 0 ? sendJson(res, { errors: [{ message: 'Valid authorization header not provided.', errorType: 'UnauthorizedException' }] }) : sendJson(res, { data: v.mutationData }),
    );
    const client = v.client(server.url);
    const out = await client.mutate().catch((e: unknown) => e);
    if (v.vendor === 'wherever') {
      // An API key cannot be renewed: the refusal is reported, nothing re-sent.
      expect(out).toBeInstanceOf(AuthError);
      expect(server.receipts(v.mutation)).toBe(1);
    } else {
      expect(out).not.toBeInstanceOf(Error);
      expect(client.renewals()).toBe(1);
      expect(server.receipts(v.mutation)).toBe(2);
    }
  });

  it('HTTP 503 on a mutation: sent once, and the error says why it was not retried and how to opt in', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, 'upstream down', 503));
    const err = await v.client(server.url).mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).attempts).toBe(1);
    expect((err as Error).message).toMatch(/not retried/i);
    expect((err as Error).message).toContain('retryMutations: true');
  });

  it('HTTP 503 on a mutation with retry: { retryMutations: true }: re-sent as asked', async () => {
    const server = await hostileServer((_req, res, n) => (n === 0 ? sendJson(res, 'upstream down', 503) : sendJson(res, { data: v.mutationData })));
    await expect(v.client(server.url).mutate({ retry: { retryMutations: true } })).resolves.toBeDefined();
    expect(server.receipts(v.mutation)).toBe(2);
  });

  it('a refused connection is re-sent (nothing arrived), up to the retry limit', async () => {
    const port = await freePort();
    const err = await v.client(`http://127.0.0.1:${port}/graphql`, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).mutate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).refused).toBe(true);
    expect((err as ConnectionError).attempts).toBe(3);
  });
});

describe.each(VENDORS)('$vendor: a truncated or unreadable 200 body', (v) => {
  const truncated = (res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":{"x":{"id":"1","na');
  };

  it('a query is retried like a network error', async () => {
    const server = await hostileServer((_req, res, n) => (n === 0 ? truncated(res) : sendJson(res, { data: v.queryData })));
    await expect(v.client(server.url).query()).resolves.toBeDefined();
    expect(server.receipts(v.query)).toBe(2);
  });

  it('a mutation is sent once; the typed error says the outcome is unknown', async () => {
    const server = await hostileServer((_req, res) => truncated(res));
    const err = await v.client(server.url).mutate().catch((e: unknown) => e);
    expect(server.receipts(v.mutation)).toBe(1);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toMatch(/outcome is unknown/);
  });
});

describe.each(VENDORS)('$vendor: errors keep their reason and say what ran out', (v) => {
  it('an abort keeps its reason (cause and message) and sets attempts', async () => {
    const server = await hostileServer(() => undefined); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const err = await v.client(server.url).query({ signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toContain('shutting down');
    expect((err as Error).cause).toEqual(new Error('shutting down'));
    expect((err as AbortError).attempts).toBe(1);
  });

  it('an abort before sending sets attempts to 0', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: v.queryData }));
    const err = await v.client(server.url).query({ signal: AbortSignal.abort(new Error('no longer needed')) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).attempts).toBe(0);
    expect(server.received).toHaveLength(0);
  });

  it('a deadline message states the deadline, not the slice left for the last attempt', async () => {
    const server = await hostileServer((_req, res, n) => (n === 0 ? setTimeout(() => sendJson(res, 'busy', 503), 150) : undefined));
    const err = await v.client(server.url).query({ deadlineMs: 400, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(400);
    expect((err as Error).message).toContain('400 ms');
    expect((err as TimeoutError).attempts).toBe(2);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
