/**
 * A fake real-time endpoint for tests: a real `ws` WebSocketServer on loopback speaking AppSync's
 * real-time protocol (subprotocol `graphql-ws`) and the standard graphql-ws protocol (subprotocol
 * `graphql-transport-ws`), chosen by the subprotocol the client offers. Tests push events with
 * `publish`, break things with `dropAll` or `keepAlive = false`, and read counters in `stats`.
 *
 * Like AppSync, a subscription's arguments filter events on the payload field of the same name
 * (`updatedSimEvent(iccid)` gets events whose `iccid` matches). Given a schema, payloads are shaped to
 * each subscription's selection set by graphql-js, as a server would.
 */
import { buildSchema, executeSync, getOperationAST, parse, validate, valueFromASTUntyped, Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export type RealtimeFakeProtocol = 'appsync' | 'graphql-ws';

export interface RealtimeAuthorization {
  /** The authorization the client sent, keys lower-cased: AppSync's `{ host, authorization }`, graphql-ws's connection params. */
  headers: Record<string, string>;
  protocol: RealtimeFakeProtocol;
  /** `connect`: the socket (AppSync header / graphql-ws connection_init); `start`: one AppSync subscription. */
  phase: 'connect' | 'start';
}

export interface ActiveSubscription {
  readonly id: string;
  readonly protocol: RealtimeFakeProtocol;
  /** The subscription's root field, e.g. `updatedSim`. */
  readonly fieldName: string;
  readonly variables: Record<string, unknown>;
  /** The root field's argument values. */
  readonly args: Record<string, unknown>;
}

export interface RealtimeFakeOptions {
  /** SDL or schema: validates subscriptions and shapes payloads to their selection sets. */
  schema?: string | GraphQLSchema | undefined;
  /** Accept or refuse credentials. Default: accept everything. */
  authorize?: ((auth: RealtimeAuthorization) => boolean) | undefined;
  /** AppSync: answer a refused connect with `connection_error` (default) or HTTP 401 on the upgrade. graphql-ws closes with 4403. */
  refuseWith?: 'connection_error' | 'http' | undefined;
  /** Sent in `connection_ack`. Default 300000, as AppSync. */
  connectionTimeoutMs?: number | undefined;
  /** How often `ka` is sent. Default 60000. */
  keepAliveIntervalMs?: number | undefined;
  /** Replace the argument-matching rule for who gets an event. */
  filter?: ((subscription: ActiveSubscription, payload: unknown) => boolean) | undefined;
  /** Close every socket (code 1012) right after `connection_ack`: a server that accepts connections, then drops them. */
  dropAfterAck?: boolean | undefined;
}

export interface RealtimeStats {
  /** Sockets accepted so far. */
  connections: number;
  /** `start` / `subscribe` messages received. */
  starts: number;
  /** `stop` / `complete` messages received for live subscriptions. */
  stops: number;
  /** Sockets open now. */
  readonly open: number;
  /** Subscriptions active now. */
  readonly active: number;
}

export interface RealtimeFake {
  readonly stats: RealtimeStats;
  readonly subscriptions: readonly ActiveSubscription[];
  /** False: stop sending `ka` (AppSync) and answering pings (graphql-ws), so clients see a dead socket. */
  keepAlive: boolean;
  /**
   * graphql-ws: register a `subscribe` only this long after it arrives, like a server that is slow to
   * set a subscription up. The protocol has no per-subscription ack, so the client cannot tell. Default 0.
   */
  subscribeDelayMs: number;
  /** Send `payload` as an event of `fieldName` to every matching subscription; returns how many got it. */
  publish(fieldName: string, payload: unknown): number;
  /** Cut every socket without a close handshake, like a network drop. */
  dropAll(): void;
  /** Send a raw protocol message to every open socket (stray or unusual server messages). */
  broadcast(message: unknown): void;
  /** Attach to an existing HTTP server: `server.on('upgrade', fake.handleUpgrade)`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Resolve once `predicate(stats)` holds (polls every 5 ms), e.g. `until((s) => s.active === 2)`. */
  until(predicate: (stats: RealtimeStats) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Sub extends ActiveSubscription {
  document: DocumentNode;
  responseKey: string;
  send(data: unknown): void;
}

const UNAUTHORIZED = { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 };

function lowerKeys(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out[k.toLowerCase()] = String(v);
  return out;
}

function decodeHeader(encoded: string | null | undefined): Record<string, string> {
  if (!encoded) return {};
  try {
    return lowerKeys(JSON.parse(Buffer.from(decodeURIComponent(encoded), 'base64').toString('utf8')));
  } catch {
    return {};
  }
}

export function createRealtimeFake(options: RealtimeFakeOptions = {}): RealtimeFake {
  const schema = typeof options.schema === 'string' ? buildSchema(options.schema) : options.schema;
  const authorize = options.authorize ?? (() => true);
  const sockets = new Set<WebSocket>();
  const subs = new Map<WebSocket, Map<string, Sub>>();
  const counters = { connections: 0, starts: 0, stops: 0 };
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('graphql-ws') ? 'graphql-ws' : offered.has('graphql-transport-ws') ? 'graphql-transport-ws' : false),
  });

  const stats: RealtimeStats = Object.defineProperties(counters, {
    open: { get: () => sockets.size, enumerable: true },
    active: { get: () => [...subs.values()].reduce((n, m) => n + m.size, 0), enumerable: true },
  }) as RealtimeStats;

  /** Parse and check a subscription; throws a message for the client on bad input. */
  function register(ws: WebSocket, protocol: RealtimeFakeProtocol, id: string, query: unknown, variables: unknown, send: (data: unknown) => void): void {
    const document = parse(String(query ?? ''));
    if (schema) {
      const errors = validate(schema, document);
      if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
    }
    const operation = getOperationAST(document);
    const field = operation?.selectionSet.selections[0];
    if (!operation || operation.operation !== 'subscription' || field?.kind !== Kind.FIELD) throw new Error('Expected a subscription operation');
    const vars = (variables && typeof variables === 'object' ? variables : {}) as Record<string, unknown>;
    const args: Record<string, unknown> = {};
    for (const arg of field.arguments ?? []) args[arg.name.value] = valueFromASTUntyped(arg.value, vars);
    subs.get(ws)!.set(id, { id, protocol, fieldName: field.name.value, variables: vars, args, document, responseKey: field.alias?.value ?? field.name.value, send });
  }

  const matches = (sub: Sub, payload: unknown) =>
    options.filter
      ? options.filter(sub, payload)
      : Object.entries(sub.args).every(([k, v]) => v === null || v === undefined || !payload || typeof payload !== 'object' || !(k in payload) || String((payload as Record<string, unknown>)[k]) === String(v));

  function shape(sub: Sub, payload: unknown): unknown {
    if (!schema) return { [sub.responseKey]: payload };
    return executeSync({ schema, document: sub.document, rootValue: { [sub.fieldName]: payload }, variableValues: sub.variables }).data;
  }

  function serveAppSync(ws: WebSocket, authorized: boolean) {
    const mine = subs.get(ws)!;
    const send = (message: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    let ka: ReturnType<typeof setInterval> | undefined;
    ws.on('close', () => clearInterval(ka));
    ws.on('message', (raw) => {
      let msg: { type?: string; id?: string; payload?: { data?: string; extensions?: { authorization?: unknown } } };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return;
      }
      const id = String(msg.id ?? '');
      if (msg.type === 'connection_init') {
        if (!authorized) {
          send({ type: 'connection_error', payload: { errors: [UNAUTHORIZED] } });
          return ws.close(1000);
        }
        send({ type: 'connection_ack', payload: { connectionTimeoutMs: options.connectionTimeoutMs ?? 300_000 } });
        if (options.dropAfterAck) return ws.close(1012, 'Service Restart');
        const beat = () => fake.keepAlive && send({ type: 'ka' });
        beat();
        ka = setInterval(beat, options.keepAliveIntervalMs ?? 60_000);
      } else if (msg.type === 'start') {
        counters.starts++;
        if (!authorize({ headers: lowerKeys(msg.payload?.extensions?.authorization), protocol: 'appsync', phase: 'start' })) {
          return send({ type: 'error', id, payload: { errors: [UNAUTHORIZED] } });
        }
        try {
          const { query, variables } = JSON.parse(String(msg.payload?.data ?? '{}')) as { query?: unknown; variables?: unknown };
          register(ws, 'appsync', id, query, variables, (data) => send({ type: 'data', id, payload: { data } }));
        } catch (err) {
          return send({ type: 'error', id, payload: { errors: [{ errorType: 'GraphQLError', message: (err as Error).message }] } });
        }
        send({ type: 'start_ack', id });
      } else if (msg.type === 'stop') {
        if (mine.delete(id)) counters.stops++;
        send({ type: 'complete', id });
      }
    });
  }

  function serveGraphQLWs(ws: WebSocket) {
    const mine = subs.get(ws)!;
    const pending = new Set<string>();
    const send = (message: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    ws.on('message', (raw) => {
      let msg: { type?: string; id?: string; payload?: { query?: unknown; variables?: unknown } };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return ws.close(4400, 'Invalid message received');
      }
      const id = String(msg.id ?? '');
      if (msg.type === 'connection_init') {
        if (!authorize({ headers: lowerKeys(msg.payload), protocol: 'graphql-ws', phase: 'connect' })) return ws.close(4403, 'Forbidden');
        send({ type: 'connection_ack' });
        if (options.dropAfterAck) ws.close(1012, 'Service Restart');
      } else if (msg.type === 'ping') {
        if (fake.keepAlive) send({ type: 'pong' });
      } else if (msg.type === 'subscribe') {
        counters.starts++;
        const { query, variables } = msg.payload ?? {};
        const subscribe = () => {
          if (!pending.delete(id) || !subs.has(ws)) return; // completed or closed meanwhile
          try {
            register(ws, 'graphql-ws', id, query, variables, (data) => send({ type: 'next', id, payload: { data } }));
          } catch (err) {
            send({ type: 'error', id, payload: [{ message: (err as Error).message }] });
          }
        };
        pending.add(id);
        if (fake.subscribeDelayMs > 0) setTimeout(subscribe, fake.subscribeDelayMs);
        else subscribe();
      } else if (msg.type === 'complete') {
        pending.delete(id);
        if (mine.delete(id)) counters.stops++;
      }
    });
  }

  const fake: RealtimeFake = {
    stats,
    get subscriptions() {
      return [...subs.values()].flatMap((m) => [...m.values()].map(({ id, protocol, fieldName, variables, args }) => ({ id, protocol, fieldName, variables, args })));
    },
    keepAlive: true,
    subscribeDelayMs: 0,
    publish(fieldName, payload) {
      let delivered = 0;
      for (const mine of subs.values()) {
        for (const sub of mine.values()) {
          if (sub.fieldName !== fieldName || !matches(sub, payload)) continue;
          sub.send(shape(sub, payload));
          delivered++;
        }
      }
      return delivered;
    },
    dropAll() {
      for (const ws of sockets) ws.terminate();
    },
    broadcast(message) {
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    handleUpgrade(request, socket, head) {
      const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      let authorized = true;
      if (offered.includes('graphql-ws')) {
        const encoded = offered.find((p) => p.startsWith('header-'))?.slice('header-'.length) ?? new URL(request.url ?? '/', 'http://fake').searchParams.get('header');
        authorized = authorize({ headers: decodeHeader(encoded), protocol: 'appsync', phase: 'connect' });
        if (!authorized && options.refuseWith === 'http') {
          const body = JSON.stringify({ errors: [UNAUTHORIZED] });
          socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
          return;
        }
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        counters.connections++;
        sockets.add(ws);
        subs.set(ws, new Map());
        ws.on('close', () => {
          sockets.delete(ws);
          subs.delete(ws);
        });
        ws.on('error', () => {});
        if (ws.protocol === 'graphql-ws') serveAppSync(ws, authorized);
        else serveGraphQLWs(ws);
      });
    },
    async until(predicate, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(stats)) {
        if (Date.now() > deadline) throw new Error(`realtime fake: condition not met within ${timeoutMs} ms (${JSON.stringify(stats)})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  return fake;
}

/** A fake real-time endpoint on its own loopback server; `url` is e.g. `ws://127.0.0.1:43121/graphql/realtime`. */
export async function startRealtimeFake(options: RealtimeFakeOptions & { port?: number; host?: string; path?: string } = {}): Promise<RealtimeFake & { url: string }> {
  const fake = createRealtimeFake(options);
  const path = options.path ?? '/graphql/realtime';
  const server = createServer((_req, res) => res.writeHead(426).end('Upgrade Required'));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '/').split('?')[0] === path) fake.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const closeFake = fake.close;
  return Object.assign(fake, {
    url: `ws://${host}:${port}${path}`,
    async close() {
      await closeFake();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
