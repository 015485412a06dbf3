// One worker process of the segments test: walks segment INDEX of COUNT against the server and sends
// back what it saw, the pages it was handed and the probes it reports. Uses the built packages (pnpm build),
// as a separate deployment would.
const [vendor, url, index, count] = process.argv.slice(2);
const segment = { index: Number(index), count: Number(count) };
const seen = [];
let pages = 0;
let walk;
if (vendor === 'wherever') {
  const { createWhereverClient } = await import(new URL('../../packages/wherever/dist/index.js', import.meta.url).href);
  const wherever = createWhereverClient({ apiKey: 'k', endpoint: url });
  walk = wherever.listSims.pages({ limit: 100 }, { segment, parts: 2 });
  for await (const page of walk) {
    pages++;
    for (const sim of page.items) seen.push(sim.iccid);
  }
} else {
  const { createMyPhoneClient } = await import(new URL('../../packages/myphone/dist/index.js', import.meta.url).href);
  const myphone = createMyPhoneClient({ tokenProvider: { getAccessToken: async () => 't' }, endpoint: url });
  walk = myphone.simcards.pages({ limit: 50 }, { segment });
  for await (const page of walk) {
    pages++;
    for (const s of page.items) seen.push(s.id);
  }
}
process.send({ seen, pages, probes: walk.stats.probes }, () => process.exit(0));
