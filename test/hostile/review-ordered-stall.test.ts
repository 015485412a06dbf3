/**
 * Review of the ordered-walk stall fix (parts handed back when their buffer is full, resumed later by any
 * worker). A hand-written `ListSims` server counts every page request; the tests break the guarantees a
 * user relies on: each SIM once and in order, bounded buffering, nothing sent after break/abort, errors
 * and loops surfacing with a position that resumes exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PaginationError, ValidationError } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson, within } from './lib.js';

afterEach(closeAll);

type SimVars = { limit?: number; nextToken?: string; filter?: { iccid?: { beginsWith?: string; eq?: string } }; order?: { iccid?: string } };

const iccid = (d: number, i: number) => `894902${d}${String(i).padStart(12, '0')}`;
const range = (d: number, n: number) => Array.from({ length: n }, (_, i) => iccid(d, i));
const offsetOf = (t: unknown) => (typeof t === 'string' && t ? Number(Buffer.from(t, 'base64').toString()) : 0);
const tok = (n: number) => Buffer.from(String(n)).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface FleetOptions {
  /** Report a total one too high under these prefixes: every split is refused, parts stay huge. */
  inflate?: (prefix: string) => boolean;
  /** Answer 500 instead (page requests only). */
  fail?: (v: SimVars, key: string) => boolean;
  /** Answer with these instead (a throttle, items outside the part); undefined answers normally. */
  hijack?: (v: SimVars, key: string, res: import('node:http').ServerResponse) => boolean;
  /** The token to answer with instead of the real one (a server repeating tokens). */
  nextToken?: (prefix: string, offset: number, real: string | null) => string | null;
  delayMs?: number;
}

async function fleetServer(fleet: string[], o: FleetOptions = {}) {
  const pages = new Map<string, number>(); // page requests (not probes) per prefix@offset
  let answered = 0;
  const server = await hostileServer((req, res) => {
    const v = (req.json?.variables ?? {}) as SimVars;
    const f = v.filter?.iccid;
    const prefix = f?.eq ?? f?.beginsWith ?? '';
    let list = fleet.filter((x) => (f?.eq != null ? x === f.eq : x.startsWith(prefix)));
    if (v.order?.iccid === 'desc') list = [...list].reverse();
    const limit = v.limit ?? 100;
    const offset = offsetOf(v.nextToken);
    const key = `${prefix}@${offset}/${v.order?.iccid ?? ''}`;
    const probe = limit === 1;
    if (!probe) pages.set(key, (pages.get(key) ?? 0) + 1);
    const answer = () => {
      if (!probe && o.hijack?.(v, key, res)) return;
      if (!probe && o.fail?.(v, key)) return sendJson(res, { errors: [{ message: 'part unavailable' }] }, 500);
      if (!probe) answered++;
      const real = offset + limit < list.length ? tok(offset + limit) : null;
      const nextToken = o.nextToken ? o.nextToken(prefix, offset, real) : real;
      sendJson(res, { data: { listSims: { items: list.slice(offset, offset + limit).map((x) => ({ iccid: x })), nextToken, totalSims: list.length + (o.inflate?.(prefix) ? 1 : 0) } } });
    };
    if (o.delayMs) setTimeout(answer, o.delayMs);
    else answer();
  });
  return { server, pages, answered: () => answered, requests: () => server.received.length };
}

const LIMIT = 10;

