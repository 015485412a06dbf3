import { describe, expect, it } from 'vitest';
import { ValidationError, validateVariables, type InputTypeTable, type OperationDescriptor } from '@sdk/core';
import { op } from './helpers.js';

const types: InputTypeTable = {
  inputs: {
    StringFilterInput: { eq: 'String', in: '[String]' },
    IntFilterInput: { eq: 'Int', in: '[Int]' },
    SimFilterInput: { iccid: 'StringFilterInput', statusid: 'IntFilterInput' },
    Order: { iccid: 'SortDirection' },
    Label: { name: 'String!', size: '?Int!' },
    Tree: { name: 'String', children: '[Tree!]' },
    Account: { amount: 'Decimal!', at: 'AWSDateTime', day: 'AWSDate', json: 'AWSJSON', mail: 'AWSEmail', url: 'AWSURL', any: 'JSON' },
  },
  enums: { Status: ['ACTIVE', 'BLOCKED'] },
  scalars: { Long: 'safeInteger', SortDirection: 'oneOf:asc,desc', Decimal: 'decimal', AWSDateTime: 'dateTime', AWSDate: 'date', AWSJSON: 'jsonString', AWSEmail: 'email', AWSURL: 'url', JSON: 'json' },
};

function typed(variableTypes: Record<string, string>): OperationDescriptor {
  const names = Object.keys(variableTypes);
  const required = names.filter((n) => variableTypes[n]!.endsWith('!'));
  return op('Typed', 'query', { variables: names, required, variableTypes, types });
}

function fieldOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toContain((err as ValidationError).field!);
    return (err as ValidationError).field;
  }
  return undefined;
}

