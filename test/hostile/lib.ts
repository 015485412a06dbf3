/**
 * Shared pieces of the hostile-server suite: real loopback servers written to break a guarantee, and the
 * counters that decide at the server whether it held (receipts, hosts contacted, bodies holding a secret).
 * Nothing here uses our own fakes: each test scripts its server by hand.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { build } from 'esbuild';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The raw body as received. */
  raw: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: { operationName?: string; query?: string; variables?: Record<string, unknown> } | undefined;
}

export type Handler = (req: Received, res: ServerResponse, n: number) => void | Promise<void>;

export interface HostileServer {
  /** `http://127.0.0.1:PORT` (no path). */
  origin: string;
  /** `origin + /graphql`. */
  url: string;
  host: string;
  /** Every request this server received, in order. */
  received: Received[];
  /** How many requests named this operation (mutation receipts). */
  receipts(operationName: string): number;
  close(): Promise<void>;
}

const open = new Set<HostileServer>();

/** A real loopback server whose every answer is written by the test. */
export async function hostileServer(handler: Handler): Promise<HostileServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: Received['json'];
      try {
        json = raw ? JSON.parse(raw) : undefined;
      } catch {
        json = undefined;
      }
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, json };
      received.push(entry);
      Promise.resolve(handler(entry, res, received.length - 1)).catch((err) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const self: HostileServer = {
    origin,
    url: `${origin}/graphql`,
    host: `127.0.0.1:${port}`,
    received,
    receipts: (name) => received.filter((r) => r.json?.operationName === name).length,
    close: () =>
      new Promise((r) => {
        open.delete(self);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  open.add(self);
  return self;
}

/** Close every server still open (call from afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

/** What a raw HTTP server saw: each body with its declared content-length, and bytes where a request line should have started. */
export interface RawSeen {
  bodies: { declared: number; body: Buffer }[];
  desync: string[];
  connections: number;
}

/**
 * A keep-alive server that parses HTTP by hand, so a content-length that does not match the bytes sent shows:
 * too high leaves it waiting for more body; too low, and the rest reads as the next request (recorded in
 * `desync`). `answer` gets each parsed JSON body and returns the JSON to send back.
 */
export async function rawHttpServer(answer: (body: { operationName?: string; query?: string; variables?: Record<string, any> }) => unknown): Promise<{ url: string; seen: RawSeen }> {
  const seen: RawSeen = { bodies: [], desync: [], connections: 0 };
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    seen.connections++;
    sockets.add(socket);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        if (!head.startsWith('POST ')) {
          seen.desync.push(head.slice(0, 40));
          socket.destroy();
          return;
        }
        const declared = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
        if (buffered.length < end + 4 + declared) return; // wait for the rest of the body
        const body = buffered.subarray(end + 4, end + 4 + declared);
        buffered = buffered.subarray(end + 4 + declared);
        seen.bodies.push({ declared, body: Buffer.from(body) });
        let reply: string;
        try {
          reply = JSON.stringify(answer(JSON.parse(body.toString('utf8'))));
        } catch {
          reply = JSON.stringify({ errors: [{ message: 'unreadable body' }] });
        }
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(reply)}\r\nconnection: keep-alive\r\n\r\n${reply}`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const self: HostileServer = {
    origin,
    url: `${origin}/graphql`,
    host: origin.slice(7),
    received: [],
    receipts: () => seen.bodies.length,
    close: () =>
      new Promise((r) => {
        open.delete(self);
        for (const s of sockets) s.destroy(); // keep-alive connections would hold close() open
        server.close(() => r());
      }),
  };
  open.add(self);
  return { url: self.url, seen };
}

/** Runs `walk`, or fails after `ms` with `state()` (what the server saw) instead of hanging until the test timeout. */
export async function within<T>(ms: number, walk: Promise<T>, state: () => unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`walk stalled for ${ms} ms: ${JSON.stringify(state())}`)), ms);
  });
  try {
    return await Promise.race([walk, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

export function sendJson(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/**
 * Every form in which a server may echo a secret back: raw, JSON-escaped, URL/form-encoded, base64, base64url.
 * A sink must hold none of them.
 */
export function encodingsOf(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ]);
  return [...forms].filter((f) => f.length > 0);
}

/** The encodings of `secrets` found in `text` (empty when none). */
export function leaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) for (const form of encodingsOf(secret)) if (text.includes(form)) found.push(form);
  return found;
}

/** Everything a user could see of a value: inspect output, JSON, message and stack, recursively through causes. */
export function everythingShown(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: 20, showHidden: false })];
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    /* circular: inspect covers it */
  }
  for (let e: unknown = value, depth = 0; e instanceof Error && depth < 10; depth++) {
    parts.push(e.message, e.stack ?? '');
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Killed by the guard: it did not exit by itself in time. */
  killed: boolean;
  ms: number;
}

/** Runs `node ...args` in a fresh process, killed after `killAfterMs`: whether it exits by itself is often the point. */
export function runNode(args: readonly string[], killAfterMs = 20_000): Promise<ChildRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const guard = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, killed, ms: Date.now() - started });
    });
  });
}

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/**
 * Bundles `source` (TypeScript importing `@sdk/*`, resolved to the packages' sources) into a script and runs
 * it with `args` in a fresh Node process, as `runNode` does.
 */
export async function runBundled(source: string, args: readonly string[] = [], options: { killAfterMs?: number; external?: string[] } = {}): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-child-'));
  const entry = join(dir, 'child.ts');
  writeFileSync(entry, source);
  const src = (path: string) => `${PACKAGES}${path}`;
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(dir, 'child.mjs'),
    alias: {
      '@sdk/totogi/testing': src('totogi/src/testing/index.ts'),
      '@sdk/myphone/testing': src('myphone/src/testing/index.ts'),
      '@sdk/core/testing': src('core/src/testing/index.ts'),
      '@sdk/core/schema-check': src('core/src/schema-check/index.ts'),
      '@sdk/totogi': src('totogi/src/index.ts'),
      '@sdk/myphone': src('myphone/src/index.ts'),
      '@sdk/core': src('core/src/index.ts'),
    },
    nodePaths: [src('core/node_modules'), src('totogi/node_modules'), src('myphone/node_modules')],
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    external: options.external ?? [],
    logLevel: 'silent',
  });
  return runNode([join(dir, 'child.mjs'), ...args], options.killAfterMs);
}
