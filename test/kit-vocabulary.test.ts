/** The three testing kits speak one vocabulary (FakeKit in @sdk/core/testing), with auth counted the same way. */
import { describe, expect, it } from 'vitest';
import type { FakeAuthControls } from '@sdk/core/testing';
import { createMyPhoneClient } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import { createTotogiClient } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';
import { createWhereverClient } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

const SHARED = ['endpoint', 'handlers', 'state', 'requests', 'requestsOf', 'failNext', 'override', 'clientOptions', 'listen'] as const;
const AUTH = ['calls', 'logins', 'refreshes', 'expireTokens', 'refuseRefresh', 'allowRefresh', 'failNext'] as const;

describe('one testing-kit vocabulary', () => {
  it('every kit has the shared members; the token vendors have the same auth controls', () => {
    for (const api of [createWhereverMock(), createTotogiMock(), createMyPhoneMock()]) {
      for (const name of SHARED) expect(api, name).toHaveProperty(name);
    }
    for (const api of [createTotogiMock(), createMyPhoneMock()]) {
      for (const name of AUTH) expect((api.auth as FakeAuthControls)[name], name).toBeDefined();
    }
  });

  it('listen() → server.clientOptions is all a client needs, for every vendor; logins and refreshes count alike', async () => {
    const wherever = createWhereverMock({ sims: generateSims(3) });
    const totogi = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 1 }] });
    const myphone = createMyPhoneMock({ simcards: generateSimcards(3) });
    const servers = await Promise.all([wherever.listen(), totogi.listen(), myphone.listen()]);
    try {
      const [w, t, m] = servers;
      expect((await createWhereverClient(w!.clientOptions).listSims.all().toArray()).length).toBe(3);
      const tc = createTotogiClient({ ...t!.clientOptions, retry: { baseDelayMs: 1 } });
      await tc.getAccount({ providerId: totogi.providerId, accountId: 'acc-1' });
      const mc = createMyPhoneClient({ ...m!.clientOptions, retry: { baseDelayMs: 1 } });
      await mc.simcards();
      for (const [api, call] of [
        [totogi, () => tc.getAccount({ providerId: totogi.providerId, accountId: 'acc-1' })],
        [myphone, () => mc.simcards()],
      ] as const) {
        expect(api.auth.logins).toBe(1);
        api.auth.expireTokens();
        await call();
        expect(api.auth.refreshes).toBe(1);
        api.auth.refuseRefresh();
        api.auth.expireTokens();
        await call();
        expect(api.auth.calls.map((c) => `${c.kind}:${c.status}`)).toEqual(['login:200', 'refresh:200', 'refresh:400', 'login:200'].map((s) => (api === myphone ? s.replace('refresh:400', 'refresh:401') : s)));
        api.auth.allowRefresh();
      }
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
