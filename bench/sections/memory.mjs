// 4. Memory: iterate 1,000,000 items (10,000 pages of 100) while discarding them; RSS growth must stay
// bounded (target < 50 MB). Runs in a child process so earlier sections' garbage does not count.
import { fork } from 'node:child_process';
import { QUICK, fmt, startServer, table } from '../lib.mjs';

export async function memory() {
  const pages = QUICK ? 300 : 10_000;
  const server = await startServer({ PAGES: String(pages) });
  const child = fork(new URL('./memory-walk.mjs', import.meta.url), [server.url, String(pages)], { execArgv: ['--expose-gc'] });
  const result = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => code && reject(new Error(`memory walk exited ${code}`)));
  });
  server.close();
  table(`4. Memory: ${result.items.toLocaleString()} items over ${pages.toLocaleString()} pages, RSS sampled every 100 pages (target: growth < 50 MB)`, [
    { 'RSS at start MB': fmt(result.startMb, 1), 'max RSS growth MB': fmt(result.maxGrowthMb, 1), 'growth at end MB': fmt(result.endGrowthMb, 1), samples: result.samples, 'under budget': result.maxGrowthMb < 50 },
  ]);
  return result.maxGrowthMb < 50;
}
