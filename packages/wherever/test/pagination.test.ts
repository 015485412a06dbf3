import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, PaginationError, ValidationError, createWhereverClient } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(options: Parameters<typeof createWhereverMock>[0] = {}) {
  const api = createWhereverMock(options);
  server.use(...api.handlers);
  const wherever = createWhereverClient({ apiKey: api.apiKey, retry: { baseDelayMs: 1 } });
  return { api, wherever };
}

describe('nextToken pagination (listSims)', () => {
  it('follows the seed walkthrough: 9 SIMs by iccid, limit 5 → two requests, the second with the first token, then null', async () => {
    const iccids = Array.from({ length: 9 }, (_, i) => `98765432000123456${String(i + 1).padStart(2, '0')}`);
    const { api, wherever } = setup({ sims: [...iccids].reverse().map((iccid) => ({ iccid })) });

    const pages = [];
    for await (const page of wherever.listSims.pages({ order: { iccid: 'asc' }, limit: 5 })) pages.push(page);

    const sent = api.requestsOf('ListSims').map((r) => r.variables);
    expect(sent).toEqual([
      { order: { iccid: 'asc' }, limit: 5 },
      { order: { iccid: 'asc' }, limit: 5, nextToken: 'eyJuZXh0X29mZnNldCI6NX0=' },
    ]);
    expect(pages.map((p) => p!.items!.map((s) => s!.iccid))).toEqual([iccids.slice(0, 5), iccids.slice(5)]);
    expect(pages[0]!.nextToken).toBe('eyJuZXh0X29mZnNldCI6NX0=');
    expect(pages[1]!.nextToken).toBeNull();
  });

  it('yields each of 250 SIMs exactly once across pages of 100', async () => {
    const { api, wherever } = setup({ sims: generateSims(250) });
    const seen: string[] = [];
    for await (const sim of wherever.listSims.all()) seen.push(sim.iccid);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(api.requestsOf('ListSims').map((r) => r.variables.limit)).toEqual([100, 100, 100]);
  });

  it('honours filter and order the way the API documents them', async () => {
    const { wherever } = setup({ sims: generateSims(60) });
    const active = await wherever.listSims.all({ filter: { statusid: { in: [5] } }, order: { monthly_data_volume: 'desc' } }).toArray();
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((s) => s.statusid === 5)).toBe(true);
    const volumes = active.map((s) => s.monthly_data_volume ?? 0);
    expect(volumes).toEqual([...volumes].sort((a, b) => b - a));
  });

  it('keeps going through empty pages while a token remains', async () => {
    const { api, wherever } = setup({ sims: generateSims(3) });
    let call = 0;
    api.override('ListSims', () => {
      call++;
      if (call === 1) return { data: { listSims: { items: [], nextToken: 'eyJuZXh0X29mZnNldCI6MH0=', totalSims: 3 } } };
      return undefined; // fall through to the fake: first page of real data, then null token
    });
    const all = await wherever.listSims.all({ limit: 5 }).toArray();
    expect(all).toHaveLength(3);
    expect(call).toBe(2);
  });

  it('throws a PaginationError when the API repeats a token', async () => {
    const { api, wherever } = setup({ sims: generateSims(3) });
    api.override('ListSims', () => ({ data: { listSims: { items: [], nextToken: 'c2FtZQ==', totalSims: 0 } } }));
    const seen: unknown[] = [];
    await expect(async () => {
      for await (const page of wherever.listSims.pages({ limit: 5 })) seen.push(page);
    }).rejects.toBeInstanceOf(PaginationError);
    expect(seen).toHaveLength(2);
  });

  it('stops fetching when the loop breaks (read-ahead off: exactly the pages used)', async () => {
    const { api, wherever } = setup({ sims: generateSims(500) });
    for await (const sim of wherever.listSims.all({ limit: 10 }, { readAhead: 0 })) {
      if (sim.iccid.endsWith('12')) break;
    }
    expect(api.requestsOf('ListSims')).toHaveLength(2);
  });

  it('can resume from the position of an iterator that failed', async () => {
    const { api, wherever } = setup({ sims: generateSims(30) });
    const iterator = wherever.listSims.all({ limit: 10 }, { retry: 0 });
    const seen: string[] = [];
    let calls = 0;
    api.override('ListSims', () => (++calls === 3 ? { status: 500, body: 'boom' } : undefined));
    await expect(async () => {
      for await (const sim of iterator) seen.push(sim.iccid);
    }).rejects.toThrow(/HTTP 500/);
    expect(seen).toHaveLength(20);
    for await (const sim of wherever.listSims.all({ limit: 10, ...iterator.position })) seen.push(sim.iccid);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it.each([0, 101, 2.5])('rejects limit %s before any request', async (limit) => {
    const { api, wherever } = setup();
    await expect(wherever.listSims({ limit })).rejects.toBeInstanceOf(ValidationError);
    await expect(wherever.listSims({ limit })).rejects.toThrow(/limit/);
    expect(api.requests).toHaveLength(0);
  });

  it('walks every list operation with for await', async () => {
    const { api, wherever } = setup({
      sims: generateSims(12),
      events: Array.from({ length: 12 }, (_, i) => ({ iccid: generateSims(1)[0]!.iccid, type: 'presence', timestampMilliseconds: 1_700_000_000_000 + i })),
      billingData: Array.from({ length: 14 }, (_, i) => ({ year: 2025, month: (i % 12) + 1, data_volume: i, invoice_amount: i * 1.5, currency: 'EUR' })),
    });
    const iccid = generateSims(1)[0]!.iccid;
    expect(await wherever.listSimEvents.all({ iccid, limit: 5 }).toArray()).toHaveLength(12);
    expect(await wherever.listBillingData.all({ limit: 5 }).toArray()).toHaveLength(14);
    expect((await wherever.listEndCustomerLabels.all({ limit: 1 }).toArray()).map((l) => l.name)).toEqual(['Cold Chain', 'Fleet North', 'Fleet South']);
    for (let i = 0; i < 3; i++) await wherever.startBatchJob({ params: { custom_field_1: `batch-${i}`, includeIccIds: [iccid] } });
    expect(await wherever.listBatchJobs.all({ limit: 2 }).toArray()).toHaveLength(3);
    const details = await wherever.listBatchJobDetails.all({ batchJobId: 1, limit: 1 }).toArray();
    expect(details.map((d) => d.iccid)).toEqual([iccid]);
    expect(api.requestsOf('ListSimEvents')).toHaveLength(3);
  });
});

describe('resume positions', () => {
  it('pages(): breaking right after a page resumes after it', async () => {
    const { wherever } = setup({ sims: generateSims(30) });
    const pages = wherever.listSims.pages({ limit: 10 });
    for await (const _page of pages) break;
    const rest = await wherever.listSims.all({ limit: 10, ...pages.position }).toArray();
    expect(rest).toHaveLength(20);
  });

  it('all(): breaking mid-page resumes at that page, so nothing is lost', async () => {
    const { wherever } = setup({ sims: generateSims(30) });
    const items = wherever.listSims.all({ limit: 10 });
    const seen: string[] = [];
    for await (const sim of items) {
      seen.push(sim.iccid);
      if (seen.length === 15) break;
    }
    for await (const sim of wherever.listSims.all({ limit: 10, ...items.position })) seen.push(sim.iccid);
    expect(new Set(seen).size).toBe(30);
    expect(seen).toHaveLength(35); // the rest of the interrupted page comes again, never skipped
  });
});

describe('cancelling an iteration', () => {
  it('an aborted signal stops further page requests at once and surfaces AbortError with the reason', async () => {
    const { api, wherever } = setup({ sims: generateSims(500) });
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await (async () => {
      for await (const sim of wherever.listSims.all({ limit: 10 }, { signal: controller.signal, readAhead: 0 })) {
        seen.push(sim.iccid);
        if (seen.length === 15) controller.abort(new Error('shutting down'));
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).reason).toEqual(new Error('shutting down'));
    expect(seen).toHaveLength(15); // nothing more after the abort, not even the rest of the page in hand
    expect(api.requestsOf('ListSims')).toHaveLength(2); // no page after it was requested
  });

});

describe('resume edge cases', () => {
  it("all(): breaking right after a page's last item resumes after that page", async () => {
    const { wherever } = setup({ sims: generateSims(30) });
    const items = wherever.listSims.all({ limit: 10 });
    const seen: string[] = [];
    for await (const sim of items) {
      seen.push(sim.iccid);
      if (seen.length === 10) break;
    }
    for await (const sim of wherever.listSims.all({ limit: 10, ...items.position })) seen.push(sim.iccid);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('done tells a finished walk apart from a resumable one', async () => {
    const { wherever } = setup({ sims: generateSims(25) });
    const partial = wherever.listSims.all({ limit: 10 });
    for await (const _sim of partial) break;
    expect(partial.done).toBe(false);
    const full = wherever.listSims.all({ limit: 10 });
    expect(await full.toArray()).toHaveLength(25);
    expect(full.done).toBe(true);
    const pages = wherever.listSims.pages({ limit: 10 });
    let n = 0;
    for await (const _page of pages) if (++n === 3) break; // the last page, then break
    expect(pages.done).toBe(true);
  });
});
