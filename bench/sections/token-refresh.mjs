// 5. Token refresh under load: 1,000 concurrent calls at the instant of expiry cause exactly one token
// request; the extra latency the waiting calls see is printed against the same burst with a valid token.
import { TokenManager, createExecutor, tokenAuth } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { QUICK, fmt, median, startServer, table } from '../lib.mjs';

export async function tokenRefresh() {
  const server = await startServer({ PAGES: '1' });
  const tokenUrl = server.url.replace('/graphql', '/token');
  let skew = 0;
  const fetchToken = async () => {
    const body = await (await fetch(tokenUrl, { method: 'POST' })).json();
    return { accessToken: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000, refreshToken: 'r' };
  };
  const manager = new TokenManager({ login: fetchToken, refresh: fetchToken, now: () => Date.now() + skew });
  const executor = createExecutor({ endpoint: server.url, auth: tokenAuth(manager) });
  const op = createWhereverClient({ apiKey: 'x' }).listSims.operation;
  const calls = QUICK ? 100 : 1000;
  const burst = async () => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: calls }, () => executor.execute(op, { limit: 1 }, {})));
    return performance.now() - t0;
  };
  const count = async () => Number(await (await fetch(tokenUrl)).text());
  await manager.getAccessToken();
  await burst(); // warm up
  const rounds = QUICK ? 1 : 5;
  const valid = [];
  const expired = [];
  const refreshes = [];
  for (let r = 0; r < rounds; r++) {
    valid.push(await burst());
    skew += 3600_000; // every cached token is now past expiry
    const before = await count();
    expired.push(await burst());
    refreshes.push((await count()) - before);
  }
  server.close();
  const exact = refreshes.every((n) => n === 1);
  table(`5. Token refresh under load: ${calls} concurrent calls at the instant of expiry, ${rounds} rounds (target: exactly 1 token request)`, [
    { 'token requests per burst': refreshes.join(', '), 'burst ms, valid token': fmt(median(valid), 1), 'burst ms, expired token': fmt(median(expired), 1), 'extra latency ms': fmt(median(expired) - median(valid), 1), 'exactly one': exact },
  ]);
  return exact;
}
