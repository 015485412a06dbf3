import { describe, expect, it } from 'vitest';
import { GraphQLResponseError, HttpError, TimeoutError, type SdkEvent } from '@sdk/myphone';
import { generateSimcards } from '@sdk/myphone/testing';
import { useMyPhone } from './helpers.js';

const { setup } = useMyPhone();

describe('errors, retries and timeouts', () => {
  it('retries a query after a 503 and reports it', async () => {
    const events: SdkEvent[] = [];
    const { api, myphone } = setup({ simcards: generateSimcards(2) }, { onEvent: (e) => events.push(e) });
    api.failNext(1, { status: 503 }, { operationName: 'Simcards' });
    expect((await myphone.simcards()).count).toBe(2);
    expect(api.requestsOf('Simcards')).toHaveLength(2);
    expect(events.some((e) => e.type === 'retry' && e.status === 503)).toBe(true);
  });

  it('does not retry a mutation that may have reached the server', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(2) });
    api.failNext(1, { status: 500, body: 'oops' }, { operationName: 'SimcardChargeBalance' });
    await expect(myphone.simcard.chargeBalance({ simcardId: '1', amount: 1, comment: 'x' })).rejects.toBeInstanceOf(HttpError);
    expect(api.requestsOf('SimcardChargeBalance')).toHaveLength(1);
  });

  it('times out a slow attempt', async () => {
    const { api, myphone } = setup({ simcards: generateSimcards(2) });
    api.failNext(1, { delayMs: 200 }, { operationName: 'Simcard' });
    await expect(myphone.simcard({ id: '1' }, { timeoutMs: 20, retry: 0 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('surfaces GraphQL errors from a typed override', async () => {
    const { api, myphone } = setup();
    api.override('TariffArchive', (variables) => (variables.tariff_id === '1' ? { errors: [{ message: 'Tariff is in use' }] } : undefined));
    await expect(myphone.tariff.archive({ tariff_id: '1' })).rejects.toBeInstanceOf(GraphQLResponseError);
    expect(await myphone.tariff.archive({ tariff_id: '2' })).toBe(true);
    api.override('Simcard', () => ({ data: { simcard: null } }));
    expect(await myphone.simcard({ id: '1' })).toBeNull();
  });

  it('logs through a console-like logger without tokens', async () => {
    const lines: string[] = [];
    const log = (m: string, meta?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(meta)}`);
    const { api, myphone } = setup({ simcards: generateSimcards(1) }, { logger: { debug: log, info: log, warn: log, error: log }, logLevel: 'debug' });
    await myphone.simcards();
    const token = api.requests[0]!.headers.authorization!.slice('Bearer '.length);
    expect(lines.some((l) => l.includes('token login succeeded'))).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).not.toContain(api.credentials.password);
  });
});
