/**
 * Attacks on partitioned walks that start parts from their first page (fetched while planning): a server
 * that ignores `order` or lies about totals, a caller who breaks or aborts mid-walk, resumes after a break.
 * Counted at the server; every ICCID exactly once, or a typed error with a position that resumes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson } from './hostile/lib.js';
import { fleetIccids, simsServer, token } from './hostile/iteration-servers.js';

afterEach(closeAll);

const fleet = fleetIccids(6000);
const shuffled = new Map(fleet.map((x) => [x, x.split('').reverse().join('')]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type SimVars = { limit?: number; nextToken?: string; filter?: { iccid?: { beginsWith?: string; eq?: string } }; order?: { iccid?: string } | null };
const offsetOf = (t: unknown) => (typeof t === 'string' && t ? (JSON.parse(Buffer.from(t, 'base64').toString()) as { next_offset: number }).next_offset : 0);

/** A ListSims server over `fleet` whose answers `bend` may change (after filtering, before paging). */
async function bentServer(bend: (list: string[], v: SimVars) => { list: string[]; total?: unknown }) {
  const requests: SimVars[] = [];
  const server = await hostileServer((req, res) => {
    const v = (req.json?.variables ?? {}) as SimVars;
    requests.push(v);
    const f = v.filter?.iccid;
    let list = fleet.filter((x) => (f?.eq != null ? x === f.eq : x.startsWith(f?.beginsWith ?? '')));
    if (v.order?.iccid === 'desc') list = [...list].reverse();
    const bent = bend(list, v);
    const limit = v.limit ?? 100;
    const offset = offsetOf(v.nextToken);
    const items = bent.list.slice(offset, offset + limit).map((iccid) => ({ iccid }));
    sendJson(res, { data: { listSims: { items, nextToken: offset + limit < bent.list.length ? token(offset + limit) : null, totalSims: 'total' in bent ? bent.total : list.length } } });
  });
  return Object.assign(server, { requests });
}

async function collect(iterable: AsyncIterable<{ iccid: string }>): Promise<string[]> {
  const seen: string[] = [];
  for await (const sim of iterable) seen.push(sim.iccid);
  return seen;
}

describe('partitioned walks under attack', () => {
  it.each([
    ['answers ascending requests in descending order', (list: string[], v: SimVars) => ({ list: v.order?.iccid === 'desc' ? list : [...list].reverse() })],
    ['ignores order and shuffles deterministically', (list: string[]) => ({ list: [...list].sort((a, b) => (shuffled.get(a)! < shuffled.get(b)! ? -1 : 1)) })],
  ])('a server that %s cannot make an unordered walk lose or repeat an ICCID', async (_label, bend) => {
    const server = await bentServer(bend);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const seen = await collect(wherever.listSims.all({ limit: 50 }, { parts: 8 }));
    expect(seen.sort()).toEqual(fleet);
  });

  it.each([
    ['0', 0],
    ['a huge number', 1e12],
    ['negative', -5],
    ['a string', '6000'],
    ['missing', undefined],
  ])('first pages whose totalSims is %s (probes truthful) cannot make the walk lose or repeat an ICCID', async (_label, total) => {
    const server = await bentServer((list, v) => (v.limit === 1 ? { list } : { list, total }));
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const walk = wherever.listSims.pages({ limit: 50 }, { parts: 8 });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of walk) {
      pages++;
      for (const s of page!.items!) seen.push(s!.iccid);
    }
    expect(seen.sort()).toEqual(fleet);
    // Every request is a page handed over or a reported probe.
    expect(server.requests.length).toBe(pages + walk.stats.probes);
  });

  it.each([
    ['totalSims 0', 0],
    ['no totalSims', undefined],
  ])('first pages of parts that come empty, with %s but a next token, cannot make the walk lose an ICCID', async (_label, total) => {
    const server = await simsServer(fleet, {
      fault: (req, _n, res) => {
        const v = (req.json?.variables ?? {}) as SimVars;
        if (v.limit === 1 || v.nextToken || !v.filter?.iccid?.beginsWith) return false;
        sendJson(res, { data: { listSims: { items: [], nextToken: token(0), totalSims: total } } });
        return true;
      },
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    expect((await collect(wherever.listSims.all({ limit: 50 }, { parts: 8 }))).sort()).toEqual(fleet);
  });

  it.each([
    ['while planning', 2],
    ['while walking', 40],
  ])('a break %s stops every request: nothing reaches the server afterwards', async (_label, after) => {
    const server = await simsServer(fleet, { latencyMs: 10 });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const walk = wherever.listSims.pages({ limit: 20 }, { parts: 8 });
    let pages = 0;
    for await (const _page of walk) if (++pages >= after) break;
    await sleep(200); // requests already on the wire land now (a loaded machine is slow)
    const settled = server.requests.length;
    await sleep(300);
    expect(server.requests.length).toBe(settled);
    // Beyond the pages handed over and the probes: at most what is in flight and held (a full walk is 300+ pages).
    expect(settled).toBeLessThanOrEqual(pages + walk.stats.probes + 8 + 9 + 32);
  });

  it('an abort mid-walk ends it with AbortError and stops every request', async () => {
    const server = await simsServer(fleet, { latencyMs: 5 });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const controller = new AbortController();
    let n = 0;
    const err = await (async () => {
      for await (const _sim of wherever.listSims.all({ limit: 20 }, { parts: 8, signal: controller.signal })) if (++n === 500) controller.abort();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    await sleep(200);
    const settled = server.requests.length;
    await sleep(300);
    expect(server.requests.length).toBe(settled);
  });

  it.each([
    ['unordered', undefined, 7],
    ['unordered, right after the first page', undefined, 1],
    ['ordered asc', 'asc', 33],
    ['ordered desc', 'desc', 33],
  ] as const)('%s: a break, then a walk from the position, sees every ICCID exactly once (in order when ordered)', async (_label, dir, after) => {
    const server = await simsServer(fleet, { latencyMs: 1 });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const vars = { limit: 20, ...(dir ? { order: { iccid: dir } } : {}) };
    const pages = wherever.listSims.pages(vars, { parts: 8 });
    const seen: string[] = [];
    let n = 0;
    for await (const page of pages) {
      for (const s of page!.items!) seen.push(s!.iccid);
      if (++n >= after) break;
    }
    expect(pages.done).toBe(false);
    const position = JSON.parse(JSON.stringify(pages.position)) as object; // plain JSON, as a checkpoint file holds it
    for await (const page of wherever.listSims.pages({ ...vars, ...position }, { parts: 8 })) for (const s of page!.items!) seen.push(s!.iccid);
    if (dir) expect(seen).toEqual(dir === 'asc' ? fleet : [...fleet].reverse());
    else expect([...seen].sort()).toEqual(fleet);
  });

  it('a careless caller: order null, an empty order, no limit: every ICCID once', async () => {
    const server = await simsServer(fleet);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    for (const vars of [{ limit: 100, order: null }, { limit: 100, order: {} }]) {
      expect((await collect(wherever.listSims.all(vars as never, { parts: 3 }))).sort()).toEqual(fleet);
    }
  });
});
