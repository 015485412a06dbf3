/**
 * Issue 11 part 4 (secrets shown) against hand-written loopback servers that echo every secret the client
 * holds or has held, in every encoding, in bodies, headers (request ids included), GraphQL errors, union
 * members and login errors. Every sink is searched: the thrown error, debug log lines, onEvent events
 * (JSON and inspect), withResponse() metadata, and inspect/JSON of the client.
 */
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, AuthError, GraphQLResponseError, HttpError, type Logger, type SdkEvent } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, encodingsOf, everythingShown, hostileServer, leaks, sendJson, type Received } from './lib.js';

afterEach(closeAll);

let serial = 0;
/** A token shaped like a JWT (base64url parts), unique per call. */
const token = (kind: string) => `eyJ${kind}${(++serial).toString(36)}Zz0.${Buffer.from(`${kind}-${serial}-payload-${Math.random()}`).toString('base64url')}.sig_${kind}_${serial}`;

/** Every encoding of every secret, in one text a server sends back. */
const echo = (secrets: readonly string[]) => secrets.flatMap((s) => encodingsOf(s)).join(' | ');
/** Header-safe encodings (printable ASCII), one header each, plus a request id holding one of them. */
function echoHeaders(secrets: readonly string[], requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  secrets.flatMap((s) => encodingsOf(s)).filter((f) => /^[\x20-\x7e]+$/.test(f)).forEach((f, i) => (headers[`x-echo-${i}`] = f));
  return headers;
}

/** Every sink a user or operator can see: logger lines (debug), events as JSON and inspect. */
function sinks() {
  const logged: string[] = [];
  const events: SdkEvent[] = [];
  const line = (m: string, meta?: Record<string, unknown>) => logged.push(m, JSON.stringify(meta), inspect(meta, { depth: 20 }));
  const logger: Logger = { debug: line, info: line, warn: line, error: line };
  return {
    logged,
    events,
    options: { logger, logLevel: 'debug' as const, onEvent: (e: SdkEvent) => events.push(e) },
    shown: () => [...logged, ...events.map((e) => `${JSON.stringify(e)}\n${inspect(e, { depth: 20 })}`)].join('\n'),
  };
}

function graphql(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) {
  sendJson(res, body, status, headers);
}

