/**
 * Attempt timeouts share one timer (core/src/transport/deadlines.ts). What users rely on: each attempt
 * still times out on its own clock whatever other calls are pending, a pending attempt keeps the process
 * alive until it settles or times out, and an idle client never holds the process open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, runNode } from './lib.js';

afterEach(closeAll);

const CORE = new URL('../../packages/core/dist/index.js', import.meta.url).href;

/** Runs an ES module script in a fresh Node process (built packages, as a deployment would). */
const runScript = (code: string, killAfterMs?: number) => runNode(['--input-type=module', '-e', code], killAfterMs);

describe('attempt timeouts on the shared timer', () => {
  it('a short timeout fires on time while a long one is pending, and each call gets its own TimeoutError', async () => {
    const server = await hostileServer(() => {
      /* never answers */
    });
    const client = createWhereverClient({ apiKey: 'k-deadline-1', endpoint: server.url, retry: 0 });
    const long = client.listSims({ limit: 1 }, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    const started = Date.now();
    const short = await client.listSims({ limit: 1 }, { timeoutMs: 150 }).catch((e: unknown) => e);
    const shortTook = Date.now() - started;
    expect(short).toBeInstanceOf(TimeoutError);
    expect((short as Error).message).toContain('150 ms');
    // Well before the long attempt's 2 s: the earlier deadline re-armed the shared timer.
    expect(shortTook).toBeLessThan(1_500);
    const longErr = await long;
    expect(longErr).toBeInstanceOf(TimeoutError);
    expect((longErr as Error).message).toContain('2000 ms');
    expect(server.received).toHaveLength(2);
  });

  it('a pending attempt keeps the process alive until it times out, even when the transport holds no socket', async () => {
    const r = await runScript(`
      const { createExecutor, noAuth, TimeoutError } = await import(${JSON.stringify(CORE)});
      // A transport that holds no handle and settles only when aborted: only the attempt timeout can end the call.
      const transport = (req) => new Promise((_, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason)));
      const executor = createExecutor({ endpoint: 'http://127.0.0.1:9/graphql', auth: noAuth(), transport, retry: 0, timeoutMs: 300 });
      const op = { name: 'Q', kind: 'query', document: 'query Q { q }', path: ['q'] };
      const err = await executor.execute(op, {}, undefined).catch((e) => e);
      console.log(err instanceof TimeoutError ? 'timed out' : 'other: ' + err);
    `);
    expect(r.stderr).not.toContain('unsettled');
    expect(r.stdout.trim()).toBe('timed out');
    expect(r.code).toBe(0);
  });

  it('once its calls are done, a client with a 60 s timeout does not hold the process open', async () => {
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ data: { q: 1 } }));
    });
    const r = await runScript(`
      const { createExecutor, noAuth } = await import(${JSON.stringify(CORE)});
      const executor = createExecutor({ endpoint: ${JSON.stringify(server.url)}, auth: noAuth(), timeoutMs: 60000 });
      const op = { name: 'Q', kind: 'query', document: 'query Q { q }', path: ['q'] };
      const { data } = await executor.execute(op, {}, undefined);
      console.log('got', data);
    `, 15_000);
    expect(r.stdout.trim()).toBe('got 1');
    expect(r.code).toBe(0);
    // Not killed by the 30 s guard, so it exited by itself well before the 60 s attempt timeout.
    expect(r.killed).toBe(false);
  });
});
