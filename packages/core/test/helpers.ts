import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { OperationDescriptor } from '@sdk/core';

/** A hand-made operation descriptor, shaped like the generated ones. */
export function op(name: string, kind: 'query' | 'mutation' = 'query', extra: Partial<OperationDescriptor> = {}): OperationDescriptor {
  const document = `${kind} ${name}{thing{id}}`;
  return {
    name,
    kind,
    document,
    bodyPrefix: `${JSON.stringify({ operationName: name, query: document }).slice(0, -1)},"variables":`,
    path: ['thing'],
    ...extra,
  };
}

export interface Scripted {
  url: string;
  /** Requests seen: parsed body and headers. */
  seen: { body: { operationName?: string; variables?: Record<string, unknown> }; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

export type Step =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { json: unknown; status?: number; headers?: Record<string, string>; delayMs?: number; encoding?: 'gzip' | 'br' }
  | 'reset'
  | 'hang';

/** A real loopback HTTP server that answers with the scripted steps in order (the last one repeats). */
export async function scriptedServer(steps: Step[] | ((n: number, body: unknown, headers: Record<string, unknown>) => Step)): Promise<Scripted> {
  const seen: Scripted['seen'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      seen.push({ body, headers: req.headers });
      const n = seen.length - 1;
      const step = typeof steps === 'function' ? steps(n, body, req.headers) : steps[Math.min(n, steps.length - 1)]!;
      const answer = () => {
        if (step === 'reset') return req.socket.destroy();
        if (step === 'hang') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.write('{"data":');
        }
        if ('json' in step) {
          const raw = Buffer.from(JSON.stringify(step.json));
          const body = step.encoding === 'gzip' ? gzipSync(raw) : step.encoding === 'br' ? brotliCompressSync(raw) : raw;
          res.writeHead(step.status ?? 200, { 'content-type': 'application/json', ...(step.encoding ? { 'content-encoding': step.encoding } : {}), ...step.headers });
          return res.end(body);
        }
        res.writeHead(step.status, { 'content-type': 'text/html', ...step.headers });
        res.end(step.body ?? '');
      };
      const delay = typeof step === 'object' ? step.delayMs : undefined;
      if (delay) setTimeout(answer, delay);
      else answer();
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    seen,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nobody listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/graphql`;
}

export const ok = (value: unknown = { id: '1' }): Step => ({ json: { data: { thing: value } } });
