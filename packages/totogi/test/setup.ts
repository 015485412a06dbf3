import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTotogiClient, type TotogiClientOptions } from '@sdk/totogi';
import { createTotogiMock, type TotogiMockOptions } from '@sdk/totogi/testing';

/** One msw server per test file; every test gets a fresh fake and a client logged in to it. */
export function useServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  function setup(mockOptions: TotogiMockOptions = {}, clientOptions: Partial<TotogiClientOptions> = {}) {
    const api = createTotogiMock(mockOptions);
    server.use(...api.handlers);
    const totogi = createTotogiClient({ auth: api.credentials, retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 }, ...clientOptions });
    return { api, totogi, providerId: api.providerId };
  }
  return Object.assign(setup, { server });
}
