import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, AuthError, BATCH_JOB_FAILURE_CODES, GraphQLResponseError, createWhereverClient, type BatchJobProgress, type ReconnectInfo, type SdkEvent, type WhereverClientOptions } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

const cleanups: (() => unknown)[] = [];
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(mockOptions: Parameters<typeof createWhereverMock>[0] = {}, clientOptions: Partial<WhereverClientOptions> = {}) {
  const api = createWhereverMock({ sims: generateSims(20), ...mockOptions });
  const server = await api.listen();
  const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, retry: { baseDelayMs: 1 }, ...clientOptions });
  cleanups.push(() => api.dispose(), () => server.close(), () => wherever.realtime.close());
  return { api, server, wherever };
}

describe.each(['appsync', 'graphql-ws'] as const)('wherever subscriptions over %s', (protocol) => {
  it('updateSim through the fake emits a typed updatedSim event', async () => {
    const { api, wherever } = await setup({}, { realtime: { protocol } });
    const iccid = api.state.sims.keys().next().value!;
    const sims = wherever.updatedSim();
    await sims.ready;
    await api.realtime.until((s) => s.active === 1);
    await wherever.updateSim({ iccid, custom_field_1: 'truck-7' });
    const { value: sim } = await sims.next();
    expect(sim).toMatchObject({ iccid, custom_field_1: 'truck-7', end_customer_label: expect.anything() });
    expect(Object.keys(sim!)).toHaveLength(23); // shaped to the selection set, as a server would
    await sims.return();
  });
});

describe('wherever subscriptions', () => {
  it('updatedSimEvent filters by iccid and ends with AbortError on abort', async () => {
    const { api, wherever } = await setup();
    const [a, b] = [...api.state.sims.keys()];
    const controller = new AbortController();
    const events = wherever.updatedSimEvent({ iccid: a! }, { signal: controller.signal });
    await events.ready;
    api.state.addEvent({ iccid: b!, type: 'presence', details: 'not for us' });
    api.state.addEvent({ iccid: a!, type: 'presence', details: 'attached' });
    await wherever.cancelLocation({ iccid: a! });
    const seen: string[] = [];
    const loop = (async () => {
      for await (const event of events) {
        seen.push(`${event.iccid}:${event.type}`);
        if (seen.length === 2) controller.abort(new Error('done'));
      }
    })();
    await expect(loop).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([`${a}:presence`, `${a}:cancelLocation`]);
    await api.realtime.until((s) => s.stops === 1 && s.open === 0);
  });

  it('lets tests push their own events', async () => {
    const { api, wherever } = await setup();
    const sims = wherever.updatedSim();
    await sims.ready;
    await api.realtime.until((s) => s.active === 1);
    expect(api.publish('updatedSim', { ...api.state.sims.values().next().value!, statusid: 12 })).toBe(1);
    expect((await sims.next()).value?.statusid).toBe(12);
    await sims.return();
  });

  it('refuses a wrong API key with AuthError', async () => {
    const { api, server } = await setup();
    const wrong = createWhereverClient({ apiKey: 'not-the-key', endpoint: server.endpoint });
    await expect(wrong.updatedSim().next()).rejects.toBeInstanceOf(AuthError);
    expect(api.realtime.stats.connections).toBe(1);
  });

  it('reconnects after a drop and calls onReconnect', async () => {
    const reconnects: ReconnectInfo[] = [];
    const { api, wherever } = await setup({}, { realtime: { reconnect: { baseDelayMs: 5 }, onReconnect: (info) => reconnects.push(info) } });
    const sims = wherever.updatedSim();
    const jobs = wherever.updatedBatchJob();
    await Promise.all([sims.ready, jobs.ready]);
    expect(api.realtime.stats.connections).toBe(1);
    api.realtime.dropAll();
    await expect.poll(() => reconnects.length).toBe(1);
    expect(reconnects[0]!.operations.sort()).toEqual(['UpdatedBatchJob', 'UpdatedSim']);
    api.state.updateSim(api.state.sims.keys().next().value!, { custom_field_1: 'after' });
    expect((await sims.next()).value?.custom_field_1).toBe('after');
    await Promise.all([sims.return(), jobs.return()]);
  });
});

