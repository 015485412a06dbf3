import { describe, expectTypeOf, test } from 'vitest';
import { filters, type DidItem, type FilterOn, type MyPhoneClient, type ScalarField, type SimcardItem, type TariffItem } from '@sdk/myphone';

declare const myphone: MyPhoneClient;

describe('typed filters', () => {
  test('filter fields are the scalar fields of the listed item type', () => {
    expectTypeOf<ScalarField<SimcardItem>>().toEqualTypeOf<
      'id' | 'iccidPlastic' | 'simId' | 'isBlocked' | 'allowFreeCallerIdChange' | 'allowFreeVoiceSubstitution' | 'profile' | 'description' | 'latestActivity' | 'tariffExpiresAt' | 'isArchived'
    >();
    expectTypeOf<ScalarField<DidItem>>().toEqualTypeOf<'id' | 'msisdn' | 'state' | 'rentedAt' | 'attachedAt' | 'isSmsEnabled'>();
    expectTypeOf<FilterOn<TariffItem>['field']>().toEqualTypeOf<ScalarField<TariffItem>>();
  });

  test('a valid filter compiles', () => {
    myphone.simcards.all({ filter: [{ field: 'isBlocked', comparator: 'EQ', value: false }] }, { concurrency: 4 });
    myphone.simcards({ filter: { field: 'profile', comparator: 'IN', value: ['S1', 'S2'] }, sort: [{ field: 'latestActivity', order: 'DESC' }], limit: 50 });
    myphone.didService.dids.all({ filter: [{ field: 'state', comparator: 'EQ', value: 'RENTED' }] });
    myphone.tariffs.all();
    myphone.didRentDeductions({ filter: [{ field: 'value', comparator: 'GT', value: 10 }] });
    expectTypeOf(myphone.simcards.all).returns.toHaveProperty('toArray');
  });

  test('an unknown field does not compile', () => {
    // @ts-expect-error 'nope' is not a field of Simcard
    myphone.simcards.all({ filter: [{ field: 'nope', comparator: 'EQ', value: false }] }, { concurrency: 4 });
    // @ts-expect-error 'msisdn' is a Did field, not a Simcard field
    myphone.simcards({ filter: [{ field: 'msisdn', comparator: 'EQ', value: '1785' }] });
    // @ts-expect-error nested paths are not filterable
    myphone.simcards({ filter: [{ field: 'resource', comparator: 'EQ', value: null }] });
    // @ts-expect-error unknown sort field
    myphone.simcards({ sort: [{ field: 'balance', order: 'ASC' }] });
    // @ts-expect-error 'isBlocked' is not a Did field
    myphone.didService.dids({ filter: [{ field: 'isBlocked', comparator: 'EQ', value: true }] });
    // @ts-expect-error unknown field through the builder
    filters.simcards.where('nope', 'EQ', 1);
  });

  test('comparators and values are checked too', () => {
    // @ts-expect-error LIKE is not a documented comparator
    myphone.simcards({ filter: [{ field: 'simId', comparator: 'LIKE', value: 'x' }] });
    // @ts-expect-error a boolean field takes a boolean
    myphone.simcards({ filter: [{ field: 'isBlocked', comparator: 'EQ', value: 'yes' }] });
    // @ts-expect-error IN takes a list
    myphone.simcards({ filter: [{ field: 'id', comparator: 'IN', value: '1' }] });
    // @ts-expect-error CONTAINS is for text fields
    myphone.simcards({ filter: [{ field: 'isBlocked', comparator: 'CONTAINS', value: 'x' }] });
    // @ts-expect-error operators are AND / OR
    myphone.simcards({ filter: [{ field: 'id', comparator: 'EQ', value: '1', operator: 'XOR' }] });
    // @ts-expect-error the builder checks values as well
    filters.simcards.where('isBlocked', 'EQ', 'yes');
    // @ts-expect-error Tariffs sorts by id DESC in its query: no sort variable
    myphone.tariffs({ sort: [{ field: 'name', order: 'ASC' }] });
  });

  test('namespaces: the query is callable, mutations hang off it', () => {
    expectTypeOf(myphone.simcard).toBeCallableWith({ id: '1' });
    expectTypeOf(myphone.simcard.block).toBeCallableWith({ simcardId: '1' });
    expectTypeOf(myphone.tariff.archive).toBeCallableWith({ tariff_id: '1' });
    expectTypeOf(myphone.didService.rent.multitel).toBeCallableWith({ didId: '1' });
    expectTypeOf(myphone.simcard.chargeBalance).toBeCallableWith({ simcardId: '1', amount: '9.99', comment: 'fee' });
    // @ts-expect-error block needs a simcardId
    myphone.simcard.block({});
  });
});
