/**
 * Review of issue 16's per-call path (commit 400041b): the default transport cancels through an
 * AttemptControl instead of an AbortSignal listener, token headers are one frozen object per token, and
 * request/response events are built only when someone listens. Each test attacks one of those as a hostile
 * server, a careless caller or a user's wrapper would, and counts at the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, TimeoutError, httpTransport, type Transport } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

const account = VENDORS[0]!.queryData;
const debit = VENDORS[0]!.mutationData;

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

/** A server that never answers; counts exchanges the client tore down. */
async function stalling() {
  let torn = 0;
  const server = await hostileServer((_req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) torn++;
    });
  });
  return Object.assign(server, { torn: () => torn });
}

describe('a user wrapper around httpTransport() keeps its own cancellation', () => {
  it("a wrapper that replaces request.signal (its own shutdown signal) still cancels the default transport", async () => {
    const server = await stalling();
    const shutdown = new AbortController();
    const inner = httpTransport();
    const transport: Transport = (req) => inner({ ...req, signal: AbortSignal.any([req.signal, shutdown.signal]) });
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-w1' } }, endpoint: server.url, transport, timeoutMs: 5_000, retry: 0 });
    const pending = totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await until(() => server.received.length === 1);
    shutdown.abort(new Error('wrapper shutdown'));
    const outcome = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still pending after 1s'), 1000))]);
    expect(outcome).not.toBe('still pending after 1s');
    await until(() => server.torn() === 1);
    expect(server.torn()).toBe(1);
  });

  it('a hedging wrapper (two concurrent sends of one attempt) is still bounded by timeoutMs', async () => {
    // The first send is reset at once, the second stalls: the attempt timeout must still end the call.
    const server = await hostileServer((_req, res, n) => {
      if (n === 0) res.socket?.destroy();
    });
    const inner = httpTransport();
    const transport: Transport = (req) => Promise.any([inner(req), new Promise((r) => setTimeout(r, 5)).then(() => inner(req))]);
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-w2' } }, endpoint: server.url, transport, timeoutMs: 200, retry: 0 });
    const outcome = await Promise.race([
      totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).catch((e: unknown) => e),
      new Promise((r) => setTimeout(() => r('still pending after 2s'), 2000)),
    ]);
    expect(outcome).toBeInstanceOf(TimeoutError);
  });
});

describe("the caller's signal", () => {
  it('aborted right after the call (while the token is read) sends nothing: no mutation receipt', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: debit }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-s1' } }, endpoint: server.url, retry: 0 });
    const controller = new AbortController();
    const pending = totogi.debitAccount({ input: { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } }, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('changed my mind'));
    const err = await pending;
    await new Promise((r) => setTimeout(r, 100));
    expect(err).toBeInstanceOf(AbortError);
    expect(server.receipts('DebitAccount')).toBe(0);
  });
});

describe('one frozen headers object per token', () => {
  it('a custom transport that adds a header for one call does not leak it into the next call', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: account }));
    const inner = httpTransport();
    let tenant: string | undefined = 'tenant-a';
    const transport: Transport = (req) => {
      // A careless but common wrapper: it writes into the request's headers.
      if (tenant) req.headers['x-tenant'] = tenant;
      return inner(req);
    };
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-h1' } }, endpoint: server.url, transport, retry: 0 });
    await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    tenant = undefined;
    await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    expect(server.received[0]!.headers['x-tenant']).toBe('tenant-a');
    expect(server.received[1]!.headers['x-tenant']).toBeUndefined();
  });

  it('a rotated token is sent on the next call, A→B→A, and a 401 replays with what the provider gives after invalidate', async () => {
    const tokens = ['tok-A', 'tok-B', 'tok-A', 'tok-A'];
    let i = 0;
    const invalidated: string[] = [];
    const server = await hostileServer((req, res, n) => {
      if (n === 3) return sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
      sendJson(res, { data: account });
    });
    const totogi = createTotogiClient({
      auth: {
        tokenProvider: {
          getAccessToken: async () => tokens[Math.min(i++, tokens.length - 1)]!,
          invalidate: async (token) => {
            invalidated.push(token);
            return true;
          },
        },
      },
      endpoint: server.url,
      retry: 0,
    });
    for (let k = 0; k < 4; k++) await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    expect(server.received.map((r) => r.headers.authorization)).toEqual(['tok-A', 'tok-B', 'tok-A', 'tok-A', 'tok-A']);
    expect(invalidated).toEqual(['tok-A']);
  });
});