describe('wherever: the API key in every encoding, everywhere', () => {
  const apiKey = 'wk_live"7f/3+a b=c\\9Q&x=%41';

  it('is scrubbed from errors (messages, stacks, bodies, headers, GraphQL errors and data, request ids), logs, events and response metadata', async () => {
    const all = [apiKey];
    const steps: ((r: Received, res: ServerResponse) => void)[] = [
      (_r, res) => {
        res.writeHead(500, { 'content-type': 'text/plain', ...echoHeaders(all, apiKey) });
        res.end(`upstream said ${echo(all)}`);
      },
      (_r, res) => graphql(res, { errors: [{ message: `denied ${echo(all)}`, extensions: { echo: echo(all), nested: [{ key: apiKey }] } }], data: { getCustomerData: { current_name: echo(all) } } }, 200, echoHeaders(all, Buffer.from(apiKey).toString('base64'))),
      (_r, res) => {
        res.writeHead(429, { 'content-type': 'text/plain', ...echoHeaders(all, encodeURIComponent(apiKey)) });
        res.end(echo(all));
      },
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'text/html', ...echoHeaders(all, Buffer.from(apiKey).toString('base64url')) });
        res.end(`<html>${echo(all)}</html>`);
      },
      (_r, res) => graphql(res, { errors: [{ message: `bad key ${JSON.stringify(apiKey).slice(1, -1)}` }] }, 400, echoHeaders(all, new URLSearchParams({ k: apiKey }).toString().slice(2))),
      (_r, res) => graphql(res, { data: { getCustomerData: { customerid: 1, current_name: 'ACME', is_test_customer: false } } }, 200, echoHeaders(all, apiKey)),
    ];
    const server = await hostileServer((r, res, n) => steps[n]!(r, res));
    const sink = sinks();
    const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0, ...sink.options });

    const errors: unknown[] = [];
    for (let i = 0; i < 5; i++) errors.push(await wherever.getCustomerData().catch((e: unknown) => e));
    expect(errors.map((e) => (e as Error).name)).toEqual(['HttpError', 'GraphQLResponseError', 'HttpError', 'HttpError', 'GraphQLResponseError']);
    for (const err of errors) expect(leaks(everythingShown(err), all)).toEqual([]);
    // Structured fields are scrubbed, not dropped: the server's words remain.
    expect((errors[0] as HttpError).requestId).toBe('[REDACTED]');
    expect((errors[0] as HttpError).body).toContain('upstream said');
    expect((errors[1] as GraphQLResponseError).errors[0]!.message).toContain('denied [REDACTED]');

    const { response } = await wherever.getCustomerData.withResponse();
    expect(response.requestId).toBe('[REDACTED]');
    expect(leaks(everythingShown(response), all)).toEqual([]);
    expect(leaks(`${inspect(response.headers)} ${JSON.stringify(response.headers)}`, all)).toEqual([]);
    expect(sink.events.filter((e) => e.type === 'response')).toHaveLength(6);
    expect(leaks(sink.shown(), all)).toEqual([]);
    expect(leaks(everythingShown(wherever), all)).toEqual([]);
    // The key did go to the server, so the search above could have found it.
    expect(server.received[0]!.headers.authorization).toBe(apiKey);
  });

  it('caps a 5 MB server message: the error, its GraphQL entries and the log line stay small', async () => {
    const huge = `${'x'.repeat(5 * 1024 * 1024)} ${apiKey}`;
    const server = await hostileServer((_r, res) => graphql(res, { errors: [{ message: huge }] }));
    const sink = sinks();
    const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0, ...sink.options });
    const err = (await wherever.getCustomerData().catch((e: unknown) => e)) as GraphQLResponseError;
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect(err.message.length).toBeLessThan(5000);
    expect(err.message).toMatch(/more characters cut\]$/);
    expect(err.errors[0]!.message.length).toBeLessThan(5000);
    expect(JSON.stringify(err).length).toBeLessThan(12_000);
    expect(sink.logged.every((l) => l.length < 20_000)).toBe(true);
  });

  it('walks deep server JSON without a RangeError (no stringify/parse round trip)', async () => {
    const deep = `${'{"d":'.repeat(5000)}${JSON.stringify(apiKey)}${'}'.repeat(5000)}`;
    const server = await hostileServer((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"errors":[{"message":"deep","extensions":{"deep":${deep}}}]}`);
    });
    const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0 });
    const err = await wherever.getCustomerData().catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(RangeError);
    expect((err as Error).name).toMatch(/Error$/);
    expect(leaks(everythingShown(err), [apiKey])).toEqual([]);
  });
});

describe('totogi: password, client secret and every Cognito token, rotated ones included', () => {
  const password = 'pä"ss wörd/+&=%1 Tt';
  const clientSecret = 'cs_"sec/ret+ 42&x';

  it('keeps a token rotated after a 401 scrubbed when the server echoes it later, in every sink', async () => {
    const issued: string[] = [];
    const issue = (withRefresh: boolean) => {
      const set = { AccessToken: token('acc'), IdToken: token('id'), ...(withRefresh ? { RefreshToken: token('ref') } : {}) };
      issued.push(...Object.values(set));
      return set;
    };
    const all = () => [password, clientSecret, ...issued];
    let graphqlCalls = 0;
    const server = await hostileServer((r, res) => {
      if (r.url === '/cognito') {
        const flow = (r.json as { AuthFlow?: string } | undefined)?.AuthFlow;
        // A refresh answers without a new refresh token, as Cognito does.
        return sendJson(res, { AuthenticationResult: { ...issue(flow === 'USER_PASSWORD_AUTH'), ExpiresIn: 3600 } }, 200, { 'content-type': 'application/x-amz-json-1.1' });
      }
      const n = graphqlCalls++;
      if (n === 0) return graphql(res, { errors: [{ message: 'Unauthorized', errorType: 'UnauthorizedException' }] }, 401);
      if (n === 1) return graphql(res, { data: { getAccount: { __typename: 'Account', providerId: 'p', accountId: 'a' } } });
      if (n === 2) return graphql(res, { data: { getAccount: { __typename: 'AccountNotFound', errorCode: 'AccountNotFound', errorMessage: `no account for ${echo(all())}`, providerId: 'p', accountId: echo(all()) } } }, 200, echoHeaders(all(), issued[0]!));
      if (n === 3) return graphql(res, { errors: [{ message: `bad ${echo(all())}`, path: ['getAccount'] }], data: { getAccount: null } }, 200, echoHeaders(all(), Buffer.from(issued[0]!).toString('base64')));
      if (n === 4) {
        res.writeHead(502, { 'content-type': 'text/html', ...echoHeaders(all(), issued[2]!) });
        return res.end(echo(all()));
      }
      return graphql(res, { data: { getAccount: { __typename: 'Account', providerId: 'p', accountId: 'a' } } }, 200, echoHeaders(all(), encodeURIComponent(issued[0]!)));
    });
    const sink = sinks();
    const totogi = createTotogiClient({ auth: { username: 'ops@example.com', password, clientId: 'client-1', clientSecret, region: 'us-east-1', cognitoEndpoint: `${server.origin}/cognito` }, endpoint: server.url, retry: 0, ...sink.options });

    await totogi.getAccount({ providerId: 'p', accountId: 'a' }); // 401 → refresh → replay
    expect(issued).toHaveLength(5); // two token sets: the first one was rotated
    expect(server.received.filter((r) => r.url === '/graphql')[1]!.headers.authorization).toBe(issued[3]);

    const member = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect(member).toBeInstanceOf(ApiError);
    expect((member as ApiError).requestId).toBe('[REDACTED]');
    const gqlError = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect(gqlError).toBeInstanceOf(GraphQLResponseError);
    const httpError = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect(httpError).toBeInstanceOf(HttpError);
    for (const err of [member, gqlError, httpError]) expect(leaks(everythingShown(err), all())).toEqual([]);
    expect((member as ApiError).errorMessage).toContain('no account for [REDACTED]');

    const { response } = await totogi.getAccount.withResponse({ providerId: 'p', accountId: 'a' });
    expect(leaks(everythingShown(response), all())).toEqual([]);
    expect(leaks(sink.shown(), all())).toEqual([]);
    expect(leaks(everythingShown(totogi), all())).toEqual([]);
  });

  it('scrubs a Cognito login refusal that echoes the password and client secret in every encoding', async () => {
    const all = [password, clientSecret];
    const server = await hostileServer((_r, res) =>
      sendJson(res, { __type: 'com.amazonaws.cognito#NotAuthorizedException', message: `Incorrect ${echo(all)}` }, 400, { 'content-type': 'application/x-amz-json-1.1', ...echoHeaders(all, encodeURIComponent(clientSecret)) }),
    );
    const sink = sinks();
    const totogi = createTotogiClient({ auth: { username: 'ops@example.com', password, clientId: 'client-1', clientSecret, region: 'us-east-1', cognitoEndpoint: `${server.origin}/` }, endpoint: `${server.origin}/graphql`, retry: 0, ...sink.options });
    const err = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('NotAuthorizedException');
    expect(leaks(everythingShown(err), all)).toEqual([]);
    expect(leaks(sink.shown(), all)).toEqual([]);
  });
});

describe('myphone: password and tokens, rotated ones included', () => {
  const password = 'mp "pass/wörd"+&=%2';

  it('scrubs login and refresh tokens echoed after rotation, in every sink', async () => {
    const issued: string[] = [];
    const tokens = () => {
      const access = token('mpa');
      const refresh = token('mpr');
      issued.push(access, refresh);
      const later = new Date(Date.now() + 3_600_000).toISOString();
      return { data: { access: { token: access, expires: later }, refresh: { token: refresh, expires: later } } };
    };
    const all = () => [password, ...issued];
    let graphqlCalls = 0;
    const server = await hostileServer((r, res) => {
      if (r.url === '/partner/login' || r.url === '/partner/refresh') return sendJson(res, tokens());
      const n = graphqlCalls++;
      if (n === 0) return graphql(res, { errors: [{ message: 'Unauthenticated.' }] }, 401);
      if (n === 1) return graphql(res, { data: { simcard: { id: '42' } } });
      if (n === 2) return graphql(res, { errors: [{ message: `token ${echo(all())} is odd`, extensions: { token: issued[0] } }] }, 200, echoHeaders(all(), issued[0]!));
      res.writeHead(500, { 'content-type': 'text/plain', ...echoHeaders(all(), Buffer.from(issued[1]!).toString('base64url')) });
      return res.end(echo(all()));
    });
    const sink = sinks();
    const myphone = createMyPhoneClient({ username: 'partner', password, origin: server.origin, retry: 0, ...sink.options });
    await myphone.simcard({ id: '42' }); // 401 → refresh → replay
    expect(issued).toHaveLength(4);
    const errors = [await myphone.simcard({ id: '42' }).catch((e: unknown) => e), await myphone.simcard({ id: '42' }).catch((e: unknown) => e)];
    expect(errors.map((e) => (e as Error).name)).toEqual(['GraphQLResponseError', 'HttpError']);
    for (const err of errors) expect(leaks(everythingShown(err), all())).toEqual([]);
    expect(leaks(sink.shown(), all())).toEqual([]);
    expect(leaks(everythingShown(myphone), all())).toEqual([]);
  });

  it('scrubs a login refusal that echoes the password in every encoding, in body and headers', async () => {
    const server = await hostileServer((_r, res) => sendJson(res, { message: `wrong password ${echo([password])}` }, 401, echoHeaders([password], encodeURIComponent(password))));
    const sink = sinks();
    const myphone = createMyPhoneClient({ username: 'partner', password, origin: server.origin, retry: 0, ...sink.options });
    const err = await myphone.simcard({ id: '42' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain('wrong password');
    expect(leaks(everythingShown(err), [password])).toEqual([]);
    expect(leaks(sink.shown(), [password])).toEqual([]);
  });
});

describe('each leak the issue names, alone (raw forms the old redact already knew, so only the named gap fails)', () => {
  it('a token rotated after a 401 stays scrubbed when echoed raw later (myphone)', async () => {
    const issued: string[] = [];
    let graphqlCalls = 0;
    const server = await hostileServer((r, res) => {
      if (r.url !== '/partner/graphql') {
        const later = new Date(Date.now() + 3_600_000).toISOString();
        const access = token('rot');
        issued.push(access);
        return sendJson(res, { data: { access: { token: access, expires: later } } });
      }
      if (graphqlCalls++ === 0) return graphql(res, { errors: [{ message: 'Unauthenticated.' }] }, 401);
      return graphql(res, { errors: [{ message: `your old token ${issued[0]} was revoked` }] });
    });
    const sink = sinks();
    const myphone = createMyPhoneClient({ username: 'partner', password: 'pw-123456', origin: server.origin, refresh: false, retry: 0, ...sink.options });
    const err = await myphone.simcard({ id: '1' }).catch((e: unknown) => e);
    expect(issued).toHaveLength(2);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect((err as Error).message).toContain('your old token [REDACTED] was revoked');
    expect(everythingShown(err)).not.toContain(issued[0]);
    expect(sink.shown()).not.toContain(issued[0]);
  });

  it('a request id echoing the key is scrubbed in err.requestId and in response events (wherever)', async () => {
    const apiKey = 'wk_live_plainKEY_123456';
    const server = await hostileServer((_r, res) => graphql(res, { errors: [{ message: 'no' }] }, 200, { 'x-request-id': apiKey }));
    const events: SdkEvent[] = [];
    const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0, onEvent: (e) => events.push(e) });
    const err = (await wherever.getCustomerData().catch((e: unknown) => e)) as GraphQLResponseError;
    expect(err.requestId).toBe('[REDACTED]');
    const response = events.find((e) => e.type === 'response');
    expect(response).toMatchObject({ type: 'response', requestId: '[REDACTED]' });
  });

  it('a JSON-escaped echo inside a string value is scrubbed from GraphQLResponseError.errors and ApiError fields (totogi, token provider)', async () => {
    const secret = 'tok"with\\quotes/and-slashes';
    const escaped = JSON.stringify(secret).slice(1, -1);
    const server = await hostileServer((_r, res, n) =>
      n === 0
        ? graphql(res, { errors: [{ message: `got ${escaped}`, extensions: { sent: escaped } }] })
        : graphql(res, { data: { getAccount: { __typename: 'AccountNotFound', errorCode: 'AccountNotFound', errorMessage: `no ${escaped}`, accountId: escaped } } }),
    );
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'ok-token-123' }, secrets: [secret] }, endpoint: server.url, retry: 0 });
    const first = (await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e)) as GraphQLResponseError;
    expect(JSON.stringify(first.errors)).not.toContain(JSON.stringify(escaped).slice(1, -1));
    expect(first.errors[0]!.extensions).toEqual({ sent: '[REDACTED]' });
    const second = (await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e)) as ApiError;
    expect(second.errorMessage).toBe('no [REDACTED]');
    expect((second as unknown as { accountId: string }).accountId).toBe('[REDACTED]');
  });
});
