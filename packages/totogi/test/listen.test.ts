import { expect, it } from 'vitest';
import { createTotogiClient } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';

// No msw here: the fake is served over real HTTP on loopback.
it('listen() serves /graphql and /cognito for clients that do not go through msw', async () => {
  const api = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 3 }], clientSecret: 'loopback-secret' });
  const server = await api.listen();
  try {
    const totogi = createTotogiClient({ endpoint: server.endpoint, auth: { ...api.credentials, cognitoEndpoint: server.cognitoEndpoint } });
    const account = await totogi.getAccount({ providerId: api.providerId, accountId: 'acc-1' });
    expect(account?.balance?.value).toBe(3);
    expect(api.cognito.logins).toHaveLength(1);
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  } finally {
    await server.close();
  }
});
