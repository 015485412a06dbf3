import { describe, expect, it } from 'vitest';
import { ValidationError, filters, type SimcardFilter } from '@sdk/myphone';
import { generateSimcards } from '@sdk/myphone/testing';
import { useMyPhone } from './helpers.js';

const { setup } = useMyPhone();
const seeds = generateSimcards(60);
const idsWhere = (pred: (s: (typeof seeds)[number]) => boolean) => seeds.filter(pred).map((s) => s.id);

describe('filter and sort semantics (fake) through the typed client', () => {
  it.each<[string, SimcardFilter[], (s: (typeof seeds)[number]) => boolean]>([
    ['EQ', [{ field: 'isBlocked', comparator: 'EQ', value: true }], (s) => s.isBlocked === true],
    ['NEQ', [{ field: 'profile', comparator: 'NEQ', value: 'S1' }], (s) => s.profile !== 'S1'],
    ['IN', [{ field: 'id', comparator: 'IN', value: ['3', '10', '59'] }], (s) => ['3', '10', '59'].includes(s.id!)],
    ['NIN', [{ field: 'profile', comparator: 'NIN', value: ['S1', 'S2'] }], (s) => s.profile === 'S3'],
    ['GT on a date', [{ field: 'latestActivity', comparator: 'GT', value: '2024-01-02T10:00:00.000Z' }], (s) => s.latestActivity! > '2024-01-02T10:00:00.000Z'],
    ['LTE on a numeric id', [{ field: 'id', comparator: 'LTE', value: '9' }], (s) => Number(s.id) <= 9],
    ['CONTAINS', [{ field: 'simId', comparator: 'CONTAINS', value: '004' }], (s) => s.simId!.includes('004')],
    ['STARTS_WITH', [{ field: 'description', comparator: 'STARTS_WITH', value: 'Fleet vehicle 1' }], (s) => (s.description ?? '').startsWith('Fleet vehicle 1')],
    ['ENDS_WITH', [{ field: 'iccidPlastic', comparator: 'ENDS_WITH', value: '7' }], (s) => s.iccidPlastic!.endsWith('7')],
    ['NULL', [{ field: 'description', comparator: 'NULL' }], (s) => s.description === null],
    ['NULL false', [{ field: 'description', comparator: 'NULL', value: false }], (s) => s.description !== null],
    [
      'AND (default operator)',
      [
        { field: 'isBlocked', comparator: 'EQ', value: false },
        { field: 'profile', comparator: 'EQ', value: 'S2' },
      ],
      (s) => !s.isBlocked && s.profile === 'S2',
    ],
    [
      'OR then AND, left to right',
      [
        { field: 'profile', comparator: 'EQ', value: 'S1' },
        { field: 'profile', comparator: 'EQ', value: 'S2', operator: 'OR' },
        { field: 'isArchived', comparator: 'EQ', value: false, operator: 'AND' },
      ],
      (s) => (s.profile === 'S1' || s.profile === 'S2') && !s.isArchived,
    ],
  ])('%s', async (_name, filter, expected) => {
    const { myphone } = setup({ simcards: seeds });
    const found = await myphone.simcards.all({ filter, limit: 7 }, { concurrency: 3 }).toArray();
    expect(found.map((s) => s.id)).toEqual(idsWhere(expected));
    expect(found.length).toBeGreaterThan(0);
  });

  it('sorts by several keys', async () => {
    const { myphone } = setup({ simcards: seeds });
    const sims = await myphone.simcards.all({ sort: [{ field: 'profile', order: 'DESC' }, { field: 'latestActivity', order: 'ASC' }] }).toArray();
    const expected = [...seeds].sort((a, b) => b.profile!.localeCompare(a.profile!) || a.latestActivity!.localeCompare(b.latestActivity!)).map((s) => s.id);
    expect(sims.map((s) => s.id)).toEqual(expected);
  });

  it('a single filter object is accepted (list coercion)', async () => {
    const { myphone } = setup({ simcards: seeds });
    const page = await myphone.simcards({ filter: { field: 'isArchived', comparator: 'EQ', value: true }, sort: { field: 'id', order: 'DESC' } });
    expect(page.items.map((s) => s.id)).toEqual(idsWhere((s) => s.isArchived === true).reverse());
  });

  it('builders produce the same conditions', async () => {
    const { where, or } = filters.simcards;
    expect(where('isBlocked', 'EQ', false)).toEqual({ field: 'isBlocked', comparator: 'EQ', value: false, operator: 'AND' });
    expect(or('id', 'IN', ['1', '2'])).toEqual({ field: 'id', comparator: 'IN', value: ['1', '2'], operator: 'OR' });
    expect(where('description', 'NULL')).toEqual({ field: 'description', comparator: 'NULL', operator: 'AND' });
    const { myphone } = setup({ simcards: seeds });
    const found = await myphone.simcards.all({ filter: [where('profile', 'EQ', 'S1'), or('profile', 'EQ', 'S3')] }).toArray();
    expect(found.map((s) => s.id)).toEqual(idsWhere((s) => s.profile !== 'S2'));
  });

  it('filters tariffs, dids and rent deductions on their own fields', async () => {
    const { myphone, api } = setup({ dids: [{ msisdn: '1785', isSmsEnabled: true }, { msisdn: '1681', isSmsEnabled: false }] });
    expect((await myphone.tariffs({ filter: [filters.tariffs.where('tariffType', 'EQ', 'PREPAID_UNLIMITED')] })).items.map((t) => t.name)).toEqual(['Unlimited']);
    expect((await myphone.didService.dids({ filter: [{ field: 'isSmsEnabled', comparator: 'EQ', value: true }], sort: [{ field: 'msisdn', order: 'ASC' }] })).items.map((d) => d.msisdn)).toEqual(['1785']);
    await myphone.didService.rent.multitel({ didId: api.state.didsForRent.keys().next().value! });
    expect((await myphone.didRentDeductions({ filter: [filters.didRentDeductions.where('type', 'EQ', 'RENT')] })).count).toBe(1);
  });
});

