import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createTotogiClient, isApiError, type DocumentTypeDecoration } from '@sdk/totogi';
import { createTotogiMock, type TotogiMockOptions } from '@sdk/totogi/testing';

/** What graphql-codegen's client preset emits with `documentMode: 'string'`. */
class TypedDocumentString<TResult, TVariables> extends String implements DocumentTypeDecoration<TResult, TVariables> {
  __apiType?: DocumentTypeDecoration<TResult, TVariables>['__apiType'];
  constructor(private value: string) {
    super(value);
  }
  override toString(): string {
    return this.value;
  }
}

type BalanceQuery = {
  getAccount: { __typename: 'Account'; id: string; balance: { value: number | null } | null } | { __typename: 'AccountNotFound' | 'InvalidProviderLifecycleStage' | 'RateLimitExceeded' | 'InternalServerError' } | null;
};
const Balance = new TypedDocumentString<BalanceQuery, { providerId: string; accountId: string }>(
  'query Balance($providerId: ID!, $accountId: ID!) { getAccount(providerId: $providerId, accountId: $accountId) { __typename ... on Account { id balance { value } } } }',
);
type RuleIdsQuery = { getRules: { edges: ({ node: { id: string } | null } | null)[] | null; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null };
const RuleIds = new TypedDocumentString<RuleIdsQuery, { providerId: string; first: number; after?: string | null }>(
  'query RuleIds($providerId: ID!, $first: Int!, $after: String) { getRules(providerId: $providerId, first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(options: TotogiMockOptions = {}) {
  const api = createTotogiMock(options);
  const server = await api.listen();
  closers.push(() => server.close());
  const totogi = createTotogiClient({ endpoint: server.endpoint, auth: { ...api.credentials, cognitoEndpoint: server.cognitoEndpoint }, retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 } });
  return { api, totogi, providerId: api.providerId };
}

describe('totogi: client.request with your own document', () => {
  it('a narrower Account selection survives an expired token (one refresh, replayed) and a RateLimitExceeded member (retried)', async () => {
    const { api, totogi, providerId } = await setup({ accounts: [{ id: 'acc-1', balance: 7 }] });
    await totogi.request(Balance, { providerId, accountId: 'acc-1' }); // logs in
    api.cognito.expireTokens();
    api.rateLimitNext(1);
    const account = await totogi.request(Balance, { providerId, accountId: 'acc-1' }, { path: ['getAccount'] });
    expect(account).toEqual({ __typename: 'Account', id: 'acc-1', balance: { value: 7 } });
    expect(api.cognito.logins).toHaveLength(1);
    expect(api.cognito.refreshes).toHaveLength(1);
    const sent = api.requests.filter((r) => r.operationName === 'Balance');
    // first call, the refused one, the replay answered RateLimitExceeded, the retry
    expect(sent).toHaveLength(4);
    expect(new Set(sent.slice(2).map((r) => r.headers.authorization)).size).toBe(1);
    expect(sent[2]!.headers.authorization).not.toBe(sent[0]!.headers.authorization);
  });

  it('error members at the named path throw ApiError, with the typenames reused from the generated table', async () => {
    const { totogi, providerId } = await setup();
    const err = await totogi.request(Balance, { providerId, accountId: 'nope' }, { path: ['getAccount'] }).catch((e: unknown) => e);
    expect(isApiError(err, 'AccountNotFound')).toBe(true);
    // Without a path the union is data: the caller matches on __typename.
    const data = await totogi.request(Balance, { providerId, accountId: 'nope' });
    expect(data.getAccount?.__typename).toBe('AccountNotFound');
    // Named explicitly, only those members throw.
    const member = await totogi.request(Balance, { providerId, accountId: 'nope' }, { path: ['getAccount'], errorTypenames: ['RateLimitExceeded'] });
    expect(member?.__typename).toBe('AccountNotFound');
    expect(ApiError).toBeDefined();
  });

  it('with the table reused, a member newer than the SDK is never taken for success', async () => {
    const { api, totogi, providerId } = await setup();
    api.failNext(1, { data: { getAccount: { __typename: 'AccountFrozen', id: 'acc-1' } } });
    await expect(totogi.request(Balance, { providerId, accountId: 'acc-1' }, { path: ['getAccount'] })).rejects.toMatchObject({ name: 'UnexpectedResultError' });
  });
});

describe('totogi: walking your own list document (Relay cursor)', () => {
  // getRules has no generated walk (its default document selects no attested node fields), so the walk is
  // described by hand: where the connection is and which variables page it.
  const RULES = { path: ['getRules'], pagination: { style: 'cursor', afterVar: 'after', firstVar: 'first' } } as const;

  it('walks a narrower getRules across 4 pages, the walk described by path and pagination', async () => {
    const rules = Array.from({ length: 7 }, (_, i) => ({ id: `rule-${i}` }));
    const { api, totogi, providerId } = await setup({ rules });
    const ids: string[] = [];
    const walk = totogi.request.all(RuleIds, { providerId, first: 2 }, RULES);
    for await (const rule of walk) ids.push(rule.id);
    expect(ids.sort()).toEqual(rules.map((r) => r.id).sort());
    const sent = api.requests.filter((r) => r.operationName === 'RuleIds').map((r) => r.variables);
    expect(sent).toHaveLength(4);
    expect(sent.slice(1).every((v) => typeof v.after === 'string')).toBe(true);
    expect(walk.done).toBe(true);
  });

  it('a cursor that does not advance stops with a resume position instead of looping', async () => {
    const { api, totogi, providerId } = await setup({ rules: [{ id: 'r1' }, { id: 'r2' }] });
    let calls = 0;
    const doc = 'query Stuck($providerId: ID!, $first: Int!, $after: String) { getRules(providerId: $providerId, first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';
    // A server that repeats its cursor: the walk must stop, not loop.
    api.failNext(3, { data: { getRules: { edges: [{ node: { id: 'r1' } }], pageInfo: { hasNextPage: true, endCursor: 'same' } } } });
    const walk = totogi.request.all<{ id: string }>(doc, { providerId, first: 1 }, RULES);
    await expect(
      (async () => {
        for await (const _ of walk) calls++;
      })(),
    ).rejects.toMatchObject({ name: 'PaginationError' });
    expect(calls).toBe(2);
    expect(walk.position).toEqual({ after: 'same' });
  });
});
