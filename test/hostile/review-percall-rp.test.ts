/**
 * Reviewer R-P on the per-call change (issue 16): msw still intercepts and passes through the two-part body
 * byte-exact, token providers that misbehave send nothing, odd responses classify as before, attempt
 * timeouts retry queries only. Counted at real loopback servers.
 */
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLResponseError, HttpError, TimeoutError, ValidationError } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, rawHttpServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

// Answers getAccount for the raw-socket server, echoing the account id sent.
const rawServer = () => rawHttpServer((b) => ({ data: { getAccount: { ...(VENDORS[0]!.queryData.getAccount as object), id: b.variables?.accountId } } }));

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(async () => {
  msw.resetHandlers();
  await closeAll();
});
afterAll(() => msw.close());

const VALUES = ['plain', 'café', '日本語', '🚀📶', '\ud800 lone', '\u2028', 'x'.repeat(70_000) + '🚀'];

describe('msw active', () => {
  it('unhandled (bypassed) requests reach a real server with exact bodies on one keep-alive connection', async () => {
    const { url, seen } = await rawServer();
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-abcdef' } }, endpoint: url, timeoutMs: 2_000, retry: 0 });
    for (const v of VALUES) expect((await totogi.getAccount({ providerId: 'p', accountId: v })).id).toBe(v);
    expect(seen.desync).toEqual([]);
    for (const { declared, body } of seen.bodies) expect(body.length).toBe(declared);
    expect(seen.bodies).toHaveLength(VALUES.length);
  });

  it('a handler that reads the body then passthrough(): the real server still gets exact bodies', async () => {
    const { url, seen } = await rawServer();
    const read: unknown[] = [];
    msw.use(http.post(url, async ({ request }) => { read.push(((await request.clone().json()) as { variables: unknown }).variables); expect(request.headers.get('authorization')).toContain('tok-'); return passthrough(); }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-abcdef' } }, endpoint: url, timeoutMs: 2_000, retry: 0 });
    const got = await Promise.all(VALUES.map((v) => totogi.getAccount({ providerId: 'p', accountId: v })));
    expect(got.map((a) => a.id)).toEqual(VALUES);
    expect(read).toHaveLength(VALUES.length);
    expect(seen.desync).toEqual([]);
    for (const { declared, body } of seen.bodies) expect(body.length).toBe(declared);
  });

  it('msw handler: request.json() and content-length header agree', async () => {
    const lens: [string | null, number][] = [];
    msw.use(http.post('http://msw.rp.test/graphql', async ({ request }) => {
      const text = await request.text();
      lens.push([request.headers.get('content-length'), Buffer.byteLength(text)]);
      const b = JSON.parse(text);
      return HttpResponse.json({ data: { getAccount: { ...VENDORS[0]!.queryData.getAccount as object, id: b.variables.accountId } } });
    }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-abcdef' } }, endpoint: 'http://msw.rp.test/graphql', retry: 0 });
    for (const v of VALUES) expect((await totogi.getAccount({ providerId: 'p', accountId: v })).id).toBe(v);
    for (const [h, n] of lens) expect(Number(h)).toBe(n);
  });
});

describe('token providers', () => {
  const bad: [string, () => unknown][] = [
    ['empty', async () => ''], ['undefined', async () => undefined], ['number', async () => 42], ['sync empty', () => ''],
    ['sync throw', () => { throw new Error('provider down secret-xyz'); }], ['reject', async () => { throw new Error('nope'); }],
    ['crlf', async () => 'tok\r\nx-evil: 1'], ['nul', () => 'tok\u0000'], ['thenable empty', () => ({ then: (r: (v: string) => void) => r('') })],
    ['thenable throws', () => ({ then: () => { throw new Error('thenable broke'); } })],
  ];
  for (const [name, get] of bad) {
    it(`${name}: no request leaves`, async () => {
      const s = await hostileServer((_r, res) => sendJson(res, { data: VENDORS[0]!.queryData }));
      const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: get as () => Promise<string> } }, endpoint: s.url, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 }, deadlineMs: 500 });
      const err = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      if (['empty', 'undefined', 'number', 'sync empty', 'crlf', 'nul', 'thenable empty'].includes(name)) expect(err).toBeInstanceOf(ValidationError);
      expect(String((err as Error).message)).not.toContain('x-evil');
      expect(s.received).toHaveLength(0);
    });
  }
  it('a good thenable works, token rotates', async () => {
    const s = await hostileServer((_r, res) => sendJson(res, { data: VENDORS[0]!.queryData }));
    let n = 0;
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: (() => ({ then: (r: (v: string) => void) => r(`tok-${++n}abcdef`) })) as unknown as () => Promise<string> } }, endpoint: s.url, retry: 0 });
    await totogi.getAccount({ providerId: 'p', accountId: 'a' });
    await totogi.getAccount({ providerId: 'p', accountId: 'a' });
    expect(s.received.map((r) => r.headers.authorization)).toEqual(['tok-1abcdef', 'tok-2abcdef']);
  });
});

