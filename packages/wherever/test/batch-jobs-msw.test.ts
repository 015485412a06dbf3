/** waitForBatchJob as the README shows it, in an msw-only test (no socket server, no extra options). */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhereverClient } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());

describe('waitForBatchJob with msw only, default options', () => {
  it('a job the fake finishes at once: resolves after one read', async () => {
    const api = createWhereverMock({ sims: generateSims(10) });
    server.resetHandlers(...api.handlers);
    const wherever = createWhereverClient({ apiKey: api.apiKey });
    const { batchJobId } = await wherever.startBatchJob({ params: { monthly_sms_mo_limit: 100 } });
    const started = Date.now();
    const { job, via } = await wherever.waitForBatchJob(batchJobId);
    expect(job.statusDetails).toMatchObject({ currentStatus: 'COMPLETED', totalSims: 10 });
    expect(via).toBe('polling');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(api.requestsOf('GetBatchJob')).toHaveLength(1);
  });

  it('a job that runs in steps: polling follows it while the (unserved) socket is tried', async () => {
    const api = createWhereverMock({ sims: generateSims(10), batchJobs: { simsPerStep: 5, intervalMs: 20 } });
    server.resetHandlers(...api.handlers);
    const wherever = createWhereverClient({ apiKey: api.apiKey });
    const { batchJobId } = await wherever.startBatchJob({ params: { monthly_sms_mo_limit: 100 } });
    const { job } = await wherever.waitForBatchJob(batchJobId, { pollIntervalMs: 20 });
    expect(job.statusDetails).toMatchObject({ currentStatus: 'COMPLETED', totalSims: 10 });
    api.dispose();
  });
});

describe('waitForBatchJob rejects intervals that would hammer the API', () => {
  it('NaN, 0 or a string poll interval is a ValidationError, before any request', async () => {
    const api = createWhereverMock({ sims: generateSims(2), batchJobs: 'manual' });
    server.resetHandlers(...api.handlers);
    const wherever = createWhereverClient(api.clientOptions);
    const { batchJobId } = await wherever.startBatchJob({ params: { monthly_sms_mo_limit: 1 } });
    for (const pollIntervalMs of [NaN, 0, -5, '100' as unknown as number]) {
      await expect(wherever.waitForBatchJob(batchJobId, { pollIntervalMs })).rejects.toMatchObject({ name: 'ValidationError', field: 'pollIntervalMs' });
    }
    expect(api.requestsOf('GetBatchJob')).toHaveLength(0);
    api.dispose();
  });
});
