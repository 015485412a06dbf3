/**
 * Bulk changes against a hostile wherever server written for the test: it throttles (429), fails with
 * 503 before doing any work, answers slowly, and counts every change it applies per ICCID. The CLI is
 * killed half-way (SIGKILL) and resumed; each row must be applied exactly once, and the results file
 * must account for every row.
 */
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import { closeAll, hostileServer, sendJson } from '../../../test/hostile/lib.js';
import { telco } from './helpers.js';

afterEach(closeAll);

const ROWS = 1000;
const iccidOf = (n: number) => `89490000000000${String(n).padStart(5, '0')}`;

/** Deterministic randomness, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function wherever() {
  const sims = new Map<string, { iccid: string; custom_field_1: string | null; statusid: number }>();
  for (let n = 1; n <= ROWS; n++) sims.set(iccidOf(n), { iccid: iccidOf(n), custom_field_1: null, statusid: 2 });
  const applied = new Map<string, number>();
  const injected = { throttled: 0, failed: 0 };
  const random = prng(7);
  const server = await hostileServer(async (req, res) => {
    const vars = req.json?.variables ?? {};
    if (req.headers.authorization !== 'bulk-key') return sendJson(res, { errors: [{ message: 'Unauthorized', errorType: 'UnauthorizedException' }] }, 401);
    if (req.json?.operationName === 'ListSims') {
      const iccid = (vars.filter as { iccid?: { eq?: string } } | undefined)?.iccid?.eq;
      const items = iccid && sims.has(iccid) ? [sims.get(iccid)] : [];
      return sendJson(res, { data: { listSims: { items, nextToken: null, totalSims: items.length } } });
    }
    if (req.json?.operationName !== 'UpdateSim') return sendJson(res, { errors: [{ message: 'unexpected' }] }, 400);
    await new Promise((r) => setTimeout(r, 4));
    const roll = random();
    if (roll < 0.08) {
      injected.throttled++;
      return sendJson(res, { errors: [{ message: 'Rate exceeded' }] }, 429, { 'retry-after-ms': '20' });
    }
    if (roll < 0.14) {
      injected.failed++; // fails before any work is done
      return sendJson(res, '<html>503 Service Unavailable</html>', 503);
    }
    const iccid = vars.iccid as string;
    const sim = sims.get(iccid)!;
    sim.custom_field_1 = vars.custom_field_1 as string;
    applied.set(iccid, (applied.get(iccid) ?? 0) + 1);
    return sendJson(res, { data: { updateSim: sim } });
  });
  return { server, applied, injected };
}

function lastStates(file: string): Map<number, string> {
  const out = new Map<number, string>();
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    // Read while the CLI writes: the last line may be half written (an earlier torn line still fails the test).
    if (i === lines.length - 1 && !line.endsWith('}')) continue;
    const e = JSON.parse(line) as { row?: number; state?: string };
    if (e.row !== undefined && e.state) out.set(e.row, e.state);
  }
  return out;
}

describe('telco bulk', () => {
  it('1,000 updateSim rows with 429s and 503s, killed half-way and resumed: each applied exactly once, every row accounted for', async () => {
    const { server, applied, injected } = await wherever();
    const dir = mkdtempSync(join(tmpdir(), 'telco-bulk-'));
    const input = join(dir, 'changes.csv');
    writeFileSync(input, `iccid,custom_field_1\n${Array.from({ length: ROWS }, (_, i) => `${iccidOf(i + 1)},device-${i + 1}`).join('\n')}\n`);
    const results = join(dir, 'results.ndjson');
    const args = ['--endpoint', server.url, 'wherever', 'bulk', 'updateSim', '--in', input, '--results', results, '--concurrency', '8'];
    const env = { WHEREVER_API_KEY: 'bulk-key' };

    const first = await telco(args, {
      env,
      onStart(child) {
        const timer = setInterval(() => {
          if (existsSync(results) && [...lastStates(results).values()].filter((s) => s === 'applied').length >= ROWS / 2) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 5);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const half = lastStates(results);
    expect(half.size).toBeLessThan(ROWS);

    const second = await telco([...args, '--resume'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/applied 1000, rejected 0, unknown 0, not attempted 0 of 1000/);

    // At the server: every ICCID changed exactly once, to its row's value.
    expect(injected.throttled).toBeGreaterThan(10);
    expect(injected.failed).toBeGreaterThan(10);
    const counts = [...applied.values()];
    expect(applied.size).toBe(ROWS);
    expect(counts.filter((c) => c !== 1)).toEqual([]);
    // The results file: every row's last word is "applied".
    const states = lastStates(results);
    expect(states.size).toBe(ROWS);
    expect([...states.values()].every((s) => s === 'applied')).toBe(true);
  }, 120_000);

  it('a mutation that adds (not idempotent) is never re-sent when its outcome is unknown: it is reported', async () => {
    let received = 0;
    const server = await hostileServer((req, res) => {
      received++;
      // Applies the work, then the connection dies before the answer: the outcome is unknown to the client.
      if (req.json?.operationName === 'UpdateApiKey') {
        res.socket?.destroy();
        return;
      }
      return sendJson(res, { errors: [{ message: 'unexpected' }] }, 400);
    });
    const dir = mkdtempSync(join(tmpdir(), 'telco-bulk-'));
    const input = join(dir, 'keys.ndjson');
    writeFileSync(input, `${JSON.stringify({ keyid: 'k1', comment: 'a' })}\n${JSON.stringify({ keyid: 'k2', comment: 'b' })}\n`);
    const results = join(dir, 'results.ndjson');
    const args = ['--endpoint', server.url, 'wherever', 'bulk', 'updateApiKey', '--in', input, '--results', results];
    const first = await telco(args, { env: { WHEREVER_API_KEY: 'k' } });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/unknown 2/);
    expect(received).toBe(2);
    const again = await telco([...args, '--resume'], { env: { WHEREVER_API_KEY: 'k' } });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/unknown outcome .*rows 1, 2/);
    expect(received).toBe(2); // nothing re-sent
  });

  it('--dry-run checks every row as the SDK would and sends nothing, not even a login', async () => {
    const api = createMyPhoneMock({ simcards: generateSimcards(5) });
    const s = await api.listen();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'telco-bulk-'));
      const input = join(dir, 'tariffs.csv');
      writeFileSync(input, 'simcardId,tariffId\n1,2\n2,2\n,3\n');
      const run = await telco(['myphone', 'bulk', 'simcard.changeTariff', '--in', input, '--dry-run'], {
        env: { MYPHONE_USERNAME: api.credentials.username, MYPHONE_PASSWORD: api.credentials.password, MYPHONE_ORIGIN: s.origin },
      });
      expect(run.code).toBe(2);
      const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { row: number; valid: boolean; error?: { message: string } });
      expect(rows.map((r) => r.valid)).toEqual([true, true, false]);
      expect(rows[2]!.error!.message).toMatch(/simcardId/);
      expect(run.stderr).toMatch(/2 of 3 rows valid; nothing was sent/);
      expect(api.requests).toHaveLength(0);
      expect(api.auth.loginCalls ?? 0).toBe(0);
    } finally {
      await s.close();
    }
  });
});