describe('waitForBatchJob', () => {
  const LIMIT = 1_073_741_824; // generateSims gives every third SIM this limit already: those fail with code 200
  const expectedFailed = Array.from({ length: 500 }, (_, i) => i).filter((i) => i % 3 === 0).length;

  function checkResult(result: Awaited<ReturnType<ReturnType<typeof createWhereverClient>['waitForBatchJob']>>) {
    expect(result.job.statusDetails).toMatchObject({ currentStatus: 'COMPLETED', totalSims: 500, failedSims: expectedFailed, successfulSims: 500 - expectedFailed });
    expect(result.failures).toHaveLength(expectedFailed);
    expect(result.failures[0]).toEqual({
      iccid: expect.any(String),
      custom_field_1: expect.any(String),
      errorCodes: [200],
      descriptions: [BATCH_JOB_FAILURE_CODES[200].description],
      changes: ['monthly_data_limit'],
    });
  }

  it('follows a 500-SIM job over updatedBatchJob and resolves its failures', async () => {
    const { api, wherever } = await setup({ sims: generateSims(500), batchJobs: 'manual' });
    const { batchJobId } = await wherever.startBatchJob({ params: { monthly_data_limit: LIMIT } });
    const progress: BatchJobProgress[] = [];
    const result = await wherever.waitForBatchJob(batchJobId, {
      useSubscription: true,
      onProgress: (p) => {
        progress.push(p);
        // Advance the job only after each report: the sequence is deterministic.
        if (p.currentStatus !== 'COMPLETED') setTimeout(() => api.advanceBatchJobs(100), 0);
      },
    });
    expect(result.via).toBe('subscription');
    expect(progress.map((p) => [p.currentStatus, p.processedSims, p.source])).toEqual([
      ['PREPARING', 0, 'query'],
      ['RUNNING', 100, 'query'], // advanced right after the first read, seen by the read once the subscription is confirmed
      ['RUNNING', 200, 'subscription'],
      ['RUNNING', 300, 'subscription'],
      ['RUNNING', 400, 'subscription'],
      ['COMPLETED', 500, 'subscription'],
    ]);
    expect(progress.every((p) => p.totalSims === 500)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ failedSims: expectedFailed, successfulSims: 500 - expectedFailed });
    checkResult(result);
    expect(api.requestsOf('GetBatchJob')).toHaveLength(2); // before waiting, and once the subscription is confirmed
    await api.realtime.until((s) => s.open === 0); // the helper's subscription was stopped
  });

  it('follows a 500-SIM job by polling getBatchJob', async () => {
    const { api, wherever } = await setup({ sims: generateSims(500), batchJobs: 'manual' });
    const { batchJobId } = await wherever.startBatchJob({ params: { monthly_data_limit: LIMIT } });
    api.override('GetBatchJob', () => {
      api.advanceBatchJobs(100); // each poll finds the job 100 SIMs further
      return undefined;
    });
    const progress: BatchJobProgress[] = [];
    const result = await wherever.waitForBatchJob(batchJobId, { useSubscription: false, pollIntervalMs: 1, onProgress: (p) => progress.push(p) });
    expect(result.via).toBe('polling');
    expect(progress.map((p) => [p.currentStatus, p.processedSims])).toEqual([
      ['RUNNING', 100],
      ['RUNNING', 200],
      ['RUNNING', 300],
      ['RUNNING', 400],
      ['COMPLETED', 500],
    ]);
    checkResult(result);
    expect(api.realtime.stats.connections).toBe(0);
  });

  it('ends on a status added after this SDK was generated when finishedAt says the job ended (enums are open)', async () => {
    const { api, wherever } = await setup({ sims: generateSims(10), batchJobs: 'manual' });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'x' } });
    const job = (await wherever.getBatchJob({ batchJobId }))!;
    const later = { ...job, finishedAt: 1_700_000_000_000, statusDetails: { ...job.statusDetails, currentStatus: 'PARTIALLY_COMPLETED' } };
    api.override('GetBatchJob', () => ({ data: { getBatchJob: later } }) as never);
    const result = await wherever.waitForBatchJob(batchJobId, { useSubscription: false, pollIntervalMs: 1, resolveFailures: false, signal: AbortSignal.timeout(5_000) });
    const status: string = result.job.statusDetails.currentStatus; // typed as the known values | (string & {})
    expect(status).toBe('PARTIALLY_COMPLETED');
  });

  it('auto mode falls back to polling when the socket cannot be opened', async () => {
    const { api, server } = await setup({ batchJobs: { simsPerStep: 5, intervalMs: 2 } });
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, realtime: { url: 'ws://127.0.0.1:1/graphql/realtime', reconnect: { retries: 0 } } });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'batch' } });
    const result = await wherever.waitForBatchJob(batchJobId, { pollIntervalMs: 5 });
    expect(result.via).toBe('polling');
    expect(result.job.statusDetails).toMatchObject({ currentStatus: 'COMPLETED', totalSims: 20, successfulSims: 20, failedSims: 0 });
    expect(result.failures).toEqual([]);
  });

  it('ignores a failed safety-net re-read (reported as a warning) and keeps following the job', async () => {
    const events: SdkEvent[] = [];
    const { api, wherever } = await setup({ batchJobs: 'manual' }, { onEvent: (e) => events.push(e) });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'batch' } });
    let calls = 0;
    api.override('GetBatchJob', () => (++calls === 3 ? { errors: [{ message: 'flaky read' }] } : undefined));
    const wait = wherever.waitForBatchJob(batchJobId, { useSubscription: true, resyncIntervalMs: 5 });
    let settled = false;
    wait.then(
      () => (settled = true),
      () => (settled = true),
    );
    await expect.poll(() => calls >= 4 || settled).toBe(true); // the first read, the read after ready, the failed re-read, a good one
    api.advanceBatchJobs();
    const result = await wait;
    expect(result).toMatchObject({ via: 'subscription', job: { statusDetails: { currentStatus: 'COMPLETED' } } });
    expect(events.filter((e) => e.type === 'warning' && e.operationName === 'waitForBatchJob')).toEqual([
      { type: 'warning', operationName: 'waitForBatchJob', message: expect.stringContaining('flaky read') },
    ]);
  });

  it('fails the wait when the safety-net re-read fails 3 times in a row, or with AuthError at once', async () => {
    const events: SdkEvent[] = [];
    const { api, wherever } = await setup({ batchJobs: 'manual' }, { onEvent: (e) => events.push(e) });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'batch' } });
    let calls = 0;
    const undo = api.override('GetBatchJob', () => (++calls > 2 ? { errors: [{ message: 'down' }] } : undefined));
    await expect(wherever.waitForBatchJob(batchJobId, { useSubscription: true, resyncIntervalMs: 5 })).rejects.toBeInstanceOf(GraphQLResponseError);
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(events.filter((e) => e.type === 'warning' && e.operationName === 'waitForBatchJob')).toHaveLength(2);
    undo();
    calls = 0;
    events.length = 0;
    api.override('GetBatchJob', () => (++calls > 2 ? { status: 401, errors: [{ message: 'Unauthorized' }] } : undefined));
    await expect(wherever.waitForBatchJob(batchJobId, { useSubscription: true, resyncIntervalMs: 5 })).rejects.toBeInstanceOf(AuthError);
    expect(events.filter((e) => e.type === 'warning' && e.operationName === 'waitForBatchJob')).toHaveLength(0);
  });

  it('rejects at once with AbortError for an already-aborted signal, without opening a socket', async () => {
    const { api, wherever } = await setup({ batchJobs: 'manual' });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'batch' } });
    const controller = new AbortController();
    controller.abort('not needed');
    const error = await wherever.waitForBatchJob(batchJobId, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).reason).toBe('not needed');
    await tick(20);
    expect(api.realtime.stats.connections).toBe(0);
    expect(api.requestsOf('GetBatchJob')).toHaveLength(0);
  });

  it('over graphql-ws, re-reads the job after ready: an update before the server registered the subscription is not missed', async () => {
    const { api, wherever } = await setup({ batchJobs: 'manual' }, { realtime: { protocol: 'graphql-ws' } });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'batch' } });
    api.realtime.subscribeDelayMs = 100; // connected (so `ready`), but the server sets the subscription up later
    let calls = 0;
    api.override('GetBatchJob', () => {
      // The job finishes right after the first read, while the server has not registered the subscription.
      if (++calls === 1) setTimeout(() => api.advanceBatchJobs(), 0);
      return undefined;
    });
    const outcome = await Promise.race([wherever.waitForBatchJob(batchJobId, { useSubscription: true, resyncIntervalMs: 60_000 }), tick(3_000).then(() => 'missed')]);
    expect(outcome).toMatchObject({ via: 'subscription', job: { statusDetails: { currentStatus: 'COMPLETED' } } });
    expect(calls).toBe(2);
  });

  it('returns at once for a job that has already finished: one read, no socket', async () => {
    const { api, wherever } = await setup();
    const { batchJobId } = await wherever.startBatchJob({ params: { includeIccIds: generateSims(2).map((s) => s.iccid), monthly_sms_mo_limit: 10 } });
    const result = await wherever.waitForBatchJob(batchJobId);
    expect(result).toMatchObject({ via: 'polling', job: { statusDetails: { currentStatus: 'COMPLETED', totalSims: 2 } }, failures: [] });
    expect(api.requestsOf('GetBatchJob')).toHaveLength(1);
    expect(api.realtime.stats.connections).toBe(0);
  });

  it('auto mode polls while a refused socket retries: no wait for the subscription timeout', async () => {
    const { api, server } = await setup({ batchJobs: { simsPerStep: 5, intervalMs: 2 } });
    // A socket that retries for longer than the test would wait: polling must not wait for it.
    const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, realtime: { url: 'ws://127.0.0.1:1/graphql/realtime', reconnect: { retries: 50, baseDelayMs: 200 } } });
    const { batchJobId } = await wherever.startBatchJob({ params: { custom_field_1: 'batch' } });
    const started = Date.now();
    const result = await wherever.waitForBatchJob(batchJobId, { pollIntervalMs: 5 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ via: 'polling', job: { statusDetails: { currentStatus: 'COMPLETED', totalSims: 20 } } });
  });
});
