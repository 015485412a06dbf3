import { buildSchema, getNamedType, isEnumType, isObjectType, isScalarType } from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_ERROR_TYPENAMES, ApiError, isApiError, type ApiErrorTypename, type SdkEvent } from '@sdk/totogi';
import { operations as table } from '../src/generated/operations.js';
import { schemaSDL } from '../src/generated/schema.js';
import { useServer } from './setup.js';

const operations = table.descriptors();

const setup = useServer();
const schema = buildSchema(schemaSDL);

/** Sample values for an error member's own scalar fields (ids and the like), from the SDL. */
function sampleFields(typename: string): Record<string, unknown> {
  const type = schema.getType(typename);
  if (!isObjectType(type)) throw new Error(`${typename} is not an object type`);
  const out: Record<string, unknown> = {};
  for (const field of Object.values(type.getFields())) {
    if (field.name === 'errorCode' || field.name === 'errorMessage') continue;
    const named = getNamedType(field.type);
    if (isEnumType(named)) out[field.name] = named.getValues()[0]!.value;
    else if (isScalarType(named)) out[field.name] = named.name === 'Int' ? 7 : named.name === 'AWSDateTime' ? '2030-01-01T00:00:00.000Z' : `${field.name}-sample`;
  }
  return out;
}

/** A minimal value of a declared GraphQL type (required input fields filled in), so the client's type check passes. */
function sampleOf(ref: string, op: (typeof operations)[number]): unknown {
  const inner = ref.replace(/^\?/, '').replace(/!$/, '');
  if (inner.startsWith('[')) return [sampleOf(inner.slice(1, -1), op)];
  const types = op.types!;
  const enumValues = types.enums?.[inner];
  if (enumValues) return enumValues[0];
  const fields = types.inputs?.[inner];
  if (fields) return Object.fromEntries(Object.entries(fields).filter(([, t]) => t.endsWith('!') && !t.startsWith('?')).map(([f, t]) => [f, sampleOf(t, op)]));
  const samples: Record<string, unknown> = { Int: 1, Float: 1, Boolean: true, AWSDateTime: '2030-01-01T00:00:00.000Z', AWSDate: '2030-01-01', AWSJSON: '{}', AWSEmail: 'a@b.c', AWSURL: 'https://x.y' };
  return samples[inner] ?? 'x';
}

const unionOps = operations.filter((op) => op.errorTypenames && op.errorTypenames.length > 0);
const cases = unionOps.flatMap((op) => op.errorTypenames!.map((member) => ({ op, member: member as ApiErrorTypename })));

describe('every error member of every result union is thrown as a typed ApiError', () => {
  it('covers all 55 result unions and every error typename of the SDL', () => {
    const unions = new Set(unionOps.map((op) => schema.getMutationType()!.getFields()[op.path[0]!] ?? schema.getQueryType()!.getFields()[op.path[0]!]).map((f) => getNamedType(f!.type).name));
    expect(unions.size).toBe(55);
    expect(new Set(cases.map((c) => c.member))).toEqual(new Set(API_ERROR_TYPENAMES));
  });

  // One fake and one client for all cases: the client logs in once.
  let shared: ReturnType<typeof setup> | undefined;
  beforeEach(() => {
    if (shared) setup.server.use(...shared.api.handlers);
    else shared = setup({}, { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 5 } });
  });
  it.each(cases.map((c) => [`${c.op.name} → ${c.member}`, c] as const))('%s', async (_title, { op, member }) => {
    const { api, totogi } = shared!;
    const fields = sampleFields(member);
    const value = { __typename: member, errorCode: 'X', errorMessage: 'Y', ...fields };
    const data = op.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    const remove = api.override(op.name as never, () => ({ data: data as never }));
    try {
      const method = (totogi as unknown as Record<string, (v: unknown) => Promise<unknown>>)[op.path[0]!]!;
      // The override answers whatever is sent; the client still checks the variables, so send the required ones.
      const variables = Object.fromEntries((op.required ?? []).map((name) => [name, name === 'first' ? 1 : name === 'providerId' ? api.providerId : sampleOf(op.variableTypes![name]!, op)]));
      const error = await method(variables).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ApiError);
      expect(isApiError(error)).toBe(true);
      expect(isApiError(error, member)).toBe(true);
      expect(isApiError(error, member === 'AccountNotFound' ? 'DeviceNotFound' : 'AccountNotFound')).toBe(false);
      const err = error as ApiError & Record<string, unknown>;
      expect(err.__typename).toBe(member);
      expect(err.errorCode).toBe('X');
      expect(err.errorMessage).toBe('Y');
      expect(err.operationName).toBe(op.name);
      // A mutation's transient member also says why it was not retried (issue 13): the member's text comes first.
      expect(err.message.startsWith(`${op.name} returned ${member} (X): Y`)).toBe(true);
      for (const [key, v] of Object.entries(fields)) expect(err[key], key).toEqual(v);
      expect(err.result).toEqual(value);
    } finally {
      remove();
    }
  });
});

