// `pnpm demo`: runs the example services against the fakes, served as real HTTP servers on loopback.
// No credentials, no network: every request goes to 127.0.0.1.
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';
import { fleetReport } from './fleet-report.mjs';

const sections = [];

sections.push(async () => {
  const api = createWhereverMock({ sims: generateSims(1250) });
  const server = await api.listen();
  console.log(`\n== wherever SIM (fake at ${server.endpoint}) ==`);
  try {
    await fleetReport({ apiKey: api.apiKey, endpoint: server.endpoint });
    console.log(`(${api.requests.length} requests of up to 100 SIMs each)`);
  } finally {
    await server.close();
  }
});

for (const section of sections) await section();
