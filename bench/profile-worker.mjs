// The workload bench/profile.mjs profiles: sequential calls of one operation against the bench server.
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { startServer } from './lib.mjs';

const [, , which, callsArg] = process.argv;
const calls = Number(callsArg);
const server = await startServer({ PAGES: '1000' });
const run =
  which === 'listSims'
    ? ((c) => () => c.listSims({ limit: 100 }))(createWhereverClient({ apiKey: 'bench-key', endpoint: server.url }))
    : ((c) => () => c.getAccount({ providerId: '1001', accountId: 'acc-1' }))(createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'bench-token' } }, endpoint: server.url }));
for (let i = 0; i < 500; i++) await run(); // warm up
for (let i = 0; i < calls; i++) await run();
server.close();
