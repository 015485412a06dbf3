import { describe, expect, it } from 'vitest';
import { PaginationError, ValidationError, type TotogiClient } from '@sdk/totogi';
import type { OperationName, TotogiMock } from '@sdk/totogi/testing';
import { useServer } from './setup.js';

const setup = useServer();
const N = 8; // 3 pages of 3

/** Seeds N items for every connection operation. */
function seeded() {
  const ctx = setup({
    plans: Array.from({ length: N }, (_, i) => ({ id: `plan-${i}`, name: `Plan ${String.fromCharCode(65 + i)}` })),
    rules: Array.from({ length: N }, (_, i) => ({ id: `rule-${i}`, name: `Rule ${i}` })),
    fieldMappings: Array.from({ length: N }, (_, i) => ({ path: `usage.field${i}`, expr: `#raw['f${i}']` })),
    users: Array.from({ length: N - 1 }, (_, i) => ({ email: `user${i}@example.com` })),
    accounts: [{ id: 'acc-1' }],
    devices: [{ id: 'dev-1', accountId: 'acc-1' }],
    edrs: [
      ...Array.from({ length: N }, (_, i) => ({ action: 'credit', type: 'CHARGING' as const, accountId: 'acc-1', createdAt: `2030-01-0${i + 1}T00:00:00.000Z` })),
      ...Array.from({ length: N }, () => ({ action: 'updateDevice', type: 'DEVICE' as const, accountId: 'acc-2', deviceId: 'dev-1' })),
    ],
  });
  const version = [...ctx.api.state.planVersions.values()][0]!;
  for (let i = 0; i < N; i++) ctx.api.state.addPlanService({ planVersionId: version.id, name: `Service ${i}` });
  for (let i = 0; i < N; i++) ctx.api.state.deployedFieldMappings.push({ from: `2030-0${i + 1}-01T00:00:00.000Z`, fieldMappings: [] });
  return ctx;
}

interface Case {
  method: keyof TotogiClient & string;
  operationName: OperationName;
  variables: (providerId: string) => Record<string, unknown>;
  key: (node: Record<string, unknown>) => unknown;
  /** __typename of the success member when the result is a union. */
  typename?: string;
}

const cases: Case[] = [
  { method: 'getPlans', operationName: 'GetPlans', variables: (providerId) => ({ providerId }), key: (n) => n.id },
  { method: 'getPlanServices', operationName: 'GetPlanServices', variables: (providerId) => ({ providerId }), key: (n) => n.id },
  { method: 'getFieldMappings', operationName: 'GetFieldMappings', variables: (providerId) => ({ providerId }), key: (n) => n.path },
  { method: 'getDeployedFieldMappings', operationName: 'GetDeployedFieldMappings', variables: (providerId) => ({ providerId }), key: (n) => n.from },
  { method: 'listUsers', operationName: 'ListUsers', variables: (providerId) => ({ providerId }), key: (n) => n.userId, typename: 'ListUsersConnection' },
  { method: 'getEventDataRecordsByAccount', operationName: 'GetEventDataRecordsByAccount', variables: (providerId) => ({ providerId, accountId: 'acc-1' }), key: (n) => n.id, typename: 'EventDataRecordAccountConnection' },
  { method: 'getEventDataRecordsByDevice', operationName: 'GetEventDataRecordsByDevice', variables: (providerId) => ({ providerId, deviceId: 'dev-1' }), key: (n) => n.id, typename: 'EventDataRecordDeviceConnection' },
];

type Paginated = { all(v: Record<string, unknown>): AsyncIterable<Record<string, unknown>> & { toArray(): Promise<Record<string, unknown>[]> }; pages(v: Record<string, unknown>): AsyncIterable<unknown> } & ((v: Record<string, unknown>) => Promise<unknown>);
const methodOf = (totogi: TotogiClient, name: string) => (totogi as unknown as Record<string, Paginated>)[name]!;

