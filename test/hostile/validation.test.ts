/**
 * Untyped callers (issue 11, class 10): wrong variable types never reach the server. Each client points at
 * a loopback server that answers everything (logins included) and counts what arrives: a wrong value must
 * end in a ValidationError naming the variable path, with 0 requests at the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '@sdk/core';
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson, type HostileServer } from './lib.js';

afterEach(closeAll);

/** A server that would accept anything: a login, a token, `data` for any operation. */
async function permissive(): Promise<HostileServer> {
  return hostileServer((req, res) => {
    if (req.url.includes('login')) return sendJson(res, { accessToken: 'a', refreshToken: 'r', expires: new Date(Date.now() + 3_600_000).toISOString() });
    if (req.headers['x-amz-target']) return sendJson(res, { AuthenticationResult: { AccessToken: 'a.b.c', IdToken: 'a.b.c', RefreshToken: 'r', ExpiresIn: 3600 } });
    sendJson(res, { data: {} });
  });
}

type AnyMethod = (variables?: unknown) => Promise<unknown>;
const untyped = (client: unknown, path: string): AnyMethod => path.split('.').reduce<any>((node, key) => node[key], client) as AnyMethod;

async function rejectsAt(server: HostileServer, call: Promise<unknown>, field: string | RegExp): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  if (typeof field === 'string') expect((err as ValidationError).field).toBe(field);
  else expect((err as ValidationError).field).toMatch(field);
  expect(server.received).toHaveLength(0);
}

const circular = (): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  o.self = o;
  return o;
};

describe('wrong variable types send nothing (wherever)', () => {
  const cases: [string, string, unknown, string | RegExp][] = [
    ['iccid filter given an object', 'listSims', { limit: 10, filter: { iccid: { eq: { $ne: '' } } } }, 'variables.filter.iccid.eq'],
    ['statusid given "five"', 'listSims', { limit: 10, filter: { statusid: { eq: 'five' } } }, 'variables.filter.statusid.eq'],
    ['a number for a string', 'updateSim', { iccid: '8988', custom_field_1: 42 }, 'variables.custom_field_1'],
    ['a function value', 'updateSim', { iccid: '8988', custom_field_1: () => 'x' }, 'variables.custom_field_1'],
    ['a BigInt Long', 'updateSim', { iccid: '8988', monthly_data_limit: 10n ** 12n }, 'variables.monthly_data_limit'],
    ['a circular filter', 'listSims', { limit: 10, filter: circular() }, 'variables.filter.self'],
    ['a sort direction that is not asc/desc', 'listSims', { limit: 10, order: { iccid: 'ascending' } }, 'variables.order.iccid'],
    ['NaN limit', 'listSims', { limit: NaN }, 'variables.limit'],
  ];
  it.each(cases)('%s', async (_title, path, variables, field) => {
    const server = await permissive();
    const client = createWhereverClient({ apiKey: 'k', endpoint: server.url, retry: 0 });
    await rejectsAt(server, untyped(client, path)(variables), field);
  });
});

describe('wrong variable types send nothing, not even a login (Totogi)', () => {
  const debit = (input: Record<string, unknown>) => ({ input: { providerId: 'p', accountId: 'a', amount: 1, mode: 'IMMEDIATE', ...input } });
  const cases: [string, string, unknown, string | RegExp][] = [
    ['accountId given an object', 'debitAccount', debit({ accountId: { id: 'a' } }), 'variables.input.accountId'],
    ['amount given "five"', 'debitAccount', debit({ amount: 'five' }), 'variables.input.amount'],
    ['a mode outside the enum', 'debitAccount', debit({ mode: 'charge' }), 'variables.input.mode'],
    ['a function value', 'debitAccount', debit({ amount: () => 1 }), 'variables.input.amount'],
    ['a BigInt amount', 'debitAccount', debit({ amount: 5n }), 'variables.input.amount'],
    ['a circular input', 'debitAccount', { input: circular() }, /^variables\.input/],
    ['Infinity amount', 'debitAccount', debit({ amount: Infinity }), 'variables.input.amount'],
  ];
  it.each(cases)('%s', async (_title, path, variables, field) => {
    const server = await permissive();
    const client = createTotogiClient({ auth: { username: 'u', password: 'p', clientId: 'c', region: 'us-east-1', cognitoEndpoint: server.origin }, endpoint: server.url, retry: 0 });
    await rejectsAt(server, untyped(client, path)(variables), field);
  });
});

describe('wrong variable types send nothing, not even a login (MyPhone)', () => {
  const cases: [string, string, unknown, string | RegExp][] = [
    ['id given an object', 'simcard', { id: { id: '1' } }, 'variables.id'],
    ['amount given "five"', 'simcard.chargeBalance', { simcardId: '1', amount: 'five', comment: 'x' }, 'variables.amount'],
    ['a number for a string', 'simcard.chargeBalance', { simcardId: '1', amount: 1, comment: 7 }, 'variables.comment'],
    ['a function value', 'simcard.chargeBalance', { simcardId: '1', amount: 1, comment: () => 'x' }, 'variables.comment'],
    ['a BigInt amount', 'simcard.chargeBalance', { simcardId: '1', amount: 5n, comment: 'x' }, 'variables.amount'],
    ['a circular filter value', 'simcards', { filter: [{ field: 'id', comparator: 'EQ', value: circular() }] }, /^variables\.filter\[0\]\.value/],
    ['a sort order outside the enum', 'simcards', { sort: [{ field: 'id', order: 'ascending' }] }, 'variables.sort[0].order'],
  ];
  it.each(cases)('%s', async (_title, path, variables, field) => {
    const server = await permissive();
    const client = createMyPhoneClient({ username: 'u', password: 'p', origin: server.origin, endpoint: server.url, retry: 0 });
    await rejectsAt(server, untyped(client, path)(variables), field);
  });
});
