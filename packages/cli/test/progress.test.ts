/**
 * Progress is for people: in a real terminal (tmux, captured as a person sees the screen) a bar with
 * counts and a percentage; piped or in CI, stderr carries no progress noise at all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, telco } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('progress display', () => {
  it.runIf(hasTmux)('shows a live bar with items, pages and percentage in a terminal (captured from tmux)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-tty-'));
    const session = `telco-${process.pid}`;
    const cmd = [process.execPath, BIN, '--fake', '--fake-size', '3000', 'wherever', 'export', '--out', join(dir, 'sims.csv'), '--var', 'limit=10'].map(shellQuote).join(' ');
    // A clean environment without CI, as on an operator's laptop; the pane stays open after the command ends.
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '150', '-y', '12', `env -u CI TERM=xterm-256color ${cmd}; sleep 30`]);
    try {
      const screens: string[] = [];
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
        screens.push(screen);
        if (/exported 3000 items/.test(screen)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const live = screens.find((s) => /export listSims \[[█░]+\] +\d+% \| \d+\/3000 items \| \d+ pages/.test(s));
      expect(live, screens.at(-1)).toBeDefined();
      expect(screens.at(-1)).toMatch(/100% \| 3000\/3000 items/);
      expect(screens.at(-1)).toMatch(/exported 3000 items \(300 pages\)/);
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  }, 60_000);

  it('piped, stderr holds only the final summary line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telco-pipe-'));
    const run = await telco(['--fake', '--fake-size', '3000', 'wherever', 'export', '--out', join(dir, 'sims.ndjson'), '--var', 'limit=10'], { env: { CI: '' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('exported 3000 items (300 pages) to ' + join(dir, 'sims.ndjson') + '\n');
    const all = await telco(['--fake', 'wherever', 'listSims', '--all', '--columns', 'iccid'], { env: { CI: '' } });
    expect(all.stderr).toBe('');
    expect(all.stdout.trim().split('\n')).toHaveLength(250);
  });
});
