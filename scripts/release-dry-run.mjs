// Proves the release flow without a registry token, in a throwaway copy of the repo: a changeset that
// bumps @sdk/core must bump its internal dependents and write every CHANGELOG, and `pnpm publish
// --dry-run` must accept every package.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const copy = mkdtempSync(join(tmpdir(), 'sdk-release-'));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: copy, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
cpSync('.', copy, { recursive: true, filter: (src) => !/(^|\/)(\.git|\.readme-check|coverage)(\/|$)/.test(src) });
const before = JSON.parse(readFileSync(join(copy, 'packages/wherever/package.json'), 'utf8')).version;
writeFileSync(join(copy, '.changeset/smoke-release.md'), "---\n'@sdk/core': minor\n---\n\nRelease dry run: a core change.\n");
run('pnpm', ['exec', 'changeset', 'version']);
const version = (p) => JSON.parse(readFileSync(join(copy, `packages/${p}/package.json`), 'utf8')).version;
const bumped = ['wherever', 'totogi', 'myphone'].filter((p) => existsSync(join(copy, `packages/${p}/package.json`)));
if (version('core') === '0.1.0') throw new Error('changeset version did not bump @sdk/core');
for (const p of bumped) {
  if (version(p) === before) throw new Error(`@sdk/${p} was not bumped with its dependency @sdk/core`);
  if (!readFileSync(join(copy, `packages/${p}/CHANGELOG.md`), 'utf8').includes('@sdk/core@')) throw new Error(`@sdk/${p} CHANGELOG does not mention the core bump`);
}
console.log(`release: @sdk/core ${version('core')}, dependents ${bumped.map((p) => `@sdk/${p} ${version(p)}`).join(', ')}`);
const out = run('pnpm', ['-r', '--filter', './packages/*', 'publish', '--dry-run', '--no-git-checks', '--access', 'public']);
const published = out.match(/\+ @sdk\/\S+/g) ?? [];
console.log(`release: publish --dry-run accepted ${published.join(', ') || out.trim().split('\n').slice(-3).join(' | ')}`);
