import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AbortError, AuthError, MIN_TOKEN_LIFETIME_MS, TokenManager, apiKeyAuth, tokenAuth, tokenExpiry, ValidationError, type AuthEvent, type TokenSet } from '@sdk/core';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function manager(options: { now: () => number; ttlMs?: number; refreshTtlMs?: number; refuseRefresh?: boolean; loginDelayMs?: number }) {
  const calls = { login: 0, refresh: 0 };
  const events: AuthEvent[] = [];
  const persisted: TokenSet[] = [];
  const ttl = options.ttlMs ?? 60_000;
  const tm = new TokenManager({
    now: options.now,
    skewMs: 5_000,
    async login() {
      calls.login++;
      if (options.loginDelayMs) await new Promise((r) => setTimeout(r, options.loginDelayMs));
      return { accessToken: `access-L${calls.login}`, expiresAt: options.now() + ttl, refreshToken: `refresh-L${calls.login}`, refreshExpiresAt: options.now() + (options.refreshTtlMs ?? 600_000) };
    },
    async refresh(refreshToken) {
      calls.refresh++;
      if (options.refuseRefresh) throw new AuthError('refresh refused', { status: 400 });
      return { accessToken: `access-R${calls.refresh}-${refreshToken}`, expiresAt: options.now() + ttl };
    },
    onEvent: (e) => events.push(e),
    onTokens: (t) => void persisted.push(t),
  });
  return { tm, calls, events, persisted };
}

describe('TokenManager', () => {
  it('logs in lazily, once, and reuses the token until shortly before expiry', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now });
    expect(calls.login).toBe(0);
    expect(await tm.getAccessToken()).toBe('access-L1');
    c.advance(50_000);
    expect(await tm.getAccessToken()).toBe('access-L1');
    c.advance(6_000); // inside the 5 s skew window
    expect(await tm.getAccessToken()).toBe('access-R1-refresh-L1');
    expect(calls).toEqual({ login: 1, refresh: 1 });
  });

  it('shares one renewal among 50 concurrent callers', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now, loginDelayMs: 20 });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => tm.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['access-L1']));
    c.advance(60_000);
    const refreshed = await Promise.all(Array.from({ length: 50 }, () => tm.getAccessToken()));
    expect(new Set(refreshed).size).toBe(1);
    expect(calls).toEqual({ login: 1, refresh: 1 });
  });

  it('falls back to a full login when the refresh token expired', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now, refreshTtlMs: 30_000 });
    await tm.getAccessToken();
    c.advance(61_000);
    expect(await tm.getAccessToken()).toBe('access-L2');
    expect(calls).toEqual({ login: 2, refresh: 0 });
  });

  it('falls back to a full login when refresh is refused, and says so', async () => {
    const c = clock();
    const { tm, calls, events } = manager({ now: c.now, refuseRefresh: true });
    await tm.getAccessToken();
    c.advance(61_000);
    expect(await tm.getAccessToken()).toBe('access-L2');
    expect(calls).toEqual({ login: 2, refresh: 1 });
    expect(events.map((e) => e.type === 'warning' ? e.message : `${e.action}:${e.ok}${e.fallback ? ':fallback' : ''}`)).toEqual(['login:true', 'refresh:false', 'login:true:fallback']);
  });

  it('invalidate() renews once for concurrent callers that saw the same refused token', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now });
    const token = await tm.getAccessToken();
    const results = await Promise.all(Array.from({ length: 10 }, () => tm.invalidate(token)));
    expect(results.every(Boolean)).toBe(true);
    expect(calls.refresh).toBe(1);
    expect(await tm.getAccessToken()).not.toBe(token);
  });

  it('restores persisted tokens and reports new ones', async () => {
    const c = clock();
    const first = manager({ now: c.now });
    await first.tm.getAccessToken();
    expect(first.persisted).toHaveLength(1);
    const restored = new TokenManager({ now: c.now, initialTokens: first.persisted[0], login: async () => ({ accessToken: 'never', expiresAt: c.now() + 1 }) });
    expect(await restored.getAccessToken()).toBe('access-L1');
  });

  it('a waiting caller can abort without cancelling the shared login', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now, loginDelayMs: 50 });
    const aborted = tm.getAccessToken(AbortSignal.timeout(5));
    const other = tm.getAccessToken();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    expect(await other).toBe('access-L1');
    expect(calls.login).toBe(1);
  });

  it('wraps a login that fails unexpectedly in AuthError, and rejects unusable tokens', async () => {
    const tm = new TokenManager({ login: async () => Promise.reject(new TypeError('boom')) });
    await expect(tm.getAccessToken()).rejects.toBeInstanceOf(AuthError);
    const empty = new TokenManager({ login: async () => ({ accessToken: '', expiresAt: Date.now() + 1000 }) });
    await expect(empty.getAccessToken()).rejects.toThrow(/no usable access token/);
  });

  it('a failing onTokens does not fail the call or force another login', async () => {
    const c = clock();
    let logins = 0;
    const events: AuthEvent[] = [];
    const tm = new TokenManager({
      now: c.now,
      login: async () => ({ accessToken: `t${++logins}`, expiresAt: c.now() + 60_000 }),
      onTokens: () => {
        throw new Error('disk full');
      },
      onEvent: (e) => events.push(e),
    });
    expect(await tm.getAccessToken()).toBe('t1');
    expect(await tm.getAccessToken()).toBe('t1');
    expect(logins).toBe(1);
    expect(events).toEqual([expect.objectContaining({ action: 'login', ok: true, persistFailed: true })]);
  });

  it('renews a short-lived token at half its lifetime, not on every call', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now, ttlMs: 4_000 }); // shorter than the 5 s skew
    await tm.getAccessToken();
    for (let i = 0; i < 5; i++) await tm.getAccessToken();
    expect(calls).toEqual({ login: 1, refresh: 0 });
    c.advance(2_100);
    await tm.getAccessToken();
    expect(calls).toEqual({ login: 1, refresh: 1 });
  });

  it('keeps tokens out of util.inspect and JSON.stringify', async () => {
    const c = clock();
    const { tm } = manager({ now: c.now });
    await tm.getAccessToken();
    for (const text of [inspect(tm, { depth: 10, showHidden: true }), JSON.stringify(tm)]) {
      expect(text).not.toContain('access-L1');
      expect(text).not.toContain('refresh-L1');
    }
  });
});

