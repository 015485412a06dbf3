/**
 * Review of issue 16's per-call path (commit 400041b): the default transport cancels through an
 * AttemptControl instead of an AbortSignal listener, token headers are one frozen object per token, and
 * request/response events are built only when someone listens. Each test attacks one of those as a hostile
 * server, a careless caller or a user's wrapper would, and counts at the server.
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, TimeoutError, httpTransport, type Transport } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, everythingShown, hostileServer, leaks, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

const account = VENDORS[0]!.queryData;
const debit = VENDORS[0]!.mutationData;

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

/** A server that never answers; counts exchanges the client tore down. */
async function stalling() {
  let torn = 0;
  const server = await hostileServer((_req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) torn++;
    });
  });
  return Object.assign(server, { torn: () => torn });
}

describe('a user wrapper around httpTransport() keeps its own cancellation', () => {
  it("a wrapper that replaces request.signal (its own shutdown signal) still cancels the default transport", async () => {
    const server = await stalling();
    const shutdown = new AbortController();
    const inner = httpTransport();
    const transport: Transport = (req) => inner({ ...req, signal: AbortSignal.any([req.signal, shutdown.signal]) });
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-w1' } }, endpoint: server.url, transport, timeoutMs: 5_000, retry: 0 });
    const pending = totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await until(() => server.received.length === 1);
    shutdown.abort(new Error('wrapper shutdown'));
    const outcome = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still pending after 1s'), 1000))]);
    expect(outcome).not.toBe('still pending after 1s');
    await until(() => server.torn() === 1);
    expect(server.torn()).toBe(1);
  });

  it('a hedging wrapper (two concurrent sends of one attempt) is still bounded by timeoutMs', async () => {
    // The first send is reset at once, the second stalls: the attempt timeout must still end the call.
    const server = await hostileServer((_req, res, n) => {
      if (n === 0) res.socket?.destroy();
    });
    const inner = httpTransport();
    const transport: Transport = (req) => Promise.any([inner(req), new Promise((r) => setTimeout(r, 5)).then(() => inner(req))]);
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-w2' } }, endpoint: server.url, transport, timeoutMs: 200, retry: 0 });
    const outcome = await Promise.race([
      totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).catch((e: unknown) => e),
      new Promise((r) => setTimeout(() => r('still pending after 2s'), 2000)),
    ]);
    expect(outcome).toBeInstanceOf(TimeoutError);
  });
});

describe("the caller's signal", () => {
  it('aborted right after the call (while the token is read) sends nothing: no mutation receipt', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: debit }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-s1' } }, endpoint: server.url, retry: 0 });
    const controller = new AbortController();
    const pending = totogi.debitAccount({ input: { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } }, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('changed my mind'));
    const err = await pending;
    await new Promise((r) => setTimeout(r, 100));
    expect(err).toBeInstanceOf(AbortError);
    expect(server.receipts('DebitAccount')).toBe(0);
  });
});

describe('one frozen headers object per token', () => {
  it('a custom transport that adds a header for one call does not leak it into the next call', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: account }));
    const inner = httpTransport();
    let tenant: string | undefined = 'tenant-a';
    const transport: Transport = (req) => {
      // A careless but common wrapper: it writes into the request's headers.
      if (tenant) req.headers['x-tenant'] = tenant;
      return inner(req);
    };
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-h1' } }, endpoint: server.url, transport, retry: 0 });
    await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    tenant = undefined;
    await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    expect(server.received[0]!.headers['x-tenant']).toBe('tenant-a');
    expect(server.received[1]!.headers['x-tenant']).toBeUndefined();
  });

  it('a rotated token is sent on the next call, A→B→A, and a 401 replays with what the provider gives after invalidate', async () => {
    const tokens = ['tok-A', 'tok-B', 'tok-A', 'tok-A'];
    let i = 0;
    const invalidated: string[] = [];
    const server = await hostileServer((req, res, n) => {
      if (n === 3) return sendJson(res, { errors: [{ message: 'Unauthorized' }] }, 401);
      sendJson(res, { data: account });
    });
    const totogi = createTotogiClient({
      auth: {
        tokenProvider: {
          getAccessToken: async () => tokens[Math.min(i++, tokens.length - 1)]!,
          invalidate: async (token) => {
            invalidated.push(token);
            return true;
          },
        },
      },
      endpoint: server.url,
      retry: 0,
    });
    for (let k = 0; k < 4; k++) await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    expect(server.received.map((r) => r.headers.authorization)).toEqual(['tok-A', 'tok-B', 'tok-A', 'tok-A', 'tok-A']);
    expect(invalidated).toEqual(['tok-A']);
  });
});

