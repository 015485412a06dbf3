import { describe, expectTypeOf, it } from 'vitest';
import type { ItemIterator } from '@sdk/core';
import type { DocumentTypeDecoration, TotogiClient } from '@sdk/totogi';

declare const totogi: TotogiClient;
type BalanceQuery = {
  getAccount: { __typename: 'Account'; id: string; balance: { value: number | null } | null } | { __typename: 'AccountNotFound' } | { __typename: 'RateLimitExceeded' } | null;
};
declare const Balance: DocumentTypeDecoration<BalanceQuery, { providerId: string; accountId: string }>;
type RuleIdsQuery = { getRules: { edges: ({ node: { id: string } | null } | null)[] | null; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null };
declare const RuleIds: DocumentTypeDecoration<RuleIdsQuery, { providerId: string; first: number; after?: string | null }>;

describe('totogi: own document types', () => {
  it('a field the document does not select is a compile error', async () => {
    const data = await totogi.request(Balance, { providerId: 'p', accountId: 'a' });
    if (data.getAccount?.__typename === 'Account') {
      expectTypeOf(data.getAccount.balance).toEqualTypeOf<{ value: number | null } | null>();
      // @ts-expect-error name is not selected by Balance
      void data.getAccount.name;
    }
  });

  it('with a path and named error typenames, the call resolves to the success member', () => {
    expectTypeOf(totogi.request(Balance, { providerId: 'p', accountId: 'a' }, { path: ['getAccount'], errorTypenames: ['AccountNotFound', 'RateLimitExceeded'] })).resolves.toEqualTypeOf<
      { __typename: 'Account'; id: string; balance: { value: number | null } | null } | null
    >();
    // @ts-expect-error accountId is required
    void totogi.request(Balance, { providerId: 'p' }, { path: ['getAccount'] });
  });

  it('a cursor walk yields the nodes of the document', () => {
    expectTypeOf(totogi.request.all(RuleIds, { providerId: 'p' }, { like: 'getRules' })).toEqualTypeOf<ItemIterator<{ id: string }>>();
  });
});
