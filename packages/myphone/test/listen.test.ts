import { describe, expect, it } from 'vitest';
import { createMyPhoneClient, ConnectionError } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';

// A real loopback server (no msw in this file): what demos and non-fetch clients use.
describe('createMyPhoneMock().listen()', () => {
  it('serves login, refresh and GraphQL over HTTP', async () => {
    const api = createMyPhoneMock({ simcards: generateSimcards(120), accessTtlMs: 60_000 });
    const server = await api.listen();
    try {
      expect(server.endpoint).toBe(`${server.url}/partner/graphql`);
      const myphone = createMyPhoneClient({ ...server.clientOptions, retry: { baseDelayMs: 1 }, tokenSkewMs: 0 });
      expect((await myphone.simcards.all({ limit: 50 }).toArray()).map((s) => s.id)).toHaveLength(120);
      await myphone.simcard.block({ simcardId: '7' });
      expect(api.state.simcards.get('7')!.isBlocked).toBe(true);
      api.auth.expireTokens();
      expect((await myphone.simcard({ id: '7' }))!.isBlocked).toBe(true);
      expect(api.auth.calls.map((c) => c.kind)).toEqual(['login', 'refresh']);

      // `/graphql` is served too, and a request without a token gets HTTP 401
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ simcards { count } }' }) });
      expect(res.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('a closed server is a ConnectionError for GraphQL once logged in', async () => {
    const api = createMyPhoneMock();
    const server = await api.listen();
    const myphone = createMyPhoneClient({ ...server.clientOptions, retry: { maxRetries: 1, baseDelayMs: 1 } });
    await myphone.tariffs();
    await server.close();
    await expect(myphone.tariffs()).rejects.toBeInstanceOf(ConnectionError);
  });
});
