/**
 * Hostile review of the auth/realtime/env work (issue 11 parts 3/8/9, issue 13 items 1/2/3/8): each test
 * reproduces one finding against real loopback servers, counted at the server.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type SdkEvent } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, everythingShown, hostileServer, leaks, runBundled, sendJson } from './lib.js';

afterEach(async () => {
  vi.unstubAllEnvs();
  await closeAll();
});

const password = 'review-Pa55word-91c2';
const emptyPage = { data: { simcards: { items: [], count: 0 } } };

function jwt(payload: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(payload)}.sig`;
}
function myphoneLogin(token: string, expires = new Date(Date.now() + 3600_000).toISOString(), refresh = `refresh-of-${token}`) {
  return { data: { access: { token, expires }, refresh: { token: refresh, expires } } };
}
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('review: a cancelled renewal is never handed to a caller that did not abort', () => {
  it('a call made right after the only waiter aborted gets a fresh login, not an AbortError', async () => {
    const server = await hostileServer(async (req, res) => {
      if (req.url === '/partner/login') {
        await delay(150);
        return sendJson(res, myphoneLogin('access-token-aaaa'));
      }
      sendJson(res, emptyPage);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: 0 });
    const controller = new AbortController();
    const first = myphone.simcards({}, { signal: controller.signal });
    await delay(30); // the login is in flight
    controller.abort(new Error('caller A gave up'));
    const second = myphone.simcards(); // caller B: no signal, did not abort anything
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).resolves.toBeDefined();
  });
});

describe('review: a token rotated after a 401 stays a secret', () => {
  it('an old access token echoed by the server later is scrubbed from errors and events', async () => {
    const old = 'access-token-OLD-5c1d9e';
    let phase = 0;
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') return sendJson(res, myphoneLogin(old));
      if (req.url === '/partner/refresh') return sendJson(res, myphoneLogin('access-token-NEW-77aa01'));
      phase++;
      if (phase === 1) return sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
      if (phase === 2) return sendJson(res, emptyPage);
      return sendJson(res, { errors: [{ message: `token ${old} was revoked at the gateway` }] }, 500);
    });
    const events: SdkEvent[] = [];
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: 0, onEvent: (e) => events.push(e) });
    await myphone.simcards(); // 401 → refresh → new token → replay
    const err = await myphone.simcards().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(leaks(everythingShown(err), [old])).toEqual([]);
    expect(leaks(events.map((e) => everythingShown(e)).join('\n'), [old])).toEqual([]);
  });
});

describe('review: environment credentials with surrounding whitespace', () => {
  it('WHEREVER_API_KEY with a trailing newline (a mounted secret file): the key the server gets is the key that is scrubbed', async () => {
    const key = 'env-key-3f9a1b77c2';
    const server = await hostileServer((req, res) => sendJson(res, { errors: [{ message: `key ${String(req.headers.authorization)} is suspended` }] }, 403));
    vi.stubEnv('WHEREVER_API_KEY', `${key}\n`);
    const wherever = createWhereverClient({ endpoint: server.url, retry: 0 });
    const err = await wherever.getStatistics().catch((e: unknown) => e);
    expect(server.received.map((r) => r.headers.authorization)).toEqual([key]);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).not.toBe('TypeError');
    expect(leaks(everythingShown(err), [key])).toEqual([]);
  });
});

describe('review: JWT lifetimes', () => {
  it('a re-issued JWT (iat 50 min ago, exp in 10 min, the Date header agreeing) expires in 10 min, not 60', async () => {
    const nowS = () => Math.floor(Date.now() / 1000);
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') {
        const token = jwt({ iat: nowS() - 3000, exp: nowS() + 600 });
        return sendJson(res, myphoneLogin(token), 200, { date: new Date().toUTCString() });
      }
      sendJson(res, emptyPage);
    });
    const tokens: { expiresAt: number }[] = [];
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, onTokens: (t) => void tokens.push(t) });
    await myphone.simcards();
    expect(Math.abs(tokens[0]!.expiresAt - (Date.now() + 600_000))).toBeLessThan(5_000);
  });
});

describe('review: a refused password is not posted on every call', () => {
  it('30 calls against a login that refuses the password post it at most 6 times a minute', async () => {
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') return sendJson(res, { message: 'invalid credentials' }, 401);
      sendJson(res, emptyPage);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: 0 });
    for (let i = 0; i < 30; i++) await myphone.simcards().catch(() => undefined);
    const withPassword = server.received.filter((r) => leaks(r.raw, [password]).length > 0).length;
    expect(withPassword).toBeLessThanOrEqual(6);
  });
});

describe('review: a subscription stopped while its login hangs', () => {
  it('cancels the login: a child process exits promptly', async () => {
    const server = await hostileServer(() => new Promise(() => undefined)); // the login never answers
    const run = await runBundled(
      `import { createSubscriptionClient, tokenAuth } from '@sdk/core';
       import { createMyPhoneTokenManager } from '@sdk/myphone';
       const manager = createMyPhoneTokenManager({ username: 'u', password: 'pw-123456', origin: process.argv[2] });
       const client = createSubscriptionClient({ url: 'ws://127.0.0.1:9/realtime', protocol: 'appsync', auth: tokenAuth(manager) });
       const controller = new AbortController();
       const sub = client.subscribe({ name: 'OnThing', kind: 'subscription', document: 'subscription OnThing{onThing{id}}', bodyPrefix: '', path: ['onThing'] }, {}, { signal: controller.signal });
       setTimeout(() => { controller.abort(); void client.close(); }, 100);
       (async () => { try { for await (const _ of sub) void _; } catch (e) { console.log(e.name); } })();`,
      [server.origin],
      { killAfterMs: 8_000, external: ['ws', 'graphql-ws'] },
    );
    expect(run.stdout.trim()).toBe('AbortError');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(4_000);
  });
});

// ---- realtime: hand-written WebSocket servers (the `ws` package, from core's dependencies) ----
import { createRequire } from 'node:module';
import { ConnectionError, apiKeyAuth, createSubscriptionClient, type OperationDescriptor, type SubscriptionClient } from '@sdk/core';

const requireFromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
const { WebSocketServer } = requireFromCore('ws') as { WebSocketServer: new (o: Record<string, unknown>) => any };
const OnThing: OperationDescriptor<{ onThing: { id: string } | null }, Record<string, never>, { id: string } | null> = {
  name: 'OnThing',
  kind: 'subscription',
  document: 'subscription OnThing{onThing{id}}',
  bodyPrefix: '',
  path: ['onThing'],
};
type Behaviour = (socket: any, m: { type: string; id?: string; payload?: unknown }, send: (m: unknown) => void) => void;
const wsServers: { close(): Promise<void> }[] = [];
const subClients: SubscriptionClient[] = [];
afterEach(async () => {
  for (const c of subClients.splice(0)) await c.close();
  for (const s of wsServers.splice(0)) await s.close();
});
async function wsServer(protocol: 'appsync' | 'graphql-ws', behave: Behaviour) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered: Set<string>) => (protocol === 'appsync' ? 'graphql-ws' : [...offered][0]) });
  await new Promise<void>((r) => wss.on('listening', r));
  const messages: { type: string; id?: string }[] = [];
  let connections = 0;
  wss.on('connection', (socket: any) => {
    connections++;
    const send = (m: unknown) => socket.readyState === 1 && socket.send(JSON.stringify(m));
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(String(data));
      messages.push(m);
      behave(socket, m, send);
    });
  });
  const s = {
    url: `ws://127.0.0.1:${wss.address().port}/graphql/realtime`,
    messages,
    connections: () => connections,
    ends: () => messages.filter((m) => m.type === 'stop' || m.type === 'complete').length,
    open: () => [...wss.clients].filter((c: any) => c.readyState <= 1).length,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
  wsServers.push(s);
  return s;
}
function subClient(url: string, protocol: 'appsync' | 'graphql-ws', extra: Record<string, unknown> = {}): SubscriptionClient {
  const c = createSubscriptionClient({ url, protocol, auth: apiKeyAuth('key-0123456789'), reconnect: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, ...extra });
  subClients.push(c);
  return c;
}
async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await delay(10);
}
const ack = (protocol: 'appsync' | 'graphql-ws') => (protocol === 'appsync' ? { type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } } : { type: 'connection_ack' });

describe.each(['appsync', 'graphql-ws'] as const)('review realtime (%s)', (protocol) => {
  it('a subscription stopped twice sends one stop/complete, and the socket closes', async () => {
    const server = await wsServer(protocol, (_s, m, send) => {
      if (m.type === 'connection_init') return send(ack(protocol));
      if (m.type === 'start') return send({ type: 'start_ack', id: m.id });
    });
    const sub = subClient(server.url, protocol).subscribe(OnThing);
    await sub.ready;
    await sub.return();
    await sub.return();
    await until(() => server.open() === 0);
    expect(server.ends()).toBe(1);
    expect(server.open()).toBe(0);
  });

  it('a subscription stopped while the server has not acked: the socket closes, nothing is started', async () => {
    const server = await wsServer(protocol, () => undefined); // never acks
    const controller = new AbortController();
    const sub = subClient(server.url, protocol).subscribe(OnThing, {}, { signal: controller.signal });
    await until(() => server.messages.some((m) => m.type === 'connection_init'));
    controller.abort();
    await expect(sub.next()).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => server.open() === 0);
    expect(server.open()).toBe(0);
    expect(server.messages.filter((m) => m.type === 'start' || m.type === 'subscribe').length).toBe(0);
  });

  it('data for unknown ids and a flood of garbage frames do not reach the iterator; the real event does', async () => {
    const server = await wsServer(protocol, (socket, m, send) => {
      if (m.type === 'connection_init') return send(ack(protocol));
      if (m.type === 'start' || m.type === 'subscribe') {
        if (protocol === 'appsync') send({ type: 'start_ack', id: m.id });
        const ev = (id: string, value: string) => (protocol === 'appsync' ? { type: 'data', id, payload: { data: { onThing: { id: value } } } } : { type: 'next', id, payload: { data: { onThing: { id: value } } } });
        for (let i = 0; i < 200; i++) send(ev(`not-${i}`, 'stranger'));
        // graphql-transport-ws treats a non-JSON frame as a protocol error (close 4400) by spec: AppSync only.
        if (protocol === 'appsync') for (let i = 0; i < 200; i++) socket.send('{not json');
        send(ev(m.id!, 'mine'));
      }
    });
    const sub = subClient(server.url, protocol).subscribe(OnThing);
    const first = await sub.next();
    expect(first).toEqual({ done: false, value: { id: 'mine' } });
    await sub.return();
  });

  it.each([4400, 4500, 1011, 1002])('a server closing with code %i fails the subscription with a typed error (no hang) and no reconnect storm', async (code) => {
    const server = await wsServer(protocol, (socket, m, send) => {
      if (m.type === 'connection_init') return send(ack(protocol));
      if (m.type === 'start' || m.type === 'subscribe') {
        if (protocol === 'appsync') send({ type: 'start_ack', id: m.id });
        setTimeout(() => socket.close(code, 'odd'), 20);
      }
    });
    const sub = subClient(server.url, protocol).subscribe(OnThing);
    const err = await sub.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect(server.connections()).toBeLessThanOrEqual(2);
  });
});

// ---- waitForBatchJob as a careless caller ----
import { SdkError } from '@sdk/core';

function job(batchJobId: number, currentStatus: string) {
  return {
    __typename: 'BatchJob',
    batchJobId,
    statusDetails: { __typename: 'BatchJobStatusDetails', currentStatus, totalSims: 2, successfulSims: currentStatus === 'COMPLETED' ? 2 : 0, failedSims: 0 },
  };
}

describe('review: waitForBatchJob', () => {
  it('a job id that does not exist (getBatchJob answers null) is a typed SdkError, not a TypeError', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { getBatchJob: null } }));
    const wherever = createWhereverClient({ apiKey: 'key-0123456789', endpoint: server.url });
    const err = await wherever.waitForBatchJob(999_999, { useSubscription: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdkError);
    expect(server.received.length).toBeLessThanOrEqual(2);
  });

  it('aborting while it polls rejects at once with the reason and sends nothing after the abort', async () => {
    const server = await hostileServer((req, res) => sendJson(res, { data: { getBatchJob: job(7, 'IN_PROGRESS') } }));
    const wherever = createWhereverClient({ apiKey: 'key-0123456789', endpoint: server.url });
    const controller = new AbortController();
    const waiting = wherever.waitForBatchJob(7, { useSubscription: false, pollIntervalMs: 20, signal: controller.signal, resolveFailures: false });
    await delay(100);
    controller.abort(new Error('shutting down'));
    const at = server.received.length;
    const started = Date.now();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(500);
    await delay(100);
    // One read may have been on the wire when the abort came; none may start after it.
    expect(server.received.length).toBeLessThanOrEqual(at + 1);
  });

  it('auto mode against a socket that never acks: polling finishes the job, the socket is closed afterwards', async () => {
    let reads = 0;
    const server = await hostileServer((_req, res) => sendJson(res, { data: { getBatchJob: job(8, ++reads >= 3 ? 'COMPLETED' : 'IN_PROGRESS') } }));
    const ws = await wsServer('appsync', () => undefined); // accepts, never acks
    const wherever = createWhereverClient({ apiKey: 'key-0123456789', endpoint: server.url, realtime: { url: ws.url } });
    const { via, job: done } = await wherever.waitForBatchJob(8, { pollIntervalMs: 20, resolveFailures: false });
    expect(done.statusDetails.currentStatus).toBe('COMPLETED');
    expect(via).toBe('polling');
    await until(() => ws.open() === 0);
    expect(ws.open()).toBe(0);
  });
});

describe('review: a new user with two vendors and listen()', () => {
  it('Totogi and MyPhone kits over loopback: tokens expire and refresh, then everything closes and the process exits', async () => {
    const run = await runBundled(
      `import { createTotogiClient } from '@sdk/totogi';
       import { createTotogiMock } from '@sdk/totogi/testing';
       import { createMyPhoneClient } from '@sdk/myphone';
       import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
       const totogiApi = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 3 }] });
       const myphoneApi = createMyPhoneMock({ simcards: generateSimcards(5) });
       const [t, m] = await Promise.all([totogiApi.listen(), myphoneApi.listen()]);
       const totogi = createTotogiClient(t.clientOptions);
       const myphone = createMyPhoneClient(m.clientOptions);
       const a = await totogi.getAccount({ providerId: totogiApi.providerId, accountId: 'acc-1' });
       const s = await myphone.simcards({ limit: 2 });
       totogiApi.auth.expireTokens();
       myphoneApi.auth.expireTokens();
       await totogi.getAccount({ providerId: totogiApi.providerId, accountId: 'acc-1' });
       await myphone.simcards({ limit: 2 });
       console.log(JSON.stringify({ balance: a?.balance?.value, items: s.items.length, logins: [totogiApi.auth.logins, myphoneApi.auth.logins], refreshes: [totogiApi.auth.refreshes, myphoneApi.auth.refreshes] }));
       await Promise.all([t.close(), m.close()]);`,
      [],
      { killAfterMs: 10_000 },
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ balance: 3, items: 2, logins: [1, 1] });
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(5_000);
  }, 20_000);
});

import { RedirectError } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';

describe('review: redirects of every kind on login, refresh and Cognito', () => {
  it.each([301, 302, 303, 307, 308])('HTTP %i: MyPhone login, MyPhone refresh and Cognito never reach the other host', async (status) => {
    const elsewhere = await hostileServer((_req, res) => sendJson(res, myphoneLogin('stolen-token-1')));
    let refreshTried = false;
    const myphoneServer = await hostileServer((req, res) => {
      if (req.url === '/partner/refresh') {
        refreshTried = true;
        res.writeHead(status, { location: `${elsewhere.origin}/partner/refresh` });
        return res.end();
      }
      if (req.url === '/partner/login' && refreshTried) {
        res.writeHead(status, { location: `${elsewhere.origin}/partner/login` });
        return res.end();
      }
      if (req.url === '/partner/login') return sendJson(res, myphoneLogin('access-token-first'));
      return sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: myphoneServer.origin, retry: 0 });
    const err = await myphone.simcards().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const cognito = await hostileServer((_req, res) => {
      res.writeHead(status, { location: `${elsewhere.origin}/` });
      res.end();
    });
    const totogi = createTotogiClient({ endpoint: `${elsewhere.origin}/graphql-unused`, auth: { username: 'u', password, clientId: 'c', region: 'us-east-1', cognitoEndpoint: cognito.origin }, retry: 0 });
    const cognitoErr = await totogi.getAccount({ providerId: 'p', accountId: 'a' }).catch((e: unknown) => e);
    expect(cognitoErr).toBeInstanceOf(RedirectError);
    expect(elsewhere.received.length).toBe(0);
    expect(leaks(everythingShown(err) + everythingShown(cognitoErr), [password])).toEqual([]);
  });
});

describe('review: 1,000 concurrent callers at expiry, 999 of them giving up', () => {
  it('one login; the one caller that keeps waiting gets its answer', async () => {
    const server = await hostileServer(async (req, res) => {
      if (req.url === '/partner/login') {
        await delay(200);
        return sendJson(res, myphoneLogin('access-token-bulk'));
      }
      sendJson(res, emptyPage);
    });
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: 0 });
    const controllers = Array.from({ length: 1000 }, () => new AbortController());
    const calls = controllers.map((c) => myphone.simcards({}, { signal: c.signal }).then(() => 'ok', (e: Error) => e.name));
    await delay(50);
    for (const c of controllers.slice(1)) c.abort();
    const results = await Promise.all(calls);
    expect(results[0]).toBe('ok');
    expect(results.filter((r) => r === 'AbortError').length).toBe(999);
    expect(server.received.filter((r) => r.url === '/partner/login').length).toBe(1);
  });
});

describe('review: a refresh endpoint that rotates, then refuses', () => {
  it('falls back to one login; the rotated refresh token was used, the password sent twice in total', async () => {
    let refreshes = 0;
    let graphql = 0;
    const server = await hostileServer((req, res) => {
      if (req.url === '/partner/login') return sendJson(res, myphoneLogin(`access-login-${server.received.length}`, undefined, 'refresh-A'));
      if (req.url === '/partner/refresh') {
        refreshes++;
        if (refreshes === 1) return sendJson(res, myphoneLogin('access-rotated', undefined, 'refresh-B'));
        return sendJson(res, { message: 'refresh token revoked' }, 401);
      }
      graphql++;
      if (graphql === 1 || graphql === 3) return sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
      sendJson(res, emptyPage);
    });
    const events: SdkEvent[] = [];
    const myphone = createMyPhoneClient({ username: 'u', password, origin: server.origin, retry: 0, onEvent: (e) => events.push(e) });
    await myphone.simcards(); // 401 → refresh (rotates) → replay
    await myphone.simcards(); // 401 → refresh refused → login → replay
    const refreshBodies = server.received.filter((r) => r.url === '/partner/refresh').map((r) => r.raw);
    expect(refreshBodies[1]).toContain('refresh-B');
    expect(server.received.filter((r) => leaks(r.raw, [password]).length > 0).length).toBe(2);
    expect(leaks(events.map((e) => everythingShown(e)).join('\n'), [password, 'refresh-A', 'refresh-B', 'access-rotated'])).toEqual([]);
  });
});
