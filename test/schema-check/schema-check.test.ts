// checkSchema against real loopback servers serving a DRIFTED copy of each vendor's schema: it must name
// exactly the methods the drifted server rejects, reach the server with the client's own credentials, and
// say clearly when introspection is refused.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSchema, graphql, parse, validate, type GraphQLSchema } from 'graphql';
import { AbortError, SdkError, ValidationError } from '@sdk/core';
import { checkSchema, type SchemaCheckReport } from '@sdk/core/schema-check';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { createMyPhoneClient } from '@sdk/myphone';
import { schemaSDL as totogiSDL } from '../../packages/totogi/src/generated/schema.js';
import { schemaSDL as whereverSDL } from '../../packages/wherever/src/generated/schema.js';
import { schemaSDL as myphoneSDL } from '../../packages/myphone/src/generated/schema.js';
import { operations as totogiTable } from '../../packages/totogi/src/generated/operations.js';
import { operations as whereverTable } from '../../packages/wherever/src/generated/operations.js';
import { operations as myphoneTable } from '../../packages/myphone/src/generated/operations.js';
import { hostileServer, type HostileServer } from '../hostile/lib.js';
import { addEnumValue, addField, addType, addUnionMember, drift, removeField, renameField } from './drift.js';

const totogiOps = totogiTable.descriptors();
const whereverOps = whereverTable.descriptors();
const myphoneOps = myphoneTable.descriptors();

const SECRET = 'sk-live-schemacheck-7f3a9c';
const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A GraphQL server over `schema` (no resolvers): validates every document first and records what it rejects. */
async function schemaServer(schema: GraphQLSchema, opts: { refuseIntrospection?: boolean; failFirst?: number } = {}) {
  const rejected = new Set<string>();
  let failures = opts.failFirst ?? 0;
  const server = await hostileServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (failures > 0) return void (failures--, send(503, { message: 'busy' }));
    const { query = '', operationName, variables } = req.json ?? {};
    if (opts.refuseIntrospection && /__schema/.test(query)) return send(200, { errors: [{ message: 'GraphQL introspection is not allowed, but the query contained __schema or __type' }] });
    const errors = validate(schema, parse(query));
    if (errors.length) {
      rejected.add(operationName ?? '(anonymous)');
      return send(400, { errors: errors.map((e) => ({ message: e.message })) });
    }
    send(200, await graphql({ schema, source: query, variableValues: variables, operationName }));
  });
  servers.push(server);
  return { server, rejected };
}

/** Ground truth, counted at the server: which generated documents does it reject? */
async function serverRejects(url: string, ops: readonly { name: string; document: string }[], rejected: Set<string>): Promise<string[]> {
  rejected.clear();
  for (const op of ops) await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operationName: op.name, query: op.document, variables: {} }) });
  return [...rejected].sort();
}

const rejectedOps = (r: SchemaCheckReport) => r.methods.filter((m) => !m.accepted).map((m) => m.operation).sort();
const tokenProvider = { getAccessToken: async () => SECRET };

