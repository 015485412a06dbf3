/**
 * Hostile iteration (issue 11 item 6): servers that hand out tokens that are not strings, pages larger
 * than asked, counts that change mid-walk, and callers that abort mid-page. Counted at the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, PaginationError } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { createMyPhoneClient } from '@sdk/myphone';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { token } from './iteration-servers.js';

afterEach(closeAll);

const retry = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 };
const tokenProvider = { getAccessToken: async () => 'hostile-token' };
const sims = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ iccid: `8949${String(from + i).padStart(15, '0')}` }));
const users = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ cursor: `c${from + i}`, node: { providerId: '1', userId: `u${from + i}`, email: `u${from + i}@example.com` } }));

describe('tokens and cursors must be strings', () => {
  it('wherever: an unchanging object nextToken stops the walk with a PaginationError after one request', async () => {
    const server = await hostileServer((req, res, n) => {
      // Bounded: after 300 requests the server ends the walk, so a client that loops still finishes.
      sendJson(res, { data: { listSims: { items: sims(n * 5, 5), nextToken: n < 300 ? { offset: 5 } : null, totalSims: 1500 } } });
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, retry });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const sim of wherever.listSims.all({ limit: 5 })) seen.push(sim.iccid);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(String((err as Error).message)).toMatch(/nextToken.*not a string/);
    expect((err as PaginationError).cursor).toEqual({ nextToken: null });
    expect(server.receipts('ListSims')).toBe(1);
    expect(seen).toHaveLength(0); // the page whose token is unusable is not handed out: resuming refetches it
  });

  it('Totogi: an unchanging object endCursor stops the walk after one request', async () => {
    const server = await hostileServer((req, res, n) => {
      sendJson(res, { data: { listUsers: { __typename: 'ListUsersConnection', edges: users(n * 2, 2), pageInfo: { hasNextPage: n < 300, endCursor: { page: 1 } } } } });
    });
    const totogi = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url, retry });
    const err = await totogi.listUsers.all({ providerId: '1' }).toArray().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(String((err as Error).message)).toMatch(/endCursor is not a string/);
    expect(server.receipts('ListUsers')).toBe(1);
  });

  it('wherever: a token cycle longer than any recent-token window is still caught, within about twice its length', async () => {
    const cycle = 200;
    const server = await hostileServer((req, res, n) => {
      const offset = ((req.json?.variables?.nextToken ? JSON.parse(Buffer.from(String(req.json.variables.nextToken), 'base64').toString()).next_offset : 0) + 1) % cycle;
      sendJson(res, { data: { listSims: { items: [], nextToken: n < 5000 ? token(offset) : null, totalSims: 0 } } });
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, retry });
    const err = await wherever.listSims.all({ limit: 5 }, { readAhead: 0 }).toArray().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(server.receipts('ListSims')).toBeLessThanOrEqual(3 * cycle);
  });
});

describe('offset pages that shift under the walk (MyPhone)', () => {
  const simcard = (i: number) => ({ id: String(i), iccidPlastic: `8937${String(i).padStart(15, '0')}` });

  it('a page larger than asked (75 for 50) ends in a PaginationError with a resume position, never a duplicate', async () => {
    const server = await hostileServer((req, res) => {
      const { offset = 0 } = (req.json?.variables ?? {}) as { offset?: number };
      const items = Array.from({ length: Math.max(0, Math.min(75, 1000 - offset)) }, (_, k) => simcard(offset + k));
      sendJson(res, { data: { simcards: { items, count: 1000 } } });
    });
    const myphone = createMyPhoneClient({ tokenProvider, endpoint: server.url, retry });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const s of myphone.simcards.all({ limit: 50 }, { concurrency: 4 })) seen.push(s.id);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect((err as PaginationError).cursor).toEqual({ offset: 0 });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(0);
  });

  it('a count that drops mid-walk (1000 → 900, the first 100 deleted) ends in a PaginationError, not a silent gap', async () => {
    let all = Array.from({ length: 1000 }, (_, i) => simcard(i));
    const server = await hostileServer((req, res, n) => {
      if (n === 3) all = all.slice(100); // deletions at the front while the walk runs
      const { offset = 0, limit = 100 } = (req.json?.variables ?? {}) as { offset?: number; limit?: number };
      sendJson(res, { data: { simcards: { items: all.slice(offset, offset + limit), count: all.length } } });
    });
    const myphone = createMyPhoneClient({ tokenProvider, endpoint: server.url, retry });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const s of myphone.simcards.all({ limit: 100 }, { concurrency: 1 })) seen.push(s.id);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(String((err as Error).message)).toMatch(/count changed from 1000 to 900/);
    expect((err as PaginationError).cursor).toEqual({ offset: 300 });
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
  });

  it('a count that grows mid-walk (items inserted at the front) ends in a PaginationError, not silent duplicates', async () => {
    let all = Array.from({ length: 500 }, (_, i) => simcard(i + 1000));
    const server = await hostileServer((req, res, n) => {
      if (n === 2) all = [...Array.from({ length: 50 }, (_, i) => simcard(i)), ...all];
      const { offset = 0, limit = 100 } = (req.json?.variables ?? {}) as { offset?: number; limit?: number };
      sendJson(res, { data: { simcards: { items: all.slice(offset, offset + limit), count: all.length } } });
    });
    const myphone = createMyPhoneClient({ tokenProvider, endpoint: server.url, retry });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const s of myphone.simcards.all({ limit: 100 }, { concurrency: 1 })) seen.push(s.id);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('after an abort the iterator yields nothing more', () => {
  it.each([
    ['wherever nextToken', 'wherever'],
    ['MyPhone offset', 'myphone'],
    ['Totogi cursor', 'totogi'],
  ] as const)('%s: aborting mid-page stops the items of the current page', async (_label, vendor) => {
    const server = await hostileServer((req, res, n) => {
      if (vendor === 'wherever') return sendJson(res, { data: { listSims: { items: sims(n * 10, 10), nextToken: n < 5 ? token((n + 1) * 10) : null, totalSims: 60 } } });
      if (vendor === 'totogi') return sendJson(res, { data: { listUsers: { __typename: 'ListUsersConnection', edges: users(n * 10, 10), pageInfo: { hasNextPage: n < 5, endCursor: `e${n}` } } } });
      const { offset = 0 } = (req.json?.variables ?? {}) as { offset?: number };
      sendJson(res, { data: { simcards: { items: Array.from({ length: 10 }, (_, k) => ({ id: String(offset + k) })), count: 60 } } });
    });
    const controller = new AbortController();
    const options = { signal: controller.signal, retry };
    const iterator =
      vendor === 'wherever'
        ? createWhereverClient({ apiKey: 'k', endpoint: server.url }).listSims.all({ limit: 10 }, options)
        : vendor === 'totogi'
          ? createTotogiClient({ auth: { tokenProvider }, endpoint: server.url }).listUsers.all({ providerId: '1', first: 10 }, options)
          : createMyPhoneClient({ tokenProvider, endpoint: server.url }).simcards.all({ limit: 10 }, options);
    let seen = 0;
    let afterAbort = 0;
    const err = await (async () => {
      for await (const _item of iterator as AsyncIterable<unknown>) {
        if (controller.signal.aborted) afterAbort++;
        if (++seen === 5) controller.abort(new Error('stop'));
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(afterAbort).toBe(0);
    expect(seen).toBe(5);
    // The page left mid-way is where a new walk resumes: nothing is lost.
    expect(iterator.done).toBe(false);
  });
});
