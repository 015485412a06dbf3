// OTA operations from the vendor's later reference (Max1My/myphone-docs @ 2f49b71, 2023-07-17).
import { describe, expect, it } from 'vitest';
import { GraphQLResponseError, ValidationError } from '@sdk/myphone';
import { useMyPhone } from './helpers.js';

const { setup } = useMyPhone();
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ otaName: `task ${i + 1}`, price: i, simcardPrice: i / 10 }));

describe('otaTasks', () => {
  it('sorts by id DESC unless told otherwise (the reference hard-codes that sort) and requires no filter', async () => {
    const { api, myphone } = setup({ otaTasks: tasks(5) });
    const page = await myphone.otaTasks({ limit: 3 });
    expect([page.count, page.items.map((t) => t.id)]).toEqual([5, ['5', '4', '3']]);
    // The document's defaults reach the server: `filter: []`, `sort: [{ order: DESC, field: "id" }]`.
    expect(api.requestsOf('OtaTasks')[0]!.variables).toEqual({ limit: 3 });
    const asc = await myphone.otaTasks({ sort: [{ field: 'id', order: 'ASC' }], filter: [{ field: 'price', comparator: 'GTE', value: 2 }] });
    expect(asc.items.map((t) => t.id)).toEqual(['3', '4', '5']);
  });

  it.each([
    [7, 5],
    [100, 1],
    [1, 33],
  ])('all() with limit %i yields each of 33 tasks once in %i offset requests', async (limit, requests) => {
    const { api, myphone } = setup({ otaTasks: tasks(33) });
    const seen = (await myphone.otaTasks.all({ limit }).toArray()).map((t) => t.id);
    expect(seen).toEqual(Array.from({ length: 33 }, (_, i) => String(33 - i)));
    const sent = api.requestsOf('OtaTasks').map((r) => r.variables.offset ?? 0);
    expect(sent.sort((a, b) => a - b)).toEqual(Array.from({ length: requests }, (_, i) => i * limit));
  });
});

describe('otaRequestsLogs', () => {
  it('narrows to one sim card with simId and iterates every matching entry', async () => {
    const otaRequestLogs = Array.from({ length: 25 }, (_, i) => ({ otaId: '1', statusId: i % 3, iccid: `89000000000000000${String(i).padStart(2, '0')}`, appletName: 'spn', simId: i % 2 ? '7' : '8' }));
    const { api, myphone } = setup({ otaRequestLogs });
    const forSeven = await myphone.otaRequestsLogs.all({ simId: '7', limit: 4 }).toArray();
    expect(forSeven.map((l) => l.id)).toEqual(['24', '22', '20', '18', '16', '14', '12', '10', '8', '6', '4', '2']);
    expect(api.requestsOf('OtaRequestsLogs')).toHaveLength(3);
    const filtered = await myphone.otaRequestsLogs({ filter: [{ field: 'statusId', comparator: 'EQ', value: 0 }], sort: [{ field: 'id', order: 'ASC' }] });
    expect(filtered.items.map((l) => l.id)).toEqual(['1', '4', '7', '10', '13', '16', '19', '22', '25']);
  });
});

describe('otaTask.otaChangeSimcardPrice', () => {
  it('changes the sim card price once; an unknown task is a GraphQL error, not retried', async () => {
    const { api, myphone } = setup({ otaTasks: tasks(2) });
    expect(await myphone.otaTask.otaChangeSimcardPrice({ id: '2', simcardPrice: 3.25 })).toBe(true);
    expect(api.state.otaTasks.get('2')!.simcardPrice).toBe(3.25);
    const err = await myphone.otaTask.otaChangeSimcardPrice({ id: '9', simcardPrice: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect(api.requestsOf('OtaTaskOtaChangeSimcardPrice')).toHaveLength(2);
  });

  it('refuses a missing argument before any request', async () => {
    const { api, myphone } = setup({ otaTasks: tasks(1) });
    // @ts-expect-error simcardPrice is required
    await expect(myphone.otaTask.otaChangeSimcardPrice({ id: '1' })).rejects.toBeInstanceOf(ValidationError);
    expect(api.requestsOf('OtaTaskOtaChangeSimcardPrice')).toHaveLength(0);
    expect(api.state.otaTasks.get('1')!.simcardPrice).toBe(0);
  });
});
