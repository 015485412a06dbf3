/**
 * Issue 13 items 6 (logs) and 7 (serialization): log lines name the client and carry what an operator needs,
 * an environment switch turns logging on, every request sends a User-Agent, retries say what caused them,
 * and errors and response metadata print and serialize readably, with secrets scrubbed.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORE_VERSION, HttpError, type Logger, type SdkEvent } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, leaks, sendJson } from './lib.js';

afterEach(async () => {
  delete process.env.SDK_LOG;
  vi.restoreAllMocks();
  await closeAll();
});

const customer = { data: { getCustomerData: { customerid: 1, current_name: 'ACME', is_test_customer: false } } };

function lines() {
  const out: { level: string; message: string; meta: Record<string, unknown> | undefined }[] = [];
  const logger: Logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (message: string, meta?: Record<string, unknown>) => out.push({ level, message, meta })]));
  return { out, logger };
}

describe('User-Agent', () => {
  it('names the vendor package and version, core and Node on every request, for all three vendors; the caller may append', async () => {
    const server = await hostileServer((r, res) => {
      if (r.url === '/cognito') return sendJson(res, { AuthenticationResult: { AccessToken: 'access-token-1', ExpiresIn: 3600 } });
      if (r.url === '/partner/login') return sendJson(res, { data: { access: { token: 'mp-token-1', expires: new Date(Date.now() + 3_600_000).toISOString() } } });
      if (r.url === '/partner/graphql') return sendJson(res, { data: { simcard: { id: '1' } } });
      return sendJson(res, r.json?.operationName === 'GetAccount' ? { data: { getAccount: { __typename: 'Account', accountId: 'a' } } } : customer);
    });
    await createWhereverClient({ apiKey: 'key-123456', endpoint: server.url, userAgent: 'fleet-sync/2.1' }).getCustomerData();
    await createTotogiClient({ auth: { username: 'u', password: 'pw-123456', clientId: 'c', region: 'us-east-1', cognitoEndpoint: `${server.origin}/cognito` }, endpoint: server.url }).getAccount({ providerId: 'p', accountId: 'a' });
    await createMyPhoneClient({ username: 'u', password: 'pw-123456', origin: server.origin }).simcard({ id: '1' });
    const graphqlAgents = server.received.filter((r) => r.url.endsWith('graphql')).map((r) => r.headers['user-agent']);
    const node = process.version.replace(/\./g, '\\.');
    expect(graphqlAgents[0]).toMatch(new RegExp(`^@sdk/wherever/\\d+\\.\\d+\\.\\d+\\S* @sdk/core/${CORE_VERSION.replace(/\./g, '\\.')} node/${node} fleet-sync/2\\.1$`));
    expect(graphqlAgents[1]).toMatch(new RegExp(`^@sdk/totogi/\\d+\\.\\d+\\.\\d+\\S* @sdk/core/\\S+ node/${node}$`));
    expect(graphqlAgents[2]).toMatch(new RegExp(`^@sdk/myphone/\\d+\\.\\d+\\.\\d+\\S* @sdk/core/\\S+ node/${node}$`));
  });
});

describe('log lines', () => {
  it('name the client (overridable) and carry operation, attempt, host and path, status, duration and request id; never variables', async () => {
    const server = await hostileServer((_r, res, n) => (n === 0 ? sendJson(res, { errors: [] }, 503, { 'retry-after': '0' }) : sendJson(res, customer, 200, { 'x-request-id': 'req-42' })));
    const a = lines();
    const b = lines();
    await createWhereverClient({ apiKey: 'key-123456', endpoint: server.url, logger: a.logger, logLevel: 'debug' }).getCustomerData();
    await createWhereverClient({ apiKey: 'key-123456', endpoint: server.url, logger: b.logger, logLevel: 'debug', name: 'wherever-eu' }).getCustomerData();
    expect(a.out.length).toBeGreaterThanOrEqual(4);
    expect(a.out.every((l) => l.message.startsWith('[wherever] '))).toBe(true);
    expect(b.out.every((l) => l.message.startsWith('[wherever-eu] '))).toBe(true);
    const retry = a.out.find((l) => l.meta?.event === 'retry')!;
    expect(retry.message).toMatch(/GetCustomerData retrying in \d+ ms after HTTP 503 \(attempt 1\)/);
    const ok = a.out.filter((l) => l.meta?.event === 'response').at(-1)!;
    expect(ok.level).toBe('debug');
    expect(ok.message).toContain(`GetCustomerData HTTP 200 in `);
    expect(ok.message).toContain(`${server.host}/graphql`);
    expect(ok.message).toContain('request id req-42');
    expect(ok.meta).toMatchObject({ client: 'wherever', operationName: 'GetCustomerData', attempt: 2, status: 200, requestId: 'req-42', host: server.host, path: '/graphql' });
    expect(typeof ok.meta?.durationMs).toBe('number');
    expect(a.out.some((l) => 'variables' in (l.meta ?? {}))).toBe(false);
  });

  it('show variables only when the caller opts in, scrubbed', async () => {
    const server = await hostileServer((_r, res) => sendJson(res, { data: { simcard: { id: '1' } } }));
    const { out, logger } = lines();
    const events: SdkEvent[] = [];
    const password = 'pw-secret-987';
    const login = await hostileServer((_r, res) => sendJson(res, { data: { access: { token: 'mp-token-xyz', expires: new Date(Date.now() + 3_600_000).toISOString() } } }));
    const myphone = createMyPhoneClient({ username: 'u', password, origin: login.origin, endpoint: server.url, logger, logLevel: 'debug', logVariables: true, onEvent: (e) => events.push(e) });
    await myphone.simcard({ id: `42 ${password}` });
    const request = out.find((l) => l.meta?.event === 'request')!;
    expect(request.meta?.variables).toEqual({ id: '42 [REDACTED]' });
    expect(events.find((e) => e.type === 'request')).toMatchObject({ variables: { id: '42 [REDACTED]' } });
  });

  it('retries of a union member name the member (totogi RateLimitExceeded)', async () => {
    const server = await hostileServer((_r, res, n) =>
      sendJson(res, { data: { getAccount: n === 0 ? { __typename: 'RateLimitExceeded', errorCode: 'RateLimitExceeded', errorMessage: 'slow down' } : { __typename: 'Account', accountId: 'a' } } }),
    );
    const { out, logger } = lines();
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-123456' } }, endpoint: server.url, logger, retry: { baseDelayMs: 1 } });
    await totogi.getAccount({ providerId: 'p', accountId: 'a' });
    expect(out.find((l) => l.meta?.event === 'retry')?.message).toMatch(/^\[totogi\] GetAccount retrying in \d+ ms after RateLimitExceeded/);
  });

  it('SDK_LOG turns logging on in a running deployment without code changes (all clients or one by name)', async () => {
    const server = await hostileServer((_r, res) => sendJson(res, customer));
    const written: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ')));
    await createWhereverClient({ apiKey: 'key-123456', endpoint: server.url }).getCustomerData();
    expect(written).toEqual([]);
    process.env.SDK_LOG = 'debug';
    await createWhereverClient({ apiKey: 'key-123456', endpoint: server.url }).getCustomerData();
    expect(written.some((l) => l.startsWith('[wherever] GetCustomerData HTTP 200'))).toBe(true);
    written.length = 0;
    process.env.SDK_LOG = 'totogi=debug,wherever=off';
    await createWhereverClient({ apiKey: 'key-123456', endpoint: server.url, logger: console, logLevel: 'debug' }).getCustomerData();
    expect(written).toEqual([]);
  });
});

describe('serialization', () => {
  it('errors serialize to JSON with name, message and fields; headers print readably; nothing secret', async () => {
    const apiKey = 'key-abcdef-123';
    const server = await hostileServer((_r, res, n) => {
      if (n === 0) {
        res.writeHead(404, { 'content-type': 'text/plain', 'x-request-id': 'req-1', 'x-echo': apiKey });
        return res.end(`nope ${apiKey}`);
      }
      return sendJson(res, customer, 200, { 'x-request-id': 'req-2', 'x-echo': Buffer.from(apiKey).toString('base64') });
    });
    const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0 });
    const err = (await wherever.getCustomerData().catch((e: unknown) => e)) as HttpError;
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    expect(json).toMatchObject({ name: 'HttpError', operationName: 'GetCustomerData', requestId: 'req-1', status: 404, attempts: 1, body: 'nope [REDACTED]' });
    expect(json.message).toContain('HTTP 404');
    expect((json.headers as Record<string, string>)['x-echo']).toBe('[REDACTED]');
    const { response } = await wherever.getCustomerData.withResponse();
    const shown = inspect(response, { depth: 5 });
    expect(shown).not.toContain('NodeHeaders {}');
    expect(shown).toContain("'x-request-id': 'req-2'");
    expect(inspect(response.headers)).toMatch(/^Headers \{/);
    expect(JSON.parse(JSON.stringify(response))).toMatchObject({ status: 200, requestId: 'req-2', attempts: 1, headers: { 'x-request-id': 'req-2', 'x-echo': '[REDACTED]' } });
    expect(response.headers.get('X-Request-Id')).toBe('req-2');
    expect(leaks(`${shown} ${JSON.stringify(response)} ${JSON.stringify(err)} ${inspect(err)}`, [apiKey])).toEqual([]);
  });
});

describe('careless callers', () => {
  it('a name or userAgent that is not printable text is a ValidationError before any request (no header injection)', async () => {
    const server = await hostileServer((_r, res) => sendJson(res, customer));
    for (const bad of [{ userAgent: 'x\r\nx-evil: 1' }, { userAgent: '' }, { name: 42 }, { name: 'wö' }] as const) {
      expect(() => createWhereverClient({ apiKey: 'key-123456', endpoint: server.url, ...(bad as object) })).toThrow(expect.objectContaining({ name: 'ValidationError', field: Object.keys(bad)[0] }));
    }
    expect(server.received).toHaveLength(0);
  });

  it('an unknown SDK_LOG value and a token provider whose secrets() throws or returns junk break nothing', async () => {
    process.env.SDK_LOG = 'verbose,=,wherever=';
    const server = await hostileServer((_r, res) => sendJson(res, { errors: [{ message: 'echo tok-abcdef-1' }] }));
    const provider = { getAccessToken: async () => 'tok-abcdef-1', secrets: () => [undefined, 42, 'tok-abcdef-1'] as unknown as string[] };
    const totogi = createTotogiClient({ auth: { tokenProvider: provider }, endpoint: server.url, retry: 0 });
    const err = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('echo [REDACTED]');
    const throwing = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-abcdef-1', secrets: () => { throw new Error('boom'); } } }, endpoint: server.url, retry: 0 });
    const err2 = await throwing.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect((err2 as Error).name).toBe('GraphQLResponseError');
  });
});
