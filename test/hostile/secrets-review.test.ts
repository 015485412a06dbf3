/**
 * Hostile review of the one scrubber (issue 11 part 4): echo forms a real server produces that the
 * scrubber's fixed list of whole-secret encodings does not match. Each test puts the echo on a loopback
 * server and searches every sink (error, logs, events) for the secret in that same form.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger, SdkEvent } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, everythingShown, hostileServer, leaks, sendJson } from './lib.js';

afterEach(closeAll);

function sinks() {
  const logged: string[] = [];
  const events: SdkEvent[] = [];
  const line = (m: string, meta?: Record<string, unknown>) => logged.push(m, JSON.stringify(meta), inspect(meta, { depth: 20 }));
  const logger: Logger = { debug: line, info: line, warn: line, error: line };
  return {
    options: { logger, logLevel: 'debug' as const, onEvent: (e: SdkEvent) => events.push(e) },
    shown: () => [...logged, ...events.map((e) => `${JSON.stringify(e)}\n${inspect(e, { depth: 20 })}`)].join('\n'),
  };
}

/** Runs one wherever call against a server that answers with `body` (a GraphQL error) and returns all that was shown. */
async function shownAfterEcho(apiKey: string, message: string, extensions: Record<string, unknown> = {}): Promise<string> {
  const server = await hostileServer((_r, res) => sendJson(res, { errors: [{ message, extensions }] }));
  const sink = sinks();
  const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0, ...sink.options });
  const err = await wherever.getCustomerData().catch((e: unknown) => e);
  expect((err as Error).name).toBe('GraphQLResponseError');
  return `${everythingShown(err)}\n${sink.shown()}`;
}

describe('echo forms the scrubber misses', () => {
  const apiKey = 'wk_live_Kx9pQ2mZr7Lw4Tn8Vb';

  it('base64 of a JSON object holding the key (a server echoing the request it got, encoded)', async () => {
    const echoed = Buffer.from(JSON.stringify({ headers: { authorization: apiKey } })).toString('base64');
    const shown = await shownAfterEcho(apiKey, 'request rejected', { request: echoed });
    // Decode every base64-looking run of the shown text: none may hold the key.
    const decoded = (shown.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []).map((b) => Buffer.from(b, 'base64').toString('utf8'));
    expect(decoded.filter((d) => d.includes(apiKey))).toEqual([]);
  });

  it('base64 of the MyPhone login body holding the password, echoed by a login refusal', async () => {
    const password = 'Sup3r-Secret-Passw0rd!';
    const server = await hostileServer((r, res) => sendJson(res, { message: `refused; you sent ${Buffer.from(r.raw).toString('base64')}` }, 401));
    const sink = sinks();
    const myphone = createMyPhoneClient({ username: 'partner', password, origin: server.origin, retry: 0, ...sink.options });
    const err = await myphone.simcard({ id: '1' }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AuthError');
    expect(server.received[0]!.raw).toContain(password);
    const shown = `${everythingShown(err)}\n${sink.shown()}`;
    const decoded = (shown.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []).map((b) => Buffer.from(b, 'base64').toString('utf8'));
    expect(decoded.filter((d) => d.includes(password))).toEqual([]);
  });

  it('URL-encoding with mixed-case hex digits (%2f next to %2F)', async () => {
    const key = 'wk/live+key&x=1/2/3';
    const mixed = encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m, i: number) => (i % 2 ? m.toLowerCase() : m));
    expect(mixed).not.toBe(encodeURIComponent(key));
    const shown = await shownAfterEcho(key, `bad key ${mixed}`);
    expect(decodeURIComponent(mixed)).toBe(key);
    expect(shown).not.toContain(mixed);
  });

  it('JSON \\u escapes with upper-case hex (Jackson, .NET) for a non-ASCII secret', async () => {
    const key = 'schlüssel-größe-9876';
    const upper = key.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
    // Sent as text the client keeps verbatim (not parsed), so the escapes reach the sinks as the server wrote them.
    const server = await hostileServer((_r, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`{"error":"bad password ${upper}"}`);
    });
    const sink = sinks();
    const myphone = createMyPhoneClient({ username: 'partner', password: key, origin: server.origin, retry: 0, ...sink.options });
    const err = await myphone.simcard({ id: '1' }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AuthError');
    expect(`${everythingShown(err)}\n${sink.shown()}`).toContain('bad password');
    expect(`${everythingShown(err)}\n${sink.shown()}`).not.toContain(upper);
  });

  it('hex encoding of the key (lower and upper case)', async () => {
    const hex = Buffer.from(apiKey).toString('hex');
    const shown = await shownAfterEcho(apiKey, `digest input ${hex} / ${hex.toUpperCase()}`);
    expect(shown.toLowerCase()).not.toContain(hex);
  });

  it('a non-ASCII password echoed in Unicode NFD (decomposed) form by a login refusal', async () => {
    const password = 'clé-secrète-Ωmega-42';
    const nfd = password.normalize('NFD');
    expect(nfd).not.toBe(password);
    const server = await hostileServer((_r, res) => sendJson(res, { message: `wrong password ${nfd}` }, 401));
    const sink = sinks();
    const myphone = createMyPhoneClient({ username: 'partner', password, origin: server.origin, retry: 0, ...sink.options });
    const err = await myphone.simcard({ id: '1' }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AuthError');
    expect(`${everythingShown(err)}\n${sink.shown()}`.normalize('NFC')).not.toContain(password);
  });

  it('a non-ASCII API key is a ValidationError before anything is sent, not a ConnectionError', async () => {
    const server = await hostileServer((_r, res) => sendJson(res, { data: {} }));
    // Refused when the client is built: no call can start, nothing is sent.
    expect(() => createWhereverClient({ apiKey: 'clé-secrète-Ωmega-42', endpoint: server.url, retry: 0 })).toThrow(expect.objectContaining({ name: 'ValidationError', field: 'apiKey' }));
    expect(server.received).toHaveLength(0);
  });

  it('a Location header on a redirect holding the key in its query string', async () => {
    const server = await hostileServer((_r, res) => {
      res.writeHead(307, { location: `http://127.0.0.2:1/graphql?key=${encodeURIComponent(apiKey)}&raw=${apiKey}`, 'set-cookie': `session=${apiKey}; Path=/` });
      res.end();
    });
    const sink = sinks();
    const wherever = createWhereverClient({ apiKey, endpoint: server.url, retry: 0, ...sink.options });
    const err = await wherever.getCustomerData().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(leaks(`${everythingShown(err)}\n${sink.shown()}`, [apiKey])).toEqual([]);
  });
});
