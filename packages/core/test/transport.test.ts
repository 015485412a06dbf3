import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ApiError,
  AuthError,
  ConnectionError,
  GraphQLResponseError,
  HttpError,
  TimeoutError,
  ValidationError,
  backoffDelay,
  createExecutor as createCoreExecutor,
  DEFAULT_RETRY,
  noAuth,
  retryAfterMs,
  type AuthStrategy,
  type SdkEvent,
} from '@sdk/core';
import { closedPortUrl, ok, op, scriptedServer, type Scripted } from './helpers.js';

let server: Scripted | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

// Every behaviour holds for the default node:http transport and for a caller-supplied fetch.
describe.each([
  ['node:http transport', undefined],
  ['fetch transport', globalThis.fetch],
] as const)('%s', (_name, fetchImpl) => {
const createExecutor = (options: Parameters<typeof createCoreExecutor>[0]) => createCoreExecutor({ ...options, fetch: fetchImpl });

describe('retries', () => {
  it('retries queries on 5xx, 408 and 429 and reports the attempts', async () => {
    server = await scriptedServer([{ status: 502, body: '<html>bad gateway</html>' }, { status: 408 }, { status: 429 }, ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { ...fast, maxRetries: 3 } });
    const { data, response } = await ex.execute(op('Q'), {}, {});
    expect(data).toEqual({ id: '1' });
    expect(response.attempts).toBe(4);
  });

  it('gives up after maxRetries with the last error, and 0 disables retrying', async () => {
    server = await scriptedServer([{ status: 503 }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    await expect(ex.execute(op('Q'), {}, {})).rejects.toMatchObject({ status: 503, attempts: 3 });
    expect(server.seen).toHaveLength(3);
    await expect(ex.execute(op('Q'), {}, { retry: 0 })).rejects.toMatchObject({ attempts: 1 });
    expect(server.seen).toHaveLength(4);
  });

  it('does not retry a mutation that may have reached the server, unless the caller opts in', async () => {
    server = await scriptedServer([{ status: 500 }, ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    await expect(ex.execute(op('Charge', 'mutation'), {}, {})).rejects.toBeInstanceOf(HttpError);
    expect(server.seen).toHaveLength(1);
    await server.close();
    server = await scriptedServer([{ status: 500 }, ok()]);
    const optIn = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { ...fast, retryMutations: true } });
    await expect(optIn.execute(op('Charge', 'mutation'), {}, {})).resolves.toMatchObject({ response: { attempts: 2 } });
  });

  it('does not retry a mutation on 503 even with Retry-After (the work may be half done)', async () => {
    server = await scriptedServer([{ status: 503, headers: { 'retry-after': '0' } }, ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    await expect(ex.execute(op('Charge', 'mutation'), {}, {})).rejects.toMatchObject({ status: 503, attempts: 1 });
    expect(server.seen).toHaveLength(1);
  });

  it('retries a mutation on explicit throttling (429) and on a refused connection', async () => {
    server = await scriptedServer([{ status: 429, headers: { 'retry-after-ms': '5' } }, ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    await expect(ex.execute(op('Charge', 'mutation'), {}, {})).resolves.toMatchObject({ response: { attempts: 2 } });

    const refused = createExecutor({ endpoint: await closedPortUrl(), auth: noAuth(), retry: fast });
    const err = await refused.execute(op('Charge', 'mutation'), {}, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ refused: true, attempts: 3 });
  });

  it('does not retry a mutation after a connection reset (it may have been applied)', async () => {
    server = await scriptedServer(['reset', ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    await expect(ex.execute(op('Charge', 'mutation'), {}, {})).rejects.toMatchObject({ refused: false, attempts: 1 });
    await expect(ex.execute(op('Q'), {}, {})).resolves.toMatchObject({ data: { id: '1' } });
  });

  it('retries GraphQL errors that say throttled, but not other GraphQL errors', async () => {
    server = await scriptedServer([{ json: { errors: [{ message: 'Rate exceeded', errorType: 'Throttled' }] } }, ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    await expect(ex.execute(op('Q'), {}, {})).resolves.toMatchObject({ response: { attempts: 2 } });
    await server.close();
    server = await scriptedServer([{ json: { data: { thing: null }, errors: [{ message: 'no such thing' }] } }, ok()]);
    const ex2 = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast });
    const err = await ex2.execute(op('Q'), {}, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect(err).toMatchObject({ attempts: 1, data: { thing: null } });
  });

  it('honours Retry-After in seconds, as an HTTP date, and retry-after-ms', () => {
    const h = (init: Record<string, string>) => new Headers(init);
    expect(retryAfterMs(h({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(h({ 'retry-after': new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString() }), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(h({}))).toBeUndefined();
  });

  it('waits what Retry-After says, capped by maxRetryAfterMs', async () => {
    server = await scriptedServer([{ status: 503, headers: { 'retry-after': '60' } }, ok()]);
    const events: SdkEvent[] = [];
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { ...fast, maxRetryAfterMs: 40 }, onEvent: (e) => events.push(e) });
    const started = Date.now();
    await ex.execute(op('Q'), {}, {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 40, status: 503 });
  });

  it('uses exponential backoff with full jitter, capped', () => {
    const max = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, DEFAULT_RETRY, max))).toEqual([499, 999, 1999, 3999, 7999, 7999]);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});

describe('timeouts and cancellation', () => {
  it('times out an attempt, retries, and surfaces a TimeoutError', async () => {
    server = await scriptedServer([{ ...(ok() as object), delayMs: 300 } as never]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { ...fast, maxRetries: 1 }, timeoutMs: 30 });
    const err = await ex.execute(op('Q'), {}, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ timeoutMs: 30, attempts: 2 });
  });

  it('the timeout also covers a body that never ends', async () => {
    server = await scriptedServer(['hang']);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0, timeoutMs: 50 });
    await expect(ex.execute(op('Q'), {}, {})).rejects.toBeInstanceOf(TimeoutError);
  });

  it('a call deadline bounds all attempts together', async () => {
    server = await scriptedServer([{ status: 503 }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { maxRetries: 10, baseDelayMs: 30, maxDelayMs: 30 }, random: () => 0.99 });
    const started = Date.now();
    const err = await ex.execute(op('Q'), {}, { deadlineMs: 100 }).catch((e: unknown) => e);
    // The last attempt either fails with the 503 or runs into the deadline itself.
    expect(err instanceof HttpError || (err instanceof TimeoutError && /call deadline/.test(err.message))).toBe(true);
    expect(Date.now() - started).toBeLessThan(250);
    expect(server.seen.length).toBeLessThan(6);
  });

  it('an abort during the backoff wait stops at once, is not retried, and carries the reason', async () => {
    server = await scriptedServer([{ status: 503 }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: { maxRetries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 }, random: () => 0.99 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const started = Date.now();
    const err = await ex.execute(op('Q'), {}, { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).reason).toEqual(new Error('shutting down'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.seen).toHaveLength(1);
  });

  it('an abort during the request surfaces as AbortError, not a timeout or connection error', async () => {
    server = await scriptedServer(['hang']);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth() });
    const err = await ex.execute(op('Q'), {}, { signal: AbortSignal.timeout(30) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(server.seen).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    server = await scriptedServer([ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth() });
    await expect(ex.execute(op('Q'), {}, { signal: AbortSignal.abort('no') })).rejects.toBeInstanceOf(AbortError);
    expect(server.seen).toHaveLength(0);
  });
});

describe('auth replay', () => {
  function rotatingAuth() {
    let token = 'token-1';
    let refreshes = 0;
    const auth: AuthStrategy = {
      headers: () => ({ authorization: token }),
      async onUnauthorized() {
        refreshes++;
        token = `token-${refreshes + 1}`;
        return true;
      },
      secrets: () => [token],
    };
    return { auth, refreshes: () => refreshes };
  }

  it('replays once after a 401 without using up a retry', async () => {
    server = await scriptedServer((n, _body, headers) => (headers.authorization === 'token-1' ? { status: 401, body: '{"message":"Unauthorized"}' } : n < 3 ? { status: 503 } : ok()));
    const { auth, refreshes } = rotatingAuth();
    const ex = createExecutor({ endpoint: server.url, auth, retry: { ...fast, maxRetries: 2 } });
    const { response } = await ex.execute(op('Q'), {}, {});
    expect(refreshes()).toBe(1);
    expect(response.attempts).toBe(4); // 401, replay → 503, retry → 503, retry → 200
  });

  it('replays once on an unauthorized GraphQL error, then surfaces AuthError', async () => {
    server = await scriptedServer([{ json: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] } }]);
    const { auth, refreshes } = rotatingAuth();
    const ex = createExecutor({ endpoint: server.url, auth, retry: fast });
    await expect(ex.execute(op('Q'), {}, {})).rejects.toBeInstanceOf(AuthError);
    expect(refreshes()).toBe(1);
    expect(server.seen).toHaveLength(2);
  });
});

describe('responses', () => {
  it.each([
    ['an HTML page with 200', { status: 200, body: '<html>maintenance</html>' }],
    ['invalid JSON', { status: 200, body: '{"data":', headers: { 'content-type': 'application/json' } }],
    ['a non-JSON content type', { status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } }],
  ])('%s gives an HttpError, never a crash', async (_name, step) => {
    server = await scriptedServer([step]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0 });
    const err = await ex.execute(op('Q'), {}, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(200);
  });

  it('data: null without errors is a GraphQLResponseError', async () => {
    server = await scriptedServer([{ json: { data: null } }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0 });
    await expect(ex.execute(op('Q'), {}, {})).rejects.toThrow(/no data and no errors/);
  });

  it('a missing field is a GraphQLResponseError naming the path', async () => {
    server = await scriptedServer([{ json: { data: {} } }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0 });
    await expect(ex.execute(op('Q'), {}, {})).rejects.toThrow(/missing data.thing/);
  });

  it('union error members become ApiError; retryable members are retried with backoff', async () => {
    const union = op('GetThing', 'query', { errorTypenames: ['ThingNotFound', 'RateLimitExceeded'] });
    server = await scriptedServer([
      { json: { data: { thing: { __typename: 'RateLimitExceeded', errorCode: 'RATE', errorMessage: 'slow down' } } } },
      { json: { data: { thing: { __typename: 'ThingNotFound', errorCode: 'NOT_FOUND', errorMessage: 'nope', thingId: '7' } } } },
    ]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast, retryableResults: { RateLimitExceeded: 'throttle' } });
    const err = await ex.execute(union, {}, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ __typename: 'ThingNotFound', errorCode: 'NOT_FOUND', errorMessage: 'nope', thingId: '7', attempts: 2 });
    const member = await ex.execute(union, {}, {}, 'union');
    expect(member.data).toMatchObject({ __typename: 'ThingNotFound' });
  });

  it('asks for compression and decodes gzip and br bodies', async () => {
    const big = { id: 'x'.repeat(10_000) };
    server = await scriptedServer([{ json: { data: { thing: big } }, encoding: 'gzip' }, { json: { data: { thing: big } }, encoding: 'br' }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0 });
    expect((await ex.execute(op('Q'), {}, {})).data).toEqual(big);
    expect((await ex.execute(op('Q'), {}, {})).data).toEqual(big);
    expect(String(server.seen[0]!.headers['accept-encoding'])).toMatch(/gzip/);
  });

  it('takes the request id from the response headers', async () => {
    server = await scriptedServer([{ status: 500, headers: { 'x-amzn-requestid': 'req-42' } }]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), retry: 0 });
    await expect(ex.execute(op('Q'), {}, {})).rejects.toMatchObject({ requestId: 'req-42', operationName: 'Q' });
  });
});

describe('input', () => {
  it('checks documented bounds before sending', async () => {
    server = await scriptedServer([ok()]);
    const bounded = op('List', 'query', { bounds: [{ name: 'limit', min: 1, max: 100 }, { name: 'params.ids', maxItems: 2 }] });
    const ex = createExecutor({ endpoint: server.url, auth: noAuth() });
    await expect(ex.execute(bounded, { limit: 0 }, {})).rejects.toBeInstanceOf(ValidationError);
    await expect(ex.execute(bounded, { limit: '5' }, {})).rejects.toThrow(/integer/);
    await expect(ex.execute(bounded, { limit: 5, params: { ids: [1, 2, 3] } }, {})).rejects.toMatchObject({ field: 'variables.params.ids' });
    await expect(ex.execute(bounded, [] as never, {})).rejects.toThrow(/must be an object/);
    expect(server.seen).toHaveLength(0);
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    expect(() => createExecutor({ endpoint: 'ftp://x', auth: noAuth() })).toThrow(ValidationError);
  });

  it('sends the precompiled body with the variables appended', async () => {
    server = await scriptedServer([ok()]);
    const ex = createExecutor({ endpoint: server.url, auth: noAuth(), headers: { 'X-Client': 'a' } });
    await ex.execute(op('Q'), { a: 1 }, { headers: { 'x-trace': 't' } });
    expect(server.seen[0]!.body).toEqual({ operationName: 'Q', query: 'query Q{thing{id}}', variables: { a: 1 } });
    expect(server.seen[0]!.headers).toMatchObject({ 'x-client': 'a', 'x-trace': 't', 'content-type': 'application/json' });
  });
});
});

describe('rate-limit members', () => {
  it("wait the member's own retryAfter (a date-time), capped", async () => {
    const union = op('GetThing', 'query', { errorTypenames: ['RateLimitExceeded'] });
    const retryAfter = new Date(Date.now() + 60).toISOString();
    server = await scriptedServer([{ json: { data: { thing: { __typename: 'RateLimitExceeded', errorCode: 'RATE', retryAfter } } } }, ok()]);
    const events: SdkEvent[] = [];
    const ex = createCoreExecutor({ endpoint: server.url, auth: noAuth(), retry: { baseDelayMs: 1, maxDelayMs: 1 }, retryableResults: { RateLimitExceeded: 'throttle' }, onEvent: (e) => events.push(e) });
    await ex.execute(union, {}, {});
    const retry = events.find((e) => e.type === 'retry') as { delayMs: number } | undefined;
    expect(retry?.delayMs).toBeGreaterThan(20);
    expect(retry?.delayMs).toBeLessThanOrEqual(60);
  });
});
