// A CommonJS script using the built package through require().
const { createWhereverClient, ValidationError } = require('@sdk/wherever');
const { createWhereverMock, generateSims } = require('@sdk/wherever/testing');

async function main() {
  const api = createWhereverMock({ sims: generateSims(7) });
  const server = await api.listen();
  try {
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint });
    const page = await wherever.listSims({ limit: 5 });
    const all = await wherever.listSims.all({ limit: 5 }).toArray();
    console.log(`cjs: first page ${page.items.length} SIMs, ${all.length} in all`);
    if (all.length !== 7) throw new Error('expected 7 SIMs');
    await wherever.listSims({ limit: 0 }).then(
      () => { throw new Error('limit 0 should be rejected'); },
      (err) => { if (!(err instanceof ValidationError)) throw err; },
    );
  } finally {
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
