import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, AuthError, ConnectionError, DEFAULT_RETRY, GraphQLResponseError, apiKeyAuth, backoffDelay, createSubscriptionClient, realtimeUrlFor, type OperationDescriptor, type ReconnectInfo, type SdkEvent, type SubscriptionClientOptions } from '@sdk/core';
import { startRealtimeFake, type RealtimeAuthorization, type RealtimeFakeOptions } from '@sdk/core/testing';

type Thing = { id: string; value: number };
const OnThing: OperationDescriptor<{ onThing: Thing | null }, { id?: string }, Thing | null> = {
  name: 'OnThing',
  kind: 'subscription',
  document: 'subscription OnThing($id:ID){onThing(id:$id){id value}}',
  bodyPrefix: '',
  path: ['onThing'],
};

const KEY = 'secret-key-0123456789';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(protocol: 'appsync' | 'graphql-ws', fakeOptions: RealtimeFakeOptions = {}, clientOptions: Partial<SubscriptionClientOptions> = {}) {
  const seen: RealtimeAuthorization[] = [];
  const fake = await startRealtimeFake({
    authorize: (auth) => {
      seen.push(auth);
      return auth.headers.authorization === KEY;
    },
    ...fakeOptions,
  });
  const events: SdkEvent[] = [];
  const reconnects: ReconnectInfo[] = [];
  const client = createSubscriptionClient({
    url: fake.url,
    protocol,
    auth: apiKeyAuth(KEY),
    reconnect: { retries: 5, baseDelayMs: 5, maxDelayMs: 20 },
    emit: (e) => events.push(e),
    onReconnect: (info) => reconnects.push(info),
    ...clientOptions,
  });
  cleanups.push(() => fake.close(), () => client.close());
  return { fake, client, events, reconnects, seen };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['appsync', 'graphql-ws'] as const)('subscriptions over %s', (protocol) => {
  it('subscribes and receives the events that match its arguments', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, { id: 'a' });
    await sub.ready;
    await fake.until((s) => s.active === 1);
    expect(fake.subscriptions[0]).toMatchObject({ protocol, fieldName: 'onThing', args: { id: 'a' } });
    expect(fake.publish('onThing', { id: 'a', value: 1 })).toBe(1);
    expect(fake.publish('onThing', { id: 'b', value: 2 })).toBe(0);
    fake.publish('onThing', { id: 'a', value: 3 });
    const values: number[] = [];
    for await (const thing of sub) {
      values.push(thing.value);
      if (values.length === 2) break;
    }
    expect(values).toEqual([1, 3]);
  });

  it('shares one socket between subscriptions and closes it with the last one', async () => {
    const { fake, client } = await setup(protocol);
    const a = client.subscribe(OnThing, { id: 'a' });
    const b = client.subscribe(OnThing, { id: 'b' });
    await Promise.all([a.ready, b.ready]);
    await fake.until((s) => s.active === 2);
    expect(fake.stats.connections).toBe(1);
    await a.return();
    await fake.until((s) => s.stops === 1);
    expect(fake.stats.open).toBe(1);
    fake.publish('onThing', { id: 'b', value: 7 });
    expect((await b.next()).value).toEqual({ id: 'b', value: 7 });
    await b.return();
    await fake.until((s) => s.stops === 2 && s.open === 0);
    expect(client.size).toBe(0);
  });

  it('breaking out of the loop sends stop and closes the socket', async () => {
    const { fake, client } = await setup(protocol);
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    await fake.until((s) => s.active === 1);
    setTimeout(() => fake.publish('onThing', { id: 'x', value: 1 }), 5);
    for await (const thing of sub) {
      expect(thing.id).toBe('x');
      break;
    }
    await fake.until((s) => s.stops === 1 && s.open === 0 && s.active === 0);
  });

  it('aborting the signal rejects with AbortError carrying the reason and sends stop', async () => {
    const { fake, client } = await setup(protocol);
    const controller = new AbortController();
    const sub = client.subscribe(OnThing, {}, { signal: controller.signal });
    await sub.ready;
    await fake.until((s) => s.active === 1);
    const pending = sub.next();
    controller.abort('shutting down');
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).reason).toBe('shutting down');
    await fake.until((s) => s.stops === 1 && s.open === 0);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    // Already aborted: fails at once, no socket.
    const late = client.subscribe(OnThing, {}, { signal: controller.signal });
    await expect(late.next()).rejects.toBeInstanceOf(AbortError);
    expect(fake.stats.connections).toBe(1);
  });

  it('reconnects after a server drop, re-subscribes with fresh auth and calls onReconnect', async () => {
    const { fake, client, reconnects, events, seen } = await setup(protocol);
    const resubscribed: string[] = [];
    const sub = client.subscribe(OnThing, { id: 'a' }, { onResubscribe: () => resubscribed.push('a') });
    await sub.ready;
    await fake.until((s) => s.active === 1);
    const authBefore = seen.length;
    fake.dropAll();
    await fake.until((s) => s.connections === 2 && s.active === 1);
    await expect.poll(() => reconnects.length).toBe(1);
    expect(reconnects[0]).toMatchObject({ operations: ['OnThing'] });
    expect(resubscribed).toEqual(['a']);
    expect(seen.length).toBeGreaterThan(authBefore); // credentials were asked for and sent again
    expect(events.some((e) => e.type === 'retry' && e.operationName === 'realtime')).toBe(true);
    fake.publish('onThing', { id: 'a', value: 42 });
    expect((await sub.next()).value).toEqual({ id: 'a', value: 42 });
    expect(fake.stats.starts).toBe(2);
  });

  it('treats a socket without keep-alives as dead and reconnects', async () => {
    const { fake, client, reconnects, events } = await setup(
      protocol,
      // Generous margins over the 15 ms heartbeat, so a busy CI machine does not trip the watchdog early.
      { connectionTimeoutMs: 200, keepAliveIntervalMs: 15 },
      protocol === 'graphql-ws' ? { pingIntervalMs: 15, connectionTimeoutMs: 150 } : {},
    );
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    await fake.until((s) => s.active === 1);
    await tick(100); // keep-alives flowing: no reconnect
    expect(fake.stats.connections).toBe(1);
    fake.keepAlive = false;
    await fake.until((s) => s.connections >= 2, 3_000);
    fake.keepAlive = true;
    await expect.poll(() => reconnects.length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 'warning' && e.operationName === 'realtime')).toBe(true);
    await fake.until((s) => s.active === 1);
    fake.publish('onThing', { id: 'k', value: 1 });
    expect((await sub.next()).value).toEqual({ id: 'k', value: 1 });
  });

  it('fails with AuthError on refused credentials and does not retry', async () => {
    const { fake, client, events } = await setup(protocol, {}, { auth: apiKeyAuth('wrong-key-abcdef') });
    const sub = client.subscribe(OnThing, {});
    const error = await sub.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String((error as Error).message)).not.toContain('wrong-key-abcdef');
    await expect(sub.ready).rejects.toBeInstanceOf(AuthError);
    await tick(50);
    expect(fake.stats.connections).toBe(1);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(0);
    expect(client.size).toBe(0);
  });

  it('ends one subscription with GraphQLResponseError when the server rejects it', async () => {
    const { fake, client } = await setup(protocol);
    const bad = { ...OnThing, name: 'NotASubscription', document: 'query NotASubscription{onThing{id}}' };
    const good = client.subscribe(OnThing, {});
    await good.ready;
    await expect(client.subscribe(bad, {}).next()).rejects.toBeInstanceOf(GraphQLResponseError);
    await fake.until((s) => s.active === 1);
    fake.publish('onThing', { id: 'still', value: 1 });
    expect((await good.next()).value).toEqual({ id: 'still', value: 1 });
  });

  it('fails with ConnectionError once the reconnect attempts are used up', async () => {
    const { fake, client } = await setup(protocol, {}, { reconnect: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    await fake.close(); // the server is gone: every reconnect is refused
    await expect(sub.next()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('waits between reconnects as core backoffDelay says for the reconnect options', async () => {
    const reconnect = { retries: 5, baseDelayMs: 8, maxDelayMs: 20 };
    const { fake, client, events } = await setup(protocol, {}, { reconnect, random: () => 0.5 });
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    await fake.until((s) => s.active === 1);
    fake.dropAll();
    await fake.until((s) => s.connections === 2 && s.active === 1);
    const retry = events.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ attempt: 1, delayMs: backoffDelay(0, { ...DEFAULT_RETRY, maxRetries: reconnect.retries, ...reconnect }, () => 0.5) });
  });

  it('a throwing emit, onReconnect or onResubscribe listener breaks neither reconnects nor failures', async () => {
    const boom = () => {
      throw new Error('listener bug');
    };
    const { fake, client } = await setup(protocol, {}, { emit: boom, onReconnect: boom });
    const a = client.subscribe(OnThing, { id: 'a' }, { onResubscribe: boom });
    const b = client.subscribe(OnThing, { id: 'b' }, { onResubscribe: boom });
    await Promise.all([a.ready, b.ready]);
    await fake.until((s) => s.active === 2);
    fake.dropAll(); // emits `retry` (throws), then onResubscribe and onReconnect (throw)
    await fake.until((s) => s.connections === 2 && s.active === 2);
    await tick(20);
    fake.publish('onThing', { id: 'a', value: 1 });
    fake.publish('onThing', { id: 'b', value: 2 });
    expect((await a.next()).value).toEqual({ id: 'a', value: 1 });
    expect((await b.next()).value).toEqual({ id: 'b', value: 2 });
    await fake.close(); // every reconnect fails: both end with ConnectionError although `error` events throw
    await expect(a.next()).rejects.toBeInstanceOf(ConnectionError);
    await expect(b.next()).rejects.toBeInstanceOf(ConnectionError);
    expect(client.size).toBe(0);
  });
});

describe('AppSync specifics', () => {
  it('sends {host, Authorization} on connect (subprotocol) and with every start', async () => {
    const { fake, client, seen } = await setup('appsync', {}, { host: 'api.example.com' });
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    expect(seen.map((s) => s.phase)).toEqual(['connect', 'start']);
    for (const s of seen) expect(s.headers).toEqual({ host: 'api.example.com', authorization: KEY });
    await sub.return();
    await fake.until((s) => s.open === 0);
  });

  it('can pass the authorization as the header query parameter', async () => {
    const { client, seen } = await setup('appsync', {}, { authorizationIn: 'query' });
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    expect(seen[0]).toMatchObject({ phase: 'connect', headers: { authorization: KEY } });
  });

  it('maps HTTP 401 on the upgrade to AuthError without retry', async () => {
    const { fake, client, seen } = await setup('appsync', { refuseWith: 'http' }, { auth: apiKeyAuth('wrong-key-abcdef') });
    const error = await client.subscribe(OnThing, {}).next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    await tick(50);
    expect(fake.stats.connections).toBe(0); // refused before the upgrade
    expect(seen).toHaveLength(1); // and never tried again
  });

  it('ignores an error for a subscription it already stopped, and ends only the named one for a live id', async () => {
    const { fake, client, events } = await setup('appsync');
    const a = client.subscribe(OnThing, { id: 'a' });
    const b = client.subscribe(OnThing, { id: 'b' });
    const c = client.subscribe(OnThing, { id: 'c' });
    await Promise.all([a.ready, b.ready, c.ready]);
    await fake.until((s) => s.active === 3);
    const idOf = (arg: string) => fake.subscriptions.find((s) => s.args.id === arg)!.id;
    const [aId, bId] = [idOf('a'), idOf('b')];
    await a.return();
    await fake.until((s) => s.stops === 1);
    // A late error for the stopped subscription (and one for an id never used): not the connection's problem.
    fake.broadcast({ type: 'error', id: aId, payload: { errors: [{ errorType: 'UnknownOperationError', message: 'Unknown subscription id' }] } });
    fake.broadcast({ type: 'error', id: 'no-such-id', payload: { errors: [{ message: 'Unknown subscription id' }] } });
    await tick(30);
    expect(fake.stats.connections).toBe(1);
    expect(events.filter((e) => e.type === 'retry' || e.type === 'error')).toEqual([]);
    // An error for a live id ends that subscription only.
    fake.broadcast({ type: 'error', id: bId, payload: { errors: [{ errorType: 'GraphQLError', message: 'gone' }] } });
    await expect(b.next()).rejects.toBeInstanceOf(GraphQLResponseError);
    fake.publish('onThing', { id: 'c', value: 5 });
    expect((await c.next()).value).toEqual({ id: 'c', value: 5 });
    expect(fake.stats.connections).toBe(1);
    expect(client.size).toBe(1);
  });

  it('keeps counting failures for a server that acks and then drops: retries run out, backoff grows', async () => {
    const { fake, client, events } = await setup('appsync', { dropAfterAck: true }, { reconnect: { retries: 3, baseDelayMs: 2, maxDelayMs: 50 }, random: () => 0.99 });
    const sub = client.subscribe(OnThing, {});
    const outcome = await Promise.race([sub.next().catch((e: unknown) => e), tick(1_000).then(() => 'still reconnecting')]);
    expect(outcome).toBeInstanceOf(ConnectionError);
    expect(fake.stats.connections).toBe(4); // the first connection and 3 retries
    const retries = events.filter((e): e is Extract<SdkEvent, { type: 'retry' }> => e.type === 'retry');
    expect(retries.map((e) => [e.attempt, e.delayMs])).toEqual([
      [1, 1],
      [2, 3],
      [3, 7],
    ]);
    expect(client.size).toBe(0);
  });

  it('derives real-time URLs from GraphQL endpoints', () => {
    expect(realtimeUrlFor('https://graphql.api.whereversim.de/graphql')).toBe('wss://graphql.api.whereversim.de/graphql/realtime');
    expect(realtimeUrlFor('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql/realtime');
    expect(realtimeUrlFor('https://abc.appsync-api.eu-west-1.amazonaws.com/graphql')).toBe('wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql');
  });
});

describe('graphql-ws specifics', () => {
  it('close() during a reconnect backoff returns at once and resolves', async () => {
    const { fake, client, events } = await setup('graphql-ws', {}, { reconnect: { retries: 5, baseDelayMs: 5_000, maxDelayMs: 5_000 }, random: () => 0.99 });
    const sub = client.subscribe(OnThing, {});
    await sub.ready;
    await fake.until((s) => s.active === 1);
    fake.dropAll();
    await expect.poll(() => events.some((e) => e.type === 'retry')).toBe(true); // now waiting ~5 s before reconnecting
    const started = Date.now();
    const outcome = await Promise.race([client.close().then(() => 'closed', (e: unknown) => e), tick(1_000).then(() => 'blocked')]);
    expect(outcome).toBe('closed');
    expect(Date.now() - started).toBeLessThan(500);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    await tick(20);
    expect(fake.stats.connections).toBe(1); // and no reconnect after close
  });
});
