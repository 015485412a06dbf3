/**
 * Every operation of every vendor through the real binary, against each vendor's fake served on
 * loopback by the test (so requests are counted at the server, not by the CLI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType } from 'graphql';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';
import { createTotogiMock } from '@sdk/totogi/testing';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';
import { methodsOf } from '../src/operations.js';
import { variablesOf } from '../src/schema.js';
import { vendors, type VendorName } from '../src/vendors.js';
import { telco } from './helpers.js';

const SCALARS: Record<string, unknown> = {
  Int: 1, Long: 1, Float: 1, Decimal: 1, Boolean: true, ID: '1', String: '1', JSON: {}, AWSJSON: '{}',
  AWSDateTime: '2023-01-01T00:00:00Z', AWSDate: '2023-01-01', DateTime: '2023-01-01T00:00:00Z', AWSEmail: 'a@example.com',
  AWSURL: 'https://example.com', AWSPhone: '+10000000000', QuotaUnit: 'MB',
};

/** A value of the type with only its required parts: what the least careful caller would send. */
function sample(type: GraphQLInputType, known: Record<string, unknown> = {}): unknown {
  if (isNonNullType(type)) return sample(type.ofType, known);
  if (isListType(type)) return [sample(type.ofType as GraphQLInputType, known)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) if (isNonNullType(f.type)) out[f.name] = f.name in known ? known[f.name] : sample(f.type, known);
    return out;
  }
  if (isScalarType(named)) return named.name in SCALARS ? SCALARS[named.name] : '1';
  return '1';
}

/** Vendor rules the schema cannot express (the SDK checks them before sending). */
const EXTRA: Record<string, Record<string, unknown>> = {
  StartBatchJob: { params: { statusid: 2, includeIccIds: ['8949000000000000000'] } },
  Tariffs: { filter: [{ field: 'name', value: '1' }] },
};

interface Served {
  env: Record<string, string>;
  /** Values the fake needs for some variables (Totogi's provider). */
  known?: Record<string, unknown>;
  args: string[];
  operationsSeen(): string[];
  close(): Promise<void>;
}

async function serve(vendor: VendorName): Promise<Served> {
  if (vendor === 'wherever') {
    const api = createWhereverMock({ sims: generateSims(30) });
    const s = await api.listen();
    return { env: { WHEREVER_API_KEY: api.apiKey }, args: ['--endpoint', s.endpoint], operationsSeen: () => api.requests.map((r) => r.operationName ?? ''), close: () => s.close() };
  }
  if (vendor === 'totogi') {
    const api = createTotogiMock();
    const s = await api.listen();
    const c = api.credentials as unknown as Record<string, string>;
    return {
      env: { TOTOGI_USERNAME: c.username!, TOTOGI_PASSWORD: c.password!, TOTOGI_CLIENT_ID: c.clientId!, ...(c.clientSecret ? { TOTOGI_CLIENT_SECRET: c.clientSecret } : {}), TOTOGI_REGION: c.region ?? 'us-east-1', TOTOGI_COGNITO_ENDPOINT: s.cognitoEndpoint },
      args: ['--endpoint', s.endpoint],
      known: { providerId: (api as unknown as { providerId: string }).providerId },
      operationsSeen: () => api.requests.map((r) => r.operationName ?? ''),
      close: () => s.close(),
    };
  }
  const api = createMyPhoneMock({ simcards: generateSimcards(30) });
  const s = await api.listen();
  return { env: { MYPHONE_USERNAME: api.credentials.username, MYPHONE_PASSWORD: api.credentials.password, MYPHONE_ORIGIN: s.origin }, args: [], operationsSeen: () => api.requests.map((r) => r.operationName ?? ''), close: () => s.close() };
}

describe.each(['wherever', 'totogi', 'myphone'] as const)('%s: every operation from the shell', (vendor) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(vendor);
  });
  afterAll(() => served.close());

  it('lists exactly the client’s operations', async () => {
    const client = await vendors[vendor].createClient({ credentials: {}, dryRun: true });
    const expected = methodsOf(client).map((m) => m.path).sort();
    const run = await telco([vendor, 'operations', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const listed = (JSON.parse(run.stdout) as { method: string }[]).map((r) => r.method).sort();
    expect(listed).toEqual(expected);
    expect(listed.length).toBeGreaterThan(20);
  });

  it('calls every operation: each request reaches the server, and each ends in a result or a typed error, never a crash', async () => {
    const client = await vendors[vendor].createClient({ credentials: {}, dryRun: true });
    const methods = methodsOf(client);
    const calls = methods.map((m) => {
      const variables: Record<string, unknown> = {};
      for (const v of variablesOf(vendor, m.operation)) if (v.required) variables[v.name] = served.known?.[v.name] ?? sample(v.type, served.known);
      return JSON.stringify({ operation: m.path, variables: { ...variables, ...EXTRA[m.operation.name] } });
    });
    const run = await telco([...served.args, vendor, 'batch'], { env: served.env, input: calls.join('\n') });
    expect(run.stderr).not.toMatch(/TypeError|ReferenceError|\n\s+at /);
    const results = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { operation: string; ok: boolean; exitCode?: number; error?: { name: string } });
    expect(results).toHaveLength(methods.length);
    // The API may refuse sample values (not found, wrong state); it must answer with a typed error, not a usage one.
    expect(results.filter((r) => !r.ok && r.exitCode !== 1).map((r) => `${r.operation}: ${r.error?.name}`)).toEqual([]);
    const seen = new Set(served.operationsSeen());
    expect(methods.filter((m) => !seen.has(m.operation.name)).map((m) => m.path)).toEqual([]);
  }, 60_000);

  it('takes variables as typed flags: strings stay exact, numbers and JSON are parsed by the declared type', async () => {
    if (vendor !== 'wherever') return;
    const run = await telco([...served.args, vendor, 'listSims', '--limit', '2', '--filter', '{"iccid":{"beginsWith":"894900000000000000"}}', '--columns', 'iccid', '--format', 'ndjson'], { env: served.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l).iccid)).toEqual(['8949000000000000000', '8949000000000000001']);
    const bad = await telco([...served.args, vendor, 'listSims', '--limit', 'two'], { env: served.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/limit: expected a whole number/);
  });
});
