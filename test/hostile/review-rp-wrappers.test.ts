/**
 * Users wrap the default transport (add a header, log, replace the body). A wrapper that keeps the wrapped
 * function's own properties (`Object.assign(wrapper, inner)`, as helpers that "preserve the original" do)
 * is handed the executor's own request object, and `{ ...request }` is the usual way to change one field.
 * What they rely on: the copy still sends the whole body, byte-exact, or the body they put in its place.
 */
import { afterEach, expect, it } from 'vitest';
import { httpTransport, type Transport } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { VENDORS } from './transport-vendors.js';

afterEach(closeAll);

const client = (url: string, transport: Transport) => createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'tok-wrapper-1' } }, endpoint: url, retry: 0, timeoutMs: 2_000, transport });

it('a wrapper keeping the default transport\'s properties and spreading the request ({ ...request, headers }) still sends the whole body', async () => {
  const s = await hostileServer((_r, res) => sendJson(res, { data: VENDORS[0]!.queryData }));
  const inner = httpTransport();
  const transport: Transport = Object.assign((request: Parameters<Transport>[0]) => inner({ ...request, headers: { ...request.headers, 'x-wrapped': '1' } }), inner);
  await expect(client(s.url, transport).getAccount({ providerId: 'p1', accountId: 'acc-é-🚀' })).resolves.toMatchObject({ id: 'acc-1' });
  expect(s.received).toHaveLength(1);
  expect(s.received[0]!.headers['x-wrapped']).toBe('1');
  expect(s.received[0]!.json?.variables).toEqual({ providerId: 'p1', accountId: 'acc-é-🚀' });
  expect(Number(s.received[0]!.headers['content-length'])).toBe(Buffer.byteLength(s.received[0]!.raw));
});

it('such a wrapper replacing the body ({ ...request, body }) sends its body, with its length', async () => {
  const s = await hostileServer((_r, res) => sendJson(res, { data: VENDORS[0]!.queryData }));
  const inner = httpTransport();
  const transport: Transport = Object.assign((request: Parameters<Transport>[0]) => {
    const body = JSON.parse(request.body) as { variables: Record<string, unknown> };
    body.variables.accountId = 'replaced-日本';
    return inner({ ...request, body: JSON.stringify(body) });
  }, inner);
  await client(s.url, transport).getAccount({ providerId: 'p1', accountId: 'original' });
  expect(s.received).toHaveLength(1);
  expect(s.received[0]!.json?.variables).toEqual({ providerId: 'p1', accountId: 'replaced-日本' });
  expect(Number(s.received[0]!.headers['content-length'])).toBe(Buffer.byteLength(s.received[0]!.raw));
});
