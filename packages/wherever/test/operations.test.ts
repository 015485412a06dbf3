import { readFileSync, readdirSync } from 'node:fs';
import { inspect } from 'node:util';
import { buildSchema, parse, validate, Kind, type FragmentDefinitionNode } from 'graphql';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  BATCH_JOB_FAILURE_CODES,
  GraphQLResponseError,
  HttpError,
  SIM_STATUS,
  ValidationError,
  createWhereverClient,
  type SdkEvent,
} from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(options: Parameters<typeof createWhereverMock>[0] = {}, events?: SdkEvent[]) {
  const api = createWhereverMock({ sims: generateSims(20), ...options });
  server.use(...api.handlers);
  const wherever = createWhereverClient({ apiKey: api.apiKey, retry: { baseDelayMs: 1 }, onEvent: events ? (e) => events.push(e) : undefined });
  return { api, wherever };
}

const dir = new URL('../', import.meta.url);

describe('schema and documents', () => {
  it('every operation document validates against the reconstructed SDL', () => {
    const schema = buildSchema(readFileSync(new URL('schema/schema.graphql', dir), 'utf8'));
    const files = readdirSync(new URL('operations/', dir)).filter((f) => f.endsWith('.graphql'));
    const docs = files.map((f) => parse(readFileSync(new URL(`operations/${f}`, dir), 'utf8')));
    const fragments = docs.flatMap((d) => d.definitions.filter((x): x is FragmentDefinitionNode => x.kind === Kind.FRAGMENT_DEFINITION));
    const operations = docs.flatMap((d) => d.definitions.filter((x) => x.kind === Kind.OPERATION_DEFINITION));
    expect(operations).toHaveLength(28); // 13 queries, 12 mutations, 3 subscriptions
    for (const op of operations) {
      expect(validate(schema, { kind: Kind.DOCUMENT, definitions: [op, ...fragments] }).filter((e) => !/never used/.test(e.message))).toEqual([]);
    }
    expect(Object.keys(schema.getQueryType()!.getFields())).toHaveLength(13);
    expect(Object.keys(schema.getMutationType()!.getFields())).toHaveLength(12);
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toHaveLength(3);
  });

  it('exports the prose tables as typed constants', () => {
    expect(Object.keys(SIM_STATUS)).toHaveLength(20);
    expect(SIM_STATUS[20].name).toBe('IMEI unauthorized');
    expect(BATCH_JOB_FAILURE_CODES[4].description).toBe('Status transition not allowed');
  });
});

describe('every query', () => {
  it('answers through the public client', async () => {
    const { api, wherever } = setup({
      userAccounts: [{ email: 'ops@example.com', status: 'HasAccess' }],
      events: [{ iccid: generateSims(1)[0]!.iccid, type: 'lifecycle', timestampMilliseconds: 5 }],
      billingData: [{ year: 2025, month: 1, data_volume: 10, invoice_amount: 9.5, currency: 'EUR' }],
    });
    const iccid = generateSims(1)[0]!.iccid;
    const transitions = await wherever.getAvailableStatusTransitions();
    expect(transitions.some((t) => t?.fromstatusid === 2 && t.tostatusid === 5)).toBe(true);
    expect((await wherever.getCustomerData()).customerid).toBe(1001);
    expect(await wherever.getDataConsumptionReport({ iccid, filterOptions: { start: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10), stop: new Date().toISOString().slice(0, 10) } })).toHaveLength(3);
    const stats = await wherever.getStatistics();
    expect(stats.totalSimCards).toBe(20);
    expect(stats.activeSimCards).toBe([...api.state.sims.values()].filter((s) => s.statusid === 2).length);
    expect(await wherever.listApiKeys()).toEqual([]);
    expect((await wherever.listUserAccounts())[0]?.email).toBe('ops@example.com');
    expect((await wherever.listSims({ limit: 3 }))?.totalSims).toBe(20);
    expect((await wherever.listSimEvents({ iccid, limit: 1 }))?.items?.[0]?.type).toBe('lifecycle');
    expect((await wherever.listBillingData({ limit: 1 }))?.items?.[0]?.currency).toBe('EUR');
    expect((await wherever.listEndCustomerLabels({ limit: 10, filter: { name: { contains: 'fleet' } } }))?.items?.map((l) => l?.name)).toEqual(['Fleet North', 'Fleet South']);
    const { batchJobId } = await wherever.startBatchJob({ params: { monthly_data_limit: 5_000, includeIccIds: [iccid] } });
    expect((await wherever.getBatchJob({ batchJobId })).statusDetails.currentStatus).toBe('COMPLETED');
    expect((await wherever.listBatchJobs({ limit: 5 })).totalCount).toBe(1);
    expect((await wherever.listBatchJobDetails({ batchJobId })).simList[0]?.details.status).toBe('SUCCESSFUL');
  });
});

