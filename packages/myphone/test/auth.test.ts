import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { AuthError, ConnectionError, createMyPhoneClient, createMyPhoneTokenManager, type SdkEvent, type TokenSet } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import { useMyPhone } from './helpers.js';

const { server, setup } = useMyPhone();
const MIN = 60_000;

/** A fake and a client on one controllable clock: access tokens live 10 min, refresh tokens 1 h. */
function clocked(mock: Parameters<typeof setup>[0] = {}, client: Parameters<typeof setup>[1] = {}) {
  const clock = { t: Date.UTC(2025, 5, 1) };
  const now = () => clock.t;
  const env = setup({ simcards: generateSimcards(3), accessTtlMs: 10 * MIN, refreshTtlMs: 60 * MIN, now, ...mock }, client);
  return { ...env, clock };
}

describe('login', () => {
  it('logs in once, lazily, and reuses the access token', async () => {
    const { api, myphone } = clocked();
    expect(api.auth.logins).toBe(0);
    await Promise.all([myphone.simcard({ id: '1' }), myphone.simcards(), myphone.tariffs()]);
    await myphone.simcard({ id: '2' });
    expect(api.auth.logins).toBe(1);
    expect(api.auth.refreshes).toBe(0);
  });

  it('a refused login is an AuthError naming the endpoint and status, never the password', async () => {
    const api = createMyPhoneMock();
    server.use(...api.handlers);
    const password = 'hunter2-very-secret';
    const events: SdkEvent[] = [];
    const logs: string[] = [];
    const log = (message: string, meta?: Record<string, unknown>) => logs.push(message + JSON.stringify(meta));
    const myphone = createMyPhoneClient({
      username: api.credentials.username,
      password,
      retry: { baseDelayMs: 1 },
      onEvent: (e) => events.push(e),
      logger: { debug: log, info: log, warn: log, error: log },
      logLevel: 'debug',
    });
    const err = await myphone.simcards().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const auth = err as AuthError;
    expect(auth.message).toContain('https://api.myphone.group/partner/login');
    expect(auth.message).toContain('HTTP 401');
    expect(auth.status).toBe(401);
    expect(auth.endpoint).toBe('https://api.myphone.group/partner/login');
    for (const text of [auth.message, auth.stack ?? '', inspect(auth, { depth: 10, showHidden: true }), JSON.stringify(auth), inspect(myphone, { showHidden: true }), JSON.stringify(myphone), logs.join('\n'), inspect(events, { depth: 10 })]) {
      expect(text).not.toContain(password);
    }
    expect(events.some((e) => e.type === 'token' && e.action === 'login' && !e.ok)).toBe(true);
    expect(api.requests).toHaveLength(0); // no GraphQL request without a token
  });

  it('does not echo a server message that quotes the password', async () => {
    const password = 'p4ss-quoted-back';
    server.use(http.post('https://api.myphone.group/partner/login', () => HttpResponse.json({ message: `bad password ${password}` }, { status: 403 })));
    const myphone = createMyPhoneClient({ username: 'u', password, retry: 0 });
    const err = (await myphone.simcards().catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain('HTTP 403');
    expect(inspect(err, { depth: 10 })).not.toContain(password);
  });

  it('passes a harmless server message through', async () => {
    const api = createMyPhoneMock();
    server.use(...api.handlers);
    const myphone = createMyPhoneClient({ username: 'someone-else', password: 'whatever-pw', retry: 0 });
    await expect(myphone.simcards()).rejects.toThrow(/MyPhone login at https:\/\/api\.myphone\.group\/partner\/login was refused with HTTP 401: Invalid username or password/);
  });

  it('scrubs a password the server or the network layer echoes back, even JSON-escaped or past 200 characters', async () => {
    const password = 'pa"ss\\word-Sup3rSecret';
    const echo = async (_url: string, init: RequestInit) =>
      new Response(JSON.stringify({ message: `${'x'.repeat(190)} ${String(init.body)}` }), { status: 401, headers: { 'content-type': 'application/json' } });
    const refusing = createMyPhoneClient({ username: 'u', password, fetch: echo as never, retry: 0 });
    const quoting = createMyPhoneClient({ username: 'u', password, fetch: (async (_url: string, init: RequestInit) => Promise.reject(new TypeError(`proxy refused ${String(init.body)}`))) as never, retry: 0 });
    for (const [client, type] of [[refusing, AuthError], [quoting, ConnectionError]] as const) {
      const err = (await client.simcards().catch((e: unknown) => e)) as AuthError;
      expect(err).toBeInstanceOf(type);
      const text = `${err.message} ${err.stack} ${inspect(err, { depth: 10 })} ${JSON.stringify(err)}`;
      for (const form of [password, JSON.stringify(password).slice(1, -1), 'Sup3rSecr']) expect(text).not.toContain(form);
    }
  });

  it('an unreachable login endpoint is a ConnectionError naming the operation, retried under the client policy (not an AuthError)', async () => {
    const password = 'unreachable-secret';
    let calls = 0;
    const fetch = async () => {
      calls++;
      return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
    };
    const myphone = createMyPhoneClient({ username: 'u', password, fetch, retry: { maxRetries: 2, baseDelayMs: 1 } });
    const err = (await myphone.simcards().catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(AuthError);
    expect(err.operationName).toBe('Simcards');
    expect(calls).toBe(3);
    expect((err.cause as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(err.message).toMatch(/could not reach https:\/\/api\.myphone\.group\/partner\/login: fetch failed/);
    expect(inspect(err, { depth: 10 })).not.toContain(password);
  });

  it('a login answer without a token is an AuthError', async () => {
    server.use(http.post('https://api.myphone.group/partner/login', () => HttpResponse.json({ data: {} })));
    const myphone = createMyPhoneClient({ username: 'u', password: 'pw-pw-pw' });
    await expect(myphone.simcards()).rejects.toThrow(/has no data\.access\.token/);
  });
});

describe('refresh', () => {
  it('an expired access token is refreshed, not re-logged-in', async () => {
    const { api, myphone, clock } = clocked();
    await myphone.simcard({ id: '1' });
    const first = api.requests.at(-1)!.headers.authorization;
    clock.t += 11 * MIN;
    await myphone.simcard({ id: '1' });
    expect(api.auth.logins).toBe(1);
    expect(api.auth.refreshes).toBe(1);
    expect(api.requests.at(-1)!.headers.authorization).not.toBe(first);
    expect(api.requests).toHaveLength(2); // renewed before sending: no 401 round trip
  });

  it('renews the access token 30 s before it expires (skew)', async () => {
    const { api, myphone, clock } = clocked();
    await myphone.simcard({ id: '1' });
    clock.t += 10 * MIN - 20_000;
    await myphone.simcard({ id: '1' });
    expect(api.auth.refreshes).toBe(1);
  });

  it('a token the server refuses (401) is refreshed and the call replayed once', async () => {
    const { api, myphone } = clocked();
    await myphone.simcard({ id: '1' });
    api.auth.expireTokens(); // the client still believes its token is valid
    const sim = await myphone.simcard({ id: '2' });
    expect(sim!.id).toBe('2');
    expect(api.auth.refreshes).toBe(1);
    expect(api.auth.logins).toBe(1);
    expect(api.requestsOf('Simcard')).toHaveLength(3); // ok, 401, replay
  });

  it('an expired refresh token means a full login (no refresh attempt)', async () => {
    const { api, myphone, clock } = clocked();
    await myphone.simcard({ id: '1' });
    clock.t += 61 * MIN;
    await myphone.simcard({ id: '1' });
    expect(api.auth.refreshes).toBe(0);
    expect(api.auth.logins).toBe(2);
  });

  it('a refresh token the server no longer knows falls back to a full login', async () => {
    const { api, myphone, clock } = clocked();
    await myphone.simcard({ id: '1' });
    api.auth.expireRefreshTokens();
    clock.t += 11 * MIN;
    await myphone.simcard({ id: '1' });
    expect(api.auth.calls).toEqual([
      { kind: 'login', status: 200 },
      { kind: 'refresh', status: 401 },
      { kind: 'login', status: 200 },
    ]);
  });

  it('a refused refresh falls back to a full login', async () => {
    const events: SdkEvent[] = [];
    const { api, myphone, clock } = clocked({ refuseRefresh: true }, { onEvent: (e) => events.push(e) });
    await myphone.simcard({ id: '1' });
    clock.t += 11 * MIN;
    await myphone.simcard({ id: '1' });
    expect(api.auth.refreshes).toBe(1);
    expect(api.auth.logins).toBe(2);
    expect(events.filter((e) => e.type === 'token').map((e) => e.type === 'token' && [e.action, e.ok, e.fallback ?? false])).toEqual([
      ['login', true, false],
      ['refresh', false, false],
      ['login', true, true],
    ]);
  });

  it('refresh: false logs in again instead', async () => {
    const { api, myphone, clock } = clocked({}, { refresh: false });
    await myphone.simcard({ id: '1' });
    clock.t += 11 * MIN;
    await myphone.simcard({ id: '1' });
    expect(api.auth.refreshes).toBe(0);
    expect(api.auth.logins).toBe(2);
  });

  it('refreshPath and the refresh body are configurable', async () => {
    const { api, myphone, clock } = clocked({ refreshPath: '/partner/token/refresh' }, { refresh: { path: '/partner/token/refresh', body: (token) => ({ refresh: token }) } });
    await myphone.simcard({ id: '1' });
    clock.t += 11 * MIN;
    await myphone.simcard({ id: '1' });
    expect(api.auth.calls).toEqual([
      { kind: 'login', status: 200 },
      { kind: 'refresh', status: 200 },
    ]);
  });

  it('50 concurrent calls at expiry share exactly one refresh', async () => {
    const { api, myphone, clock } = clocked();
    await myphone.simcard({ id: '1' });
    clock.t += 11 * MIN;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => myphone.simcard({ id: String((i % 3) + 1) })));
    expect(results.every((s) => s !== null)).toBe(true);
    expect(api.auth.refreshes).toBe(1);
    expect(api.auth.logins).toBe(1);
    expect(new Set(api.requests.slice(1).map((r) => r.headers.authorization)).size).toBe(1);
  });

  it('50 concurrent calls refused with 401 share exactly one refresh', async () => {
    const { api, myphone } = clocked();
    await myphone.simcard({ id: '1' });
    api.auth.expireTokens();
    await Promise.all(Array.from({ length: 50 }, () => myphone.simcards({ limit: 1 })));
    expect(api.auth.refreshes).toBe(1);
    expect(api.auth.logins).toBe(1);
  });
});

describe('bringing your own tokens', () => {
  it('onTokens sees every token set; initialTokens skip the login', async () => {
    const { api, myphone, clock } = clocked();
    const saved: TokenSet[] = [];
    const first = createMyPhoneClient({ ...api.credentials, now: () => clock.t, onTokens: (t) => void saved.push(t) });
    await first.simcards();
    expect(saved).toHaveLength(1);
    expect(saved[0]!.expiresAt).toBe(clock.t + 10 * MIN);
    expect(saved[0]!.refreshExpiresAt).toBe(clock.t + 60 * MIN);
    const second = createMyPhoneClient({ ...api.credentials, now: () => clock.t, initialTokens: saved[0] });
    await second.simcards();
    expect(api.auth.logins).toBe(1);
    void myphone;
  });

  it('a tokenProvider can be shared between clients (one login)', async () => {
    const { api, clock } = clocked();
    const tokens = createMyPhoneTokenManager({ ...api.credentials, now: () => clock.t });
    const a = createMyPhoneClient({ tokenProvider: tokens });
    const b = createMyPhoneClient({ tokenProvider: tokens });
    await Promise.all([a.simcards(), b.tariffs()]);
    expect(api.auth.logins).toBe(1);
  });

  it('needs credentials (or MYPHONE_USERNAME/MYPHONE_PASSWORD) or a provider', () => {
    vi.stubEnv('MYPHONE_USERNAME', '');
    vi.stubEnv('MYPHONE_PASSWORD', '');
    try {
      expect(() => createMyPhoneClient({})).toThrow(/username is required: pass \{ username \} or set the MYPHONE_USERNAME/);
      expect(() => createMyPhoneClient({ username: 'u', password: '' })).toThrow(/password is required/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
