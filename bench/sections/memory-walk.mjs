import { createWhereverClient } from '@sdk/wherever';

const [url, pages] = process.argv.slice(2);
const wherever = createWhereverClient({ apiKey: 'bench-key', endpoint: url });
// Warm up (JIT, connection pool) before taking the starting RSS.
for await (const _ of wherever.listSims.pages({ limit: 100 })) break;
globalThis.gc?.();
const start = process.memoryUsage().rss;
let items = 0;
let maxGrowth = 0;
let samples = 0;
let page = 0;
for await (const p of wherever.listSims.pages({ limit: 100 })) {
  items += p.items.length;
  if (++page % 100 === 0) {
    samples++;
    maxGrowth = Math.max(maxGrowth, process.memoryUsage().rss - start);
  }
}
if (items !== Number(pages) * 100) throw new Error(`saw ${items} items`);
const mb = (b) => b / 1024 / 1024;
process.send({ items, startMb: mb(start), maxGrowthMb: mb(maxGrowth), endGrowthMb: mb(process.memoryUsage().rss - start), samples });
