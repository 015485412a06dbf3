import { describe, expectTypeOf, it } from 'vitest';
import { createTotogiClient, isApiError, type ApiError, type ApiErrorTypename, type GetAccountQuery, type TotogiClient } from '@sdk/totogi';
import type { TotogiMock } from '@sdk/totogi/testing';
import type { UnknownResultMember } from '@sdk/core';

declare const totogi: TotogiClient;
declare const api: TotogiMock;

type AccountMember = Extract<NonNullable<GetAccountQuery['getAccount']>, { __typename: 'Account' }>;

describe('types', () => {
  it('getAccount resolves to the Account member, .result() to the whole union', () => {
    // Queries are nullable in the SDL (as in the seed); errors never come back as values.
    expectTypeOf(totogi.getAccount({ providerId: '1', accountId: 'a' })).resolves.toEqualTypeOf<AccountMember | null>();
    expectTypeOf<NonNullable<Awaited<ReturnType<TotogiClient['getAccount']>>>['__typename']>().toEqualTypeOf<'Account'>();
    expectTypeOf<NonNullable<Awaited<ReturnType<TotogiClient['getAccount']>>>>().toHaveProperty('balance');
    // Mutations are non-null: creditAccount resolves to its payload member.
    expectTypeOf<Awaited<ReturnType<TotogiClient['creditAccount']>>['__typename']>().toEqualTypeOf<'CreditAccountPayload'>();
    expectTypeOf(totogi.getAccount.result({ providerId: '1', accountId: 'a' })).resolves.toEqualTypeOf<GetAccountQuery['getAccount'] | UnknownResultMember>();
    // @ts-expect-error accountId is required
    void totogi.getAccount({ providerId: '1' });
  });

  it('isApiError narrows to the member, with its own fields', () => {
    const err: unknown = new Error('x');
    if (isApiError(err, 'AccountNotFound')) {
      expectTypeOf(err).toExtend<ApiError<'AccountNotFound'>>();
      expectTypeOf(err.__typename).toEqualTypeOf<'AccountNotFound'>();
      expectTypeOf(err.accountId).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(err.errorCode).toEqualTypeOf<string>();
    }
    if (isApiError(err)) expectTypeOf(err.__typename).toEqualTypeOf<ApiErrorTypename>();
    // @ts-expect-error not an error member of any union
    isApiError(err, 'Account');
  });

  it('lists yield nodes, the client needs auth, overrides are typed', () => {
    expectTypeOf(totogi.getPlanServices.all({ providerId: '1' })).toExtend<AsyncIterable<{ id: string; name: string }>>();
    // @ts-expect-error RuleEdge is unattested: getRules selects edges { __typename } only and is not iterable
    void totogi.getRules.all;
    // @ts-expect-error auth is required
    createTotogiClient({});
    api.override('GetAccount', (variables) => {
      expectTypeOf(variables.accountId).toEqualTypeOf<string | number>();
      return { data: { getAccount: { __typename: 'AccountNotFound', providerId: '1', accountId: 'a', errorCode: 'AccountNotFound', errorMessage: null } } };
    });
  });
});
