/**
 * The default transport writes a request body in two parts (the operation's fixed prefix, then the call's
 * variables) with a content-length counted from the parts. What users rely on: every request on a keep-alive
 * connection carries exactly the bytes its content-length declares, whatever the characters. A count that is
 * too high leaves the server waiting (the call times out); too low, and the rest of the body is read as the
 * next request on the connection. This server parses HTTP by hand and records both.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';

interface Seen {
  bodies: { declared: number; body: Buffer }[];
  /** Bytes where a request line should have started. */
  desync: string[];
  connections: number;
}

async function rawServer(answer: (body: { operationName?: string; variables?: Record<string, unknown> }) => unknown): Promise<{ url: string; seen: Seen; server: Server }> {
  const seen: Seen = { bodies: [], desync: [], connections: 0 };
  const server = createServer((socket: Socket) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/graphql`, seen, server };
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy(); // keep-alive connections would hold close() open
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

// One-byte (Latin-1), two-, three- and four-byte UTF-8, a lone surrogate (JSON.stringify escapes it), quotes and escapes.
const VALUES = ['plain', 'café', 'Ærø', '日本語', '🚀📶', 'mixed é 日 🚀', '\ud800 lone', 'quote " back \\ slash', '\u2028\u2029', 'x'.repeat(70_000) + '🚀'];

describe('request bodies in two parts: content-length is exact', () => {
  it('Totogi getAccount, sequential on one keep-alive connection, every kind of character: each body is whole, parses, and the next request starts where it ends', async () => {
    const { url, seen, server } = await rawServer((b) => ({ data: { getAccount: { __typename: 'Account', providerId: b.variables?.providerId, accountId: b.variables?.accountId } } }));
    servers.push(server);
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'token-1234' } }, endpoint: url, timeoutMs: 2_000, retry: 0 });
    for (const value of VALUES) {
      const account = await totogi.getAccount({ providerId: value, accountId: `${value}-2` });
      expect(account.accountId).toBe(`${value}-2`);
    }
    expect(seen.desync).toEqual([]);
    expect(seen.bodies).toHaveLength(VALUES.length);
    for (const [i, { declared, body }] of seen.bodies.entries()) {
      expect(body.length).toBe(declared);
      expect(JSON.parse(body.toString('utf8')).variables).toEqual({ providerId: VALUES[i], accountId: `${VALUES[i]}-2` });
    }
    expect(seen.connections).toBe(1);
  });

  it('16 calls in flight with different characters: every body arrives whole, none runs into the next', async () => {
    const { url, seen, server } = await rawServer((b) => ({ data: { getAccount: { __typename: 'Account', providerId: b.variables?.providerId, accountId: b.variables?.accountId } } }));
    servers.push(server);
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'token-1234' } }, endpoint: url, timeoutMs: 2_000, retry: 0 });
    const calls = Array.from({ length: 64 }, (_, i) => VALUES[i % VALUES.length]! + i);
    const got = await Promise.all(calls.map((v) => totogi.getAccount({ providerId: v, accountId: v })));
    expect(got.map((a) => a.accountId)).toEqual(calls);
    expect(seen.desync).toEqual([]);
    expect(seen.bodies.map((b) => JSON.parse(b.body.toString('utf8')).variables.accountId).sort()).toEqual([...calls].sort());
  });

  it("your own document with non-ASCII text in it (client.request), through OpenTelemetry's transport wrapper: exact too", async () => {
    const { url, seen, server } = await rawServer((b) => ({ data: { echo: b.variables?.label } }));
    servers.push(server);
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const wherever = createWhereverClient({ apiKey: 'key-123456', endpoint: url, timeoutMs: 2_000, retry: 0, telemetry: { tracer: provider.getTracer('t') } });
    const document = 'query Échos($label: String) { echo(label: $label, note: "naïve 🚀 日本") }'.replace('Échos', 'Echos');
    for (const value of VALUES) {
      const data = await wherever.request<{ echo: string }>(document, { label: value });
      expect(data.echo).toBe(value);
    }
    expect(seen.desync).toEqual([]);
    for (const { declared, body } of seen.bodies) {
      expect(body.length).toBe(declared);
      expect(JSON.parse(body.toString('utf8')).query).toContain('note:"naïve 🚀 日本"');
    }
    expect(exporter.getFinishedSpans().length).toBeGreaterThanOrEqual(VALUES.length);
  });
});