describe('every mutation', () => {
  it('changes the fake state through the public client', async () => {
    const { api, wherever } = setup({ userAccounts: [{ id: 'u1', email: 'a@example.com', status: 'InvitationExpired' }] });
    const iccid = generateSims(1)[0]!.iccid;

    const updated = await wherever.updateSim({ iccid, custom_field_1: 'truck-7', end_customer_label: { name: 'Cold Chain' }, imei_lock: { lock: true, imei: '350000000000001' } });
    expect(updated.custom_field_1).toBe('truck-7');
    expect(api.state.sims.get(iccid)?.imei_lock).toEqual({ enabled: true, imei: '350000000000001' });

    const first = await wherever.cancelLocation({ iccid });
    const second = await wherever.cancelLocation({ iccid });
    expect(first.sent).toBe(true);
    expect(second).toEqual({ sent: false, blockedUntil: first.blockedUntil });

    expect(await wherever.sendSms({ iccid, text: 'ping' })).toBe(true);
    expect(api.state.smsSent).toEqual([{ iccid, text: 'ping', originator: null }]);

    const key = await wherever.createApiKey({ comment: 'ci', expiresAtMs: -1 });
    expect(key?.key).toMatch(/^wsk_/);
    expect((await wherever.listApiKeys())[0]?.key).not.toBe(key?.key); // masked after creation
    expect((await wherever.updateApiKey({ keyid: String(key!.keyid), ipAddressAllowlist: ['10.0.0.0/8'] }))?.comment).toBeNull();
    expect((await wherever.deleteApiKey({ keyid: String(key!.keyid) }))?.keyid).toBe(key!.keyid);
    expect(await wherever.listApiKeys()).toEqual([]);

    const user = await wherever.createUserAccount({ email: 'new@example.com', zoneinfo: 'Europe/Berlin', locale: 'de', groups: ['Observer'] });
    expect(user.status).toBe('InvitationSent');
    expect((await wherever.updateUserAccount({ id: user.id, groups: ['Manager'] })).groups).toEqual(['Manager']);
    expect(await wherever.resendUserAccountInvite({ id: 'u1' })).toBe(true);
    expect((await wherever.deleteUserAccount({ id: user.id })).id).toBe(user.id);

    api.advanceBatchJobs(); // no-op in immediate mode
    const { batchJobId } = await wherever.startBatchJob({ params: { statusid: 5, simFilter: { statusid: { eq: 2 } } } });
    const job = await wherever.getBatchJob({ batchJobId });
    expect(job.statusDetails.totalSims).toBe(job.statusDetails.successfulSims + job.statusDetails.failedSims);
    expect([...api.state.sims.values()].filter((s) => s.statusid === 2)).toHaveLength(0);
    expect(await wherever.cancelBatchJob({ batchJobId })).toBe(false); // already finished
  });

  it('reports per-SIM batch failures with the documented failure codes', async () => {
    const { api, wherever } = setup({ batchJobs: 'manual' });
    const [a, b] = generateSims(2).map((s) => s.iccid);
    api.state.updateSim(b!, { statusid: 7 }); // Retired: cannot be activated again
    const { batchJobId } = await wherever.startBatchJob({ params: { statusid: 2, includeIccIds: [a!, b!] } });
    expect((await wherever.getBatchJob({ batchJobId })).statusDetails.currentStatus).toBe('PREPARING');
    api.advanceBatchJobs();
    const details = await wherever.listBatchJobDetails.all({ batchJobId }).toArray();
    expect(details.find((d) => d.iccid === a)?.details.errorCodes).toEqual([1]); // already Activated
    expect(details.find((d) => d.iccid === b)?.details.errorCodes).toEqual([4]); // transition not allowed
    expect((await wherever.getBatchJob({ batchJobId })).statusDetails.failures?.statusId).toBe(2);
  });
});

