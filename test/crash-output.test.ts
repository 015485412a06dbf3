/**
 * The built packages are minified (cold start, issue 16). When a user's program dies of an uncaught SDK
 * error (the usual first mistake: a bad endpoint), Node prints the source line it was thrown from above the
 * stack: that must be a readable line, not tens of KB of minified code in the user's terminal and logs, and
 * the stack must still name our functions. Built packages (run `pnpm build` first), fresh processes.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bench = new URL('../bench/', import.meta.url).pathname;

function crash(code: string, type: 'module' | 'commonjs'): Promise<string> {
  return new Promise((resolve) =>
    execFile(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: bench, timeout: 20_000, maxBuffer: 10 * 1024 * 1024 }, (_err, _stdout, stderr) => resolve(stderr)),
  );
}

describe('an uncaught SDK error from the built (minified) packages', () => {
  it.each([
    ['@sdk/core ESM', 'module', `const { createExecutor, noAuth } = await import('@sdk/core'); createExecutor({ endpoint: 'not a url', auth: noAuth() });`],
    ['@sdk/core CommonJS', 'commonjs', `const { createExecutor, noAuth } = require('@sdk/core'); createExecutor({ endpoint: 'not a url', auth: noAuth() });`],
    ['@sdk/wherever ESM', 'module', `const { createWhereverClient } = await import('@sdk/wherever'); createWhereverClient({ apiKey: 'k-0123456789', endpoint: 'not a url' });`],
    ['@sdk/wherever CommonJS', 'commonjs', `const { createWhereverClient } = require('@sdk/wherever'); createWhereverClient({ apiKey: 'k-0123456789', endpoint: 'not a url' });`],
  ] as const)('%s: prints a short source line and a stack naming our functions', async (_name, type, code) => {
    const stderr = await crash(code, type);
    expect(stderr).toContain('ValidationError: endpoint must be an http(s) URL');
    expect(stderr).toMatch(/at validateEndpoint \(/);
    const longest = Math.max(...stderr.split('\n').map((line) => line.length));
    expect(longest).toBeLessThan(1000);
    expect(stderr.length).toBeLessThan(4000);
  });
});