/** Reads `walk` page by page (1 ms between pages) into `seen`; resolves to what it threw, or undefined. */
function drainPages(walk: AsyncIterable<{ items?: ({ iccid: string } | null)[] | null } | null>, seen: string[]): Promise<unknown> {
  return within(
    20_000,
    (async () => {
      for await (const page of walk) {
        for (const s of page!.items!) seen.push(s!.iccid);
        await sleep(1);
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    ),
    () => ({ seen: seen.length }),
  );
}

/** Every SIM a fresh walk in 4 parts gives from `variables` (a resume position, an order). */
async function walkAll(wherever: ReturnType<typeof createWhereverClient>, variables: object): Promise<string[]> {
  const rest: string[] = [];
  await within(
    20_000,
    (async () => {
      for await (const sim of wherever.listSims.all({ limit: LIMIT, ...variables }, { parts: 4 })) rest.push(sim.iccid);
    })(),
    () => ({ rest: rest.length }),
  );
  return rest;
}
// Ten prefixes of 300 SIMs (30 pages each), totals inflated so no split is kept: parts of 30 pages, beyond a 16-page buffer.
const big = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => range(d, 300));
const inflateAll = (prefix: string) => prefix.length > 7;

describe('review: ordered partitioned walks with parts handed back', () => {
  it.each([1, 2, 8, 64])('parts %i, huge unsplittable parts, slow consumer: every SIM once, in order, each page asked once, bounded buffering', async (parts) => {
    // Ten parts of 100 pages each (1000 pages): a consumer that stops for a while lets every buffer fill.
    const fleet = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => range(d, 1000));
    const { server, pages } = await fleetServer(fleet, { inflate: inflateAll });
    // Pages of the ten parts walked (planning also reads the first page of each refused sub-part, then drops it).
    const answered = () => [...pages.keys()].filter((k) => k.indexOf('@') === 7).length;
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const seen: string[] = [];
    let consumed = 0;
    let maxAhead = 0;
    await within(
      20_000,
      (async () => {
        for await (const page of wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' } }, { parts })) {
          consumed++;
          for (const s of page!.items!) seen.push(s!.iccid);
          maxAhead = Math.max(maxAhead, answered() - consumed);
          if (consumed === 50) await sleep(400);
          else if (consumed % 5 === 0) await sleep(1);
          maxAhead = Math.max(maxAhead, answered() - consumed);
        }
      })(),
      () => ({ seen: seen.length, answered: answered() }),
    );
    expect(seen).toEqual(fleet);
    expect([...pages.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // (2 × parts + 1) parts × 16 pages, plus first pages held from planning (8 × parts), plus those in flight.
    const bound = parts === 1 ? 1 : (2 * parts + 1) * 16 + 8 * parts + parts;
    expect(maxAhead).toBeLessThanOrEqual(bound);
    if (parts === 2) expect(bound).toBeLessThan(10 * 16); // below every part holding a full buffer: the bound can fail
  });

  it('desc order, slow consumer, 3 parts: every SIM once, in reverse order', async () => {
    const { server, pages } = await fleetServer(big, { inflate: inflateAll });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const seen: string[] = [];
    await within(
      20_000,
      (async () => {
        for await (const sim of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'desc' } }, { parts: 3 })) {
          seen.push(sim.iccid);
          if (seen.length % 50 === 0) await sleep(1);
        }
      })(),
      () => ({ seen: seen.length }),
    );
    expect(seen).toEqual([...big].reverse());
    expect([...pages.values()].every((n) => n === 1)).toBe(true);
  });

  it('break while parts are handed back (buffers full): no request leaves afterwards; the position resumes to every SIM once, in order', async () => {
    const { server, requests } = await fleetServer(big, { inflate: inflateAll, delayMs: 2 });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const walk = wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 });
    const seen: string[] = [];
    let n = 0;
    await within(
      10_000,
      (async () => {
        for await (const page of walk) {
          for (const s of page!.items!) seen.push(s!.iccid);
          if (++n === 5) await sleep(300); // every part fills its buffer and is handed back
          if (n === 7) break;
        }
      })(),
      () => ({ seen: seen.length }),
    );
    const atBreak = requests();
    await sleep(300);
    expect(requests()).toBe(atBreak);
    const position = walk.position;
    const rest = await walkAll(wherever, { order: { iccid: 'asc' }, ...position });
    expect([...seen, ...rest]).toEqual(big);
  });

  it('abort while parts are handed back and the consumer is between pages: AbortError, and no request leaves afterwards', async () => {
    const { server, requests } = await fleetServer(big, { inflate: inflateAll, delayMs: 2 });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const ac = new AbortController();
    const walk = wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4, signal: ac.signal });
    let n = 0;
    const err = await within(
      10_000,
      (async () => {
        for await (const _ of walk) {
          if (++n === 5) {
            await sleep(300);
            ac.abort();
          }
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      ),
      () => ({ n }),
    );
    expect((err as Error)?.name).toBe('AbortError');
    const atAbort = requests();
    await sleep(300);
    expect(requests()).toBe(atAbort);
  });

  it('a handed-back part whose next page fails: throws with a position that resumes to every SIM once, in order', async () => {
    // The part under 8949023 fails at its 20th page, fetched only after it was handed back (16-page buffer).
    let failed = false;
    const fail = (v: SimVars, key: string) => !failed && key.startsWith(`${iccid(3, 0).slice(0, 7)}@190/`) && (failed = true);
    const { server, pages } = await fleetServer(big, { inflate: inflateAll, fail });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000, retry: 0 });
    const walk = wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 });
    const seen: string[] = [];
    const err = await drainPages(walk, seen);
    expect(failed).toBe(true);
    expect(String(err)).toMatch(/500/);
    expect(walk.done).toBe(false);
    expect(seen).toEqual(big.slice(0, seen.length));
    expect(pages.get(`${iccid(3, 0).slice(0, 7)}@190/asc`)).toBe(1);
    const rest = await walkAll(wherever, { order: { iccid: 'asc' }, ...walk.position });
    expect([...seen, ...rest]).toEqual(big);
  });

  it('a part that repeats a token after it was handed back: the loop guard still stops it, after every SIM before the loop, once and in order', async () => {
    // Part 8949025 answers its 17th page with the token its 15th gave: its 16-page buffer filled in between,
    // so the token was recorded before the part was handed back and repeated after another worker took it up.
    const loopPrefix = iccid(5, 0).slice(0, 7);
    const nextToken = (prefix: string, offset: number, real: string | null) => (prefix === loopPrefix && offset === 160 ? tok(150) : real);
    const { server, pages, requests } = await fleetServer(big, { inflate: inflateAll, nextToken });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const seen: string[] = [];
    const err = await within(
      20_000,
      (async () => {
        for await (const sim of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 })) {
          seen.push(sim.iccid);
          if (seen.length % 40 === 0) await sleep(1);
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      ),
      () => ({ seen: seen.length, requests: requests() }),
    );
    expect(err).toBeInstanceOf(PaginationError);
    const until = big.indexOf(iccid(5, 170));
    expect(seen).toEqual(big.slice(0, until));
    expect([...pages.values()].every((n) => n === 1)).toBe(true);
  });

  it('resume from a position taken while later parts sit handed back: every SIM once, in order, across three legs', async () => {
    const { server } = await fleetServer(big, { inflate: inflateAll });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const seen: string[] = [];
    let position: Record<string, unknown> = {};
    for (const stopAt of [37, 151, Infinity]) {
      const walk = wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' }, ...position }, { parts: 5 });
      let n = 0;
      await within(
        20_000,
        (async () => {
          for await (const page of walk) {
            for (const s of page!.items!) seen.push(s!.iccid);
            if (++n % 10 === 0) await sleep(2);
            if (n >= stopAt) break;
          }
        })(),
        () => ({ seen: seen.length }),
      );
      position = walk.position;
    }
    expect(seen).toEqual(big);
  });

  it('readAhead 20 with 4 ordered parts: every SIM once, in order, each page once', async () => {
    const { server, pages } = await fleetServer(big, { inflate: inflateAll });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const seen: string[] = [];
    await within(
      20_000,
      (async () => {
        for await (const sim of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4, readAhead: 20 })) {
          seen.push(sim.iccid);
          if (seen.length % 100 === 0) await sleep(1);
        }
      })(),
      () => ({ seen: seen.length }),
    );
    expect(seen).toEqual(big);
    expect([...pages.values()].every((n) => n === 1)).toBe(true);
  });

  it('unordered, slow consumer, a page failing after many: every SIM at most once before the error, and the position resumes to every SIM once', async () => {
    let failed = false;
    const fail = (_v: SimVars, key: string) => !failed && key.startsWith(`${iccid(7, 0).slice(0, 7)}@250/`) && (failed = true);
    const { server, pages } = await fleetServer(big, { inflate: inflateAll, fail });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000, retry: 0 });
    const walk = wherever.listSims.pages({ limit: LIMIT }, { parts: 4 });
    const seen: string[] = [];
    const err = await drainPages(walk, seen);
    expect(String(err)).toMatch(/500/);
    expect([...pages.values()].every((n) => n === 1)).toBe(true);
    const rest = await walkAll(wherever, { ...walk.position });
    expect([...seen, ...rest].sort()).toEqual(big);
  });
  it('break out of listSims.all() (items) while parts are handed back: no request leaves afterwards', async () => {
    const { server, requests } = await fleetServer(big, { inflate: inflateAll, delayMs: 2 });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    let n = 0;
    await within(
      10_000,
      (async () => {
        for await (const _ of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 8 })) {
          if (++n === 35) await sleep(300); // every started part fills its buffer and is handed back
          if (n === 40) break;
        }
      })(),
      () => ({ n }),
    );
    const atBreak = requests();
    await sleep(300);
    expect(requests()).toBe(atBreak);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 10_001, '4'])('ordered walk with parts %s: a ValidationError naming parts, before any request', async (parts) => {
    const { server, requests } = await fleetServer(big);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const err = await (async () => {
      for await (const _ of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: parts as number })) break;
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('parts');
    expect(requests()).toBe(0);
  });
  it('a handed-back part throttled (429, Retry-After) when resumed: every SIM once, in order, each page answered once', async () => {
    const throttled = new Set<string>();
    const hijack = (_v: SimVars, key: string, res: import('node:http').ServerResponse) => {
      // Pages 17 to 19 of every part (fetched only after a hand-back) are throttled once each.
      const offset = Number(key.split('@')[1]!.split('/')[0]);
      if (offset < 160 || offset > 180 || throttled.has(key)) return false;
      throttled.add(key);
      sendJson(res, { errors: [{ message: 'slow down' }] }, 429, { 'retry-after-ms': '20' });
      return true;
    };
    const { server, pages } = await fleetServer(big, { inflate: inflateAll, hijack });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const seen: string[] = [];
    await within(
      20_000,
      (async () => {
        for await (const sim of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 })) {
          seen.push(sim.iccid);
          if (seen.length % 100 === 0) await sleep(2);
        }
      })(),
      () => ({ seen: seen.length }),
    );
    expect(seen).toEqual(big);
    expect(throttled.size).toBe(30);
    // Each throttled page twice (the 429, then the page), every other page once.
    expect([...pages.entries()].filter(([k, n]) => n !== (throttled.has(k) ? 2 : 1))).toEqual([]);
  });

  it('a handed-back part that then answers SIMs outside its prefix: PaginationError with a position that resumes to every SIM once, in order', async () => {
    let lied = false;
    const hijack = (_v: SimVars, key: string, res: import('node:http').ServerResponse) => {
      if (lied || !key.startsWith(`${iccid(2, 0).slice(0, 7)}@200/`)) return false;
      lied = true;
      sendJson(res, { data: { listSims: { items: [{ iccid: iccid(7, 1) }], nextToken: tok(210), totalSims: 300 } } });
      return true;
    };
    const { server } = await fleetServer(big, { inflate: inflateAll, hijack });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const walk = wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 });
    const seen: string[] = [];
    const err = await drainPages(walk, seen);
    expect(lied).toBe(true);
    expect(err).toBeInstanceOf(PaginationError);
    expect(seen).toEqual(big.slice(0, seen.length));
    const rest = await walkAll(wherever, { order: { iccid: 'asc' }, ...walk.position });
    expect([...seen, ...rest]).toEqual(big);
  });
});
