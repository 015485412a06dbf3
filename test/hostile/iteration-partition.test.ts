/**
 * Partitioned walks of wherever `listSims` by ICCID prefix, and segments across processes. A hand-written
 * server (iteration-servers.ts) counts every request; every ICCID must come exactly once.
 */
import { fork } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PaginationError, ValidationError } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { closeAll, hostileServer, sendJson } from './lib.js';
import { fleetIccids, simsServer, token } from './iteration-servers.js';

type SimVars = { limit?: number; nextToken?: string; filter?: { iccid?: { beginsWith?: string } } };

afterEach(closeAll);

const isProbe = (v: Record<string, unknown>) => v.limit === 1;
function tally(server: { requests: Record<string, unknown>[] }) {
  const probes = server.requests.filter(isProbe).length;
  return { probes, pages: server.requests.length - probes };
}

describe('partitioned walks (wherever listSims by ICCID prefix)', () => {
  const fleet = fleetIccids(20_000);

  it('8 parts, unordered: every ICCID exactly once; page requests ≤ 1.1× a sequential walk; every other request is a reported probe; at most 8 in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = await simsServer(fleet, {
      latencyMs: 2,
      fault: (_req, _n, res) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('finish', () => inFlight--);
        return false;
      },
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const seen: string[] = [];
    const walk = wherever.listSims.all({ limit: 100 }, { parts: 8 });
    for await (const sim of walk) seen.push(sim.iccid);
    expect(seen).toHaveLength(fleet.length);
    expect(new Set(seen).size).toBe(fleet.length);
    const { probes, pages } = tally(server);
    console.log(`partitioned 20,000: ${pages} page requests (sequential: 200), ${probes} probes, ${walk.stats.probes} planning requests reported, max ${maxInFlight} in flight`);
    expect(pages).toBeLessThanOrEqual(220);
    // The walk reports what it spent planning: every request is a page handed over or a reported probe.
    expect(server.requests).toHaveLength(200 + walk.stats.probes);
    expect(maxInFlight).toBeLessThanOrEqual(8);
  });

  it.each(['asc', 'desc'] as const)('ordered by iccid %s: yields in global order, each once', async (dir) => {
    const server = await simsServer(fleet);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const seen: string[] = [];
    for await (const sim of wherever.listSims.all({ limit: 100, order: { iccid: dir } }, { parts: 4 })) seen.push(sim.iccid);
    expect(seen).toEqual(dir === 'asc' ? fleet : [...fleet].reverse());
  });

  it("the caller's beginsWith is the root of the split; eq needs no split (one request, no probes)", async () => {
    const server = await simsServer(fleet);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const prefix = fleet[5000]!.slice(0, 14);
    const seen = (await wherever.listSims.all({ limit: 100, filter: { iccid: { beginsWith: prefix } } }, { parts: 4 }).toArray()).map((s) => s.iccid);
    expect(seen.sort()).toEqual(fleet.filter((x) => x.startsWith(prefix)));
    expect(server.requests.every((v) => String((v.filter as { iccid: { beginsWith?: string; eq?: string } }).iccid.beginsWith ?? (v.filter as { iccid: { eq: string } }).iccid.eq).startsWith(prefix))).toBe(true);
    server.requests.length = 0;
    const one = await wherever.listSims.all({ limit: 100, filter: { iccid: { eq: fleet[7]! } } }, { parts: 4 }).toArray();
    expect(one.map((s) => s.iccid)).toEqual([fleet[7]]);
    expect(server.requests).toHaveLength(1);
  });

  it('a server that ignores beginsWith cannot make the walk duplicate: splits whose totals do not add up are refused', async () => {
    const server = await simsServer(fleet.slice(0, 3000), { ignorePrefix: true });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const seen = (await wherever.listSims.all({ limit: 100 }, { parts: 8 }).toArray()).map((s) => s.iccid);
    expect(seen).toHaveLength(3000);
    expect(new Set(seen).size).toBe(3000);
  });

  it.each([
    ['the first page of every part', (v: SimVars) => v.limit !== 1 && !v.nextToken && Boolean(v.filter?.iccid?.beginsWith)],
    ['every page after a first page', (v: SimVars) => v.limit !== 1 && Boolean(v.nextToken)],
  ])('a server that filters the probes but not %s cannot make parts overlap: PaginationError, no duplicate handed out', async (_label, faulty) => {
    const server = await simsServer(fleet.slice(0, 3000), {
      fault: (req, _n, res) => {
        const v = (req.json?.variables ?? {}) as SimVars;
        if (!faulty(v)) return false;
        // SIMs of another range of the fleet, whatever the prefix.
        sendJson(res, { data: { listSims: { items: fleet.slice(-10).map((iccid) => ({ iccid })), nextToken: v.nextToken ? null : token(10), totalSims: 10 } } });
        return true;
      },
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const sim of wherever.listSims.all({ limit: 10 }, { parts: 4 })) seen.push(sim.iccid);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect(String((err as Error).message)).toMatch(/does not filter as documented/);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ['parts NaN', { parts: NaN }],
    ['parts 0', { parts: 0 }],
    ["parts '8'", { parts: '8' }],
    ['parts 1e9', { parts: 1e9 }],
    ["segment index '0'", { segment: { index: '0', count: 4 } }],
    ['segment count 0', { segment: { index: 0, count: 0 } }],
    ['segment null', { segment: null }],
  ])('a careless caller (%s) gets a ValidationError before any request', async (_label, options) => {
    const server = await simsServer(fleet.slice(0, 10));
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    expect(() => wherever.listSims.all({ limit: 10 }, options as never)).toThrow(ValidationError);
    expect(server.received).toHaveLength(0);
  });

  it('a resume position that is not one is a ValidationError before any request', async () => {
    const server = await simsServer(fleet.slice(0, 10));
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    for (const bad of ['x', null, { parts: [{ key: 5, token: null, done: false }] }, { parts: [{ key: '89', token: {}, done: false }] }]) {
      await expect(wherever.listSims.all({ limit: 10, ...({ $partitions: bad } as object) }).toArray()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(server.received).toHaveLength(0);
  });

  it.each([
    ['while planning', 3, undefined],
    ['while walking', 25, undefined],
    ['ordered, while walking', 45, { iccid: 'asc' as const }],
  ])('a walk that failed %s resumes from its position: pages() then the rest see every ICCID exactly once', async (_label, failAt, order) => {
    let failed = false;
    const server = await simsServer(fleet.slice(0, 5000), {
      fault: (req, n, res) => {
        if (n === failAt && !failed) {
          failed = true;
          sendJson(res, { errors: [{ message: 'down' }] }, 500);
          return true;
        }
        return false;
      },
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, retry: 0 });
    const pages = wherever.listSims.pages({ limit: 100, ...(order ? { order } : {}) }, { parts: 4 });
    const seen: string[] = [];
    await expect(async () => {
      for await (const page of pages) for (const s of page!.items!) seen.push(s!.iccid);
    }).rejects.toThrow(/500/);
    expect(pages.done).toBe(false);
    for await (const page of wherever.listSims.pages({ limit: 100, ...(order ? { order } : {}), ...pages.position }, { parts: 4 })) for (const s of page!.items!) seen.push(s!.iccid);
    expect(seen).toHaveLength(5000);
    expect(new Set(seen).size).toBe(5000);
  });

  it('a rate-limit answer pauses the whole walk, not only the part that got it', async () => {
    const arrivals: number[] = [];
    let throttledAt = 0;
    const server = await simsServer(fleet.slice(0, 8000), {
      latencyMs: 5,
      fault: (_req, n, res) => {
        arrivals.push(Date.now());
        if (n === 40) {
          throttledAt = Date.now();
          sendJson(res, { errors: [{ message: 'Too Many Requests' }] }, 429, { 'retry-after-ms': '600', 'retry-after': '1' });
          return true;
        }
        return false;
      },
    });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, retry: { maxRetries: 3, baseDelayMs: 1, maxRetryAfterMs: 1000 } });
    const seen = (await wherever.listSims.all({ limit: 100 }, { parts: 8 }).toArray()).map((s) => s.iccid);
    expect(new Set(seen).size).toBe(8000);
    // Requests sent before the client read the 429 may still land just after it; then silence until the delay ends.
    const during = arrivals.filter((t) => t > throttledAt + 150 && t < throttledAt + 450).length;
    expect(throttledAt).toBeGreaterThan(0);
    expect(during).toBeLessThanOrEqual(1); // without the walk-wide pause the other parts send dozens here
  });

  it('Relay cursor lists cannot be split: segment and parts are clear ValidationErrors, no request sent', async () => {
    const server = await hostileServer((_req, res) => sendJson(res, {}));
    const totogi = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 't' } }, endpoint: server.url });
    expect(() => totogi.listUsers.all({ providerId: '1' }, { segment: { index: 0, count: 2 } })).toThrow(/Relay cursor list cannot be split/);
    expect(() => totogi.listUsers.all({ providerId: '1' }, { parts: 4 })).toThrow(ValidationError);
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url });
    expect(() => wherever.listSims.all({ limit: 10 }, { segment: { index: 2, count: 2 } })).toThrow(/segment/);
    expect(() => wherever.listSims.all({ limit: 10 }, { segment: { index: NaN, count: 2 } })).toThrow(ValidationError);
    expect(server.received).toHaveLength(0);
  });
});

