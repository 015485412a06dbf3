// Regenerates every client from schema/ + operations/ and fails when the committed output differs:
// generated code is never edited by hand, and never allowed to drift from its sources.
import { execSync } from 'node:child_process';

const run = (cmd) => execSync(cmd, { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
run('pnpm exec graphql-codegen --config codegen.ts --silent');
const changed = run('git status --porcelain -- packages/*/src/generated packages/*/schema.graphql packages/*/introspection.json').trim();
if (changed) {
  console.error('Generated code is out of date with schema/ and operations/:\n' + changed);
  console.error(run('git diff --stat -- packages/*/src/generated packages/*/schema.graphql packages/*/introspection.json'));
  console.error('Run `pnpm codegen` and commit the result.');
  process.exit(1);
}
console.log('codegen: generated code matches schema and operations');
