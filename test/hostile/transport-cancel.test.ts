/**
 * Issue 16 keeps issue 11's guarantees: the default transport no longer gets an AbortSignal per attempt
 * (an AttemptControl cancels it), so every way a request reaches a transport must still be cancelled by the
 * attempt timeout (body included), the call deadline and the caller's signal. The servers stall or drip
 * on purpose; they count requests and how many exchanges were torn down by the client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, TimeoutError, fetchTransport, httpTransport, type Transport } from '@sdk/core';
import { graphqlRequestTransport } from '@sdk/core/graphql-request';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, type HostileServer } from './lib.js';

afterEach(closeAll);

const TRANSPORTS: Record<string, () => Transport | undefined> = {
  'default (node:http)': () => undefined,
  'httpTransport() passed explicitly': () => httpTransport(),
  // A user's wrapper that copies the request: it must keep cancelling the inner transport.
  'a wrapper that spreads the request into httpTransport()': () => {
    const inner = httpTransport();
    return (req) => inner({ ...req, headers: { ...req.headers, 'x-wrapped': '1' } });
  },
  'fetchTransport (reads request.signal)': () => fetchTransport(),
  'graphqlRequestTransport (reads request.signal)': () => graphqlRequestTransport(),
};

/** A server that answers headers and half a body, then stalls; counts exchanges the client tore down. */
async function stallingServer(mode: 'no-answer' | 'half-body'): Promise<HostileServer & { torn: () => number }> {
  let torn = 0;
  const server = await hostileServer((_req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) torn++;
    });
    if (mode === 'half-body') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"listSims":{"items":[');
    }
  });
  return Object.assign(server, { torn: () => torn });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe.each(Object.entries(TRANSPORTS))('cancellation through %s', (_name, make) => {
  it('the attempt timeout covers a body that stops half-way: TimeoutError, the exchange is torn down, retries bounded', async () => {
    const server = await stallingServer('half-body');
    const client = createWhereverClient({ apiKey: 'k-cancel-1', endpoint: server.url, transport: make(), timeoutMs: 400, retry: { maxRetries: 1, baseDelayMs: 1 } });
    const err = await client.listSims({ limit: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).attempts).toBe(2);
    expect(server.received).toHaveLength(2);
    await until(() => server.torn() === 2);
    expect(server.torn()).toBe(2);
  });

  it('the call deadline stops a server that never answers', async () => {
    const server = await stallingServer('no-answer');
    const client = createWhereverClient({ apiKey: 'k-cancel-2', endpoint: server.url, transport: make(), timeoutMs: 10_000 });
    const err = await client.listSims({ limit: 5 }, { deadlineMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('150 ms');
    await until(() => server.torn() === 1);
    expect(server.torn()).toBe(1);
  });

  it("the caller's signal aborts mid-body with its reason, and nothing is retried", async () => {
    const server = await stallingServer('half-body');
    const client = createWhereverClient({ apiKey: 'k-cancel-3', endpoint: server.url, transport: make(), timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = client.listSims({ limit: 5 }, { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => server.received.length === 1);
    controller.abort(new Error('shutting down'));
    const err = await pending;
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toContain('shutting down');
    await until(() => server.torn() === 1);
    expect(server.torn()).toBe(1);
    expect(server.received).toHaveLength(1);
  });
});