describe.each(cases)('$method (Relay cursor pagination)', (c) => {
  it(`yields each of ${N} items exactly once across 3 pages, following endCursor`, async () => {
    const { api, totogi, providerId } = seeded();
    const items = await methodOf(totogi, c.method).all({ ...c.variables(providerId), first: 3 }).toArray();
    expect(items).toHaveLength(N);
    expect(new Set(items.map(c.key)).size).toBe(N);
    const sent = (api as TotogiMock).requestsOf(c.operationName).map((r) => r.variables as Record<string, unknown>);
    expect(sent).toHaveLength(3);
    expect(sent[0]).not.toHaveProperty('after');
    expect(sent.every((v) => v.first === 3)).toBe(true);
    expect(new Set(sent.map((v) => v.after)).size).toBe(3);
  });

  it('uses the maximum page size (25) by default', async () => {
    const { api, totogi, providerId } = seeded();
    expect(await methodOf(totogi, c.method).all(c.variables(providerId)).toArray()).toHaveLength(N);
    expect(api.requestsOf(c.operationName).map((r) => (r.variables as { first?: number }).first)).toEqual([25]);
  });

  it('throws PaginationError when the API does not advance endCursor', async () => {
    const { api, totogi, providerId } = seeded();
    const page = { ...(c.typename ? { __typename: c.typename } : {}), edges: [{ node: { id: 'x', path: 'x', from: 'x', userId: 'x' }, cursor: 'c1' }], pageInfo: { hasPreviousPage: false, hasNextPage: true, startCursor: 'c1', endCursor: 'stuck' } };
    api.override(c.operationName, () => ({ data: { [c.method]: page } as never }));
    const seen: unknown[] = [];
    const err = await (async () => {
      for await (const item of methodOf(totogi, c.method).all({ ...c.variables(providerId), first: 1 })) seen.push(item);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect((err as PaginationError).cursor).toBe('stuck');
    expect(seen).toHaveLength(2); // both pages were delivered before the loop was detected
    expect(api.requestsOf(c.operationName)).toHaveLength(2);
  });

  it('rejects first: 26 with ValidationError before any request', async () => {
    const { api, totogi, providerId } = seeded();
    const method = methodOf(totogi, c.method);
    await expect(method({ ...c.variables(providerId), first: 26 })).rejects.toBeInstanceOf(ValidationError);
    await expect(method.all({ ...c.variables(providerId), first: 26 }).toArray()).rejects.toThrow(/first must be between 1 and 25/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('connection details', () => {
  it('the fake itself refuses first above 25 with a GraphQL error', async () => {
    const { api, totogi, providerId } = seeded();
    const res = await fetch(api.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: api.cognito.issueTokens().accessToken },
      body: JSON.stringify({ query: 'query { getRules(providerId: "1001", first: 26) { edges { cursor } } }' }),
    });
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/first must be between 1 and 25/);
    expect(totogi).toBeDefined();
    expect(providerId).toBe('1001');
  });

  it('an iterator that failed can be resumed from its position', async () => {
    const { api, totogi, providerId } = seeded();
    const all = (await totogi.getPlanServices.all({ providerId }).toArray()).map((s) => s.id);
    const iterator = totogi.getPlanServices.all({ providerId, first: 5 }, { retry: 0 });
    let calls = 0;
    const remove = api.override('GetPlanServices', () => (++calls === 2 ? { status: 500, body: 'boom' } : undefined));
    const seen: string[] = [];
    await expect(async () => {
      for await (const service of iterator) seen.push(service.id);
    }).rejects.toThrow(/HTTP 500/);
    expect(seen).toHaveLength(5);
    remove();
    for await (const service of totogi.getPlanServices.all({ providerId, first: 5, ...iterator.position })) seen.push(service.id);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(N);
  });

  it('getRules is one page, not an iterator: RuleEdge is unattested, so its document selects only edges { __typename }', async () => {
    const { totogi, providerId } = seeded();
    expect('all' in totogi.getRules).toBe(false);
    const page = await totogi.getRules({ providerId, first: 3 });
    expect(page?.edges).toEqual([{ __typename: 'RuleEdge' }, { __typename: 'RuleEdge' }, { __typename: 'RuleEdge' }]);
    expect(page?.pageInfo.hasNextPage).toBe(true);
  });

  it('orders plans and filters EDRs as asked', async () => {
    const { totogi, providerId } = seeded();
    const names = (await totogi.getPlans.all({ providerId, orderBy: { field: 'PLAN_NAME', direction: 'DESC' } }).toArray()).map((p) => p.name);
    expect(names).toEqual([...names].sort().reverse());
    const window = await totogi.getEventDataRecordsByAccount.all({ providerId, accountId: 'acc-1', filterBy: { types: ['CHARGING'], from: '2030-01-02T00:00:00.000Z', to: '2030-01-05T00:00:00.000Z' } }).toArray();
    expect(window.map((e) => e.createdAt)).toEqual(['2030-01-02T00:00:00.000Z', '2030-01-03T00:00:00.000Z', '2030-01-04T00:00:00.000Z']);
  });

  it('a union connection that answers an error member throws it while iterating', async () => {
    const { totogi, providerId } = seeded();
    await expect(totogi.getEventDataRecordsByAccount.all({ providerId, accountId: 'missing' }).toArray()).rejects.toMatchObject({ __typename: 'AccountNotFound', accountId: 'missing' });
  });
});
