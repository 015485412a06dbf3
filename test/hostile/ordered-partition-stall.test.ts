/**
 * Ordered partitioned walks must never hang. A hand-written `ListSims` server withholds the planning of
 * the lowest part (the one the ordered consumer needs first) until the parts after it have been walked in
 * full, then lets it through: the late part and its sub-parts must still get a worker while the later parts
 * sit, fully fetched, in their bounded buffers. Counted at the server: every page asked for once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson, within } from './lib.js';

afterEach(closeAll);

type SimVars = { limit?: number; nextToken?: string; filter?: { iccid?: { beginsWith?: string } }; order?: { iccid?: string } };

const LIMIT = 10;
const LATE = '8949021'; // the part withheld: first in key order, large enough to be split again once it answers
const FIRST = `${LATE}0000000000`; // its first sub-part once split: the consumer's first part
const iccid = (d: number, i: number) => `894902${d}${String(i).padStart(12, '0')}`;
const range = (d: number, n: number) => Array.from({ length: n }, (_, i) => iccid(d, i));
// 400 SIMs under the late prefix (split into 4 parts of 100), then 8 parts of 50 (5 pages each).
const fleet = [...range(1, 400), ...[2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => range(d, 50))];
const offsetOf = (t: unknown) => (typeof t === 'string' && t ? Number(Buffer.from(t, 'base64').toString()) : 0);
const token = (n: number) => Buffer.from(String(n)).toString('base64');

interface Withholding {
  fleet: string[];
  /** Let the late part through once this holds of the page requests answered so far (prefix@offset). */
  releaseWhen: (answered: Map<string, number>) => boolean;
  /** Answer these with a 500 (once released). */
  fail?: (v: SimVars) => boolean;
  /** Report a total one too high for these prefixes (their split does not add up and is refused). */
  inflate?: (prefix: string) => boolean;
}

/** Withholds the planning of LATE's first sub-part (the part the consumer needs first) until `releaseWhen`. */
async function withholdingServer({ fleet, releaseWhen, fail, inflate }: Withholding) {
  const pages = new Map<string, number>(); // page requests answered per (prefix, offset)
  const held: (() => void)[] = [];
  let released = false;
  const release = () => {
    released = true;
    for (const go of held.splice(0)) go();
  };
  const server = await hostileServer((req, res) => {
    const v = (req.json?.variables ?? {}) as SimVars;
    const prefix = v.filter?.iccid?.beginsWith ?? '';
    const answer = () => {
      if (fail?.(v)) return sendJson(res, { errors: [{ message: 'part unavailable' }] }, 500);
      let list = fleet.filter((x) => x.startsWith(prefix));
      if (v.order?.iccid === 'desc') list = [...list].reverse();
      const limit = v.limit ?? 100;
      const offset = offsetOf(v.nextToken);
      if (limit !== 1) pages.set(`${prefix}@${offset}`, (pages.get(`${prefix}@${offset}`) ?? 0) + 1);
      const more = offset + limit < list.length;
      const total = list.length + (inflate?.(prefix) ? 1 : 0);
      sendJson(res, { data: { listSims: { items: list.slice(offset, offset + limit).map((x) => ({ iccid: x })), nextToken: more ? token(offset + limit) : null, totalSims: total } } });
      if (!released && releaseWhen(pages)) setTimeout(release, 50);
    };
    // The late part itself answers (so planning settles its siblings); its first sub-part waits, and with
    // it the settling of its siblings. One request held: the other slots stay free for the walk.
    if (prefix === FIRST && !released) held.push(answer);
    else answer();
  });
  return { server, pages, held: () => held.length, released: () => released };
}

/** Every SIM of an ordered walk in 4 parts, or a failure after 4 s with `state()` and the count seen so far. */
async function walkOrdered(url: string, state: () => object): Promise<string[]> {
  const wherever = createWhereverClient({ apiKey: 'k', endpoint: url, timeoutMs: 10_000 });
  const seen: string[] = [];
  await within(
    4000,
    (async () => {
      for await (const sim of wherever.listSims.all({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 })) seen.push(sim.iccid);
    })(),
    () => ({ ...state(), seen: seen.length }),
  );
  return seen;
}