const vendors = [
  {
    vendor: 'totogi',
    ops: totogiOps,
    client: (endpoint: string) => createTotogiClient({ endpoint, auth: { tokenProvider }, retry: { baseDelayMs: 1 } }),
    authHeader: SECRET,
    // Shaped like Totogi's 2026 API (api-evangelist/totogi): balance became balances, plan services and credit/debit
    // are gone, a union gained a member, RoleGroup gained a value, ProviderConfig gained fields.
    drifted: drift(
      totogiSDL,
      renameField('Account', 'balance', 'balances: [Balance!]!'),
      removeField('Mutation', 'creditAccount'),
      removeField('Mutation', 'debitAccount'),
      removeField('Mutation', 'updateDebit'),
      removeField('PlanVersion', 'planServices'),
      removeField('Query', 'getPlanServices'),
      removeField('Mutation', 'createPlanService'),
      removeField('Mutation', 'updatePlanService'),
      removeField('Mutation', 'deletePlanService'),
      removeField('Mutation', 'copyPlanService'),
      addType('type AccountLifecycleNotFound implements Error { errorCode: String! errorMessage: String accountId: ID! }'),
      addUnionMember('AccountResult', 'AccountLifecycleNotFound'),
      addEnumValue('RoleGroup', 'Policy_Designer'),
      addField('ProviderConfig', 'customAccountProperties: AWSJSON'),
    ),
    mustReject: ['CreditAccount', 'DebitAccount', 'UpdateDebit', 'GetAccount', 'GetPlanServices', 'GetPlanVersion', 'CreatePlanService'],
    mustAccept: ['GetRules', 'GetFieldMappings', 'GetCurrentUser'],
    drift: { method: 'getMyProviderConfig', newFields: ['ProviderConfig.customAccountProperties'] },
    member: { method: 'getAccount', newMembers: ['AccountResult.AccountLifecycleNotFound'] },
    enumValue: { method: 'getCurrentUser', newEnumValues: ['RoleGroup.Policy_Designer'] },
  },
  {
    vendor: 'wherever',
    ops: whereverOps,
    client: (endpoint: string) => createWhereverClient({ apiKey: SECRET, endpoint, retry: { baseDelayMs: 1 } }),
    authHeader: SECRET,
    drifted: drift(whereverSDL, renameField('SIM', 'custom_field_1', 'custom_fields: [String]'), removeField('Mutation', 'sendSms'), addEnumValue('BatchJobStatus', 'PAUSED'), addField('SIM', 'esim_profile: String')),
    mustReject: ['ListSims', 'UpdateSim', 'SendSms'],
    mustAccept: ['GetStatistics', 'ListApiKeys'],
    drift: { method: 'getStatistics', newFields: [] as string[] },
    member: undefined,
    enumValue: { method: 'listBatchJobs', newEnumValues: ['BatchJobStatus.PAUSED'] },
  },
  {
    vendor: 'myphone',
    ops: myphoneOps,
    client: (endpoint: string) => createMyPhoneClient({ tokenProvider, endpoint, retry: { baseDelayMs: 1 } }),
    authHeader: `Bearer ${SECRET}`,
    drifted: drift(myphoneSDL, removeField('SimcardResource', 'dataBalance'), removeField('OtaTaskMutationNamespace', 'otaChangeSimcardPrice'), addField('OtaTaskMutationNamespace', 'otaSend(id: ID!, simcardId: ID!): Boolean'), addEnumValue('TariffType', 'PREPAID_DATA'), addField('OtaTask', 'currency: String')),
    mustReject: ['Simcard', 'Simcards', 'OtaTaskOtaChangeSimcardPrice'],
    mustAccept: ['Tariffs', 'OtaTasks', 'DidServiceDids'],
    drift: { method: 'otaTasks', newFields: ['OtaTask.currency'] },
    member: undefined,
    enumValue: { method: 'tariffs', newEnumValues: ['TariffType.PREPAID_DATA'] },
  },
];

describe.each(vendors)('$vendor: checkSchema against a drifted server', (v) => {
  it('names exactly the methods the drifted server rejects, with its messages', async () => {
    const { server, rejected } = await schemaServer(buildSchema(v.drifted));
    const report = await checkSchema(v.client(server.url));
    const truth = await serverRejects(server.url, v.ops, rejected);
    expect(report.status).toBe('checked');
    expect(rejectedOps(report)).toEqual(truth);
    expect(truth).toEqual(expect.arrayContaining(v.mustReject));
    for (const name of v.mustAccept) expect(truth).not.toContain(name);
    expect(report.methods).toHaveLength(v.ops.length);
    expect(report.accepted.length + report.rejected.length).toBe(v.ops.length);
    for (const m of report.methods) expect(m.errors.length > 0).toBe(!m.accepted);
    expect(report.summary).toContain(`${v.ops.length} methods, ${report.accepted.length} accepted, ${report.rejected.length} rejected`);
  });

  it('lists what the live API has beyond our schema on the types a method selects', async () => {
    const { server } = await schemaServer(buildSchema(v.drifted));
    const report = await checkSchema(v.client(server.url));
    const byMethod = (m: string) => report.methods.find((x) => x.method === m)!;
    expect(byMethod(v.drift.method).drift.newFields).toEqual(v.drift.newFields);
    if (v.member) expect(byMethod(v.member.method).drift.newMembers).toEqual(v.member.newMembers);
    expect(byMethod(v.enumValue.method).drift.newEnumValues).toEqual(v.enumValue.newEnumValues);
  });

  it('introspects once, with the client\'s own credentials; the secret appears in no part of the report', async () => {
    const { server } = await schemaServer(buildSchema(v.drifted));
    const report = await checkSchema(v.client(server.url));
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.json?.operationName).toBe('IntrospectionQuery');
    expect(server.received[0]!.headers.authorization).toBe(v.authHeader);
    for (const text of [JSON.stringify(report), report.summary, String(report), inspect(report, { depth: 10 })]) expect(text).not.toContain(SECRET);
  });

  it('finds nothing against a server that serves our own schema', async () => {
    const ours = { totogi: totogiSDL, wherever: whereverSDL, myphone: myphoneSDL }[v.vendor]!;
    const { server } = await schemaServer(buildSchema(ours));
    const report = await checkSchema(v.client(server.url));
    expect(report.rejected).toEqual([]);
    expect(report.methods.filter((m) => m.drift.newFields.length + m.drift.newMembers.length + m.drift.newEnumValues.length)).toEqual([]);
  });
});