describe('validateVariables: declared GraphQL types', () => {
  const listSims = typed({ filter: 'SimFilterInput', order: 'Order', limit: 'Int!', ids: '[ID!]', status: 'Status', big: 'Long' });

  it('accepts well-typed variables, nulls for nullable ones and absent optional ones', () => {
    expect(() => validateVariables(listSims, { limit: 5 })).not.toThrow();
    expect(() => validateVariables(listSims, { limit: 5, filter: { iccid: { eq: '89' }, statusid: { in: [1, 2] } }, order: { iccid: 'desc' }, ids: ['a', 7], status: 'ACTIVE', big: 2 ** 40 })).not.toThrow();
    expect(() => validateVariables(listSims, { limit: 5, filter: null, order: undefined, status: null })).not.toThrow();
  });

  it('names the path of a wrong value: object for String, string for Int, number for String', () => {
    expect(() => validateVariables(listSims, { limit: 5, filter: { iccid: { eq: { x: 1 } } } })).toThrow('variables.filter.iccid.eq: expected String, got object');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, filter: { statusid: { eq: 'five' } } }))).toBe('variables.filter.statusid.eq');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, filter: { iccid: { eq: 8988 } } }))).toBe('variables.filter.iccid.eq');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, filter: { iccid: '8988' } }))).toBe('variables.filter.iccid');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, filter: { statusid: { in: [1, 'two'] } } }))).toBe('variables.filter.statusid.in[1]');
  });

  it('never shows the offending string (it may be a secret)', () => {
    expect(() => validateVariables(listSims, { limit: 5, filter: { statusid: { eq: 'hunter2-secret' } } })).toThrow(/got string$/);
  });

  it('rejects unknown input fields, enum values out of the set, sort directions, NaN/Infinity and 64-bit ints', () => {
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, filter: { iccidd: { eq: '1' } } }))).toBe('variables.filter.iccidd');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, status: 'active' }))).toBe('variables.status');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, order: { iccid: 'ascending' } }))).toBe('variables.order.iccid');
    expect(fieldOf(() => validateVariables(listSims, { limit: NaN }))).toBe('variables.limit');
    expect(fieldOf(() => validateVariables(listSims, { limit: Infinity }))).toBe('variables.limit');
    expect(fieldOf(() => validateVariables(listSims, { limit: 2 ** 31 }))).toBe('variables.limit');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, big: 2 ** 60 }))).toBe('variables.big');
  });

  it('rejects BigInt, functions, symbols, Maps and Dates where GraphQL types do not fit', () => {
    expect(() => validateVariables(listSims, { limit: 5n })).toThrow('variables.limit: expected Int (a 32-bit integer), got bigint');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, big: 5n }))).toBe('variables.big');
    expect(() => validateVariables(listSims, { limit: 5, filter: { iccid: { eq: () => '1' } } })).toThrow('got function');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, filter: { iccid: { eq: Symbol('x') } } }))).toBe('variables.filter.iccid.eq');
    expect(() => validateVariables(listSims, { limit: 5, filter: new Map() })).toThrow('got Map object');
  });

  it('coerces a single value to a list as GraphQL does, and checks list items', () => {
    expect(() => validateVariables(listSims, { limit: 5, ids: 'one' })).not.toThrow();
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, ids: ['a', null] }))).toBe('variables.ids[1]');
    expect(fieldOf(() => validateVariables(listSims, { limit: 5, ids: {} }))).toBe('variables.ids');
  });

  it('enforces required variables and required input fields, and lets a defaulted field be omitted but not null', () => {
    const create = typed({ label: 'Label!' });
    expect(fieldOf(() => validateVariables(create, {}))).toBe('variables.label');
    expect(fieldOf(() => validateVariables(create, { label: null }))).toBe('variables.label');
    expect(fieldOf(() => validateVariables(create, { label: {} }))).toBe('variables.label.name');
    expect(fieldOf(() => validateVariables(create, { label: { name: null } }))).toBe('variables.label.name');
    expect(() => validateVariables(create, { label: { name: 'x' } })).not.toThrow();
    expect(fieldOf(() => validateVariables(create, { label: { name: 'x', size: null } }))).toBe('variables.label.size');
  });

  it('rejects a circular value in a recursive input type and in a JSON scalar, without an untyped error', () => {
    const tree = typed({ tree: 'Tree' });
    const t: Record<string, unknown> = { name: 'a' };
    t.children = [t];
    expect(() => validateVariables(tree, { tree: t })).toThrow(ValidationError);
    expect(() => validateVariables(tree, { tree: { name: 'a', children: [{ name: 'b', children: [] }] } })).not.toThrow();
    const acct = typed({ a: 'Account' });
    const c: Record<string, unknown> = {};
    c.self = c;
    expect(() => validateVariables(acct, { a: { amount: 1, any: c } })).toThrow(/circular/);
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, any: { n: [1, 2n] } } }))).toBe('variables.a.any.n[1]');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, any: { f() {} } } }))).toBe('variables.a.any.f');
  });

  it('checks custom scalars: Decimal, AWSDateTime, AWSDate, AWSJSON, AWSEmail, AWSURL', () => {
    const acct = typed({ a: 'Account!' });
    expect(() => validateVariables(acct, { a: { amount: '12.50', at: '2024-01-02T03:04:05.123Z', day: '2024-01-02', json: '{"a":1}', mail: 'a@b.c', url: 'https://x.y/z', any: { a: [1, 'b', null] } } })).not.toThrow();
    expect(fieldOf(() => validateVariables(acct, { a: { amount: '12,50' } }))).toBe('variables.a.amount');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: NaN } }))).toBe('variables.a.amount');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, at: '2024-01-02' } }))).toBe('variables.a.at');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, at: new Date() } }))).toBe('variables.a.at');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, day: '02/01/2024' } }))).toBe('variables.a.day');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, json: '{nope' } }))).toBe('variables.a.json');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, json: { a: 1 } } }))).toBe('variables.a.json');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, mail: 'nobody' } }))).toBe('variables.a.mail');
    expect(fieldOf(() => validateVariables(acct, { a: { amount: 1, url: 'not a url' } }))).toBe('variables.a.url');
  });

  it('keeps a descriptor without declared types JSON-safe', () => {
    const loose = op('Loose', 'query', { variables: ['x'] });
    expect(() => validateVariables(loose, { x: { deep: [1, 'a'] } })).not.toThrow();
    expect(fieldOf(() => validateVariables(loose, { x: { deep: [1n] } }))).toBe('variables.x.deep[0]');
    expect(fieldOf(() => validateVariables(loose, { y: 1 }))).toBe('variables.y');
  });

  it('rejects variables that are not an object', () => {
    expect(fieldOf(() => validateVariables(listSims, [] as unknown as Record<string, unknown>))).toBe('variables');
  });
});