describe('runtime checks for untyped callers (before any request)', () => {
  const untyped = (v: unknown) => v as never;

  it.each([
    ['an unknown filter field', { filter: [{ field: 'nope', comparator: 'EQ', value: 1 }] }, /filter\[0\]\.field "nope" is not a field of Simcard; filter on one of: id, iccidPlastic/],
    ['a nested field', { filter: [{ field: 'resource.balance', comparator: 'GT', value: 1 }] }, /"resource\.balance" is not a field of Simcard/],
    ['an unknown sort field', { sort: [{ field: 'msisdn', order: 'ASC' }] }, /sort\[0\]\.field "msisdn" is not a field of Simcard/],
    ['an unknown comparator', { filter: [{ field: 'id', comparator: 'LIKE', value: 1 }] }, /comparator "LIKE" is not one of EQ, NEQ/],
    ['an unknown operator', { filter: [{ field: 'id', comparator: 'EQ', value: 1, operator: 'XOR' }] }, /operator "XOR"/],
    ['IN without a list', { filter: [{ field: 'id', comparator: 'IN', value: '1' }] }, /value must be a list for IN/],
    ['an unknown key', { filter: [{ field: 'id', comparator: 'EQ', value: 1, fields: 'x' }] }, /unknown key "fields"/],
    ['a bad sort order', { sort: { field: 'id', order: 'UP' } }, /order "UP" is not ASC or DESC/],
    ['a filter that is not a list', { filter: 'isBlocked' }, /filter must be a list/],
    ["where('isBlocked', 'EQ', 'yes') from plain JavaScript", { filter: [filters.simcards.where('isBlocked', 'EQ', untyped('yes'))] }, /filter\[0\]\.value: must be a boolean or null, got string/],
    ['a number for a text field', { filter: [{ field: 'iccidPlastic', comparator: 'EQ', value: 8937 }] }, /filter\[0\]\.value: must be a string or null, got number/],
    ['a wrong item in IN', { filter: [{ field: 'isArchived', comparator: 'IN', value: [true, 'no'] }] }, /filter\[0\]\.value: item 1 must be a boolean, got string/],
    ['CONTAINS on a boolean field', { filter: [{ field: 'isBlocked', comparator: 'CONTAINS', value: 'tr' }] }, /CONTAINS applies to text fields only/],
    ['LT on a boolean field', { filter: [{ field: 'isBlocked', comparator: 'LT', value: true }] }, /LT does not apply to a boolean field/],
    ['NULL with a string', { filter: [{ field: 'profile', comparator: 'NULL', value: 'yes' }] }, /NULL takes true or false/],
  ])('rejects %s with a ValidationError', async (_name, variables, message) => {
    const { api, myphone } = setup({ simcards: seeds });
    const err = await myphone.simcards(untyped(variables)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(message);
    await expect(myphone.simcards.all(untyped(variables)).toArray()).rejects.toBeInstanceOf(ValidationError);
    expect(api.requests).toHaveLength(0);
    expect(api.auth.logins).toBe(0); // not even a login
  });

  it('checks values against the field type of each list (numbers for tariff rates)', async () => {
    const { api, myphone } = setup();
    await expect(myphone.tariffs(untyped({ filter: [{ field: 'dataRateAmount', comparator: 'GT', value: '0.5' }] }))).rejects.toThrow(/value: must be a number, got string/);
    await expect(myphone.tariffs(untyped({ filter: [{ field: 'duration', comparator: 'EQ', value: NaN }] }))).rejects.toThrow(/must be a number \(finite\) or null/);
    expect(api.requests).toHaveLength(0);
  });

  it('checks each list against its own item type', async () => {
    const { api, myphone } = setup();
    await expect(myphone.didService.dids(untyped({ filter: [{ field: 'isBlocked', comparator: 'EQ', value: true }] }))).rejects.toThrow(/not a field of Did;/);
    await expect(myphone.tariffs(untyped({ filter: [{ field: 'simId', comparator: 'EQ', value: 'x' }] }))).rejects.toThrow(/not a field of Tariff;/);
    await expect(myphone.didRentDeductions(untyped({ filter: [{ field: 'msisdn', comparator: 'EQ', value: 'x' }] }))).rejects.toThrow(/not a field of DidRentDeduction;/);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses sort where the operation fixes it', async () => {
    const { api, myphone } = setup();
    const err = await myphone.tariffs(untyped({ sort: [{ field: 'name', order: 'ASC' }] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('variables.sort');
    expect((err as Error).message).toMatch(/sorts by id DESC/);
    await expect(myphone.didRentDeductions(untyped({ sort: { field: 'id' } }))).rejects.toThrow(/sorts by performedAt DESC/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('fake filters on long numeric strings', () => {
  it('an ICCID filter matches exactly one SIM card, and ICCIDs sort as text of equal length', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(5) });
    const [first] = [...api.state.simcards.values()];
    const found = await myphone.simcards({ filter: [{ field: 'iccidPlastic', comparator: 'EQ', value: first!.iccidPlastic! }] });
    expect(found.items.map((s) => s.id)).toEqual([first!.id]);
    const sorted = await myphone.simcards({ sort: [{ field: 'iccidPlastic', order: 'DESC' }], limit: 5 });
    const iccids = sorted.items.map((s) => s.iccidPlastic!);
    expect(iccids).toEqual([...iccids].sort().reverse());
  });
});
