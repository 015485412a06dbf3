/**
 * The protocol clients (AppSync, graphql-ws) load on a client's first `subscribe` (issue 16: cold start).
 * Until then subscriptions are stand-ins: these drive every way a caller can act on one before the protocol
 * code has loaded, and count what reached the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ValidationError, apiKeyAuth, createSubscriptionClient, type OperationDescriptor, type SubscriptionClient } from '@sdk/core';
import { startRealtimeFake, type RealtimeFake } from '@sdk/core/testing';

const OnThing: OperationDescriptor<{ onThing: { id: string } | null }, { id?: string }, { id: string } | null> = {
  name: 'OnThing',
  kind: 'subscription',
  document: 'subscription OnThing($id:ID){onThing(id:$id){id}}',
  bodyPrefix: '',
  path: ['onThing'],
};
const KEY = 'secret-key-0123456789';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
const settle = () => new Promise((r) => setTimeout(r, 100));

async function setup(protocol: 'appsync' | 'graphql-ws'): Promise<{ fake: RealtimeFake; client: SubscriptionClient }> {
  const fake = await startRealtimeFake({ authorize: (auth) => auth.headers.authorization === KEY });
  const client = createSubscriptionClient({ url: fake.url, protocol, auth: apiKeyAuth(KEY), reconnect: { retries: 0, baseDelayMs: 5, maxDelayMs: 5 } });
  cleanups.push(() => fake.close(), () => client.close());
  return { fake, client };
}

describe.each(['appsync', 'graphql-ws'] as const)('before the %s protocol code has loaded', (protocol) => {
  it('a subscription stopped at once opens no socket, ends, and its ready rejects with AbortError', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, {});
    expect(client.size).toBe(1);
    expect(await sub.return()).toEqual({ done: true, value: undefined });
    expect(client.size).toBe(0);
    await expect(sub.ready).rejects.toBeInstanceOf(AbortError);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    await settle();
    expect(fake.stats.connections).toBe(0);
  });

  it('close() right after subscribe: the subscription ends and no socket is opened', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, {});
    await client.close();
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    await settle();
    expect(fake.stats.connections).toBe(0);
  });

  it('an already-aborted signal: next() rejects with AbortError and nothing is opened', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, {}, { signal: AbortSignal.abort() });
    await expect(sub.next()).rejects.toBeInstanceOf(AbortError);
    await settle();
    expect(fake.stats.connections).toBe(0);
  });

  it('a query passed to subscribe throws ValidationError at once', async () => {
    const { client } = await setup(protocol);
    expect(() => client.subscribe({ ...OnThing, kind: 'query' } as never)).toThrow(ValidationError);
  });

  it('two subscriptions made at once share one socket and both receive events', async () => {
    const { fake, client } = await setup(protocol);
    const a = client.subscribe(OnThing, {});
    const b = client.subscribe(OnThing, {});
    expect(client.size).toBe(2);
    await Promise.all([a.ready, b.ready]);
    expect(client.size).toBe(2);
    await fake.until((s) => s.active === 2); // graphql-ws has no per-subscription ack: wait until the server has both
    fake.publish('onThing', { id: '1' });
    expect((await a.next()).value).toEqual({ id: '1' });
    expect((await b.next()).value).toEqual({ id: '1' });
    expect(fake.stats.connections).toBe(1);
    await a.return();
    await b.return();
  });
});