describe('ordered partitioned walk: the part the consumer needs next always gets a worker', () => {
  it('withheld lowest part, later parts fully buffered: completes in order, each SIM once, each page asked for once', async () => {
    // Released once every later part was fetched to its end (5 pages each) and waits in its buffer.
    const releaseWhen = (answered: Map<string, number>) => [2, 3, 4, 5, 6, 7, 8, 9].every((d) => answered.has(`894902${d}@40`));
    const { server, pages, held, released } = await withholdingServer({ fleet, releaseWhen });
    const seen = await walkOrdered(server.url, () => ({ released: released(), held: held(), pages: Object.fromEntries(pages) }));
    expect(released()).toBe(true);
    expect(seen).toEqual(fleet);
    // Exactly once at the server too: no page of any part asked for twice.
    expect([...pages.values()].every((n) => n === 1)).toBe(true);
    expect(pages.size).toBe(fleet.length / LIMIT + 2); // + the root's and the late part's first pages, fetched to plan splits
  });

  it('withheld lowest part whose page then fails (not retried): throws with a position that resumes to every SIM once, in order', async () => {
    // The second page of the late part's first sub-part fails, once.
    let failed = false;
    const fail = (v: SimVars) => !failed && v.filter?.iccid?.beginsWith === FIRST && Boolean(v.nextToken) && (failed = true);
    const releaseWhen = (answered: Map<string, number>) => [2, 3, 4, 5, 6, 7, 8, 9].every((d) => answered.has(`894902${d}@40`));
    const { server, released } = await withholdingServer({ fleet, releaseWhen, fail });
    const wherever = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000, retry: 0 });
    const walk = wherever.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' } }, { parts: 4 });
    const seen: string[] = [];
    const err = await within(
      4000,
      (async () => {
        for await (const page of walk) for (const s of page!.items!) seen.push(s!.iccid);
      })().then(
        () => undefined,
        (e: unknown) => e,
      ),
      () => ({ released: released(), seen: seen.length }),
    );
    expect(String(err)).toMatch(/500/);
    expect(walk.done).toBe(false);
    expect(failed).toBe(true);
    expect(seen).toEqual(fleet.slice(0, seen.length)); // at most the failing part's first page: nothing out of order
    expect(seen.length).toBeLessThanOrEqual(LIMIT);
    const rest = createWhereverClient({ apiKey: 'k', endpoint: server.url, timeoutMs: 10_000 });
    const after: string[] = [];
    await within(
      4000,
      (async () => {
        for await (const page of rest.listSims.pages({ limit: LIMIT, order: { iccid: 'asc' }, ...walk.position }, { parts: 4 })) for (const s of page!.items!) after.push(s!.iccid);
      })(),
      () => ({ after: after.length }),
    );
    expect([...seen, ...after]).toEqual(fleet);
  });

  it('withheld lowest part while every worker is on a later part larger than its buffer: completes in order, each page asked for once', async () => {
    // Four later parts of 20 pages that cannot be split (their sub-parts' totals do not add up): each fills
    // its 16-page buffer long before the consumer can take it, one per worker.
    const big = [...range(1, 400), ...[2, 3, 4, 5].flatMap((d) => range(d, 200))];
    const inflate = (prefix: string) => /^894902[2-5]./.test(prefix);
    const releaseWhen = (answered: Map<string, number>) => [2, 3, 4, 5].every((d) => answered.has(`894902${d}@150`));
    const { server, pages, held, released } = await withholdingServer({ fleet: big, releaseWhen, inflate });
    const seen = await walkOrdered(server.url, () => ({ released: released(), held: held(), pages: Object.fromEntries(pages) }));
    expect(released()).toBe(true);
    expect(seen).toEqual(big);
    expect([...pages.values()].every((n) => n === 1)).toBe(true);
    for (const d of [2, 3, 4, 5]) expect([...pages.keys()].filter((k) => k.startsWith(`894902${d}@`))).toHaveLength(20);
  });
});
