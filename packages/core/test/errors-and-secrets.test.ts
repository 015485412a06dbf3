import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  HttpError,
  SdkError,
  TokenManager,
  apiKeyAuth,
  buildMethods,
  createExecutor,
  isApiError,
  redact,
  tokenAuth,
  type Logger,
  type SdkEvent,
} from '@sdk/core';
import { graphqlRequestTransport } from '@sdk/core/graphql-request';
import { ok, op, scriptedServer, type Scripted } from './helpers.js';

let server: Scripted | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('error hierarchy', () => {
  it('subclasses answer instanceof for themselves and SdkError only', () => {
    const err = new HttpError('x', { status: 500 });
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toBeInstanceOf(SdkError);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AuthError);
    expect(err.name).toBe('HttpError');
  });

  it('instanceof works across two copies of @sdk/core (the ESM and CJS builds are separate classes)', () => {
    const dist = new URL('../dist/index.cjs', import.meta.url);
    if (!existsSync(dist)) return expect.fail('build @sdk/core first (pnpm build)');
    const other = createRequire(import.meta.url)(dist.pathname) as typeof import('@sdk/core');
    expect(other.HttpError).not.toBe(HttpError);
    const foreign = new other.HttpError('from the other copy', { status: 503 });
    expect(foreign).toBeInstanceOf(HttpError);
    expect(foreign).toBeInstanceOf(SdkError);
    expect(foreign).not.toBeInstanceOf(ApiError);
    expect(new HttpError('x', { status: 1 })).toBeInstanceOf(other.SdkError);
  });

  it('isApiError narrows by typename', () => {
    const err: unknown = new ApiError({ __typename: 'AccountNotFound', errorCode: 'NF', errorMessage: 'gone', accountId: 'a1' });
    expect(isApiError(err)).toBe(true);
    expect(isApiError(err, 'AccountNotFound')).toBe(true);
    expect(isApiError(err, 'RateLimitExceeded')).toBe(false);
    if (isApiError(err, 'AccountNotFound')) expect(err.accountId).toBe('a1');
  });
});

describe('secrets never leak', () => {
  const SECRETS = ['sk_live_API_KEY_4f1d', 'hunter2-password-77', 'eyJhbGciOiJ-access-token', 'refresh-token-9c2e'];

  it('not in errors, stacks, inspect or JSON of errors and clients, nor in anything logged', async () => {
    // The server echoes the credentials back in every kind of failure.
    const echo = `${SECRETS.join(' ')} <html>`;
    server = await scriptedServer((n) =>
      [
        { status: 500, body: echo },
        { json: { errors: [{ message: `bad token ${SECRETS[2]}` }] } },
        { status: 401, body: echo },
        { status: 403, body: echo },
        { json: { data: { thing: { __typename: 'Denied', errorCode: 'X', errorMessage: `key ${SECRETS[0]}` } } } },
        { status: 200, body: echo, headers: { 'content-type': 'text/html' } },
        'reset',
      ][n % 7] as never,
    );
    const logged: string[] = [];
    const logger: Logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((l) => [l, (m: string, meta?: unknown) => logged.push(m, JSON.stringify(meta))]));
    const events: SdkEvent[] = [];
    const manager = new TokenManager({
      login: async () => ({ accessToken: SECRETS[2]!, expiresAt: Date.now() + 60_000, refreshToken: SECRETS[3] }),
      refresh: async () => ({ accessToken: SECRETS[2]!, expiresAt: Date.now() + 60_000 }),
    });
    const clients = [
      createExecutor({ endpoint: server.url, auth: apiKeyAuth(SECRETS[0]!), retry: 0, logger, logLevel: 'debug', onEvent: (e) => events.push(e) }),
      createExecutor({ endpoint: server.url, auth: tokenAuth(manager, { secrets: [SECRETS[1]!] }), retry: 0, logger, logLevel: 'debug', onEvent: (e) => events.push(e) }),
    ];
    // Each client can only scrub what it was given: the API key client its key, the token client its password and tokens.
    const known = [[SECRETS[0]!], SECRETS.slice(1)];
    let redactions = 0;
    for (const [index, ex] of clients.entries()) {
      logged.length = 0;
      events.length = 0;
      const errors: unknown[] = [];
      for (let i = 0; i < 7; i++) errors.push(await ex.execute(op('Q', 'query', { errorTypenames: ['Denied'] }), {}, {}).catch((e: unknown) => e));
      expect(errors.every((e) => e instanceof SdkError)).toBe(true);
      const methods = buildMethods(ex, [op('Q')], { name: 'TestClient' });
      const outputs = [
        ...errors.flatMap((e) => [String(e), (e as Error).stack ?? '', inspect(e, { depth: 10 }), JSON.stringify(e)]),
        inspect(ex, { depth: 10 }),
        inspect(methods, { depth: 10, showHidden: true }),
        JSON.stringify(methods),
        inspect(manager, { depth: 10, showHidden: true }),
        ...logged,
        JSON.stringify(events, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
      ];
      expect(logged.length).toBeGreaterThan(10);
      for (const text of outputs) for (const secret of known[index]!) expect(text).not.toContain(secret);
      redactions += outputs.join('\n').split('[REDACTED]').length - 1;
    }
    expect(redactions).toBeGreaterThan(0);
  });
});

