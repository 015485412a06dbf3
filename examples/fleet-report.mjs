// A plain Node ESM service: walks every SIM of the fleet and prints a summary per status.
// Configure with WHEREVER_API_KEY (and WHEREVER_ENDPOINT for a non-default endpoint).
import { createWhereverClient, SIM_STATUS, providerName } from '@sdk/wherever';

export async function fleetReport({ apiKey, endpoint, log = console.log } = {}) {
  const wherever = createWhereverClient({ apiKey, endpoint });
  const byStatus = new Map();
  const byProvider = new Map();
  let sims = 0;
  let bytes = 0;
  for await (const sim of wherever.listSims.all({ order: { iccid: 'asc' } })) {
    sims++;
    bytes += sim.monthly_data_volume ?? 0;
    byStatus.set(sim.statusid, (byStatus.get(sim.statusid) ?? 0) + 1);
    byProvider.set(sim.providerid, (byProvider.get(sim.providerid) ?? 0) + 1);
  }
  const rows = [...byStatus].sort(([a], [b]) => a - b).map(([id, count]) => ({ status: `${id} ${SIM_STATUS[id]?.name ?? 'unknown'}`, sims: count }));
  log(`wherever SIM fleet: ${sims} SIMs, ${(bytes / 1e9).toFixed(1)} GB this month`);
  console.table(rows);
  log(`by product: ${[...byProvider].sort(([a], [b]) => a - b).map(([id, n]) => `${providerName(id)} ${n}`).join(', ')}`);
  return { sims, byStatus: Object.fromEntries(byStatus) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  if (check && !process.env.WHEREVER_API_KEY) {
    // Smoke mode without credentials: start the fake in-process on loopback.
    const { createWhereverMock, generateSims } = await import('@sdk/wherever/testing');
    const api = createWhereverMock({ sims: generateSims(120) });
    const server = await api.listen();
    const result = await fleetReport({ apiKey: api.apiKey, endpoint: server.endpoint });
    await server.close();
    if (result.sims !== 120) throw new Error(`expected 120 SIMs, saw ${result.sims}`);
  } else {
    await fleetReport({ apiKey: process.env.WHEREVER_API_KEY, endpoint: process.env.WHEREVER_ENDPOINT });
  }
}
