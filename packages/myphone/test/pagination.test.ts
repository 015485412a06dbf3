import { describe, expect, it } from 'vitest';
import { AbortError, PaginationError, ValidationError } from '@sdk/myphone';
import { generateSimcards } from '@sdk/myphone/testing';
import { sleep, useMyPhone } from './helpers.js';

const { setup } = useMyPhone();
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

describe('offset pagination with count', () => {
  it.each([
    [100, 4],
    [13, 4],
    [100, 1],
    [250, 8],
  ])('limit %i, concurrency %i: 1,000 SIMs, each once, in order, ceil(1000/limit) requests', async (limit, concurrency) => {
    const { api, myphone } = setup({ simcards: generateSimcards(1000) });
    const seen: string[] = [];
    for await (const sim of myphone.simcards.all({ limit }, { concurrency })) seen.push(sim.id);
    expect(seen).toEqual(ids(1000));
    const requests = api.requestsOf('Simcards');
    expect(requests).toHaveLength(Math.ceil(1000 / limit));
    expect(requests.map((r) => r.variables.offset).sort((a, b) => a! - b!)).toEqual(Array.from({ length: Math.ceil(1000 / limit) }, (_, i) => i * limit));
    expect(requests.every((r) => r.variables.limit === limit)).toBe(true);
  });

  it('uses the default page size of 100 when no limit is given', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(1000) });
    expect(await myphone.simcards.all().toArray()).toHaveLength(1000);
    expect(api.requestsOf('Simcards')).toHaveLength(10);
  });

  it('keeps at most `concurrency` pages in flight and still yields in order when later pages answer first', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(1000) });
    let inFlight = 0;
    let maxInFlight = 0;
    api.override('Simcards', async (variables) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(12 - (variables.offset ?? 0) / 100); // later pages are faster
      inFlight--;
      return undefined; // fall through to the fake's data
    });
    const seen: string[] = [];
    for await (const sim of myphone.simcards.all({ limit: 100 }, { concurrency: 4 })) seen.push(sim.id);
    expect(seen).toEqual(ids(1000));
    expect(maxInFlight).toBe(4);
  });

  it('concurrency 1 walks sequentially', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(1000) });
    let inFlight = 0;
    let maxInFlight = 0;
    api.override('Simcards', async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(1);
      inFlight--;
      return undefined;
    });
    const seen = await myphone.simcards.all({ limit: 100 }, { concurrency: 1 }).toArray();
    expect(seen.map((s) => s.id)).toEqual(ids(1000));
    expect(maxInFlight).toBe(1);
    expect(api.requestsOf('Simcards').map((r) => r.variables.offset)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it('stops fetching ahead when the loop breaks', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(1000) });
    for await (const sim of myphone.simcards.all({ limit: 10 }, { concurrency: 3 })) {
      if (sim.id === '15') break;
    }
    expect(api.requestsOf('Simcards').length).toBeLessThanOrEqual(1 + 3);
  });

  it('pages() yields whole pages with the count, and filters narrow the count', async () => {
    const { myphone } = setup({ simcards: generateSimcards(300) });
    const pages = [];
    for await (const page of myphone.simcards.pages({ limit: 100, filter: [{ field: 'isBlocked', comparator: 'EQ', value: false }] })) pages.push(page);
    const unblocked = generateSimcards(300).filter((s) => !s.isBlocked).length;
    expect(pages[0]!.count).toBe(unblocked);
    expect(pages).toHaveLength(Math.ceil(unblocked / 100));
    expect(pages.flatMap((p) => p.items).every((s) => s.isBlocked === false)).toBe(true);
  });

  it('walks the other counted lists (tariffs, dids, rent deductions)', async () => {
    const { api, myphone } = setup({
      tariffs: Array.from({ length: 12 }, (_, i) => ({ name: `T${i}`, tariffType: 'PREPAID_PACKAGE' as const })),
      dids: Array.from({ length: 23 }, (_, i) => ({ msisdn: `1785000${String(i).padStart(4, '0')}` })),
      rentDeductions: Array.from({ length: 9 }, (_, i) => ({ type: 'RENT', value: 1, performedAt: new Date(Date.UTC(2025, 0, i + 1)).toISOString() })),
    });
    expect((await myphone.tariffs.all({ limit: 5 }).toArray()).map((t) => t.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(12 - i)));
    expect(await myphone.didService.dids.all({ limit: 5 }).toArray()).toHaveLength(23);
    const deductions = await myphone.didRentDeductions.all({ limit: 2 }).toArray();
    expect(deductions.map((d) => d.performedAt!.slice(0, 10))).toEqual(Array.from({ length: 9 }, (_, i) => `2025-01-0${9 - i}`));
    expect(api.requestsOf('Tariffs')).toHaveLength(3);
    expect(api.requestsOf('DidServiceDids')).toHaveLength(5);
    expect(api.requestsOf('DidRentDeductions')).toHaveLength(5);
  });

  it.each([0, -1, 2.5])('rejects limit %s before any request', async (limit) => {
    const { api, myphone } = setup({ simcards: generateSimcards(3) });
    await expect(myphone.simcards({ limit })).rejects.toBeInstanceOf(ValidationError);
    expect(api.requests).toHaveLength(0);
  });
});