describe('segments across processes (built packages)', () => {
  type WorkerReport = { seen: string[]; pages: number; probes: number };
  const runWorkers = async (vendor: string, url: string, n: number) => {
    const reports = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        new Promise<WorkerReport>((resolve, reject) => {
          const child = fork(new URL('./segment-worker.mjs', import.meta.url), [vendor, url, String(i), String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.once('message', (m) => resolve(m as WorkerReport));
          child.once('exit', (code) => code && reject(new Error(`worker ${i} exited ${code}`)));
        }),
      ),
    );
    // Every request the server got is a page some worker was handed or a probe some worker reported.
    const accounted = reports.reduce((sum, r) => sum + r.pages + r.probes, 0);
    return { seen: reports.map((r) => r.seen), accounted };
  };

  it('wherever: 4 processes, each walking segment i of 4, together see every ICCID exactly once', async () => {
    const fleet = fleetIccids(6000);
    const server = await simsServer(fleet);
    const { seen, accounted } = await runWorkers('wherever', server.url, 4);
    expect(accounted).toBe(server.requests.length);
    expect(seen.every((s) => s.length > 0)).toBe(true);
    const all = seen.flat();
    expect(all).toHaveLength(fleet.length);
    expect(new Set(all).size).toBe(fleet.length);
  }, 60_000);

  it('MyPhone: 4 processes, each walking segment i of 4 (page ranges), together see every item exactly once', async () => {
    const total = 1234;
    const server = await hostileServer((req, res) => {
      const { offset = 0, limit = 100 } = (req.json?.variables ?? {}) as { offset?: number; limit?: number };
      const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, k) => ({ id: String(offset + k) }));
      sendJson(res, { data: { simcards: { items, count: total } } });
    });
    const { seen, accounted } = await runWorkers('myphone', server.url, 4);
    expect(accounted).toBe(server.received.length);
    expect(seen.every((s) => s.length > 0)).toBe(true);
    const all = seen.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
  }, 60_000);
});
