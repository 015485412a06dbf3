/**
 * The protocol client loads on the first `subscribe` (cold start, issue 16). Until it has loaded, a
 * subscription is a stand-in: it must behave exactly as a real one, including a loop that is stopped
 * from elsewhere (another task's `return()`, the client's `close()`) while it waits for its first event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, createSubscriptionClient, type OperationDescriptor } from '@sdk/core';
import { startRealtimeFake } from '@sdk/core/testing';

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

async function setup(protocol: 'appsync' | 'graphql-ws') {
  const fake = await startRealtimeFake({ authorize: (auth) => auth.headers.authorization === KEY });
  const client = createSubscriptionClient({ url: fake.url, protocol, auth: apiKeyAuth(KEY), reconnect: { retries: 1, baseDelayMs: 5, maxDelayMs: 5 } });
  cleanups.push(() => fake.close(), () => client.close());
  return { fake, client };
}

describe.each(['appsync', 'graphql-ws'] as const)('a first subscription stopped before the protocol client loaded (%s)', (protocol) => {
  it('a pending next() ends with done when another task calls return(), as on a real subscription', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, { id: 'a' });
    const waiting = sub.next(); // a `for await` loop waiting for its first event
    await sub.return(); // stopped from elsewhere, before the protocol code loaded
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    await expect(sub.next()).resolves.toEqual({ done: true, value: undefined });
    expect(fake.stats.connections).toBe(0);
  });

  it('close() ends a loop waiting on a first subscription normally ("their loops finish normally")', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, { id: 'a' });
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const thing of sub) seen.push(thing);
      return 'finished';
    })();
    await client.close();
    await expect(loop).resolves.toBe('finished');
    expect(seen).toEqual([]);
    expect(fake.stats.connections).toBe(0);
  });
});
