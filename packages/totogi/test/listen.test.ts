import { expect, it } from 'vitest';
import { createTotogiClient } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';

// No msw here: the fake is served over real HTTP on loopback.
it('listen() serves /graphql and /cognito; server.clientOptions is all a client needs', async () => {
  const api = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 3 }], clientSecret: 'loopback-secret' });
  const server = await api.listen();
  try {
    const totogi = createTotogiClient(server.clientOptions);
    const account = await totogi.getAccount({ providerId: api.providerId, accountId: 'acc-1' });
    expect(account?.balance?.value).toBe(3);
    expect(api.auth.logins).toBe(1);
    expect(api.auth.calls).toEqual([{ kind: 'login', status: 200 }]);
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  } finally {
    await server.close();
  }
});

it('after listen(), api.credentials point at the local Cognito (the README-style { auth: api.credentials })', async () => {
  const api = createTotogiMock({ accounts: [{ id: 'acc-1', balance: 4 }] });
  const realCognito = api.credentials.cognitoEndpoint;
  const server = await api.listen();
  try {
    expect(api.credentials.cognitoEndpoint).toBe(server.cognitoEndpoint);
    const totogi = createTotogiClient({ auth: api.credentials, endpoint: server.endpoint });
    expect((await totogi.getAccount({ providerId: api.providerId, accountId: 'acc-1' }))?.balance?.value).toBe(4);
  } finally {
    await server.close();
  }
  expect(api.credentials.cognitoEndpoint).toBe(realCognito);
});
