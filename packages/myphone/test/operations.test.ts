import { describe, expect, it } from 'vitest';
import { GraphQLResponseError } from '@sdk/myphone';
import { generateSimcards } from '@sdk/myphone/testing';
import { operations as table } from '../src/generated/operations.js';
import { useMyPhone } from './helpers.js';

const operations = table.descriptors();

const { setup } = useMyPhone();
const NOW = Date.UTC(2025, 0, 15, 12);
const DAY = 86_400_000;

function world() {
  return setup({
    now: () => NOW,
    simcards: generateSimcards(5),
    dids: [{ id: '900', msisdn: '17855550900', monthlyPrice: 3 }, { id: '901', msisdn: '14705550901', monthlyPrice: 3 }],
    rentDeductions: [{ type: 'RENT', value: 3, oldValue: 100, newValue: 97, performedAt: '2025-01-01T00:00:00.000Z', comment: 'January' }],
    otaTasks: [{ otaName: 'SPN update', price: 1.5, simcardPrice: 0.5 }],
    otaRequestLogs: [{ otaId: '1', statusId: 2, iccid: '8900000000000000001', appletName: 'spn', simId: '1' }],
  });
}

describe('every operation through the client', () => {
  it('runs all 30 operations, each with its effect visible', async () => {
    const { api, myphone } = world();
    const { state } = api;

    // ---- queries
    const page = await myphone.simcards({ limit: 2 });
    expect(page.count).toBe(5);
    expect(page.items.map((s) => s.id)).toEqual(['1', '2']);

    const sim = await myphone.simcard({ id: '2' });
    expect(sim).toMatchObject({ id: '2', simId: 'SIM-00002', currentTariff: { name: 'Unlimited', tariffType: 'PREPAID_UNLIMITED' } });

    const tariffs = await myphone.tariffs();
    expect(tariffs.items.map((t) => t.id)).toEqual(['3', '2', '1']); // the operation's fixed id DESC
    expect(api.requestsOf('Tariffs')[0]!.variables.filter).toEqual([]);

    const tariff = await myphone.tariff({ id: '1' });
    expect(tariff).toMatchObject({ id: '1', packages: [{ id: '1', resource: { quota: '1024', unit: 'MB' } }], callOutgoingRate: { amount: { readable: 0.1 } } });

    const dids = await myphone.didService.dids();
    expect(dids.items.map((d) => d.msisdn)).toEqual(['17855550900', '14705550901']);

    const forRent = await myphone.didService.didForRent.multitel({ prefix: '1681', limit: 3 });
    expect(forRent).toHaveLength(3);
    expect(forRent.every((d) => d.number?.startsWith('1681'))).toBe(true);

    const deductions = await myphone.didRentDeductions();
    expect(deductions).toMatchObject({ count: 1, items: [{ type: 'RENT', value: 3, oldValue: 100, newValue: 97 }] });

    // ---- simcard mutations
    expect(await myphone.simcard.block({ simcardId: '1' })).toBe(true);
    expect(state.simcards.get('1')!.isBlocked).toBe(true);
    expect((await myphone.simcard({ id: '1' }))!.isBlocked).toBe(true);

    expect(await myphone.simcard.unblock({ simcardId: '1' })).toBe(true);
    expect(state.simcards.get('1')!.isBlocked).toBe(false);

    await myphone.simcard.attachCallerId({ sim_card_id: '2', caller_id: '4930123456' });
    expect(state.simcards.get('2')!.callerIds).toEqual([{ msisdn: '4930123456' }]);

    await myphone.simcard.detachCallerId({ sim_card_id: '2' });
    expect(state.simcards.get('2')!.callerIds).toEqual([]);

    const before = { ...state.simcards.get('3')!.resource };
    await myphone.simcard.rechargeBalance({ simcardId: '3', amount: '10.50', comment: 'top-up' });
    expect(state.simcards.get('3')!.resource.balance).toBeCloseTo(before.balance + 10.5);
    await myphone.simcard.chargeBalance({ simcardId: '3', amount: 2.25, comment: 'fee' });
    expect(state.simcards.get('3')!.resource.balance).toBeCloseTo(before.balance + 8.25);
    await myphone.simcard.rechargeDataBalance({ simcardId: '3', amount: 512, comment: 'bonus' });
    expect(state.simcards.get('3')!.resource.dataBalance).toBe(before.dataBalance + 512);
    await myphone.simcard.chargeDataBalance({ simcardId: '3', amount: 12, comment: 'usage' });
    expect(state.simcards.get('3')!.resource.dataBalance).toBe(before.dataBalance + 500);
    expect((await myphone.simcard({ id: '3' }))!.resource!.dataBalance).toBe(before.dataBalance + 500);

    await myphone.simcard.changeTariff({ simcardId: '1', tariffId: '3' });
    expect(state.simcards.get('1')!.currentTariffId).toBe('3');
    expect(state.simcards.get('1')!.tariffExpiresAt).toBe(new Date(NOW + 30 * DAY).toISOString());
    expect(api.requestsOf('SimcardChangeTariff')[0]!.query).toContain('free:false');

    await myphone.simcard.updateDescription({ sim_card_id: '4', description: 'Truck 7' });
    expect(state.simcards.get('4')!.description).toBe('Truck 7');

    await myphone.simcard.changeRemainingTariffDays({ sim_card_id: '4', remaining_days: 3 });
    expect(state.simcards.get('4')!.tariffExpiresAt).toBe(new Date(NOW + 3 * DAY).toISOString());

    await myphone.simcard.archive({ simcardId: '5' });
    expect(state.simcards.get('5')!.isArchived).toBe(true);
    await myphone.simcard.unarchive({ simcardId: '5' });
    expect(state.simcards.get('5')!.isArchived).toBe(false);

    // ---- tariff mutations
    await myphone.tariff.createPackage({ tariffId: '2', resourceQuota: '500', resourceUnit: 'MINUTES' });
    const created = state.tariffs.get('2')!.packages[0]!;
    expect(created.resource).toEqual({ quota: '500', unit: 'MINUTES' });

    await myphone.tariff.deletePackage({ id: created.id });
    expect(state.tariffs.get('2')!.packages).toEqual([]);

    await myphone.tariff.updateTariff({ id: '2', name: 'Unlimited+', type: 'RENEWAL_PREPAID_PACKAGE', duration: 28, dataCost: 0.05, incomingCost: 0.01, outgoingCost: 0.12 });
    expect(state.tariffs.get('2')).toMatchObject({ name: 'Unlimited+', tariffType: 'RENEWAL_PREPAID_PACKAGE', duration: 28, dataRateAmount: 5, callIncomingRateAmount: 1, callOutgoingRateAmount: 12 });
    expect((await myphone.tariff({ id: '2' }))!.callOutgoingRate!.amount!.readable).toBe(0.12);

    await myphone.tariff.archive({ tariff_id: '2' });
    expect(state.tariffs.get('2')!.isArchived).toBe(true);

    // ---- virtual numbers
    const offer = forRent[0]!;
    await myphone.didService.rent.multitel({ didId: offer.id });
    expect(state.didsForRent.has(offer.id)).toBe(false);
    expect(state.dids.get(offer.id)).toMatchObject({ msisdn: offer.number, state: 'RENTED', rentedAt: new Date(NOW).toISOString() });
    expect((await myphone.didRentDeductions()).items[0]).toMatchObject({ type: 'RENT', value: offer.monthlyPrice, comment: `Rent of ${offer.number}` });

    state.attachDid('900', '1'); // no documented mutation attaches a number
    expect((await myphone.didService.dids({ filter: [{ field: 'id', comparator: 'EQ', value: '900' }] })).items[0]).toMatchObject({ state: 'ATTACHED', simcard: { simId: 'SIM-00001' } });
    await myphone.didService.detach({ didId: '900' });
    expect(state.dids.get('900')).toMatchObject({ state: 'RENTED', simcardId: null, attachedAt: null });

    await myphone.didService.reject({ didId: '901' });
    expect(state.dids.has('901')).toBe(false);
    expect((await myphone.didService.didForRent.multitel({ prefix: '1470' })).map((d) => d.number)).toContain('14705550901');

    // ---- OTA (vendor's later reference)
    expect((await myphone.otaTasks()).items).toMatchObject([{ id: '1', otaName: 'SPN update', price: 1.5, simcardPrice: 0.5 }]);
    expect(await myphone.otaTask.otaChangeSimcardPrice({ id: '1', simcardPrice: 0.75 })).toBe(true);
    expect(state.otaTasks.get('1')!.simcardPrice).toBe(0.75);
    expect((await myphone.otaRequestsLogs({ simId: '1' })).items).toMatchObject([{ id: '1', statusId: 2, appletName: 'spn' }]);

    // every operation was exercised
    const seen = new Set(api.requests.map((r) => r.operationName));
    expect([...seen].sort()).toEqual(operations.map((o) => o.name).sort());
    expect(seen.size).toBe(30);
  });

  it('answers a missing sim card with null and a bad mutation with a GraphQL error', async () => {
    const { api, myphone } = world();
    expect(await myphone.simcard({ id: '999' })).toBeNull();
    const err = await myphone.simcard.block({ simcardId: '999' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect((err as Error).message).toMatch(/Simcard 999 not found/);
    await expect(myphone.didService.detach({ didId: '900' })).rejects.toThrow(/not attached/);
    await expect(myphone.simcard.chargeBalance({ simcardId: '1', amount: 'ten', comment: 'x' })).rejects.toThrow(/variables.amount: expected Decimal/);
    expect(api.state.simcards.get('1')!.resource.balance).toBe(0);
  });

  it('sends the Bearer token from the login on every request', async () => {
    const { api, myphone } = world();
    await myphone.simcard({ id: '1' });
    await myphone.simcards();
    expect(api.auth.logins).toBe(1);
    const headers = api.requests.map((r) => r.headers.authorization);
    expect(headers[0]).toMatch(/^Bearer mp-access-1-/);
    expect(new Set(headers).size).toBe(1);
  });

  it('mutations hang off the query of the same name', () => {
    const { myphone } = world();
    expect(typeof myphone.simcard).toBe('function');
    expect(typeof myphone.simcard.block).toBe('function');
    expect(typeof myphone.tariff.updateTariff).toBe('function');
    expect(myphone.simcard.block.operation.name).toBe('SimcardBlock');
  });
});
