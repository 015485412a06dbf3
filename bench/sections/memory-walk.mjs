// Child process of the memory section: walks ITEMS items in one style and reports RSS growth (sampled every
// 100 pages) and the heap retained after GC between page 100 and the last page (the iterator alive at both).
import { createWhereverClient } from '@sdk/wherever';
import { createTotogiClient } from '@sdk/totogi';
import { createMyPhoneClient } from '@sdk/myphone';

const [url, style, items] = process.argv.slice(2);
const tokenProvider = { getAccessToken: async () => 'bench-token' };
const walks = {
  nextToken: () => createWhereverClient({ apiKey: 'bench-key', endpoint: url }).listSims.pages({ limit: 100 }),
  cursor: () => createTotogiClient({ auth: { tokenProvider }, endpoint: url }).listUsers.pages({ providerId: '1001' }),
  offset: () => createMyPhoneClient({ tokenProvider, endpoint: url }).simcards.pages({ limit: 100 }),
};
const sizeOf = (p) => (p.items ?? p.edges).length;
// Warm up (JIT, connection pool) before taking the starting RSS.
for await (const _ of walks[style]()) break;
globalThis.gc?.();
const start = process.memoryUsage().rss;
let seen = 0;
let maxGrowth = 0;
let samples = 0;
let page = 0;
let heapAt100 = 0;
let heapAtEnd = 0;
const heap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
for await (const p of walks[style]()) {
  seen += sizeOf(p);
  if (++page === 100) heapAt100 = heap();
  if (page % 100 === 0) {
    samples++;
    maxGrowth = Math.max(maxGrowth, process.memoryUsage().rss - start);
  }
  if (seen >= Number(items)) heapAtEnd = heap();
}
if (seen !== Number(items)) throw new Error(`saw ${seen} items, expected ${items}`);
const mb = (b) => b / 1024 / 1024;
process.send({ items: seen, pages: page, startMb: mb(start), maxGrowthMb: mb(maxGrowth), endGrowthMb: mb(process.memoryUsage().rss - start), retainedMb: mb(heapAtEnd - heapAt100), samples });
