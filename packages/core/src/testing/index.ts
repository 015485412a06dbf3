/**
 * `@sdk/core/testing`: the plumbing every vendor fake shares. A fake is an executable schema (graphql-js
 * over the vendor SDL with in-memory resolvers) behind one request handler, served either through msw
 * handlers scoped to the endpoint or by a real HTTP server on loopback. It records requests and can be
 * told to misbehave (HTTP errors, resets, GraphQL errors, slow replies) for the next N requests.
 * This entry loads `graphql` and `msw`; production entries never import it.
 */
import { buildSchema, defaultFieldResolver, graphql, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { http, HttpResponse, type HttpHandler } from 'msw';

export interface RecordedRequest {
  operationName: string | null;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  query: string;
}

/** A canned reply: any combination of HTTP status, raw body, GraphQL data/errors, a delay, or a dropped connection. */
export interface Fault {
  status?: number;
  headers?: Record<string, string>;
  /** Raw body (e.g. an HTML error page); sent as is. */
  body?: string;
  /** GraphQL `data` to answer with (status 200 unless set). */
  data?: unknown;
  /** GraphQL `errors` to answer with. */
  errors?: { message: string; [key: string]: unknown }[];
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  /** Drop the connection instead of answering. */
  network?: true;
  /** Start the response and never finish the body. */
  hang?: true;
}

export interface FakeRequest {
  headers: Record<string, string>;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs?: number;
  network?: true;
  hang?: true;
}

export type Responder<TVars = Record<string, unknown>> = (variables: TVars, request: RecordedRequest) => Fault | undefined | Promise<Fault | undefined>;

export interface GraphQLFakeOptions<TContext> {
  /** Vendor SDL. */
  schema: string | GraphQLSchema;
  /** Root value: one function per root field (`(args, context) => result`), objects for namespaces. */
  root: Record<string, unknown>;
  /** Decide whether a request is authorized; return a Fault to refuse it (e.g. 401). */
  authorize?(request: FakeRequest): Fault | undefined;
  /** Per-request context for resolvers. */
  context?(request: FakeRequest): TContext;
}

export interface GraphQLFake {
  /** Answer one HTTP request body (what msw handlers and the HTTP server both call). */
  handle(request: FakeRequest): Promise<FakeResponse>;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Answer the next `count` requests (optionally only of one operation) with `fault`. */
  failNext(count: number, fault: Fault, options?: { operationName?: string }): void;
  /** Answer an operation with `responder` until removed; return undefined from it to fall through. Returns the remover. */
  override(operationName: string, responder: Responder): () => void;
  /** Forget recorded requests, queued faults and overrides (state stays). */
  resetTraffic(): void;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function reply(fault: Fault): FakeResponse {
  const status = fault.status ?? 200;
  const base = { delayMs: fault.delayMs, ...(fault.network ? { network: true as const } : {}), ...(fault.hang ? { hang: true as const } : {}) };
  if (fault.body !== undefined) return { ...base, status, headers: { 'content-type': 'text/html', ...fault.headers }, body: fault.body };
  const json: Record<string, unknown> = {};
  if (fault.data !== undefined || fault.errors === undefined) json.data = fault.data ?? null;
  if (fault.errors) json.errors = fault.errors;
  return { ...base, status, headers: { ...JSON_HEADERS, ...fault.headers }, body: JSON.stringify(json) };
}

export function createGraphQLFake<TContext = unknown>(options: GraphQLFakeOptions<TContext>): GraphQLFake {
  const schema = typeof options.schema === 'string' ? buildSchema(options.schema) : options.schema;
  const requests: RecordedRequest[] = [];
  let queue: { remaining: number; fault: Fault; operationName?: string | undefined }[] = [];
  const overrides = new Map<string, Responder>();
  // Users' own documents may select any root field: one the fake has no resolver for says so, instead of a bare null.
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    if (roots.has(info.parentType) && (source === null || typeof source !== 'object' || (source as Record<string, unknown>)[info.fieldName] === undefined)) {
      throw new GraphQLError(`the fake does not serve ${info.parentType.name}.${info.fieldName}; answer it with override() or failNext({ data })`, { extensions: { code: 'NOT_IMPLEMENTED_BY_FAKE' } });
    }
    return defaultFieldResolver(source, args, context, info);
  };

  async function handle(request: FakeRequest): Promise<FakeResponse> {
    let parsed: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      parsed = JSON.parse(request.body) as typeof parsed;
    } catch {
      return reply({ status: 400, errors: [{ message: 'Request body is not valid JSON' }] });
    }
    const recorded: RecordedRequest = {
      operationName: typeof parsed.operationName === 'string' ? parsed.operationName : null,
      variables: (parsed.variables as Record<string, unknown> | null) ?? {},
      headers: request.headers,
      query: String(parsed.query ?? ''),
    };
    requests.push(recorded);
    const queued = queue.find((q) => q.operationName === undefined || q.operationName === recorded.operationName);
    if (queued) {
      queued.remaining--;
      if (queued.remaining <= 0) queue = queue.filter((q) => q !== queued);
      if (queued.fault.delayMs && !queued.fault.status && !queued.fault.body && !queued.fault.data && !queued.fault.errors && !queued.fault.network && !queued.fault.hang) {
        // A bare delay: answer normally, late.
        return { ...(await execute(request, recorded)), delayMs: queued.fault.delayMs };
      }
      return reply(queued.fault);
    }
    const denied = options.authorize?.(request);
    if (denied) return reply(denied);
    const responder = recorded.operationName ? overrides.get(recorded.operationName) : undefined;
    if (responder) {
      const fault = await responder(recorded.variables, recorded);
      if (fault) return reply(fault);
    }
    return execute(request, recorded);
  }

  async function execute(request: FakeRequest, recorded: RecordedRequest): Promise<FakeResponse> {
    const result = await graphql({
      schema,
      source: recorded.query,
      rootValue: options.root,
      variableValues: recorded.variables,
      operationName: recorded.operationName,
      contextValue: options.context?.(request),
      fieldResolver,
    });
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors) body.errors = result.errors.map((e) => ({ message: e.message, path: e.path, locations: e.locations, ...(e.extensions && Object.keys(e.extensions).length ? { extensions: e.extensions } : {}) }));
    return { status: 200, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
  }

  return {
    handle,
    requests,
    failNext(count, fault, opts = {}) {
      queue.push({ remaining: count, fault, operationName: opts.operationName });
    },
    override(operationName, responder) {
      overrides.set(operationName, responder);
      return () => {
        if (overrides.get(operationName) === responder) overrides.delete(operationName);
      };
    },
    resetTraffic() {
      requests.length = 0;
      queue = [];
      overrides.clear();
    },
  };
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** msw handlers answering POSTs to exactly `endpoint`, so several fakes in one test never collide. */
export function mswHandlers(fake: Pick<GraphQLFake, 'handle'>, endpoint: string): HttpHandler[] {
  return [
    http.post(endpoint, async ({ request }) => {
      const res = await fake.handle({ headers: headersOf(request.headers), body: await request.text() });
      if (res.delayMs) await wait(res.delayMs);
      if (res.network) return HttpResponse.error();
      if (res.hang) {
        const stream = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"data":')) });
        return new HttpResponse(stream, { status: res.status, headers: res.headers });
      }
      return new HttpResponse(res.body, { status: res.status, headers: res.headers });
    }),
  ];
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Takes over an HTTP upgrade request (e.g. `RealtimeFake.handleUpgrade`). */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export type RouteHandler = (request: FakeRequest & { method: string; path: string }) => Promise<FakeResponse | undefined>;

/**
 * Serves fakes over real HTTP on loopback: `routes` maps a path (e.g. `/graphql`) to a fake or a
 * handler (REST login endpoints). Port 0 picks a free port.
 */
export async function startFakeServer(
  routes: Record<string, Pick<GraphQLFake, 'handle'> | RouteHandler>,
  options: { port?: number; host?: string; upgrade?: Record<string, UpgradeHandler> } = {},
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const route = routes[path];
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const request = { headers, body: Buffer.concat(chunks).toString('utf8'), method: req.method ?? 'GET', path };
        let out: FakeResponse | undefined;
        try {
          out = !route ? undefined : typeof route === 'function' ? await route(request) : req.method === 'POST' ? await route.handle(request) : undefined;
        } catch (err) {
          out = { status: 500, headers: { 'content-type': 'text/plain' }, body: String(err) };
        }
        if (!out) out = { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
        if (out.delayMs) await wait(out.delayMs);
        if (res.destroyed) return;
        if (out.network) {
          req.socket.destroy();
          return;
        }
        res.writeHead(out.status, out.headers);
        if (out.hang) {
          res.write('{"data":');
          return;
        }
        res.end(out.body);
      })();
    });
  });
  // WebSocket upgrades by path (the real-time fakes); anything else is cut.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const handler = options.upgrade?.[(req.url ?? '/').split('?')[0]!];
    if (handler) handler(req, socket, head);
    else socket.destroy();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** base64 of JSON, the way AppSync-style APIs shape opaque tokens (`{"next_offset":5}`). */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

export function decodeToken<T>(token: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

// realtime
export { createRealtimeFake, startRealtimeFake, type ActiveSubscription, type RealtimeAuthorization, type RealtimeFake, type RealtimeFakeOptions, type RealtimeFakeProtocol, type RealtimeStats } from './realtime.js';

// the kit vocabulary every vendor shares
export { AuthCallLog, type AuthCall, type FakeAuthControls, type FakeKit, type ListeningFake, type OperationReply, type OperationTypeMap } from './kit.js';
