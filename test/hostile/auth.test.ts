/**
 * Hostile token endpoints: redirects that would carry the password to another origin, clocks that make
 * every token look expired, logins that hang, networks that fail. Counted at the servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, ConnectionError, RedirectError, TimeoutError, type SdkEvent } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, everythingShown, hostileServer, leaks, runBundled, sendJson, type HostileServer } from './lib.js';

afterEach(closeAll);

const password = 'hostile-Pa55word-7f3e';
const emptyPage = { data: { simcards: { items: [], count: 0 } } };
const account = { data: { getAccount: { __typename: 'Account', accountId: 'acc-1' } } };

function jwt(payload: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(payload)}.sig`;
}

function bodiesWithPassword(server: HostileServer): number {
  return server.received.filter((r) => leaks(r.raw, [password]).length > 0).length;
}

function myphoneLogin(expires: string, token = 'access-token-1') {
  return { data: { access: { token, expires }, refresh: { token: 'refresh-token-1', expires } } };
}

describe('token endpoints never follow a redirect with the password', () => {
  it('MyPhone: a 307 to another origin is a RedirectError naming status and host; the second host is never contacted', async () => {
    const elsewhere = await hostileServer((_req, res) => sendJson(res, myphoneLogin(new Date(Date.now() + 3600_000).toISOString())));
    const origin = await hostileServer((req, res) => {
      if (req.url === '/partner/login') {
        res.writeHead(307, { location: `${elsewhere.origin}/partner/login` });
        return void res.end();
      }
      sendJson(res, emptyPage);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: origin.origin, retry: { maxRetries: 2, baseDelayMs: 1 } });
    const err = (await myphone.simcards().catch((e: unknown) => e)) as RedirectError;
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.status).toBe(307);
    expect(err.targetHost).toBe(elsewhere.host);
    expect(err.message).toContain(elsewhere.host);
    expect(err.operationName).toBe('Simcards');
    expect(elsewhere.received.length).toBe(0);
    expect(bodiesWithPassword(elsewhere)).toBe(0);
    expect(bodiesWithPassword(origin)).toBe(1); // not retried: a redirect is not transient
    expect(leaks(everythingShown(err), [password])).toEqual([]);
  });

  it('Cognito: a 308 to another origin is refused the same way', async () => {
    const elsewhere = await hostileServer((_req, res) => sendJson(res, {}));
    const cognito = await hostileServer((_req, res) => {
      res.writeHead(308, { location: `${elsewhere.origin}/` });
      res.end();
    });
    const graphql = await hostileServer((_req, res) => sendJson(res, account));
    const totogi = createTotogiClient({ endpoint: graphql.url, retry: 0, auth: { username: 'u', password, clientId: 'c', region: 'us-east-1', cognitoEndpoint: cognito.origin } });
    const err = (await totogi.getAccount({ providerId: 'p', accountId: 'acc-1' }).catch((e: unknown) => e)) as RedirectError;
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.status).toBe(308);
    expect(err.targetHost).toBe(elsewhere.host);
    expect(err.message).toContain(elsewhere.host);
    expect(elsewhere.received.length).toBe(0);
    expect(graphql.received.length).toBe(0);
  });
});

describe('token lifetimes and renewals', () => {
  it('a MyPhone login whose expires lies 1 h in the past (clock skew): 50 calls make one login, and a warning is emitted', async () => {
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login' || req.url === '/partner/refresh') return sendJson(res, myphoneLogin(new Date(Date.now() - 3600_000).toISOString()));
      sendJson(res, emptyPage);
    });
    const events: SdkEvent[] = [];
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, onEvent: (e) => events.push(e) });
    for (let i = 0; i < 50; i++) await myphone.simcards();
    const renewals = server.received.filter((r) => r.url !== '/partner/graphql').length;
    expect(renewals).toBe(1);
    expect(events.some((e) => e.type === 'warning' && /lifetime/.test(e.message))).toBe(true);
  });

  it('a MyPhone expires ahead of a server clock running 2 h fast is corrected by the Date header', async () => {
    const serverNow = () => Date.now() + 2 * 3600_000;
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') return sendJson(res, myphoneLogin(new Date(serverNow() + 600_000).toISOString()), 200, { date: new Date(serverNow()).toUTCString() });
      sendJson(res, emptyPage);
    });
    const tokens: { expiresAt: number }[] = [];
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, onTokens: (t) => void tokens.push(t) });
    await myphone.simcards();
    // 10 minutes from local receipt, not 2 h 10 min.
    expect(Math.abs(tokens[0]!.expiresAt - (Date.now() + 600_000))).toBeLessThan(5_000);
  });

  it('renewals per minute are bounded even when the server refuses every fresh token', async () => {
    const server = await hostileServer((req, res, n) => {
      if (req.url === '/partner/login' || req.url === '/partner/refresh') return sendJson(res, myphoneLogin(new Date(Date.now() + 3600_000).toISOString(), `token-${n}`));
      sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: 0 });
    for (let i = 0; i < 50; i++) await myphone.simcards().catch(() => undefined);
    const renewals = server.received.filter((r) => r.url !== '/partner/graphql').length;
    expect(renewals).toBeLessThanOrEqual(6);
  });

  it('a Cognito answer without ExpiresIn uses the JWT exp: 5 calls, 1 login', async () => {
    const cognito = await hostileServer((_req, res) =>
      sendJson(res, { AuthenticationResult: { AccessToken: jwt({ exp: Math.floor(Date.now() / 1000) + 3600, iat: Math.floor(Date.now() / 1000) }), RefreshToken: 'r-token-1234' } }),
    );
    const graphql = await hostileServer((_req, res) => sendJson(res, account));
    const totogi = createTotogiClient({ endpoint: graphql.url, auth: { username: 'u', password, clientId: 'c', region: 'us-east-1', cognitoEndpoint: cognito.origin } });
    for (let i = 0; i < 5; i++) await totogi.getAccount({ providerId: 'p', accountId: 'acc-1' });
    expect(cognito.received.length).toBe(1);
    expect(graphql.received.length).toBe(5);
  });
});

describe('token endpoint failures are typed and retried; only a refusal is an AuthError', () => {
  it('a reset during login is a ConnectionError with cause and operationName, retried under the client policy', async () => {
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') return void res.socket?.destroy();
      sendJson(res, emptyPage);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: { maxRetries: 2, baseDelayMs: 1 } });
    const err = (await myphone.simcards().catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.operationName).toBe('Simcards');
    expect(err.attempts).toBe(0); // no request reached the API
    expect(err.cause).toBeInstanceOf(Error);
    expect(server.received.filter((r) => r.url === '/partner/login').length).toBe(3);
    expect(leaks(everythingShown(err), [password])).toEqual([]);
  });

  it('login 503 then 429 then success: the call succeeds after 3 login attempts, even for a mutation', async () => {
    const server = await hostileServer((req, res, n) => {
      if (req.url === '/partner/login') {
        if (n === 0) return sendJson(res, { message: 'down' }, 503);
        if (n === 1) return sendJson(res, { message: 'slow down' }, 429);
        return sendJson(res, myphoneLogin(new Date(Date.now() + 3600_000).toISOString()));
      }
      sendJson(res, { data: { simcard: { block: { id: '1' } } } });
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: { maxRetries: 3, baseDelayMs: 1 } });
    await myphone.simcard.block({ simcardId: '1' }).catch(() => undefined);
    expect(server.received.filter((r) => r.url === '/partner/login').length).toBe(3);
    expect(server.received.filter((r) => r.url === '/partner/graphql').length).toBe(1);
  });

  it('Cognito throttling (HTTP 400 TooManyRequestsException) is retried; NotAuthorizedException is an AuthError, sent once', async () => {
    let throttles = 1;
    const cognito = await hostileServer((req, res) => {
      if (req.raw.includes('wrong-password-99')) return sendJson(res, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }, 400);
      if (throttles-- > 0) return sendJson(res, { __type: 'TooManyRequestsException', message: 'Rate exceeded' }, 400);
      sendJson(res, { AuthenticationResult: { AccessToken: 'access-token-abc', ExpiresIn: 3600 } });
    });
    const graphql = await hostileServer((_req, res) => sendJson(res, account));
    const auth = { username: 'u', password, clientId: 'c', region: 'us-east-1', cognitoEndpoint: cognito.origin };
    const ok = createTotogiClient({ endpoint: graphql.url, retry: { maxRetries: 2, baseDelayMs: 1 }, auth });
    await ok.getAccount({ providerId: 'p', accountId: 'acc-1' });
    expect(cognito.received.length).toBe(2);
    const refused = createTotogiClient({ endpoint: graphql.url, retry: { maxRetries: 2, baseDelayMs: 1 }, auth: { ...auth, password: 'wrong-password-99' } });
    const err = await refused.getAccount({ providerId: 'p', accountId: 'acc-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(cognito.received.length).toBe(3);
  });

  it('a login slower than timeoutMs is a TimeoutError', async () => {
    const server = await hostileServer(() => new Promise(() => undefined));
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, timeoutMs: 100, retry: 0 });
    const err = await myphone.simcards().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });
});

describe('a hanging login does not keep the process alive', () => {
  it('aborting the only caller cancels the login, and a child process exits promptly', async () => {
    const server = await hostileServer(() => new Promise(() => undefined)); // never answers
    const run = await runBundled(
      `import { createMyPhoneClient } from '@sdk/myphone';
       const myphone = createMyPhoneClient({ username: 'u', password: 'pw-123456', origin: process.argv[2] });
       const controller = new AbortController();
       setTimeout(() => controller.abort(), 100);
       myphone.simcards({}, { signal: controller.signal }).catch((e) => console.log(e.name));`,
      [server.origin],
      { killAfterMs: 8_000 },
    );
    expect(run.stdout.trim()).toBe('AbortError');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(4_000);
  });
});

describe('a renewal after a 401 that fails on the network', () => {
  it('is retried under the retry policy, and the mutation is received once', async () => {
    let logins = 0;
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') {
        logins++;
        if (logins === 2) return void res.socket?.destroy(); // the renewal after the 401 hits a reset
        return sendJson(res, myphoneLogin(new Date(Date.now() + 3600_000).toISOString(), `token-${logins}`));
      }
      // The first token is refused; later ones work.
      if (req.headers.authorization === 'Bearer token-1') return sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
      sendJson(res, { data: { simcard: { block: { id: '1' } } } });
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, refresh: false, retry: { maxRetries: 3, baseDelayMs: 1 } });
    await myphone.simcard.block({ simcardId: '1' });
    expect(logins).toBe(3);
    expect(server.receipts('SimcardBlock')).toBe(2); // refused with 401 (no work), then applied once
    expect(server.received.filter((r) => r.headers.authorization === 'Bearer token-1').length).toBe(1);
  });
});
