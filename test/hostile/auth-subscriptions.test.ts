/**
 * Subscriptions that end on an error event must still tell the server (`complete` / `stop`), and the
 * socket must close when the last subscription ends. Hand-written WebSocket servers (the `ws` package)
 * count the stop/complete messages and the open sockets.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphQLResponseError, apiKeyAuth, createSubscriptionClient, type OperationDescriptor, type SubscriptionClient } from '@sdk/core';

// `ws` is a dependency of @sdk/core, not of the repository root.
const requireFromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));
interface ServerSocket {
  protocol: string;
  readyState: number;
  send(data: string): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: () => void): void;
}
interface WsServer {
  address(): { port: number };
  on(event: 'connection', fn: (socket: ServerSocket) => void): void;
  on(event: 'listening', fn: () => void): void;
  close(fn?: () => void): void;
  clients: Set<ServerSocket & { terminate(): void }>;
}
const { WebSocketServer } = requireFromCore('ws') as { WebSocketServer: new (options: Record<string, unknown>) => WsServer };

type Thing = { id: string };
const OnThing: OperationDescriptor<{ onThing: Thing | null }, Record<string, never>, Thing | null> = {
  name: 'OnThing',
  kind: 'subscription',
  document: 'subscription OnThing{onThing{id}}',
  bodyPrefix: '',
  path: ['onThing'],
};

interface Counting {
  url: string;
  /** `complete` (graphql-transport-ws) or `stop` (AppSync) messages received. */
  ends: string[];
  open(): number;
  close(): Promise<void>;
}

const servers: Counting[] = [];
const clients: SubscriptionClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.close();
});

/**
 * A server that answers every subscription with one error event, then keeps sending data for that id
 * every 10 ms until the client says it is done with it (as a real server holding the subscription would).
 * `failFirstOnly`: only the first subscription gets the error event.
 */
async function erroringServer(protocol: 'appsync' | 'graphql-ws', failFirstOnly = false, errorMessage = false): Promise<Counting> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered: Set<string>) => (protocol === 'appsync' ? 'graphql-ws' : [...offered][0]) });
  await new Promise<void>((r) => wss.on('listening', r));
  const ends: string[] = [];
  let subscriptions = 0;
  wss.on('connection', (socket) => {
    const live = new Map<string, ReturnType<typeof setInterval>>();
    const send = (m: unknown) => socket.readyState === 1 && socket.send(JSON.stringify(m));
    socket.on('close', () => {
      for (const t of live.values()) clearInterval(t);
    });
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; id?: string };
      if (m.type === 'connection_init') return send(protocol === 'appsync' ? { type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } } : { type: 'connection_ack' });
      if (m.type === 'ping') return send({ type: 'pong' });
      if (m.type === 'subscribe' || m.type === 'start') {
        const id = m.id!;
        const fail = !failFirstOnly || subscriptions === 0;
        subscriptions++;
        if (protocol === 'appsync') send({ type: 'start_ack', id });
        const event = (payload: unknown) => (protocol === 'appsync' ? { type: 'data', id, payload } : { type: 'next', id, payload });
        if (fail && errorMessage) {
          // The protocol's own `error` message: the server has dropped the subscription itself.
          setTimeout(() => send({ type: 'error', id, payload: protocol === 'appsync' ? { errors: [{ message: 'resolver failed' }] } : [{ message: 'resolver failed' }] }), 20);
          return;
        }
        if (fail) setTimeout(() => send(event({ data: null, errors: [{ message: 'resolver failed' }] })), 20);
        live.set(id, setInterval(() => send(event({ data: { onThing: { id: 'x' } } })), 10));
        return;
      }
      if (m.type === 'complete' || m.type === 'stop') {
        ends.push(m.id!);
        clearInterval(live.get(m.id!));
        live.delete(m.id!);
        if (m.type === 'stop') send({ type: 'complete', id: m.id });
      }
    });
  });
  const server: Counting = {
    url: `ws://127.0.0.1:${wss.address().port}/graphql/realtime`,
    ends,
    open: () => [...wss.clients].filter((c) => c.readyState === 1 || c.readyState === 0).length,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
  servers.push(server);
  return server;
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

function client(url: string, protocol: 'appsync' | 'graphql-ws'): SubscriptionClient {
  const c = createSubscriptionClient({ url, protocol, auth: apiKeyAuth('key-0123456789'), reconnect: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
  clients.push(c);
  return c;
}

describe.each(['appsync', 'graphql-ws'] as const)('%s: a subscription failing on an error event', (protocol) => {
  it('sends one stop/complete, and the socket closes when it was the last', async () => {
    const server = await erroringServer(protocol);
    const sub = client(server.url, protocol).subscribe(OnThing);
    const err = await (async () => {
      try {
        for await (const _ of sub) void _;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GraphQLResponseError);
    await until(() => server.ends.length > 0 && server.open() === 0);
    expect(server.ends.length).toBe(1);
    expect(server.open()).toBe(0);
  });

  it('with a second subscription alive, the socket stays open until that one ends too', async () => {
    const server = await erroringServer(protocol, true);
    const c = client(server.url, protocol);
    const failing = c.subscribe(OnThing);
    const other = c.subscribe(OnThing);
    await expect((async () => {
      for await (const _ of failing) void _;
    })()).rejects.toBeInstanceOf(GraphQLResponseError);
    await until(() => server.ends.length > 0);
    expect(server.ends.length).toBe(1);
    expect(server.open()).toBe(1);
    for await (const _ of other) break; // receives data, then the caller stops
    await until(() => server.ends.length === 2 && server.open() === 0);
    expect(server.ends.length).toBe(2);
    expect(server.open()).toBe(0);
  });

  it('an `error` message from the server ends it without a stop/complete (the server dropped it), and the socket closes', async () => {
    const server = await erroringServer(protocol, false, true);
    const sub = client(server.url, protocol).subscribe(OnThing);
    await expect((async () => {
      for await (const _ of sub) void _;
    })()).rejects.toBeInstanceOf(GraphQLResponseError);
    await until(() => server.open() === 0);
    expect(server.open()).toBe(0);
    expect(server.ends.length).toBe(0);
  });
});