describe('auth strategies', () => {
  it('apiKeyAuth sends the raw key and refuses an empty one', () => {
    expect(apiKeyAuth('k-123').headers({})).toEqual({ authorization: 'k-123' });
    expect(apiKeyAuth('k-123', { header: 'X-Api-Key', prefix: 'Key ' }).headers({})).toEqual({ 'x-api-key': 'Key k-123' });
    expect(() => apiKeyAuth('')).toThrow(ValidationError);
    expect(() => apiKeyAuth(undefined as never)).toThrow(/apiKey is required/);
  });

  it('tokenAuth adds the scheme and turns a refusal into one renewal', async () => {
    const c = clock();
    const { tm, calls } = manager({ now: c.now });
    const bearer = tokenAuth(tm);
    const sent = await bearer.headers({});
    expect(sent).toEqual({ authorization: 'Bearer access-L1' });
    expect(await bearer.onUnauthorized!(sent, {})).toBe(true);
    expect(calls.refresh).toBe(1);
    expect(await tokenAuth(tm, { scheme: '' }).headers({})).toEqual({ authorization: 'access-R1-refresh-L1' });
    // The refused token stays a secret after the rotation: a server may echo it later.
    expect(tokenAuth(tm, { secrets: ['pw'] }).secrets()).toEqual(['pw', 'access-R1-refresh-L1', 'refresh-L1', 'access-L1']);
  });
});

describe('deadlines and token renewal', () => {
  it('a call deadline bounds the wait for a slow login, and nothing is sent after it', async () => {
    const { createExecutor, TimeoutError } = await import('@sdk/core');
    const { scriptedServer, ok, op } = await import('./helpers.js');
    const server = await scriptedServer([ok()]);
    try {
      const slow = new TokenManager({ login: () => new Promise((r) => setTimeout(() => r({ accessToken: 'late', expiresAt: Date.now() + 60_000 }), 300)) });
      const ex = createExecutor({ endpoint: server.url, auth: tokenAuth(slow), retry: 0 });
      const started = Date.now();
      const err = await ex.execute(op('Q'), {}, { deadlineMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toMatch(/call deadline/);
      expect(Date.now() - started).toBeLessThan(250);
      await new Promise((r) => setTimeout(r, 350));
      expect(server.seen).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('a waiter whose signal is already aborted leaves no unhandled rejection behind a failing login', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const tm = new TokenManager({ login: async () => Promise.reject(new AuthError('refused', { status: 401 })) });
      await expect(tm.getAccessToken(AbortSignal.abort('gone'))).rejects.toBeInstanceOf(AbortError);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('tokenExpiry: lifetimes from local receipt', () => {
  const at = 1_000_000_000_000;
  const jwt = (payload: object) => `x.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.y`;
  it('prefers ExpiresIn, then the JWT exp (relative to iat), then expires corrected by the Date header', () => {
    expect(tokenExpiry({ receivedAt: at, expiresInSeconds: 3600, token: jwt({ exp: 1, iat: 0 }) })).toEqual({ expiresAt: at + 3600_000 });
    expect(tokenExpiry({ receivedAt: at, token: jwt({ iat: 5, exp: 5 + 900 }) })).toEqual({ expiresAt: at + 900_000 });
    // The server's clock runs 2 h behind ours: its `expires` is 10 min after its own Date.
    const serverDate = at - 2 * 3600_000;
    expect(tokenExpiry({ receivedAt: at, serverDate, expires: new Date(serverDate + 600_000).toISOString() })).toEqual({ expiresAt: at + 600_000 });
    expect(tokenExpiry({ receivedAt: at })).toBeUndefined();
  });
  it('raises implausible lifetimes to the floor with a warning, and caps absurd ones', () => {
    const past = tokenExpiry({ receivedAt: at, expires: new Date(at - 3600_000).toISOString() });
    expect(past).toEqual({ expiresAt: at + MIN_TOKEN_LIFETIME_MS, warning: expect.stringContaining('clock skew') });
    expect(tokenExpiry({ receivedAt: at, expiresInSeconds: 0 })?.warning).toBeDefined();
    const huge = tokenExpiry({ receivedAt: at, expiresInSeconds: 1e308 })!;
    expect(Number.isFinite(huge.expiresAt)).toBe(true);
    expect(huge.expiresAt - at).toBeLessThanOrEqual(7 * 24 * 3600_000);
  });
});
