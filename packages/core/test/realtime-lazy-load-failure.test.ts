/**
 * The protocol code is a separate file loaded on the first `subscribe`. When that load fails (a file a
 * bundler or a deploy step dropped), the subscription fails like any other: `ready` rejects, the loop
 * throws the cause once and is then done, and nothing is left as an unhandled rejection.
 */
import { describe, expect, it, vi } from 'vitest';
import { apiKeyAuth, createSubscriptionClient, type OperationDescriptor } from '@sdk/core';

vi.mock('../src/realtime/appsync.ts', () => {
  throw new Error('chunk appsync missing');
});

const OnThing = { name: 'OnThing', kind: 'subscription', document: 'subscription OnThing{onThing{id}}', bodyPrefix: '', path: ['onThing'] } as OperationDescriptor<{ onThing: { id: string } | null }, Record<string, never>, { id: string } | null>;

describe('the protocol client cannot be loaded', () => {
  it('fails the subscription (ready, then one throw, then done) without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = createSubscriptionClient({ url: 'ws://127.0.0.1:9/graphql', protocol: 'appsync', auth: apiKeyAuth('secret-key-0123456789') });
      const sub = client.subscribe(OnThing);
      const first = sub.next();
      const second = sub.next();
      await expect(sub.ready).rejects.toThrow(/mocking a module/);
      await expect(first).rejects.toThrow(/mocking a module/);
      await expect(second).resolves.toEqual({ done: true, value: undefined });
      await expect(sub.next()).resolves.toEqual({ done: true, value: undefined });
      await expect(client.close()).resolves.toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
