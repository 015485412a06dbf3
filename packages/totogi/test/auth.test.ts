import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthError, HttpError, TOTOGI_GRAPHQL_ENDPOINT, ValidationError, createTotogiClient, type CognitoAuthOptions, type TokenSet } from '@sdk/totogi';
import { FakeCognito, createTotogiMock } from '@sdk/totogi/testing';
import { useServer } from './setup.js';

const setup = useServer();
const accounts = [{ id: 'acc-1', balance: 1 }];
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('Cognito login', () => {
  it('logs in lazily: nothing is sent until the first call, then one USER_PASSWORD_AUTH', async () => {
    const { api, totogi, providerId } = setup({ accounts });
    expect(api.cognito.requests).toHaveLength(0);
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    expect(api.cognito.requests).toEqual([{ authFlow: 'USER_PASSWORD_AUTH', clientId: api.credentials.clientId, username: api.credentials.username, secretHash: undefined, status: 200 }]);
  });

  it('sends the raw access token (no Bearer) by default, the ID token with tokenType: "id"', async () => {
    const { api, totogi, providerId } = setup({ accounts });
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    const sent = api.requests[0]!.headers.authorization!;
    expect(sent).not.toMatch(/^Bearer /);
    expect(claims(sent).token_use).toBe('access');
    expect(claims(sent)['cognito:groups']).toContain(`Provider_${providerId}`);

    const idClient = createTotogiClient({ auth: { ...api.credentials, tokenType: 'id' } });
    await idClient.getAccount({ providerId, accountId: 'acc-1' });
    expect(claims(api.requests[1]!.headers.authorization!).token_use).toBe('id');
  });

  it('50 concurrent calls with an expired token cause exactly one token request, and all succeed', async () => {
    const { api, providerId } = setup({ accounts });
    const issued = api.cognito.issueTokens();
    const initialTokens: TokenSet = { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: Date.now() - 1000 };
    const totogi = createTotogiClient({ auth: { ...api.credentials, initialTokens }, retry: { baseDelayMs: 1 } });
    const results = await Promise.all(Array.from({ length: 50 }, () => totogi.getAccount({ providerId, accountId: 'acc-1' })));
    expect(results.every((a) => a?.id === 'acc-1')).toBe(true);
    expect(api.cognito.requests.map((r) => r.authFlow)).toEqual(['REFRESH_TOKEN_AUTH']);
    expect(new Set(api.requests.map((r) => r.headers.authorization)).size).toBe(1);
    expect(api.requests[0]!.headers.authorization).not.toBe(issued.accessToken);
  });

  it('a 401 from the API triggers exactly one refresh and a replay, even for 50 concurrent calls', async () => {
    const { api, totogi, providerId } = setup({ accounts });
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    api.auth.expireTokens(); // the server now refuses the token the client still trusts
    const results = await Promise.all(Array.from({ length: 50 }, () => totogi.getAccount.withResponse({ providerId, accountId: 'acc-1' })));
    expect(results.every((r) => r.data?.id === 'acc-1' && r.response.status === 200)).toBe(true);
    expect(api.cognito.requests.map((r) => r.authFlow)).toEqual(['USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH']);
    expect(api.requestsOf('GetAccount')).toHaveLength(1 + 50 + 50); // each refused call replayed once
  });

  it('answers an unknown or expired token with an AppSync-style 401', async () => {
    const { api } = setup();
    const res = await fetch(api.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'not-a-token' }, body: '{"query":"{ getSettings(providerId: \\"1001\\") { __typename } }"}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Unable to parse JWT token.' }] });
  });

  it('falls back to a full login when the refresh is refused', async () => {
    const events: string[] = [];
    const { api, totogi, providerId } = setup({ accounts }, { onEvent: (e) => e.type === 'token' && events.push(`${e.action}:${e.ok}`) });
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    api.auth.refuseRefresh(1);
    api.auth.expireTokens();
    expect((await totogi.getAccount({ providerId, accountId: 'acc-1' }))?.id).toBe('acc-1');
    expect(api.cognito.requests.map((r) => `${r.authFlow}:${r.status}`)).toEqual(['USER_PASSWORD_AUTH:200', 'REFRESH_TOKEN_AUTH:400', 'USER_PASSWORD_AUTH:200']);
    expect(events).toEqual(['login:true', 'refresh:false', 'login:true']);
  });

  it('persists tokens with onTokens and reuses them with initialTokens (no new login)', async () => {
    const saved: TokenSet[] = [];
    const { api, providerId } = setup({ accounts });
    const first = createTotogiClient({ auth: { ...api.credentials, onTokens: (t) => void saved.push(t) } });
    await first.getAccount({ providerId, accountId: 'acc-1' });
    expect(saved).toHaveLength(1);
    expect(saved[0]!.refreshToken).toBeTruthy();
    const second = createTotogiClient({ auth: { ...api.credentials, initialTokens: saved[0] } });
    await second.getAccount({ providerId, accountId: 'acc-1' });
    expect(api.cognito.requests).toHaveLength(1);
  });

  it('takes a caller-supplied tokenProvider and sends its token as is', async () => {
    const { api, providerId } = setup({ accounts });
    const token = api.cognito.issueTokens().idToken;
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => token } } });
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    expect(api.requests[0]!.headers.authorization).toBe(token);
    expect(api.cognito.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  const password = 'Pa55-word-never-logged';
  const clientSecret = 'client-secret-never-logged-0123456789';

  it('a wrong password is an AuthError that names endpoint and status but no secret', async () => {
    const logged: string[] = [];
    const { api, providerId } = setup({ password, clientSecret });
    const wrong = 'Wr0ng-password-never-logged';
    const totogi = createTotogiClient({
      auth: { ...api.credentials, password: wrong, clientSecret },
      logger: { error: (m, meta) => logged.push(m, JSON.stringify(meta)), warn: (m, meta) => logged.push(m, JSON.stringify(meta)), info: (m, meta) => logged.push(m, JSON.stringify(meta)) },
    });
    const err = await totogi.getAccount({ providerId, accountId: 'acc-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const auth = err as AuthError;
    expect(auth.status).toBe(400);
    expect(auth.endpoint).toBe(api.credentials.cognitoEndpoint);
    expect(auth.message).toContain(api.credentials.cognitoEndpoint);
    expect(auth.message).toContain('NotAuthorizedException');
    for (const text of [auth.message, String(auth.stack), inspect(auth, { depth: 10 }), JSON.stringify(auth), ...logged]) {
      for (const secret of [wrong, password, clientSecret]) expect(text).not.toContain(secret);
    }
    expect(api.requests).toHaveLength(0);
  });

  it('sends SECRET_HASH = Base64(HMAC-SHA256(secret, username + clientId)) on login and refresh, and the fake verifies it', async () => {
    const { api, totogi, providerId } = setup({ accounts, clientSecret });
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    api.auth.expireTokens();
    await totogi.getAccount({ providerId, accountId: 'acc-1' });
    const hash = (user: string) => createHmac('sha256', clientSecret).update(user + api.credentials.clientId).digest('base64');
    // Login hashes the e-mail the user signs in with; refresh hashes the pool's own (UUID) username, as Cognito does.
    const poolUsername = FakeCognito.poolUsername(api.credentials.username);
    expect(poolUsername).not.toBe(api.credentials.username);
    expect(api.cognito.requests.map((r) => [r.authFlow, r.secretHash, r.status])).toEqual([
      ['USER_PASSWORD_AUTH', hash(api.credentials.username), 200],
      ['REFRESH_TOKEN_AUTH', hash(poolUsername), 200],
    ]);
  });

  it('a wrong client secret is refused by the fake (Unable to verify secret hash)', async () => {
    const { api, providerId } = setup({ accounts, clientSecret });
    const totogi = createTotogiClient({ auth: { ...api.credentials, clientSecret: 'another-secret-value' } });
    await expect(totogi.getAccount({ providerId, accountId: 'acc-1' })).rejects.toThrow(/Unable to verify secret hash/);
  });

  it('a Cognito outage is an HttpError with the HTTP status (retried, not an AuthError); util.inspect of the client shows no credentials', async () => {
    const { api, totogi, providerId } = setup({ accounts, password });
    api.auth.failNext(3, 503);
    const err = (await totogi.getAccount({ providerId, accountId: 'acc-1' }, { retry: { maxRetries: 2, baseDelayMs: 1 } }).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.operationName).toBe('GetAccount');
    expect(api.auth.calls).toEqual([{ kind: 'login', status: 503 }, { kind: 'login', status: 503 }, { kind: 'login', status: 503 }]);
    expect(err.status).toBe(503);
    expect(inspect(totogi)).toBe(`TotogiClient { endpoint: '${TOTOGI_GRAPHQL_ENDPOINT}' }`);
    expect(JSON.stringify(totogi)).not.toContain(password);
  });
});

describe('options are validated before any request', () => {
  const base: CognitoAuthOptions = { username: 'u@example.com', password: 'pw-123456', clientId: 'client', region: 'us-east-1' };
  it.each([
    ['username', { ...base, username: '' }],
    ['password', { ...base, password: undefined as never }],
    ['clientId', { ...base, clientId: ' ' }],
    ['region', { ...base, region: 'Mars' }],
    ['tokenType', { ...base, tokenType: 'refresh' as never }],
    ['cognitoEndpoint', { ...base, cognitoEndpoint: 'ftp://x' }],
  ])('rejects a bad %s with ValidationError naming the field', (field, auth) => {
    const api = createTotogiMock();
    expect(() => createTotogiClient({ auth })).toThrow(ValidationError);
    expect(() => createTotogiClient({ auth })).toThrow(`auth.${field}`);
    expect(api.cognito.requests).toHaveLength(0);
  });

  it('rejects a missing auth, a tokenProvider without getAccessToken, and both kinds at once', () => {
    expect(() => createTotogiClient({} as never)).toThrow(ValidationError);
    expect(() => createTotogiClient({ auth: { tokenProvider: {} as never } })).toThrow(/getAccessToken/);
    expect(() => createTotogiClient({ auth: { ...base, tokenProvider: { getAccessToken: async () => 't' } } as never })).toThrow(/not both/);
  });

  it('never echoes the password in a validation message', () => {
    expect(() => createTotogiClient({ auth: { ...base, region: 'nowhere', password: 'hunter2-secret' } })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2-secret') }));
  });
});
