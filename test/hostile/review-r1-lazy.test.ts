/**
 * Review R1 of issue 16's lazy operation table (wave/c1): a method's descriptor is decoded on first use and
 * `.operation` starts as a getter. A careless caller that freezes the client (a deep-freeze helper, as config
 * objects often get) must still read every descriptor and call every method, as before the change; counted at
 * a hostile loopback server.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKeyAuth, buildMethods, createExecutor, type OperationDescriptor } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson } from './lib.js';

afterEach(closeAll);

/** What the popular deep-freeze helpers do: freeze, then recurse into every own property, functions too. */
function deepFreeze(o: object, seen = new Set<object>()): void {
  if (seen.has(o)) return;
  seen.add(o);
  Object.freeze(o);
  for (const key of Object.getOwnPropertyNames(o)) {
    const v = (o as Record<string, unknown>)[key];
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) deepFreeze(v, seen);
  }
}

const methodsOf = (node: object, path: string[] = [], out: Array<[string, { operation: { name: string } }]> = []) => {
  for (const key of Object.keys(node)) {
    const v = (node as Record<string, unknown>)[key] as object;
    // Generated methods (subscriptions and helpers such as waitForBatchJob carry no descriptor).
    if (typeof v === 'function' && 'operation' in v) out.push([[...path, key].join('.'), v as never]);
    if (v && (typeof v === 'object' || typeof v === 'function')) methodsOf(v, [...path, key], out);
  }
  return out;
};

describe('review R1: a frozen client still reads its lazily decoded descriptors and calls', () => {
  it('deep-freezing each vendor client (methods included) throws nothing; every .operation reads; the call reaches the server', async () => {
    const data: Record<string, unknown> = { GetCustomerData: { getCustomerData: { customerid: 1 } }, GetAccount: { getAccount: { __typename: 'Account', id: 'acc-1' } } };
    const server = await hostileServer((req, res) => sendJson(res, { data: data[req.json?.operationName ?? ''] ?? {} }));
    const tokenProvider = { getAccessToken: async () => 'tok-frozen-1' };
    const clients = {
      // Fresh clients whose methods nobody has read yet: `.operation` is still the decode-on-first-read getter.
      wherever: createWhereverClient({ apiKey: 'key-frozen-1', endpoint: server.url, retry: 0 }),
      totogi: createTotogiClient({ auth: { tokenProvider }, endpoint: server.url, retry: 0 }),
      myphone: createMyPhoneClient({ tokenProvider, endpoint: server.url, retry: 0 }),
    };
    for (const [vendor, client] of Object.entries(clients)) {
      expect(() => deepFreeze(client), vendor).not.toThrow();
      const methods = methodsOf(client);
      expect(methods.length, vendor).toBeGreaterThan(5);
      for (const [path, method] of methods) expect(typeof method.operation.name, `${vendor} ${path}`).toBe('string');
    }
    await clients.wherever.getCustomerData();
    expect(await clients.totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' })).toMatchObject({ id: 'acc-1' });
    // Bad input on a frozen descriptor still fails before anything leaves.
    await expect(clients.totogi.getAccount({ providerId: 'p1', accountId: { id: 1 } as never })).rejects.toMatchObject({ name: 'ValidationError', field: 'variables.accountId' });
    expect(server.received.map((r) => r.json?.operationName)).toEqual(['GetCustomerData', 'GetAccount']);
  });
});

describe('review R1: the very first call of a freshly imported table (decode path) still validates before sending', () => {
  it('nested input types, enums and unknown variables: ValidationError naming the field, nothing at the server; then later calls the same', async () => {
    vi.resetModules();
    const { createWhereverClient: fresh } = await import('@sdk/wherever');
    const server = await hostileServer((_req, res) => sendJson(res, { data: { listSims: { items: [], nextToken: null, totalSims: 0 } } }));
    // Many clients and many concurrent first calls, in the same tick as the import.
    const clients = Array.from({ length: 5 }, () => fresh({ apiKey: 'key-first-1', endpoint: server.url, retry: 0 }));
    const bad = [
      [{ limit: 10, filter: { iccid: { beginsWith: 42 } } }, 'variables.filter.iccid.beginsWith'],
      [{ limit: 10, filter: { nope: 1 } }, 'variables.filter.nope'],
      [{ limit: 10, order: { iccid: 'sideways' } }, 'variables.order.iccid'],
      [{ limit: 10, extra: 1 }, 'variables.extra'],
      [{ limit: Number.NaN }, 'variables.limit'],
    ] as const;
    for (let round = 0; round < 2; round++) {
      const outcomes = await Promise.all(clients.flatMap((c) => bad.map(([v]) => c.listSims(v as never).then(() => 'sent', (e: { name: string; field?: string }) => `${e.name} ${e.field}`))));
      expect(outcomes).toEqual(clients.flatMap(() => bad.map(([, field]) => `ValidationError ${field}`)));
    }
    expect(server.received).toHaveLength(0);
    await clients[0]!.listSims({ limit: 10, filter: { iccid: { beginsWith: '8988' } } });
    expect(server.received).toHaveLength(1);
  });
});

describe('review R1: buildMethods over hand-made descriptors (the outline read from them) keeps the old rules', () => {
  it('descriptors loaded from JSON (null pagination / errorTypenames) get no .all/.pages/.result, as before; calls still reach the server', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { thing: { id: 1 } } }));
    const ex = createExecutor({ endpoint: server.url, auth: apiKeyAuth('key-handmade-1'), retry: 0 });
    const document = 'query Q{thing{id}}';
    const descriptors = JSON.parse(JSON.stringify([{ name: 'Q', kind: 'query', document, path: ['thing'], pagination: null, errorTypenames: null }])) as OperationDescriptor[];
    const methods = buildMethods<{ thing: ((v?: object) => Promise<unknown>) & Record<string, unknown> }>(ex, descriptors);
    expect([typeof methods.thing.all, typeof methods.thing.pages, typeof methods.thing.result]).toEqual(['undefined', 'undefined', 'undefined']);
    expect(await methods.thing()).toEqual({ id: 1 });
    expect(server.received).toHaveLength(1);
  });
});
