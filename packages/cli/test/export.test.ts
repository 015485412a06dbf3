/**
 * Fleet exports that stop half-way (kill -9, Ctrl-C) and resume: every SIM exactly once in the file.
 * The fake is served by the test behind a proxy that slows each page, so the stop lands mid-walk.
 */
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';
import { telco } from './helpers.js';

const SIMS = 2500;
let endpoint: string;
let env: Record<string, string>;
let pagesServed = 0;
const closers: (() => Promise<void>)[] = [];

/** Forwards to the fake after a delay: 20 ms per page. */
async function slowProxy(target: string, delayMs: number): Promise<string> {
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pagesServed++;
      setTimeout(() => {
        const up = request({ host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const api = createWhereverMock({ sims: generateSims(SIMS) });
const allIccids = [...api.state.sims.keys()].sort();

beforeAll(async () => {
  const s = await api.listen();
  closers.push(() => s.close());
  endpoint = await slowProxy(s.endpoint, 20);
  env = { WHEREVER_API_KEY: api.apiKey };
});
afterAll(async () => {
  for (const c of closers) await c();
});

/** Starts an export and stops it (with `how`) once the checkpoint holds at least `atItems` items. */
async function interrupted(args: string[], checkpoint: string, atItems: number, how: NodeJS.Signals) {
  return telco(args, {
    env,
    onStart(child) {
      const timer = setInterval(() => {
        if (!existsSync(checkpoint)) return;
        try {
          if ((JSON.parse(readFileSync(checkpoint, 'utf8')) as { items: number }).items >= atItems) {
            clearInterval(timer);
            child.kill(how);
          }
        } catch {
          /* being replaced right now */
        }
      }, 5);
      child.on('close', () => clearInterval(timer));
    },
  });
}

describe('telco export', () => {
  it('killed half-way (SIGKILL) and resumed: every one of 2,500 SIMs exactly once (NDJSON)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-export-'));
    const out = join(dir, 'sims.ndjson');
    const checkpoint = `${out}.checkpoint.json`;
    const args = ['--endpoint', endpoint, 'wherever', 'export', '--out', out, '--var', 'limit=25', '--columns', 'iccid,statusid'];
    const first = await interrupted(args, checkpoint, SIMS / 2, 'SIGKILL');
    expect(first.signal).toBe('SIGKILL');
    const cp = JSON.parse(readFileSync(checkpoint, 'utf8')) as { items: number; done: boolean };
    expect(cp.done).toBe(false);
    expect(cp.items).toBeLessThan(SIMS);

    const again = await telco([...args, '--resume'], { env });
    expect(again.code, again.stderr).toBe(0);
    const iccids = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { iccid: string }).iccid);
    expect(iccids).toHaveLength(SIMS);
    expect(new Set(iccids).size).toBe(SIMS);
    expect([...iccids].sort()).toEqual(allIccids);
    expect(again.stderr).toMatch(/exported 2500 items/);
  });

  it('stopped with Ctrl-C saves its place (exit 130) and resumes to a complete CSV with one header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-export-'));
    const out = join(dir, 'sims.csv');
    const checkpoint = `${out}.checkpoint.json`;
    const args = ['--endpoint', endpoint, 'wherever', 'export', '--out', out, '--var', 'limit=50', '--columns', 'iccid,monthly_data_volume'];
    const first = await interrupted(args, checkpoint, 1000, 'SIGINT');
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/--resume/);
    const again = await telco([...args, '--resume'], { env });
    expect(again.code, again.stderr).toBe(0);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as { iccid: string; monthly_data_volume: string }[];
    expect(rows).toHaveLength(SIMS);
    expect(new Set(rows.map((r) => r.iccid)).size).toBe(SIMS);
    expect(rows.every((r) => /^\d+$/.test(r.monthly_data_volume))).toBe(true);
  });

  it('walked in 4 parts, killed half-way and resumed in 4 parts: every SIM exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-export-'));
    const out = join(dir, 'sims.ndjson');
    const checkpoint = `${out}.checkpoint.json`;
    const args = ['--endpoint', endpoint, 'wherever', 'export', '--out', out, '--var', 'limit=25', '--columns', 'iccid', '--parts', '4'];
    const first = await interrupted(args, checkpoint, SIMS / 2, 'SIGKILL');
    expect(first.signal).toBe('SIGKILL');
    const again = await telco([...args, '--resume'], { env });
    expect(again.code, again.stderr).toBe(0);
    const iccids = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { iccid: string }).iccid);
    expect(iccids).toHaveLength(SIMS);
    expect([...iccids].sort()).toEqual(allIccids);
  });

  it('segments 0/2 and 1/2 export disjoint halves that together hold every SIM once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-export-'));
    const runs = await Promise.all(['0/2', '1/2'].map((seg, i) => telco(['--endpoint', endpoint, 'wherever', 'export', '--out', join(dir, `part${i}.ndjson`), '--var', 'limit=100', '--columns', 'iccid', '--segment', seg], { env })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const parts = [0, 1].map((i) => readFileSync(join(dir, `part${i}.ndjson`), 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { iccid: string }).iccid));
    expect(parts[0]!.length).toBeGreaterThan(0);
    expect(parts[1]!.length).toBeGreaterThan(0);
    expect([...parts[0]!, ...parts[1]!].sort()).toEqual(allIccids);
  });

  it('refuses to overwrite an existing file or resume without a checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-export-'));
    const out = join(dir, 'sims.ndjson');
    const ok = await telco(['--endpoint', endpoint, 'wherever', 'export', '--out', out, '--var', 'limit=100'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    const before = pagesServed;
    const clobber = await telco(['--endpoint', endpoint, 'wherever', 'export', '--out', out], { env });
    expect(clobber.code).toBe(2);
    expect(clobber.stderr).toMatch(/exists/);
    const noCp = await telco(['--endpoint', endpoint, 'wherever', 'export', '--out', join(dir, 'other.ndjson'), '--resume'], { env });
    expect(noCp.code).toBe(2);
    expect(pagesServed).toBe(before);
  });
});
