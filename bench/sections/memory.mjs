// 4. Memory: walk 1,000,000 items through each pagination style while discarding them. Targets: RSS growth
// < 50 MB, and heap retained after GC (page 100 → last page, iterator alive) < 1 MB: what a walk keeps
// (loop detection, read-ahead) must not grow with its length. Each walk runs in its own child process.
import { fork } from 'node:child_process';
import { QUICK, fmt, startServer, table } from '../lib.mjs';

const styles = [
  { style: 'nextToken', label: 'nextToken (wherever listSims)', perPage: 100 },
  { style: 'cursor', label: 'cursor (Totogi listUsers, 25 a page)', perPage: 25 },
  { style: 'offset', label: 'offset (MyPhone simcards, concurrency 4)', perPage: 100 },
];

export async function memory() {
  const items = QUICK ? 30_000 : 1_000_000;
  const rows = [];
  let ok = true;
  for (const { style, label, perPage } of styles) {
    const pages = items / perPage;
    const server = await startServer({ PAGES: String(pages) });
    const child = fork(new URL('./memory-walk.mjs', import.meta.url), [server.url, style, String(items)], { execArgv: ['--expose-gc'] });
    const result = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => code && reject(new Error(`memory walk (${style}) exited ${code}`)));
    });
    server.close();
    const met = result.maxGrowthMb < 50 && result.retainedMb < 1;
    ok &&= met;
    rows.push({ walk: label, items: result.items.toLocaleString(), pages: result.pages.toLocaleString(), 'max RSS growth MB': fmt(result.maxGrowthMb, 1), 'retained heap after GC MB': fmt(result.retainedMb, 3), 'under budget': met });
  }
  table(`4. Memory: ${items.toLocaleString()} items per style, RSS sampled every 100 pages (targets: RSS growth < 50 MB, retained heap < 1 MB)`, rows);
  return ok;
}
