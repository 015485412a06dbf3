import { parse, print as graphqlPrint, stripIgnoredCharacters } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ValidationError, prepareOperation } from '@sdk/core';
import { createGraphQLFake } from '@sdk/core/testing';

describe('prepared documents (no graphql on the hot path)', () => {
  it('reads name, kind and declared variables from a string, skipping comments and strings, and minifies once', () => {
    const doc = `
      # query Fake($x: Int) { nope }
      mutation Rename($iccid: ID!, $label: String = "a # not a comment { }", $ids: [ID!] = ["1", "2"]) @live {
        updateSim(iccid: $iccid, custom_field_1: $label) { iccid ...F }
      }
      fragment F on SIM { statusid description: custom_field_1 }
    `;
    const op = prepareOperation(doc);
    expect(op).toMatchObject({ name: 'Rename', kind: 'mutation', path: [], variables: ['iccid', 'label', 'ids'] });
    expect(op.document).toBe(stripIgnoredCharacters(doc));
    expect(prepareOperation(doc)).toBe(op); // cached: same descriptor object
    expect(op.bodyPrefix).toBe(`{"operationName":"Rename","query":${JSON.stringify(op.document)},"variables":`);
  });

  it('anonymous and shorthand queries send no operationName', () => {
    const op = prepareOperation('{ getStatistics { totalSimCards } }');
    expect(op.kind).toBe('query');
    expect(op.bodyPrefix!.startsWith('{"query":')).toBe(true);
    expect(prepareOperation('query { a }').name).toBe('anonymous query');
    // keywords used as names are not operations
    expect(prepareOperation('fragment query on T { a } query Real { ...query }').name).toBe('Real');
  });

  it('block strings, escapes and numbers survive minification', () => {
    const doc = 'query Q { a(s: """ multi\n "line" \\""" """, t: "x\\"y", n: -1.5e3, m: [1 2 3]) }';
    const sent = prepareOperation(doc).document;
    expect(sent.length).toBeLessThan(doc.length);
    expect(graphqlPrint(parse(sent))).toBe(graphqlPrint(parse(doc)));
  });

  it('prints a DocumentNode (the client preset AST carries no source) exactly as graphql would, minified, once per object', () => {
    const source = 'query L($limit: Int! = 10, $f: SimFilterInput @x) { listSims(limit: $limit, filter: { statusid: { in: [1, 2] }, q: "a\\nb", on: true, z: null, e: ACTIVE }) @include(if: true) { items { ... on SIM { iccid } ...F alias: iccid } } } fragment F on SIM { imsi }';
    const node = JSON.parse(JSON.stringify(parse(source, { noLocation: true })));
    const op = prepareOperation(node);
    expect(op.document).toBe(stripIgnoredCharacters(graphqlPrint(parse(source))));
    expect(op.variables).toEqual(['limit', 'f']);
    expect(prepareOperation(node)).toBe(op);
  });

  it('refuses what it cannot send, before anything leaves', () => {
    for (const bad of ['query A { a } query B { b }', 'fragment F on T { a }', 'query { a', 'query { a(s: "x) }', 'query { ? }', 42, null, {}, { kind: 'Document', definitions: [{ kind: 'Weird' }] }]) {
      expect(() => prepareOperation(bad as never), String(bad)).toThrow(ValidationError);
    }
    expect(prepareOperation('query A { a } query B { b }', 'B').name).toBe('B');
    expect(() => prepareOperation('query A { a }', 'C')).toThrow(/no operation named "C"/);
  });

  it('the string cache is bounded', () => {
    for (let i = 0; i < 2000; i++) prepareOperation(`query Q${i} { a }`);
    const first = prepareOperation('query Q0 { a }');
    expect(first.name).toBe('Q0'); // evicted and rebuilt, still correct
  });
});

describe('fakes serve custom documents', () => {
  it('say which root field they cannot serve', async () => {
    const fake = createGraphQLFake({ schema: 'type Query { a: Int b: Int }', root: { a: () => 1 } });
    const ok = await fake.handle({ headers: {}, body: JSON.stringify({ query: '{ a }' }) });
    expect(JSON.parse(ok.body)).toEqual({ data: { a: 1 } });
    const res = await fake.handle({ headers: {}, body: JSON.stringify({ query: '{ a b }' }) });
    expect(JSON.parse(res.body).errors[0].message).toBe('the fake does not serve Query.b; answer it with override() or failNext({ data })');
  });
});
