// `pnpm demo`: runs the example services against the fakes, served as real HTTP servers on loopback.
// No credentials, no network: every request goes to 127.0.0.1.
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';
import { createMyPhoneClient } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import { createTotogiClient, isApiError } from '@sdk/totogi';
import { createTotogiMock } from '@sdk/totogi/testing';
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

sections.push(async () => {
  const api = createMyPhoneMock({ simcards: generateSimcards(730) });
  const server = await api.listen();
  console.log(`\n== MyPhone (fake at ${server.origin}) ==`);
  try {
    const myphone = createMyPhoneClient(server.clientOptions);
    // Offset pagination knows the total after the first page, so it fetches 4 pages at a time, in order.
    let total = 0;
    let blocked = 0;
    let balance = 0;
    for await (const sim of myphone.simcards.all({ limit: 50 }, { concurrency: 4 })) {
      total++;
      if (sim.isBlocked) blocked++;
      balance += Number(sim.resource?.balance ?? 0);
    }
    const first = await myphone.simcards({ limit: 1 });
    await myphone.simcard.block({ simcardId: first.items[0].id });
    const [after] = (await myphone.simcards({ limit: 1 })).items;
    console.table([{ simcards: total, blocked, 'total balance': balance.toFixed(2), [`SIM ${after.id} blocked now`]: after.isBlocked }]);
    console.log(`(${api.auth.logins} login, ${api.requests.length} GraphQL requests)`);
  } finally {
    await server.close();
  }
});

sections.push(async () => {
  // A batch job changes the data limit of 12 SIMs while a subscription prints each SIM update.
  const { createWhereverClient } = await import('@sdk/wherever');
  const api = createWhereverMock({ sims: generateSims(40), batchJobs: { simsPerStep: 5, intervalMs: 20 } });
  const server = await api.listen();
  console.log(`\n== wherever subscriptions and batch jobs (real-time fake at ${server.realtimeUrl}) ==`);
  const wherever = createWhereverClient(server.clientOptions);
  try {
    const updates = wherever.updatedSim();
    await updates.ready;
    let printed = 0;
    let expected = Infinity;
    const printing = (async () => {
      for await (const sim of updates) {
        console.log(`  updatedSim ${sim.iccid}: monthly_data_limit ${sim.monthly_data_limit}`);
        if (++printed >= expected) break;
      }
    })();
    const iccids = generateSims(12).map((sim) => sim.iccid);
    // 1 GiB: every third generated SIM has it already, so the job reports those as failures (code 200).
    const { batchJobId } = await wherever.startBatchJob({ params: { includeIccIds: iccids, monthly_data_limit: 1_073_741_824 } });
    console.log(`  batch job ${batchJobId} started for ${iccids.length} SIMs`);
    const { job, failures, via } = await wherever.waitForBatchJob(batchJobId, {
      onProgress: (p) => console.log(`  progress: ${p.currentStatus} ${p.processedSims}/${p.totalSims} (${p.failedSims} failed)`),
    });
    // The SIM updates travel on the same socket ahead of the job's final event: stop once all are printed.
    expected = job.statusDetails.successfulSims;
    if (printed >= expected) await updates.return();
    await printing;
    console.log(`  job ${job.batchJobId} ${job.statusDetails.currentStatus} (followed via ${via}): ${job.statusDetails.successfulSims} changed, ${failures.length} failed`);
    for (const failure of failures) console.log(`    ${failure.iccid}: ${failure.errorCodes.join(', ')} ${failure.descriptions.join('; ')}`);
  } finally {
    await wherever.realtime.close();
    api.dispose();
    await server.close();
  }
});

sections.push(async () => {
  const accounts = ['alice', 'bob', 'carol', 'dave'].map((name, i) => ({ id: `acc-${name}`, balance: 10 + i * 7.5 }));
  const api = createTotogiMock({ accounts, plans: [{ name: 'IoT 1 GB' }, { name: 'IoT 5 GB' }, { name: 'Voice flat' }] });
  const server = await api.listen();
  console.log(`\n== Totogi (fake at ${server.endpoint}, Cognito at ${server.cognitoEndpoint}) ==`);
  try {
    const totogi = createTotogiClient(server.clientOptions);
    const { providerId } = api;
    await totogi.creditAccount({ input: { providerId, accountId: 'acc-alice', amount: 5 } });
    await totogi.debitAccount({ input: { providerId, accountId: 'acc-bob', amount: 2.5, mode: 'IMMEDIATE' } });
    const rows = [];
    for (const { id } of accounts) {
      const account = await totogi.getAccount({ providerId, accountId: id }); // the Account member, typed
      rows.push({ account: account?.id, balance: account?.balance?.value });
    }
    console.table(rows);
    try {
      await totogi.getAccount({ providerId, accountId: 'acc-nobody' });
    } catch (err) {
      if (isApiError(err, 'AccountNotFound')) console.log(`unknown account → ${err.__typename} (${err.errorCode})`);
      else throw err;
    }
    const plans = await totogi.getPlans.all({ providerId }).toArray();
    console.log(`plans (Relay connection, walked with for await): ${plans.map((p) => p.name).join(', ')}`);
    console.log(`(${api.auth.logins} Cognito login, ${api.requests.length} GraphQL requests)`);
  } finally {
    await server.close();
  }
});

for (const section of sections) await section();
