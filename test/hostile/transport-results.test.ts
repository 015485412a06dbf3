/**
 * Issue 11, class 7: a union member the SDK does not know (the API added `AccountLocked` to debitAccount's
 * result after generation) is never mistaken for success. Unions exist only in Totogi's API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, UnexpectedResultError } from '@sdk/core';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';

afterEach(closeAll);

const input = { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } as const;
const client = (url: string) => createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 't' } }, endpoint: url, retry: { baseDelayMs: 1, maxDelayMs: 1 } });

describe('unknown union members (Totogi debitAccount)', () => {
  it('throwing mode: UnexpectedResultError naming the typename, sent once, not an ApiError', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { debitAccount: { __typename: 'AccountLocked', lockedUntil: '2030-01-01' } } }));
    const err = await client(server.url).debitAccount({ input }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResultError);
    expect(err).not.toBeInstanceOf(ApiError);
    expect((err as UnexpectedResultError).__typename).toBe('AccountLocked');
    expect((err as UnexpectedResultError).result).toEqual({ __typename: 'AccountLocked', lockedUntil: '2030-01-01' });
    expect((err as Error).message).toContain('AccountLocked');
    expect((err as UnexpectedResultError).attempts).toBe(1);
    expect(server.receipts('DebitAccount')).toBe(1);
  });

  it('.result() returns the unknown member as a value, to match on __typename', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, { data: { debitAccount: { __typename: 'AccountLocked' } } }));
    const result = await client(server.url).debitAccount.result({ input });
    expect(result).toEqual({ __typename: 'UnknownResultMember', typename: 'AccountLocked', member: { __typename: 'AccountLocked' } });
    // Typed: a switch over the known members narrows, and the unknown one has its own case.
    if (result.__typename === 'UnknownResultMember') expect(result.typename).toBe('AccountLocked');
    else throw new Error(`unexpected ${result.__typename}`);
  });

  it('known members still behave: success resolves, an error member is an ApiError', async () => {
    const server = await hostileServer((_req, res, n) =>
      sendJson(res, { data: { debitAccount: n === 0 ? { __typename: 'DebitAccountPayload', account: null, reservationId: null, debitStatus: 'SUCCESS' } : { __typename: 'DebitAccountFailed', errorCode: 'INSUFFICIENT', errorMessage: 'no funds' } } }),
    );
    const totogi = client(server.url);
    await expect(totogi.debitAccount({ input })).resolves.toMatchObject({ __typename: 'DebitAccountPayload' });
    await expect(totogi.debitAccount({ input })).rejects.toBeInstanceOf(ApiError);
  });
});