describe('bad input and bad responses give typed errors', () => {
  it('requires an apiKey (or WHEREVER_API_KEY) before anything else', () => {
    vi.stubEnv('WHEREVER_API_KEY', '');
    try {
      expect(() => createWhereverClient({})).toThrow(/apiKey is required: pass \{ apiKey \} or set the WHEREVER_API_KEY/);
      expect(() => createWhereverClient({ apiKey: '' })).toThrow(/apiKey must be a non-empty string/);
      expect(() => createWhereverClient(undefined)).toThrow(ValidationError);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('rejects a batch job with more than 1000 ICCIDs, or no change, before sending', async () => {
    const { api, wherever } = setup();
    const many = Array.from({ length: 1001 }, (_, i) => String(i));
    await expect(wherever.startBatchJob({ params: { statusid: 2, includeIccIds: many } })).rejects.toThrow(/includeIccIds holds 1001 items; the API accepts at most 1000/);
    await expect(wherever.startBatchJob({ params: { statusid: 2, excludeIccIds: many } })).rejects.toBeInstanceOf(ValidationError);
    await expect(wherever.startBatchJob({ params: { includeIccIds: ['1'] } })).rejects.toThrow(/at least one change/);
    expect(api.requests).toHaveLength(0);
  });

  it('warns when an include list makes the filter and exclude list irrelevant', async () => {
    const events: SdkEvent[] = [];
    const { wherever } = setup({}, events);
    await wherever.startBatchJob({ params: { custom_field_1: 'x', includeIccIds: [generateSims(1)[0]!.iccid], excludeIccIds: ['1'] } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', operationName: 'StartBatchJob' }));
  });

  it('turns a 502 HTML page into an HttpError with status and a bounded excerpt, after retrying', async () => {
    const { api, wherever } = setup();
    api.failNext(3, { status: 502, body: `<html><body>Bad Gateway${'.'.repeat(5000)}</body></html>` });
    const err = await wherever.listSims({ limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 502, operationName: 'ListSims', attempts: 3 });
    expect((err as HttpError).body.length).toBeLessThanOrEqual(560);
    expect((err as HttpError).body).toContain('Bad Gateway');
    expect((err as HttpError).body).toMatch(/more characters cut\]$/);
  });

  it('turns invalid JSON into an HttpError without crashing', async () => {
    const { api, wherever } = setup();
    // A truncated 200 of a query is retried like a network error: fail every attempt (1 + 2 retries).
    api.failNext(3, { status: 200, body: '{"data": {"listSims": ', headers: { 'content-type': 'application/json' } });
    const err = await wherever.listSims({ limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toMatch(/not GraphQL JSON/);
  });

  it('keeps GraphQL errors and partial data', async () => {
    const { api, wherever } = setup();
    api.failNext(1, { data: { getCustomerData: null }, errors: [{ message: 'Customer locked', path: ['getCustomerData'] }] });
    const err = await wherever.getCustomerData().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLResponseError);
    expect(err).toMatchObject({ errors: [{ message: 'Customer locked' }], data: { getCustomerData: null } });
  });

  it('a wrong API key is an AuthError that does not reveal the key', async () => {
    const api = createWhereverMock();
    server.use(...api.handlers);
    const secret = 'wrong-key-5f3c9a';
    const wherever = createWhereverClient({ apiKey: secret });
    const err = await wherever.getCustomerData().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).status).toBe(401);
    for (const text of [(err as Error).message, (err as Error).stack, inspect(err), JSON.stringify(err), inspect(wherever), JSON.stringify(wherever)]) {
      expect(text).not.toContain(secret);
    }
    expect(api.requests[0]?.headers.authorization).toBe(secret); // sent raw, as documented
  });

  it('withResponse gives status, headers and attempts next to the data', async () => {
    const { api, wherever } = setup();
    api.failNext(1, { status: 503 });
    const { data, response } = await wherever.getStatistics.withResponse();
    expect(data.totalSimCards).toBe(20);
    expect(response).toMatchObject({ status: 200, attempts: 2 });
    expect(response.headers.get('content-type')).toContain('json');
  });
});

describe('variables from untyped callers', () => {
  it('an unknown or missing variable is a ValidationError before any request', async () => {
    const { api, wherever } = setup();
    const untyped = wherever as unknown as Record<string, (v?: unknown) => Promise<unknown>>;
    await expect(untyped.listSims!({ limit: 10, filters: { statusid: { eq: 2 } } })).rejects.toThrow(/unknown variable "filters"; it takes filter, order, limit, quickSearch, nextToken/);
    await expect(untyped.updateSim!({ custom_field_1: 'x' })).rejects.toThrow(/variable iccid is required/);
    expect(api.requests).toHaveLength(0);
  });
});
