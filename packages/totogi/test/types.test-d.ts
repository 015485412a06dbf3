import { describe, expectTypeOf, it } from 'vitest';
import { createTotogiClient, isApiError, type ApiError, type ApiErrorTypename, type GetAccountQuery, type TotogiClient } from '@sdk/totogi';
import type { TotogiMock } from '@sdk/totogi/testing';
import type { Documented, OpenEnum, UnknownResultMember } from '@sdk/core';
import type { SchemaDocs as TotogiSchemaDocs } from '../src/generated/operations.js';

declare const totogi: TotogiClient;
declare const api: TotogiMock;

type AccountMember = Extract<NonNullable<GetAccountQuery['getAccount']>, { __typename: 'Account' }>;

describe('types', () => {
  it('getAccount resolves to the Account member, .result() to the whole union', () => {
    // Queries are nullable in the SDL (as in the seed); errors never come back as values.
    // Documented: the same fields (output enums open to new values), with the SDL's descriptions for hovers.
    expectTypeOf(totogi.getAccount({ providerId: '1', accountId: 'a' })).resolves.toEqualTypeOf<Documented<AccountMember, TotogiSchemaDocs.Account> | null>();
    expectTypeOf<AccountMember>().toExtend<NonNullable<Awaited<ReturnType<TotogiClient['getAccount']>>>>();
    expectTypeOf<NonNullable<Awaited<ReturnType<TotogiClient['getAccount']>>>['__typename']>().toEqualTypeOf<'Account'>();
    expectTypeOf<NonNullable<Awaited<ReturnType<TotogiClient['getAccount']>>>>().toHaveProperty('balance');
    // Mutations are non-null: creditAccount resolves to its payload member.
    expectTypeOf<Awaited<ReturnType<TotogiClient['creditAccount']>>['__typename']>().toEqualTypeOf<'CreditAccountPayload'>();
    type Union = Awaited<ReturnType<TotogiClient['getAccount']['result']>>;
    // The whole union, plus members the API may add later (UnknownResultMember, reached in a `default:` branch).
    expectTypeOf<GetAccountQuery['getAccount']>().toExtend<Union>();
    expectTypeOf<Extract<Union, UnknownResultMember>>().toEqualTypeOf<UnknownResultMember>();
    const r = {} as NonNullable<Union>;
    if (r.__typename === 'Account') expectTypeOf(r.balance).not.toBeAny();
    switch (r.__typename) {
      case 'Account':
      case 'AccountNotFound':
      case 'InternalServerError':
      case 'RateLimitExceeded':
      case 'InvalidProviderLifecycleStage':
        break;
      default:
        expectTypeOf(r).toEqualTypeOf<UnknownResultMember>();
    }
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

  it('lists yield nodes, auth may come from the environment, overrides are typed', () => {
    expectTypeOf(totogi.getPlanServices.all({ providerId: '1' })).toExtend<AsyncIterable<{ id: string; name: string }>>();
    // @ts-expect-error RuleEdge is unattested: getRules selects edges { __typename } only and is not iterable
    void totogi.getRules.all;
    createTotogiClient(); // TOTOGI_* variables, checked at run time
    // @ts-expect-error auth is an object
    createTotogiClient({ auth: 'user:password' });
    api.override('GetAccount', (variables) => {
      expectTypeOf(variables.accountId).toEqualTypeOf<string | number>();
      return { data: { getAccount: { __typename: 'AccountNotFound', providerId: '1', accountId: 'a', errorCode: 'AccountNotFound', errorMessage: null } } };
    });
  });

  it('output enums admit values added later; inputs stay closed', () => {
    type PlanState = NonNullable<Awaited<ReturnType<TotogiClient['getPlanVersion']>>>;
    expectTypeOf<'SOME_NEW_STATE'>().toExtend<NonNullable<Extract<PlanState, { state: unknown }>['state']>>();
    expectTypeOf<OpenEnum<'A'>>().toEqualTypeOf<'A' | (string & {})>();
    // @ts-expect-error an input enum is checked: DebitMode has no 'charge'
    void totogi.debitAccount({ input: { providerId: 'p', accountId: 'a', amount: 1, mode: 'charge' } });
  });
});