describe('odd responses', () => {
  const cases: [string, unknown, number, unknown][] = [
    ['data+errors', { data: VENDORS[0]!.queryData, errors: [{ message: 'x' }] }, 200, GraphQLResponseError],
    ['data null', { data: null }, 200, GraphQLResponseError],
    ['errors object', { data: VENDORS[0]!.queryData, errors: { message: 'x' } }, 200, 'ok'],
    ['errors []', { data: VENDORS[0]!.queryData, errors: [] }, 200, 'ok'],
    ['errors "s"', { data: VENDORS[0]!.queryData, errors: 's' }, 200, 'ok'],
    ['errors 0', { data: VENDORS[0]!.queryData, errors: 0 }, 200, 'ok'],
    ['data with 401', { data: VENDORS[0]!.queryData }, 401, HttpError],
    ['array', [{ data: VENDORS[0]!.queryData }], 200, HttpError],
    ['primitive', 42, 200, HttpError],
    ['string', '"hi"', 200, HttpError],
    ['__proto__ key holding data (not data)', '{"__proto__":{"data":{"getAccount":{"id":"x"}}}}', 200, GraphQLResponseError],
    ['data false', { data: false }, 200, GraphQLResponseError],
    ['data 0', { data: 0 }, 200, GraphQLResponseError],
    ['data string', { data: 'x' }, 200, GraphQLResponseError],
    ['data []', { data: [] }, 200, GraphQLResponseError],
    ['204', '', 204, HttpError],
  ];
  for (const [name, body, status, want] of cases) {
    it(name, async () => {
      const s = await hostileServer((_r, res) => sendJson(res, body, status));
      const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-abcdef' } }, endpoint: s.url, retry: 0 });
      const got = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).then(() => 'ok', (e: unknown) => e);
      if (want === 'ok') expect(got).toBe('ok');
      else expect(got).toBeInstanceOf(want as new () => Error);
    });
  }
});

describe('timeouts', () => {
  it('query attempt timeout retries, mutation never resent; deadline message', async () => {
    const s = await hostileServer(() => {});
    const c = VENDORS[0]!.client(s.url, { timeoutMs: 80, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const q = await c.query().catch((e: unknown) => e);
    expect(q).toBeInstanceOf(TimeoutError);
    expect((q as Error).message).toMatch(/timed out after 80 ms \(timeoutMs, per attempt\)/);
    expect(s.receipts('GetAccount')).toBe(3);
    const m = await c.mutate().catch((e: unknown) => e);
    expect(m).toBeInstanceOf(TimeoutError);
    expect(s.receipts('DebitAccount')).toBe(1);
    const d = await c.query({ deadlineMs: 130 }).catch((e: unknown) => e);
    expect((d as Error).message).toMatch(/missed its call deadline of 130 ms \(deadlineMs\) after 2 attempt/);
  });
});

