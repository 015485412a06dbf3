// @arethetypeswrong/cli over every package's packed output. The node16 profile: `node10` resolution
// cannot see subpath exports (`/testing`) and no supported Node version uses it. `./schema.graphql` is a
// data file for codegen and editors, not a module: it has no types to check.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

let failed = false;
// Packages that only ship a bin (the CLI) have no typed entries to check.
const typed = (d) => JSON.parse(readFileSync(`packages/${d}/package.json`, 'utf8')).exports?.['.'] !== undefined;
for (const p of readdirSync('packages').filter((d) => existsSync(`packages/${d}/dist`) && typed(d))) {
  try {
    execFileSync('pnpm', ['exec', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'table-flipped', '--exclude-entrypoints', './schema.graphql'], { cwd: `packages/${p}`, stdio: 'inherit' });
  } catch {
    failed = true;
  }
}
if (failed) process.exit(1);
console.log('attw: every entry resolves with types for ESM and CJS');
