// `pnpm bench` (full, a few minutes) or `pnpm bench:smoke` (seconds; CI): every figure is printed as a
// ratio to its baseline measured in the same run. Timings are never asserted; size budgets are.
import { QUICK } from './lib.mjs';
import { overhead } from './sections/overhead.mjs';
import { allocation } from './sections/allocation.mjs';
import { coldStart } from './sections/cold-start.mjs';
import { firstCall } from './sections/first-call.mjs';
import { iteration } from './sections/iteration.mjs';
import { memory } from './sections/memory.mjs';
import { tokenRefresh } from './sections/token-refresh.mjs';
import { size } from './sections/size.mjs';
import { telemetry } from './sections/telemetry.mjs';
import { validation } from './sections/validation.mjs';
import { fleet } from './sections/fleet.mjs';

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const sections = { overhead, allocation, validation, coldStart, firstCall, iteration, fleet, memory, tokenRefresh, size, telemetry };

console.log(`node ${process.version} on ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} cores${QUICK ? ' (quick smoke: too few rounds for meaningful timings)' : ''}`);
let failed = false;
for (const [name, run] of Object.entries(sections)) {
  if (only && !only.includes(name)) continue;
  const ok = await run();
  if (ok === false) failed = true;
}
if (failed) {
  console.error('\nbench: a budget was exceeded');
  process.exit(1);
}
