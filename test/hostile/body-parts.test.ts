/**
 * The default transport writes a request body in two parts (the operation's fixed prefix, then the call's
 * variables) with a content-length counted from the parts. What users rely on: every request on a keep-alive
 * connection carries exactly the bytes its content-length declares, whatever the characters. A count that is
 * too high leaves the server waiting (the call times out); too low, and the rest of the body is read as the
 * next request on the connection. This server parses HTTP by hand and records both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, rawHttpServer } from './lib.js';

afterEach(closeAll);

// One-byte (Latin-1), two-, three- and four-byte UTF-8, a lone surrogate (JSON.stringify escapes it), quotes and escapes.
const VALUES = ['plain', 'café', 'Ærø', '日本語', '🚀📶', 'mixed é 日 🚀', '\ud800 lone', 'quote " back \\ slash', '\u2028\u2029', 'x'.repeat(70_000) + '🚀'];

describe('request bodies in two parts: content-length is exact', () => {
  it('Totogi getAccount, sequential on one keep-alive connection, every kind of character: each body is whole, parses, and the next request starts where it ends', async () => {
    const { url, seen } = await rawHttpServer((b) => ({ data: { getAccount: { __typename: 'Account', providerId: b.variables?.providerId, accountId: b.variables?.accountId } } }));
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
    const { url, seen } = await rawHttpServer((b) => ({ data: { getAccount: { __typename: 'Account', providerId: b.variables?.providerId, accountId: b.variables?.accountId } } }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'token-1234' } }, endpoint: url, timeoutMs: 2_000, retry: 0 });
    const calls = Array.from({ length: 64 }, (_, i) => VALUES[i % VALUES.length]! + i);
    const got = await Promise.all(calls.map((v) => totogi.getAccount({ providerId: v, accountId: v })));
    expect(got.map((a) => a.accountId)).toEqual(calls);
    expect(seen.desync).toEqual([]);
    expect(seen.bodies.map((b) => JSON.parse(b.body.toString('utf8')).variables.accountId).sort()).toEqual([...calls].sort());
  });

  it("your own document with non-ASCII text in it (client.request), through OpenTelemetry's transport wrapper: exact too", async () => {
    const { url, seen } = await rawHttpServer((b) => ({ data: { echo: b.variables?.label } }));
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
