/**
 * The three public clients pointed at a hostile loopback server, each with one money/SIM-changing mutation
 * and one query, so every transport scenario runs for all three vendors. Tokens come from a provider that
 * counts renewals (a refresh-and-replay shows up as `renewals`).
 */
import { createMyPhoneClient } from '@sdk/myphone';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import type { CallOptions, TokenProvider } from '@sdk/core';

export interface VendorClient {
  /** Runs the vendor's mutation (debitAccount, updateSim, simcard.block). */
  mutate(options?: CallOptions): Promise<unknown>;
  /** Runs a read (getAccount, getCustomerData, simcard). */
  query(options?: CallOptions): Promise<unknown>;
  /** How often the client asked its token source for a fresh token after a refusal. */
  renewals(): number;
}

export interface VendorCase {
  vendor: 'totogi' | 'wherever' | 'myphone';
  mutation: string;
  query: string;
  /** A successful `data` for the mutation. */
  mutationData: Record<string, unknown>;
  queryData: Record<string, unknown>;
  /** The `data` a partially failed mutation returns (data present, with errors beside it). */
  partialMutationData: Record<string, unknown>;
  client(url: string, options?: Record<string, unknown>): VendorClient;
}

function countingProvider(): { provider: TokenProvider; renewals: () => number } {
  let renewals = 0;
  let token = 'tok-1';
  return {
    provider: {
      getAccessToken: async () => token,
      invalidate: async () => {
        renewals++;
        token = `tok-${renewals + 1}`;
        return true;
      },
    },
    renewals: () => renewals,
  };
}

const account = { __typename: 'Account', providerId: 'p1', id: 'acc-1', customData: null, balance: { version: 1, value: 10, customData: null }, parent: null, inactivePlanVersions: [], activePlanVersions: [], archivedPlanVersions: [], friendsAndFamily: [], creditLimit: null, postpaid: null, churnScore: null, activatedAt: null };
const sim = { iccid: '8988280666000000001', statusid: 2 };

export const VENDORS: VendorCase[] = [
  {
    vendor: 'totogi',
    mutation: 'DebitAccount',
    query: 'GetAccount',
    mutationData: { debitAccount: { __typename: 'DebitAccountPayload', account, reservationId: null, debitStatus: 'SUCCESS' } },
    queryData: { getAccount: account },
    partialMutationData: { debitAccount: { __typename: 'DebitAccountPayload', account: null, reservationId: 'r-1', debitStatus: 'SUCCESS' } },
    client(url, options = {}) {
      const { provider, renewals } = countingProvider();
      const totogi = createTotogiClient({ auth: { tokenProvider: provider }, endpoint: url, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options });
      return {
        mutate: (o) => totogi.debitAccount({ input: { providerId: 'p1', accountId: 'acc-1', amount: 5, mode: 'IMMEDIATE' } }, o),
        query: (o) => totogi.getAccount({ providerId: 'p1', accountId: 'acc-1' }, o),
        renewals,
      };
    },
  },
  {
    vendor: 'wherever',
    mutation: 'UpdateSim',
    query: 'GetCustomerData',
    mutationData: { updateSim: sim },
    queryData: { getCustomerData: { id: 'c1', name: 'Acme' } },
    partialMutationData: { updateSim: { ...sim, statusid: null } },
    client(url, options = {}) {
      const { renewals } = countingProvider();
      const wherever = createWhereverClient({ apiKey: 'wk-hostile-key', endpoint: url, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options });
      return {
        mutate: (o) => wherever.updateSim({ iccid: sim.iccid, statusid: 3 }, o),
        query: (o) => wherever.getCustomerData({}, o),
        renewals,
      };
    },
  },
  {
    vendor: 'myphone',
    mutation: 'SimcardBlock',
    query: 'Simcard',
    mutationData: { simcard: { block: true } },
    queryData: { simcard: { id: '42' } },
    partialMutationData: { simcard: { block: true } },
    client(url, options = {}) {
      const { provider, renewals } = countingProvider();
      const myphone = createMyPhoneClient({ tokenProvider: provider, endpoint: url, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options });
      return {
        mutate: (o) => myphone.simcard.block({ simcardId: '42' }, o),
        query: (o) => myphone.simcard({ id: '42' }, o),
        renewals,
      };
    },
  },
];