describe('a hostile server against the default transport (no "aborted" listener any more)', () => {
  const modes = {
    'resets the socket half-way through the body': (res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"debitAccount":{');
      setTimeout(() => res.socket?.resetAndDestroy?.() ?? res.socket?.destroy(), 20);
    },
    'closes (FIN) half-way through a content-length body': (res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":{"debitAccount":{');
      setTimeout(() => res.socket?.end(), 20);
    },
    'closes half-way through a chunked body (no last chunk)': (res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"debitAccount":{');
      setTimeout(() => res.socket?.end(), 20);
    },
  };
  for (const [name, mode] of Object.entries(modes)) {
    it(`${name}: a ConnectionError, the mutation is not re-sent; a query is retried and succeeds`, async () => {
      const server = await hostileServer((req, res, n) => {
        if (req.json?.operationName === 'GetAccount' && n > 1) return sendJson(res, { data: account });
        mode(res);
      });
      const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-r1' } }, endpoint: server.url, timeoutMs: 5_000, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      const started = Date.now();
      const err = await totogi.debitAccount({ input: { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('ConnectionError');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(server.receipts('DebitAccount')).toBe(1);
      const got = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
      expect(got).toMatchObject({ id: 'acc-1' });
      expect(server.receipts('GetAccount')).toBe(2);
    });
  }

  it('a body longer than its content-length: the declared bytes are the answer, and the next call is unharmed', async () => {
    const json = JSON.stringify({ data: account });
    const server = await hostileServer((_req, res, n) => {
      if (n === 0) {
        res.socket!.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}{"data":{"getAccount":{"id":"SMUGGLED"}}}`);
        return;
      }
      sendJson(res, { data: account });
    });
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-r2' } }, endpoint: server.url, timeoutMs: 2_000, retry: 0 });
    const first = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    expect(first).toMatchObject({ id: 'acc-1' });
    const second = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-2' });
    expect(second).toMatchObject({ id: 'acc-1' });
    expect(server.received).toHaveLength(2);
  });

  it('multi-byte UTF-8 variables arrive whole (content-length counts bytes, not characters)', async () => {
    const id = 'acc-Ω-账户-😀-\u00e9\u0301';
    const server = await hostileServer((_req, res) => sendJson(res, { data: account }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-u1' } }, endpoint: server.url, retry: 0 });
    await totogi.getAccount({ providerId: 'p1', accountId: id });
    await totogi.getAccount({ providerId: 'p1', accountId: 'plain' });
    expect(server.received[0]!.json?.variables).toMatchObject({ accountId: id });
    expect(Number(server.received[0]!.headers['content-length'])).toBe(Buffer.byteLength(server.received[0]!.raw));
    expect(server.received[1]!.json?.variables).toMatchObject({ accountId: 'plain' });
  });
});

describe('aborts racing the response', () => {
  it('an abort exactly as the response ends, and a timer due at the same moment, leave the result or a clean AbortError, never a hang', async () => {
    const server = await hostileServer((_req, res) => setTimeout(() => sendJson(res, { data: account }), 30));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-a1' } }, endpoint: server.url, timeoutMs: 31, retry: 0 });
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = new AbortController();
      setTimeout(() => c.abort(new Error('late')), 28 + (i % 5));
      const r = await Promise.race([
        totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }, { signal: c.signal }).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
        new Promise<string>((r) => setTimeout(() => r('hang'), 2_000)),
      ]);
      outcomes.push(r);
    }
    expect(outcomes.filter((o) => !['ok', 'AbortError', 'TimeoutError'].includes(o))).toEqual([]);
  });

  it('a caller signal aborted during the retry backoff stops the call: no further request', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { errors: [{ message: 'busy' }] }, 503));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-a2' } }, endpoint: server.url, retry: { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 200 }, random: () => 0.99 });
    const c = new AbortController();
    const pending = totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }, { signal: c.signal }).catch((e: unknown) => e);
    await until(() => server.received.length === 1);
    // Full jitter could make the wait shorter than this pause: `random` pins it at ~198 ms.
    await new Promise((r) => setTimeout(r, 30));
    c.abort();
    expect(await pending).toBeInstanceOf(AbortError);
    await new Promise((r) => setTimeout(r, 400));
    expect(server.received).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: debit }));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-a3' } }, endpoint: server.url });
    const err = await totogi.debitAccount({ input: { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } }, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.received).toHaveLength(0);
  });
});

describe('events when only SDK_LOG asks for them', () => {
  it('SDK_LOG=debug with no logger and no hook still logs request and response lines, scrubbed', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: account }, 200, { 'x-request-id': 'rid-tok-secret-9f8e7d6c' }));
    const lines: string[] = [];
    const original = console.error;
    const before = process.env.SDK_LOG;
    process.env.SDK_LOG = 'totogi=debug';
    console.error = (m: unknown) => void lines.push(String(m));
    try {
      const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-secret-9f8e7d6c' } }, endpoint: server.url, retry: 0 });
      await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    } finally {
      console.error = original;
      if (before === undefined) delete process.env.SDK_LOG;
      else process.env.SDK_LOG = before;
    }
    expect(lines.some((l) => /GetAccount/.test(l) && /request|→|sending/i.test(l))).toBe(true);
    expect(lines.some((l) => /200/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain('tok-secret-9f8e7d6c');
  });
});

describe('a careless token provider', () => {
  for (const [name, value] of [
    ['undefined (process.env.TOTOGI_JWT! unset, as in the README)', undefined],
    ['an empty string', ''],
    ['a number', 42],
  ] as const) {
    it(`returning ${name}: a ValidationError naming the token, and nothing is sent`, async () => {
      const server = await hostileServer((_req, res) => sendJson(res, { data: account }));
      const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => value as unknown as string } }, endpoint: server.url, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      const err = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('ValidationError');
      expect((err as Error).message).toMatch(/token/i);
      expect(server.received).toHaveLength(0);
    });
  }
});

describe('abort before a socket exists, and a careless direct call', () => {
  it('an abort in the same tick as the call (API key: no await before the send) sends no mutation', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { updateSim: { iccid: '8988280666000000001', statusid: 3 } } }));
    const wherever = createWhereverClient({ apiKey: 'wk-same-tick-key', endpoint: server.url });
    // Warm the keep-alive pool too: a pooled socket must not carry the aborted request either.
    await wherever.getCustomerData().catch(() => undefined);
    for (let i = 0; i < 5; i++) {
      const c = new AbortController();
      const pending = wherever.updateSim({ iccid: '8988280666000000001', statusid: 3 }, { signal: c.signal }).catch((e: unknown) => e);
      c.abort();
      expect(await pending).toBeInstanceOf(AbortError);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(server.receipts('UpdateSim')).toBe(0);
  });

  it('httpTransport() called by hand without a signal still answers (no TypeError on signal)', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { ok: true } }));
    const send = httpTransport();
    const res = await send({ url: server.url, body: '{"query":"{ok}"}', headers: { 'content-type': 'application/json' }, operation: { name: 'Ok', kind: 'query', document: '{ok}', path: [] } } as never);
    expect(res.status).toBe(200);
    expect(server.received).toHaveLength(1);
  });
});

describe('request ids echoing the token of a README-style provider (no secrets())', () => {
  it('are scrubbed on errors (the lazy error context) and on a success response, and after the token rotated', async () => {
    const T1 = 'jwt-one-5c2e8a7f1d9b';
    const T2 = 'jwt-two-8b1d4f6e2a7c';
    let token = T1;
    const server = await hostileServer((req, res, n) => {
      const echoed = String(req.headers.authorization);
      if (n === 1) return sendJson(res, { errors: [{ message: 'boom' }] }, 500, { 'x-request-id': `rid-${echoed}`, 'x-amzn-requestid': `rid-${echoed}` });
      sendJson(res, { data: account }, 200, { 'x-request-id': `rid-${echoed}`, 'x-amzn-requestid': `rid-${echoed}` });
    });
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => token } }, endpoint: server.url, retry: 0 });
    const { response } = await totogi.getAccount.withResponse({ providerId: 'p1', accountId: 'acc-1' });
    token = T2;
    const err = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const shown = `${everythingShown(err)}\n${everythingShown(response)}\n${String(response.requestId)}\n${String((err as { requestId?: string }).requestId)}`;
    expect(leaks(shown, [T1, T2])).toEqual([]);
    expect(server.received.map((r) => r.headers.authorization)).toEqual([T1, T2]);
  });
});

describe('a token that cannot be a header value', () => {
  it('(CR/LF from a bad secret store) is a ValidationError that names the field, never retried, nothing sent, the token not shown', async () => {
    const bad = 'jwt-bad-7e1c\r\nx-injected: 1';
    const server = await hostileServer((_req, res) => sendJson(res, { data: account }));
    let asked = 0;
    const totogi = createTotogiClient({
      auth: {
        tokenProvider: {
          getAccessToken: async () => {
            asked++;
            return bad;
          },
        },
      },
      endpoint: server.url,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const err = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationError');
    expect((err as { field?: string }).field).toBe('tokenProvider');
    expect(everythingShown(err)).not.toContain('jwt-bad-7e1c');
    expect(asked).toBe(1);
    expect(server.received).toHaveLength(0);
  });
});

describe('a raw server that answers twice', () => {
  it('an unsolicited second response on an idle keep-alive socket is never taken as the next call\'s answer', async () => {
    const good = JSON.stringify({ data: account });
    const evil = JSON.stringify({ data: { getAccount: { ...(account as { getAccount: object }).getAccount, id: 'SMUGGLED' } } });
    const wire = (b: string) => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    let requests = 0;
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      let buf = '';
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        for (let guard = 0; guard < 10; guard++) {
          const h = buf.indexOf('\r\n\r\n');
          if (h < 0) return;
          const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, h))?.[1] ?? 0);
          if (buf.length < h + 4 + len) return;
          buf = buf.slice(h + 4 + len);
          if (requests++ === 0) {
            s.write(wire(good));
            setTimeout(() => s.writable && s.write(wire(evil)), 30);
          } else setTimeout(() => s.writable && s.write(wire(good)), 50);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
      const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-twice' } }, endpoint: url, timeoutMs: 2_000, retry: 0 });
      await totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' });
      await new Promise((r) => setTimeout(r, 80));
      const second = await totogi.getAccount({ providerId: 'p1', accountId: 'acc-2' });
      expect(second).toMatchObject({ id: 'acc-1' });
      expect(requests).toBe(2);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe('the shared attempt timer (deadlines.ts) and the wall clock', () => {
  it('a wall clock stepped back an hour mid-attempt (NTP, a resumed VM) does not postpone timeoutMs', async () => {
    const server = await stalling();
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-clock' } }, endpoint: server.url, timeoutMs: 150, retry: 0 });
    const realNow = Date.now.bind(Date);
    const pending = totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await until(() => server.received.length === 1);
    Date.now = () => realNow() - 3_600_000;
    try {
      const outcome = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still pending after 2s'), 2_000))]);
      expect(outcome).toBeInstanceOf(TimeoutError);
    } finally {
      Date.now = realNow;
      await server.close();
      await pending;
    }
  });
});
