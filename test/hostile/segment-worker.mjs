// One worker process of the segments test: walks segment INDEX of COUNT against the server and sends
// back what it saw. Uses the built packages (pnpm build), as a separate deployment would.
const [vendor, url, index, count] = process.argv.slice(2);
const segment = { index: Number(index), count: Number(count) };
const seen = [];
if (vendor === 'wherever') {
  const { createWhereverClient } = await import(new URL('../../packages/wherever/dist/index.js', import.meta.url).href);
  const wherever = createWhereverClient({ apiKey: 'k', endpoint: url });
  for await (const sim of wherever.listSims.all({ limit: 100 }, { segment, parts: 2 })) seen.push(sim.iccid);
} else {
  const { createMyPhoneClient } = await import(new URL('../../packages/myphone/dist/index.js', import.meta.url).href);
  const myphone = createMyPhoneClient({ tokenProvider: { getAccessToken: async () => 't' }, endpoint: url });
  for await (const s of myphone.simcards.all({ limit: 50 }, { segment })) seen.push(s.id);
}
process.send(seen, () => process.exit(0));
