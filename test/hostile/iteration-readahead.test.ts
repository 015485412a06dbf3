/**
 * Read-ahead for token and cursor walks: page k+1 is asked for while the caller works on page k, never
 * more than `readAhead` pages beyond it; break, abort and errors leave exact resume positions.
 * Counted at the server.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PaginationError, ValidationError, buildMethods, createExecutor, noAuth, type OperationDescriptor } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { simsServer } from './iteration-servers.js';

afterEach(closeAll);

const iccids = Array.from({ length: 100 }, (_, i) => `8949${String(i).padStart(15, '0')}`);
const tokenProvider = { getAccessToken: async () => 't' };

async function usersServer(total: number, options: { failAt?: number } = {}) {
  return hostileServer((req, res, n) => {
    const v = (req.json?.variables ?? {}) as { first?: number; after?: string };
    if (options.failAt === n) return sendJson(res, { errors: [{ message: 'boom' }] }, 500);
    const from = v.after ? Number(v.after.slice(1)) + 1 : 0;
    const edges = Array.from({ length: Math.max(0, Math.min(v.first ?? 25, total - from)) }, (_, k) => ({ cursor: `c${from + k}`, node: { providerId: '1', userId: `u${from + k}`, email: `u${from + k}@example.com` } }));
    sendJson(res, { data: { listUsers: { __typename: 'ListUsersConnection', edges, pageInfo: { hasNextPage: from + edges.length < total, endCursor: edges.length ? `c${from + edges.length - 1}` : v.after ?? null } } } });
  });
}

describe('read-ahead (nextToken and cursor)', () => {
  it.each([
    [0, 1],
    [1, 2],
    [3, 4],
  ])('wherever: readAhead %i — while the caller holds page 1 the server has received %i request(s), never more', async (readAhead, expected) => {
    const server = await simsServer(iccids);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const pages = wherever.listSims.pages({ limit: 10 }, { readAhead });
    for await (const _page of pages) {
      await delay(150); // the caller's own work on page 1
      expect(server.receipts('ListSims')).toBe(expected);
      break;
    }
    await delay(50);
    expect(server.receipts('ListSims')).toBe(expected); // break cancelled what was ahead; nothing more is asked
    expect(pages.position).toEqual({ nextToken: expect.any(String) });
    // Resuming from the position continues exactly after page 1.
    const rest = await wherever.listSims.all({ limit: 10, ...pages.position }, { readAhead }).toArray();
    expect(rest.map((s) => s.iccid)).toEqual(iccids.slice(10));
  });

  it('Totogi: the next cursor page is requested while the caller works on the current one (default readAhead 1)', async () => {
    const server = await usersServer(100);
    const totogi = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url });
    let n = 0;
    for await (const _page of totogi.listUsers.pages({ providerId: '1', first: 25 })) {
      n++;
      await delay(100);
      expect(server.receipts('ListUsers')).toBe(Math.min(n + 1, 4));
    }
    expect(n).toBe(4);
    expect(server.receipts('ListUsers')).toBe(4);
  });

  it('an error on a page fetched ahead surfaces only after the page before it was handed over in full; the position resumes exactly', async () => {
    const server = await usersServer(100, { failAt: 2 });
    const totogi = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url, retry: 0 });
    const iterator = totogi.listUsers.all({ providerId: '1', first: 25 }, { readAhead: 2 });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const u of iterator) seen.push(u.email!);
    })().catch((e: unknown) => e);
    expect(err).toBeDefined();
    expect(seen).toHaveLength(50);
    expect(iterator.position).toEqual({ after: 'c49' });
    const rest = await totogi.listUsers.all({ providerId: '1', first: 25, ...iterator.position }).toArray();
    expect([...seen, ...rest.map((u) => u.email!)]).toEqual(Array.from({ length: 100 }, (_, i) => `u${i}@example.com`));
  });

  it('all(): a break mid-page with pages fetched ahead resumes at that page, nothing lost', async () => {
    const server = await simsServer(iccids);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const iterator = wherever.listSims.all({ limit: 10 }, { readAhead: 3 });
    const seen: string[] = [];
    for await (const sim of iterator) {
      seen.push(sim.iccid);
      if (seen.length === 25) break;
    }
    const rest = await wherever.listSims.all({ limit: 10, ...iterator.position }).toArray();
    expect(new Set([...seen, ...rest.map((s) => s.iccid)]).size).toBe(100);
    expect(rest.map((s) => s.iccid)).toEqual(iccids.slice(20));
  });

  it('a loop found on a page fetched ahead still hands over the pages before it', async () => {
    const server = await hostileServer((req, res, n) => {
      sendJson(res, { data: { listSims: { items: [{ iccid: `i${n}` }], nextToken: n < 50 ? (n >= 2 ? 'same' : `t${n}`) : null, totalSims: 9 } } });
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const sim of wherever.listSims.all({ limit: 1 }, { readAhead: 2 })) seen.push(sim.iccid);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(seen).toEqual(['i0', 'i1', 'i2', 'i3']);
    expect(server.receipts('ListSims')).toBe(4);
  });

  it.each([-1, 1.5, NaN, '2', 10_001])('readAhead %s is a ValidationError before any request', async (readAhead) => {
    const server = await simsServer(iccids);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    expect(() => wherever.listSims.all({ limit: 10 }, { readAhead: readAhead as number })).toThrow(ValidationError);
    expect(server.received).toHaveLength(0);
  });

  it('a paginated mutation is never read ahead: the server receives only the pages the caller took', async () => {
    const server = await hostileServer((_req, res, n) => sendJson(res, { data: { drain: { items: [{ id: n }], nextToken: `t${n}` } } }));
    const document = 'mutation Drain($nextToken:String){drain(nextToken:$nextToken){items{id}nextToken}}';
    const op: OperationDescriptor = { name: 'Drain', kind: 'mutation', document, path: ['drain'], variables: ['nextToken'], pagination: { style: 'nextToken', items: 'items', next: 'nextToken', tokenVar: 'nextToken' } };
    const methods = buildMethods<{ drain: { pages: (v?: object, o?: object) => AsyncIterable<unknown> } }>(createExecutor({ endpoint: server.url, auth: noAuth() }), [op]);
    let taken = 0;
    for await (const _page of methods.drain.pages({}, { readAhead: 3 })) {
      await delay(100);
      if (++taken === 2) break;
    }
    await delay(50);
    expect(server.receipts('Drain')).toBe(2);
  });
});
