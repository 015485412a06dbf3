// Every operation extracted from real client code (packages/<vendor>/test/real-clients/, each citing its
// source) validates against our SDL: where a real client and our reconstruction disagreed, the SDL follows
// the client unless the seed says otherwise (SEED_NOTES.md).
import { existsSync } from 'node:fs';
import { buildSchema, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDocuments } from '../../tools/evidence/collect.mjs';

const root = new URL('../../', import.meta.url).pathname;
const cases = ['wherever', 'totogi', 'myphone']
  .filter((v) => existsSync(`${root}packages/${v}/test/real-clients`))
  .flatMap((vendor) => {
    const schema = buildSchema(readFileSync(`${root}packages/${vendor}/schema/schema.graphql`, 'utf8'));
    return readDocuments(`${root}packages/${vendor}/test/real-clients`).map((f) => ({ vendor, schema, ...f }));
  });

describe('real client operations validate against our SDL', () => {
  it('has fixtures for the vendors with public client code', () => {
    expect(new Set(cases.map((c) => c.vendor))).toEqual(new Set(['wherever', 'totogi']));
  });

  it.each(cases.map((c) => [`${c.vendor}/${c.file}`, c] as const))('%s', (_name, c) => {
    expect(c.sources.length, 'a fixture names its source').toBeGreaterThan(0);
    expect(validate(c.schema, c.doc).map((e) => e.message)).toEqual([]);
  });
});
