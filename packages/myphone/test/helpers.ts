import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createMyPhoneClient, type MyPhoneClientOptions } from '@sdk/myphone';
import { createMyPhoneMock, type MyPhoneMockOptions } from '@sdk/myphone/testing';

export type ClientExtras = Omit<MyPhoneClientOptions, 'username' | 'password' | 'tokenProvider'>;

/** One msw server per test file; `setup()` installs a fresh fake and a client logged in to it. */
export function useMyPhone() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return {
    server,
    setup(mockOptions: MyPhoneMockOptions = {}, clientOptions: ClientExtras = {}) {
      const api = createMyPhoneMock(mockOptions);
      server.use(...api.handlers);
      // Share the fake's clock so token expiry agrees on both sides.
      const myphone = createMyPhoneClient({ ...api.credentials, retry: { baseDelayMs: 1 }, now: mockOptions.now, ...clientOptions });
      return { api, myphone };
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
