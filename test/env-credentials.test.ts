/**
 * Credentials from the environment: read once at client construction, explicit options win, and a missing
 * credential's ValidationError names both the option and the variable. Counted at loopback servers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson } from './hostile/lib.js';

const VARS = ['WHEREVER_API_KEY', 'TOTOGI_USERNAME', 'TOTOGI_PASSWORD', 'TOTOGI_CLIENT_ID', 'TOTOGI_CLIENT_SECRET', 'TOTOGI_REGION', 'MYPHONE_USERNAME', 'MYPHONE_PASSWORD'];
beforeEach(() => {
  for (const v of VARS) vi.stubEnv(v, '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await closeAll();
});

function validation(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('wherever: WHEREVER_API_KEY', () => {
  it('is used when apiKey is left out, read at construction only; an explicit apiKey wins', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { getStatistics: { totalSimCards: 1, activeSimCards: 1, currentMonthlyDataUsage: 0, previousMonthDataUsage: 0 } } }));
    vi.stubEnv('WHEREVER_API_KEY', 'env-key-123456');
    const fromEnv = createWhereverClient({ endpoint: server.url });
    vi.stubEnv('WHEREVER_API_KEY', 'changed-later-999');
    await fromEnv.getStatistics();
    await createWhereverClient({ endpoint: server.url, apiKey: 'explicit-key-42' }).getStatistics();
    expect(server.received.map((r) => r.headers.authorization)).toEqual(['env-key-123456', 'explicit-key-42']);
  });

  it('missing: the error names the option and the variable, and nothing is sent', () => {
    const err = validation(() => createWhereverClient());
    expect(err.field).toBe('apiKey');
    expect(err.message).toContain('apiKey');
    expect(err.message).toContain('WHEREVER_API_KEY');
  });
});

describe('totogi: TOTOGI_*', () => {
  it('fills every missing Cognito option from the environment; explicit ones win', async () => {
    const cognito = await hostileServer((_req, res) => sendJson(res, { AuthenticationResult: { AccessToken: 'tok-abcdef', ExpiresIn: 3600 } }));
    const graphql = await hostileServer((_req, res) => sendJson(res, { data: { getAccount: { __typename: 'Account', accountId: 'a' } } }));
    vi.stubEnv('TOTOGI_USERNAME', 'env-user');
    vi.stubEnv('TOTOGI_PASSWORD', 'env-password-1');
    vi.stubEnv('TOTOGI_CLIENT_ID', 'env-client');
    vi.stubEnv('TOTOGI_REGION', 'eu-west-1');
    const totogi = createTotogiClient({ endpoint: graphql.url, auth: { username: 'explicit-user', cognitoEndpoint: cognito.origin } });
    await totogi.getAccount({ providerId: 'p', accountId: 'a' });
    const sent = JSON.parse(cognito.received[0]!.raw) as { ClientId: string; AuthParameters: Record<string, string> };
    expect(sent.ClientId).toBe('env-client');
    expect(sent.AuthParameters).toMatchObject({ USERNAME: 'explicit-user', PASSWORD: 'env-password-1' });
  });

  it('missing: the error names auth.<option> and its variable', () => {
    vi.stubEnv('TOTOGI_USERNAME', 'env-user');
    const err = validation(() => createTotogiClient());
    expect(err.field).toBe('auth.password');
    expect(err.message).toContain('TOTOGI_PASSWORD');
  });
});

describe('myphone: MYPHONE_USERNAME / MYPHONE_PASSWORD', () => {
  it('are used when left out; explicit options win', async () => {
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') return sendJson(res, { data: { access: { token: 'acc-token-1', expires: new Date(Date.now() + 3600_000).toISOString() } } });
      sendJson(res, { data: { simcards: { items: [], count: 0 } } });
    });
    vi.stubEnv('MYPHONE_USERNAME', 'env-user');
    vi.stubEnv('MYPHONE_PASSWORD', 'env-password-2');
    await createMyPhoneClient({ origin: server.origin }).simcards();
    await createMyPhoneClient({ origin: server.origin, password: 'explicit-pw-3' }).simcards();
    const logins = server.received.filter((r) => r.url === '/partner/login').map((r) => JSON.parse(r.raw));
    expect(logins).toEqual([
      { username: 'env-user', password: 'env-password-2' },
      { username: 'env-user', password: 'explicit-pw-3' },
    ]);
  });

  it('missing: the error names the option and the variable', () => {
    vi.stubEnv('MYPHONE_USERNAME', 'env-user');
    const err = validation(() => createMyPhoneClient());
    expect(err.field).toBe('password');
    expect(err.message).toContain('MYPHONE_PASSWORD');
  });
});

describe('totogi: a client secret comes from the environment only with its client id', () => {
  it('an explicit clientId ignores TOTOGI_CLIENT_SECRET (no SECRET_HASH for another app client)', async () => {
    const cognito = await hostileServer((_req, res) => sendJson(res, { AuthenticationResult: { AccessToken: 'tok-abcdef', ExpiresIn: 3600 } }));
    const graphql = await hostileServer((_req, res) => sendJson(res, { data: { getAccount: { __typename: 'Account', accountId: 'a' } } }));
    vi.stubEnv('TOTOGI_CLIENT_SECRET', 'secret-of-another-client');
    const totogi = createTotogiClient({ endpoint: graphql.url, auth: { username: 'u', password: 'pw-123456', clientId: 'mine', region: 'us-east-1', cognitoEndpoint: cognito.origin } });
    await totogi.getAccount({ providerId: 'p', accountId: 'a' });
    expect(cognito.received[0]!.raw).not.toContain('SECRET_HASH');
  });
});
