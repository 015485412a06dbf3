/**
 * Issue 11, class 5: options that type-check (or come untyped from config) but once meant unbounded loops,
 * requests with no timeout, or a password sent before a bad endpoint was noticed. Each is a ValidationError
 * naming the option, and the server counts 0 requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError, ValidationError } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

const BAD_RETRY: [unknown, string][] = [
  [{ maxRetries: NaN }, 'retry.maxRetries'],
  [{ maxRetries: -1 }, 'retry.maxRetries'],
  [{ maxRetries: 1.5 }, 'retry.maxRetries'],
  [{ maxRetries: '3' }, 'retry.maxRetries'],
  [{ maxRetries: Infinity }, 'retry.maxRetries'],
  [{ baseDelayMs: NaN }, 'retry.baseDelayMs'],
  [{ baseDelayMs: -5 }, 'retry.baseDelayMs'],
  [{ maxDelayMs: Infinity }, 'retry.maxDelayMs'],
  [{ maxRetryAfterMs: 'soon' }, 'retry.maxRetryAfterMs'],
  [{ retryMutations: 'yes' }, 'retry.retryMutations'],
  [{ retries: 3 }, 'retry.retries'],
  [NaN, 'retry'],
  ['three', 'retry'],
  [null, 'retry'],
  [-1, 'retry'],
];
const BAD_MS: unknown[] = [0, -1, NaN, 'abc', Infinity, 2 ** 31, null];
const BAD_ENDPOINTS: unknown[] = ['http://', 'http://exa mple.com/graphql', ' http://127.0.0.1/graphql', 'http://127.0.0.1:99999/graphql', 'ftp://127.0.0.1/graphql', 'localhost:4000/graphql', '', 42];

describe.each(VENDORS)('$vendor: options are checked before anything leaves', (v) => {
  it.each(BAD_RETRY)('client retry %j → ValidationError naming %s, 0 requests', async (retry, field) => {
    const server = await hostileServer((_req, res) => sendJson(res, 'down', 503));
    let err: unknown;
    try {
      await v.client(server.url, { retry }).query();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
    expect(server.received).toHaveLength(0);
  });

  it.each(BAD_RETRY)('per-call retry %j → ValidationError naming %s, 0 requests', async (retry, field) => {
    const server = await hostileServer((_req, res) => sendJson(res, 'down', 503));
    const err = await v.client(server.url).query({ retry: retry as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
    expect(server.received).toHaveLength(0);
  });

  it('retry fields left undefined mean the default (bounded), not "retry forever"', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, 'down', 503));
    const err = await v.client(server.url, { retry: { maxRetries: undefined, baseDelayMs: 1, maxDelayMs: 1 } }).query({ retry: { maxRetries: undefined } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(server.received).toHaveLength(3); // the default: 2 retries
  });

  it.each(['timeoutMs', 'deadlineMs'])('%s that is not a positive finite number → ValidationError, 0 requests (client and per call)', async (option) => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: v.queryData }));
    for (const value of BAD_MS) {
      let err: unknown;
      try {
        await v.client(server.url, { [option]: value }).query();
      } catch (e) {
        err = e;
      }
      expect(err, `client ${option}: ${String(value)}`).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(option);
      const perCall = await v.client(server.url).query({ [option]: value } as never).catch((e: unknown) => e);
      expect(perCall, `per-call ${option}: ${String(value)}`).toBeInstanceOf(ValidationError);
    }
    expect(server.received).toHaveLength(0);
  });

  it('maxResponseBytes must be a positive integer', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: v.queryData }));
    for (const value of [0, -1, NaN, 1.5, '1mb']) {
      expect(() => v.client(server.url, { maxResponseBytes: value }), String(value)).toThrow(ValidationError);
      await expect(v.client(server.url).query({ maxResponseBytes: value } as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(server.received).toHaveLength(0);
  });

  it.each(BAD_ENDPOINTS)('endpoint %j → ValidationError at construction', (endpoint) => {
    let err: unknown;
    try {
      v.client(endpoint as string);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('endpoint');
  });
});

describe('a bad GraphQL endpoint fails before any login', () => {
  it.each(BAD_ENDPOINTS)('Totogi with Cognito credentials, endpoint %j: ValidationError, Cognito never contacted', async (endpoint) => {
    const cognito = await hostileServer((_req, res) => sendJson(res, { AuthenticationResult: { AccessToken: 'a', IdToken: 'i', ExpiresIn: 3600 } }));
    expect(() =>
      createTotogiClient({ auth: { username: 'ops@example.com', password: 'pw-never-sent', clientId: 'cid', region: 'us-east-1', cognitoEndpoint: cognito.url }, endpoint: endpoint as string }),
    ).toThrow(ValidationError);
    expect(cognito.received).toHaveLength(0);
  });

  it('MyPhone with a password and a bad origin: ValidationError, the login endpoint never contacted', async () => {
    const login = await hostileServer((_req, res) => sendJson(res, {}));
    for (const origin of ['http://', `${login.origin}:99999`, 'http://my phone']) {
      expect(() => createMyPhoneClient({ username: 'u', password: 'pw-never-sent', origin }), origin).toThrow(ValidationError);
    }
    expect(login.received).toHaveLength(0);
  });
});