describe('redaction', () => {
  it('scrubs secrets in raw and JSON-escaped form', () => {
    const secret = 'pa"ss\\word-42';
    const echoed = `body was ${JSON.stringify({ password: secret })} and raw ${secret}`;
    const out = redact(echoed, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(2);
  });
});

describe('observability', () => {
  it('emits request, response, retry and error events with operation, attempt, duration and status', async () => {
    server = await scriptedServer([{ status: 503 }, ok(), { status: 400, body: 'bad' }]);
    const events: SdkEvent[] = [];
    const ex = createExecutor({ endpoint: server.url, auth: apiKeyAuth('k-1234'), retry: { baseDelayMs: 1 }, onEvent: (e) => events.push(e) });
    await ex.execute(op('Q'), {}, {});
    await ex.execute(op('Q'), {}, {}).catch(() => undefined);
    expect(events.map((e) => e.type)).toEqual(['request', 'response', 'retry', 'request', 'response', 'request', 'response', 'error']);
    expect(events[1]).toMatchObject({ operationName: 'Q', attempt: 1, status: 503 });
    expect(typeof (events[1] as { durationMs: number }).durationMs).toBe('number');
  });

  it('logs at the chosen level only', async () => {
    server = await scriptedServer([{ status: 503 }, ok()]);
    const seen: string[] = [];
    const logger: Logger = { debug: (m) => seen.push(`debug ${m}`), warn: (m) => seen.push(`warn ${m}`) };
    const ex = createExecutor({ endpoint: server.url, auth: apiKeyAuth('k-1234'), retry: { baseDelayMs: 1 }, logger, logLevel: 'warn' });
    await ex.execute(op('Q'), {}, {});
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^warn \[sdk\] Q retrying in \d+ ms after HTTP 503 \(attempt 1\)/);
  });
});

describe('graphql-request adapter', () => {
  it('runs operations through a GraphQLClient and never lets its errors (which embed variables) escape', async () => {
    server = await scriptedServer([ok({ id: '9' }), { status: 500, body: 'oops' }, { json: { errors: [{ message: 'denied' }] } }]);
    const ex = createExecutor({ endpoint: server.url, auth: apiKeyAuth('k-1234'), retry: 0, transport: graphqlRequestTransport() });
    expect((await ex.execute(op('Q'), { password: 'pw-in-variables' }, {})).data).toEqual({ id: '9' });
    expect(server.seen[0]!.body).toMatchObject({ query: 'query Q{thing{id}}', variables: { password: 'pw-in-variables' } });
    expect(server.seen[0]!.headers.authorization).toBe('k-1234');
    for (let i = 0; i < 2; i++) {
      const err = await ex.execute(op('Q'), { password: 'pw-in-variables' }, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SdkError);
      expect(`${String(err)} ${inspect(err, { depth: 10 })}`).not.toContain('pw-in-variables');
    }
  });
});

describe('hooks that throw', () => {
  it('a throwing onEvent or logger never breaks a request or its retries', async () => {
    server = await scriptedServer([{ status: 503 }, ok()]);
    const boom = () => {
      throw new Error('listener bug');
    };
    const ex = createExecutor({ endpoint: server.url, auth: apiKeyAuth('k-1234'), retry: { baseDelayMs: 1 }, onEvent: boom, logger: { debug: boom, info: boom, warn: boom, error: boom }, logLevel: 'debug' });
    await expect(ex.execute(op('Q'), {}, {})).resolves.toMatchObject({ data: { id: '1' }, response: { attempts: 2 } });
  });
});
