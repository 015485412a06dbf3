/**
 * Exact-once iteration under faults, for each pagination style, through each public client against its
 * fake served over real loopback HTTP: random 5xx, connection resets, 429 bursts with Retry-After,
 * pages slower than the timeout, and an expired token in the middle (token clients). Every item must be
 * seen exactly once: in plain walks, with pages read ahead, and in partitioned walks (parts at once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '@sdk/core/testing';
import { createWhereverClient } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';
import { createMyPhoneClient } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import { createTotogiClient } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';

const ITEMS = 2000;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Wide enough that a loaded CI machine (or a login) does not time out on its own; slow faults exceed it.
const SLOW_MS = 1000;
const TIMEOUT_MS = 400;

/**
 * A fault plan: about 40% of requests fail, never more than 3 in a row per request (the client retries up to 8 times).
 * Returns the responder and the tally of what was injected.
 */
function chaos(seed: number, onRequest?: (n: number) => void, slowMs = SLOW_MS) {
  const random = prng(seed);
  const injected = { http5xx: 0, reset: 0, throttled: 0, slow: 0 };
  // Streaks are counted per request (its variables): with parts walked at once, one request's retries
  // interleave with others', and each request must still get through within the client's 5 retries.
  const streaks = new Map<string, number>();
  let n = 0;
  const respond = (variables?: unknown): Fault | undefined => {
    onRequest?.(++n);
    const key = JSON.stringify(variables ?? null);
    const streak = streaks.get(key) ?? 0;
    if (streak >= 3 || random() > 0.4) {
      streaks.delete(key);
      return undefined;
    }
    streaks.set(key, streak + 1);
    const pick = random();
    if (pick < 0.3) {
      injected.http5xx++;
      return { status: [500, 502, 503, 504][Math.floor(random() * 4)]!, body: '<html><h1>Bad Gateway</h1></html>' };
    }
    if (pick < 0.55) {
      injected.reset++;
      return { network: true };
    }
    if (pick < 0.8) {
      injected.throttled++;
      return { status: 429, headers: { 'retry-after': '0', 'retry-after-ms': '5' }, errors: [{ message: 'Too Many Requests' }] };
    }
    injected.slow++;
    return { delayMs: slowMs };
  };
  return { respond, injected };
}

function report(style: string, seen: string[], injected: Record<string, number>, expected = ITEMS) {
  const unique = new Set(seen);
  const duplicates = seen.length - unique.size;
  const lost = expected - unique.size;
  console.log(`${style}: items seen ${seen.length}, duplicates ${duplicates}, lost ${lost}; faults injected ${JSON.stringify(injected)}`);
  return { duplicates, lost };
}

// At most 3 injected faults per request; the spare retries absorb a loaded machine's own timeouts.
const retry = { maxRetries: 8, baseDelayMs: 1, maxDelayMs: 10 };