describe('checkSchema when the endpoint does not cooperate', () => {
  const client = (url: string) => createWhereverClient({ apiKey: SECRET, endpoint: url, retry: { baseDelayMs: 1 } });

  it('says so clearly when introspection is refused, without retrying', async () => {
    const { server } = await schemaServer(buildSchema(whereverSDL), { refuseIntrospection: true });
    const report = await checkSchema(client(server.url));
    expect(report.status).toBe('introspection-disabled');
    expect(report.methods).toEqual([]);
    expect(report.message).toMatch(/refused introspection \(GraphQL introspection is not allowed/);
    expect(report.summary).toMatch(/liveSchema/);
    expect(server.received).toHaveLength(1);
  });

  it('retries a transient failure through the client\'s executor', async () => {
    const { server } = await schemaServer(buildSchema(whereverSDL), { failFirst: 2 });
    const report = await checkSchema(client(server.url));
    expect(report.status).toBe('checked');
    expect(server.received).toHaveLength(3);
  });

  it('can check against a schema you have instead of introspecting (no request)', async () => {
    const { server } = await schemaServer(buildSchema(whereverSDL));
    const drifted = drift(whereverSDL, removeField('Mutation', 'sendSms'));
    const report = await checkSchema(client(server.url), { liveSchema: drifted });
    expect(report.rejected).toEqual(['sendSms']);
    expect(server.received).toHaveLength(0);
  });

  it('never shows a secret the server echoes while refusing introspection, in the report or anything logged', async () => {
    const server = await hostileServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: `introspection is disabled for token ${String(req.headers.authorization)}` }] }));
    });
    servers.push(server);
    const logged: unknown[] = [];
    const sink = (...args: unknown[]) => void logged.push(args);
    const report = await checkSchema(
      createWhereverClient({ apiKey: SECRET, endpoint: server.url, logLevel: 'debug', logger: { debug: sink, info: sink, warn: sink, error: sink }, onEvent: (e) => void logged.push(e) }),
    );
    expect(logged.length).toBeGreaterThan(0);
    expect(inspect(logged, { depth: 10 })).not.toContain(SECRET);
    expect(report.status).toBe('introspection-disabled');
    expect(server.received[0]!.headers.authorization).toBe(SECRET);
    for (const text of [JSON.stringify(report), report.summary, inspect(report, { depth: 10 })]) expect(text).not.toContain(SECRET);
  });

  it('a broken introspection result is a typed SdkError naming the endpoint, not a crash', async () => {
    const server = await hostileServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { __schema: { queryType: { name: 'Nope' }, types: 'not a list' } } }));
    });
    servers.push(server);
    const err = await checkSchema(client(server.url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdkError);
    expect((err as Error).message).toContain(server.url);
  });

  it('an aborted signal stops it before any request; bad options and a bad liveSchema are ValidationErrors', async () => {
    const { server } = await schemaServer(buildSchema(whereverSDL));
    await expect(checkSchema(client(server.url), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    await expect(checkSchema(client(server.url), null as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(checkSchema(client(server.url), { liveSchema: 'type {' })).rejects.toMatchObject({ name: 'ValidationError', field: 'liveSchema' });
    expect(server.received).toHaveLength(0);
  });

  it('rejects every mutation, leaf ones included, when the live schema has no Mutation type', async () => {
    const { server } = await schemaServer(buildSchema(whereverSDL));
    const report = await checkSchema(client(server.url), { liveSchema: whereverSDL.replace('mutation:Mutation ', '').replace(/\btype Mutation\b/, 'type RetiredMutation') });
    const mutations = report.methods.filter((m) => m.kind === 'mutation');
    expect(mutations.length).toBeGreaterThan(5);
    expect(mutations.filter((m) => m.accepted)).toEqual([]);
    expect(report.methods.find((m) => m.operation === 'ResendUserAccountInvite')!.errors).toContain('The live schema has no mutation type.');
    expect(report.methods.filter((m) => m.kind === 'query').every((m) => m.accepted)).toBe(true);
  });

  it('refuses something that is not an SDK client before any request', async () => {
    await expect(checkSchema({})).rejects.toBeInstanceOf(ValidationError);
    await expect(checkSchema(undefined)).rejects.toBeInstanceOf(ValidationError);
  });
});
