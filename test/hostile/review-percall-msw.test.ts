/**
 * Users test with msw: `setupServer` from msw/node must still intercept the default transport (now a
 * string body, an AttemptControl instead of a signal listener), and a stalled or aborted mocked exchange
 * must still end in TimeoutError / AbortError, counted at the handler.
 */
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { AbortError, TimeoutError } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { VENDORS } from './transport-vendors.js';

const URL_ = 'http://totogi.msw.test/graphql';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = (o: Record<string, unknown> = {}) => createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-msw-1' } }, endpoint: URL_, retry: 0, ...o });

it('msw intercepts the default transport and sees the whole multi-byte body', async () => {
  const bodies: unknown[] = [];
  server.use(
    http.post(URL_, async ({ request }) => {
      bodies.push(await request.json());
      return HttpResponse.json({ data: VENDORS[0]!.queryData });
    }),
  );
  const got = await client().getAccount({ providerId: 'p1', accountId: 'acc-Ω-😀' });
  expect(got).toMatchObject({ id: 'acc-1' });
  expect(bodies).toHaveLength(1);
  expect((bodies[0] as { variables: unknown }).variables).toMatchObject({ accountId: 'acc-Ω-😀' });
});

it('a mocked handler that never answers ends in TimeoutError at timeoutMs', async () => {
  let hits = 0;
  server.use(
    http.post(URL_, async () => {
      hits++;
      await delay('infinite');
      return HttpResponse.json({});
    }),
  );
  const started = Date.now();
  const err = await client({ timeoutMs: 150 }).getAccount({ providerId: 'p1', accountId: 'a' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TimeoutError);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(hits).toBe(1);
});

it("the caller's abort ends a mocked exchange, and the mutation is not re-sent", async () => {
  let hits = 0;
  server.use(
    http.post(URL_, async () => {
      hits++;
      await delay('infinite');
      return HttpResponse.json({});
    }),
  );
  const c = new AbortController();
  const pending = client({ retry: { maxRetries: 2, baseDelayMs: 1 } })
    .debitAccount({ input: { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } }, { signal: c.signal })
    .catch((e: unknown) => e);
  for (let i = 0; i < 100 && hits === 0; i++) await new Promise((r) => setTimeout(r, 10));
  c.abort(new Error('stop'));
  const err = await pending;
  expect(err).toBeInstanceOf(AbortError);
  await new Promise((r) => setTimeout(r, 50));
  expect(hits).toBe(1);
});