describe('exact-once iteration under faults (real loopback servers)', () => {
  it('nextToken (wherever listSims)', async () => {
    const api = createWhereverMock({ sims: generateSims(ITEMS) });
    const server = await api.listen();
    closers.push(server.close);
    const { respond, injected } = chaos(1);
    api.override('ListSims', respond);
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, retry, timeoutMs: TIMEOUT_MS });
    const seen: string[] = [];
    for await (const sim of wherever.listSims.all({ limit: 50, order: { iccid: 'asc' } })) seen.push(sim.iccid);
    expect(report('nextToken', seen, injected)).toEqual({ duplicates: 0, lost: 0 });
    expect(seen).toEqual([...seen].sort());
    expect(Object.values(injected).every((n) => n > 0)).toBe(true);
  });

  it('offset with concurrency 4 (MyPhone simcards), with the access token expiring mid-walk', async () => {
    const api = createMyPhoneMock({ simcards: generateSimcards(ITEMS) });
    const server = await api.listen();
    closers.push(server.close);
    let expired = false;
    const { respond, injected } = chaos(2, (n) => {
      if (n === 20 && !expired) {
        expired = true;
        api.auth.expireTokens(); // every token issued so far is now refused with 401
      }
    });
    api.override('Simcards', respond);
    const myphone = createMyPhoneClient({ ...api.credentials, origin: server.origin, retry, timeoutMs: TIMEOUT_MS });
    const seen: string[] = [];
    for await (const sim of myphone.simcards.all({ limit: 50 }, { concurrency: 4 })) seen.push(sim.id);
    expect(report('offset', seen, { ...injected, expiredToken: 1 })).toEqual({ duplicates: 0, lost: 0 });
    expect(expired).toBe(true);
    expect(api.auth.refreshes + api.auth.logins).toBeGreaterThanOrEqual(2);
    expect(seen.map(Number)).toEqual([...seen].map(Number).sort((a, b) => a - b));
  });

  it('Relay cursor (Totogi listUsers, union result), with the Cognito token expiring mid-walk', async () => {
    const users = Array.from({ length: ITEMS }, (_, i) => ({ email: `user${String(i).padStart(4, '0')}@example.com` }));
    const api = createTotogiMock({ users });
    const server = await api.listen();
    closers.push(server.close);
    let expired = false;
    const { respond, injected } = chaos(3, (n) => {
      if (n === 30 && !expired) {
        expired = true;
        api.auth.expireTokens(); // the fake now answers 401 to every token issued so far
      }
    });
    api.override('ListUsers', respond);
    const totogi = createTotogiClient({ ...server.clientOptions, retry, timeoutMs: TIMEOUT_MS });
    const seen: string[] = [];
    for await (const user of totogi.listUsers.all({ providerId: api.providerId })) seen.push(user.email!);
    // The fake's own API user is listed too: 2,001 users in all.
    expect(api.state.users.size).toBe(ITEMS + 1);
    expect(report('cursor', seen, { ...injected, expiredToken: 1 }, api.state.users.size)).toEqual({ duplicates: 0, lost: 0 });
    expect(expired).toBe(true);
  });

  it.each([0, 3])('nextToken with readAhead %i (wherever listSims)', async (readAhead) => {
    const api = createWhereverMock({ sims: generateSims(ITEMS) });
    const server = await api.listen();
    closers.push(server.close);
    const { respond, injected } = chaos(4 + readAhead);
    api.override('ListSims', respond);
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, retry, timeoutMs: TIMEOUT_MS });
    const seen: string[] = [];
    for await (const sim of wherever.listSims.all({ limit: 50, order: { iccid: 'asc' } }, { readAhead })) seen.push(sim.iccid);
    expect(report(`nextToken readAhead ${readAhead}`, seen, injected)).toEqual({ duplicates: 0, lost: 0 });
    expect(seen).toEqual([...seen].sort());
  });

  it('Relay cursor with readAhead 3 (Totogi listUsers)', async () => {
    const users = Array.from({ length: ITEMS }, (_, i) => ({ email: `user${String(i).padStart(4, '0')}@example.com` }));
    const api = createTotogiMock({ users });
    const server = await api.listen();
    closers.push(server.close);
    const { respond, injected } = chaos(7);
    api.override('ListUsers', respond);
    const totogi = createTotogiClient({ auth: { ...api.credentials, cognitoEndpoint: server.cognitoEndpoint }, endpoint: server.endpoint, retry, timeoutMs: TIMEOUT_MS });
    const seen: string[] = [];
    for await (const user of totogi.listUsers.all({ providerId: api.providerId }, { readAhead: 3 })) seen.push(user.email!);
    expect(report('cursor readAhead 3', seen, injected, api.state.users.size)).toEqual({ duplicates: 0, lost: 0 });
  });

  it.each([
    ['unordered', undefined],
    ['ordered by iccid', { iccid: 'asc' }],
  ] as const)('partitioned walk, 4 parts, %s (wherever listSims; probes see the faults too)', async (_label, order) => {
    // Two ranges with a common prefix, as a real fleet: the planner has to split more than once.
    const sims = [...generateSims(ITEMS / 2, { iccidPrefix: '8949020000' }), ...generateSims(ITEMS / 2, { iccidPrefix: '8949020000', start: 3_500_000 })];
    const api = createWhereverMock({ sims });
    const server = await api.listen();
    closers.push(server.close);
    const { respond, injected } = chaos(order ? 9 : 8);
    api.override('ListSims', (variables) => respond(variables));
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, retry, timeoutMs: TIMEOUT_MS });
    const seen: string[] = [];
    for await (const sim of wherever.listSims.all({ limit: 50, ...(order ? { order } : {}) }, { parts: 4 })) seen.push(sim.iccid);
    expect(report(`partitioned ${order ? 'ordered' : 'unordered'}`, seen, injected)).toEqual({ duplicates: 0, lost: 0 });
    if (order) expect(seen).toEqual(sims.map((s) => s.iccid).sort());
    expect(Object.values(injected).every((n) => n > 0)).toBe(true);
  });
});
