/** The README's commands run as written (with `--fake`), in a scratch directory, in order. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { BIN } from './helpers.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
// Commands that need real accounts or install globally are shown, not run.
const runnable = blocks.flatMap((b) => b.split('\n')).filter((l) => /^(telco --fake |printf )/.test(l));

it('runs every --fake command of the README as written', () => {
  expect(runnable.length).toBeGreaterThan(8);
  const dir = mkdtempSync(join(tmpdir(), 'telco-readme-'));
  const script = `set -e\ntelco() { "${process.execPath}" "${BIN}" "$@"; }\n${runnable.map((l) => `echo "$ ${l.replace(/["$`\\]/g, '\\$&')}" >&2\n${l}`).join('\n')}\n`;
  const run = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, CI: '1' } });
  expect(run.status, `${run.stderr}\n${run.stdout}`).toBe(0);
  expect(readFileSync(join(dir, 'sims.csv'), 'utf8').split('\n')[0]).toBe('iccid,statusid,monthly_data_volume');
  expect(readFileSync(join(dir, 'results.ndjson'), 'utf8')).toMatch(/"summary":\{"applied":2,"rejected":0,"unknown":0,"notAttempted":0\}/);
}, 120_000);