describe('.result() returns the whole union instead of throwing', () => {
  it('gives the success member or the error member, discriminated by __typename', async () => {
    const { totogi, providerId } = setup({ accounts: [{ id: 'acc-1', balance: 12.5 }] });
    const found = await totogi.getAccount.result({ providerId, accountId: 'acc-1' });
    const missing = await totogi.getAccount.result({ providerId, accountId: 'nope' });
    expect(found?.__typename).toBe('Account');
    if (found?.__typename === 'Account') expect(found.balance?.value).toBe(12.5);
    expect(missing).toEqual({ __typename: 'AccountNotFound', providerId, accountId: 'nope', errorCode: 'AccountNotFound', errorMessage: 'Account nope not found' });
    switch (missing?.__typename) {
      case 'AccountNotFound':
        expect(missing.accountId).toBe('nope');
        break;
      default:
        throw new Error(`unexpected ${String(missing?.__typename)}`);
    }
  });

  it('works for mutations: an insufficient debit is a value, not an exception', async () => {
    const { totogi, providerId } = setup({ accounts: [{ id: 'acc-1', balance: 5 }] });
    const result = await totogi.debitAccount.result({ input: { providerId, accountId: 'acc-1', amount: 50, mode: 'IMMEDIATE' } });
    expect(result.__typename).toBe('DebitAccountFailed');
    if (result.__typename === 'DebitAccountFailed') expect(result.errorCode).toBe('QuotaLimitReached');
    const ok = await totogi.debitAccount.result({ input: { providerId, accountId: 'acc-1', amount: 2, mode: 'IMMEDIATE' } });
    expect(ok.__typename === 'DebitAccountPayload' && ok.account.balance?.value).toBe(3);
  });

  it('returns a retryable member once retries are used up', async () => {
    const { api, totogi, providerId } = setup({ accounts: [{ id: 'acc-1' }] });
    api.rateLimitNext(10);
    const result = await totogi.getAccount.result({ providerId, accountId: 'acc-1' }, { retry: 1 });
    expect(result?.__typename).toBe('RateLimitExceeded');
    expect(api.requestsOf('GetAccount')).toHaveLength(2);
  });
});

describe('retryable members', () => {
  it('retries RateLimitExceeded on a query with backoff, then succeeds', async () => {
    const events: SdkEvent[] = [];
    const { api, totogi, providerId } = setup({ accounts: [{ id: 'acc-1' }] }, { onEvent: (e) => events.push(e) });
    api.rateLimitNext(2, { operationName: 'GetAccount' });
    const { data, response } = await totogi.getAccount.withResponse({ providerId, accountId: 'acc-1' });
    expect(data?.id).toBe('acc-1');
    expect(response.attempts).toBe(3);
    expect(api.requestsOf('GetAccount')).toHaveLength(3);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => e.type === 'retry' && e.reason)).toEqual(['RateLimitExceeded', 'RateLimitExceeded']);
  });

  it('retries RateLimitExceeded on mutations too (the API refused the work)', async () => {
    const { api, totogi, providerId } = setup({ accounts: [{ id: 'acc-1' }] });
    api.rateLimitNext(1);
    const out = await totogi.creditAccount({ input: { providerId, accountId: 'acc-1', amount: 4 } });
    expect(out.account.balance?.value).toBe(4); // applied once
    expect(api.requestsOf('CreditAccount')).toHaveLength(2);
  });

  it('throws RateLimitExceeded once retries are exhausted', async () => {
    const { api, totogi, providerId } = setup({ accounts: [{ id: 'acc-1' }] });
    api.rateLimitNext(5);
    const err = await totogi.getAccount({ providerId, accountId: 'acc-1' }).catch((e: unknown) => e);
    expect(isApiError(err, 'RateLimitExceeded')).toBe(true);
    expect(isApiError(err, 'RateLimitExceeded') && err.retryAfter).toMatch(/^\d{4}-/);
    expect((err as ApiError).attempts).toBe(3);
  });

  it('retries InternalServerError for queries but not for mutations', async () => {
    const { api, totogi, providerId } = setup({ accounts: [{ id: 'acc-1' }] });
    api.internalErrorNext(1);
    expect((await totogi.getAccount({ providerId, accountId: 'acc-1' }))?.id).toBe('acc-1');
    api.internalErrorNext(1);
    const err = await totogi.creditAccount({ input: { providerId, accountId: 'acc-1', amount: 1 } }).catch((e: unknown) => e);
    expect(isApiError(err, 'InternalServerError') && err.errorCode).toBe('ChargeEngineNotAvailable');
    expect(api.requestsOf('CreditAccount')).toHaveLength(1);
  });
});