describe('didService.didForRent.multitel (plain list, no count)', () => {
  const offers = (n: number) => Array.from({ length: n }, (_, i) => ({ number: `1785555${String(i).padStart(4, '0')}`, monthlyPrice: 2 }));

  it('stops on a short page', async () => {
    const { api, myphone } = setup({ didsForRent: [...offers(25), { number: '14705550000' }] });
    const all = await myphone.didService.didForRent.multitel.all({ prefix: '1785', limit: 10 }).toArray();
    expect(all).toHaveLength(25);
    expect(new Set(all.map((d) => d.id)).size).toBe(25);
    expect(api.requestsOf('DidServiceDidForRentMultitel').map((r) => [r.variables.offset, r.variables.limit])).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
    ]);
  });

  it('stops on an empty page when the total is a multiple of the limit', async () => {
    const { api, myphone } = setup({ didsForRent: offers(20) });
    expect(await myphone.didService.didForRent.multitel.all({ prefix: '1785', limit: 10 }).toArray()).toHaveLength(20);
    expect(api.requestsOf('DidServiceDidForRentMultitel')).toHaveLength(3);
  });
});

describe('cancelling an offset walk', () => {
  it('aborting the signal cancels the pages fetched ahead and requests nothing more', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(1000) });
    api.override('Simcards', async () => {
      await sleep(30); // every page is slow, so prefetches are in flight when the loop aborts
      return undefined;
    });
    const controller = new AbortController();
    const err = await (async () => {
      for await (const sim of myphone.simcards.all({ limit: 100 }, { concurrency: 4, signal: controller.signal })) {
        if (sim.id === '150') controller.abort(new Error('deploy'));
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).reason).toEqual(new Error('deploy'));
    const requested = api.requestsOf('Simcards').length;
    await sleep(100);
    expect(api.requestsOf('Simcards')).toHaveLength(requested); // nothing new after the abort
    expect(requested).toBeLessThanOrEqual(6); // first page + at most 4 ahead (+1 refilled as page 1 was taken)
  });
});

describe('servers that do not page the way count and limit promise', () => {
  it('a server that caps the page size below limit fails loudly instead of skipping items', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(250) });
    api.override('Simcards', (variables) => {
      const offset = variables.offset ?? 0;
      const items = generateSimcards(250).slice(offset, offset + 50).map((s, i) => ({ id: String(offset + i + 1), iccidPlastic: s.iccidPlastic ?? null }));
      return { data: { simcards: { items, count: 250 } } as never };
    });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const sim of myphone.simcards.all({ limit: 100 }, { concurrency: 1 })) seen.push(sim.id);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect((err as PaginationError).cursor).toEqual({ offset: 150 }); // resume here with a smaller limit
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a count no larger than the first page is treated as a page size: the walk continues until a short page', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(250) });
    api.override('Simcards', (variables) => {
      const offset = variables.offset ?? 0;
      const limit = variables.limit ?? 100;
      const items = Array.from({ length: Math.max(0, Math.min(limit, 250 - offset)) }, (_, i) => ({ id: String(offset + i + 1) }));
      return { data: { simcards: { items, count: items.length } } as never };
    });
    const ids = await myphone.simcards.all({ limit: 100 }).toArray();
    expect(ids).toHaveLength(250);
  });
});
