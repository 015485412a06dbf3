// Default operation documents select only fields some source attests (schema/attestation.json, reviewed in
// SEED_NOTES.md), so an unverified guess in the SDL can never reject a generated method's call.
import { existsSync, readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { collectSelections, operationDocuments, readDocuments, readOperations, schemaFields, unattestedSelections } from '../../tools/evidence/collect.mjs';

const VENDORS = ['wherever', 'totogi', 'myphone'] as const;
const root = new URL('../../', import.meta.url).pathname;

function load(vendor: string) {
  const dir = `${root}packages/${vendor}`;
  const schema = buildSchema(readFileSync(`${dir}/schema/schema.graphql`, 'utf8'));
  const data = JSON.parse(readFileSync(`${dir}/schema/attestation.json`, 'utf8')) as { sources: Record<string, string>; fields: Record<string, string[]> };
  return { dir, schema, ...data };
}

describe.each(VENDORS)('%s attestation', (vendor) => {
  const { dir, schema, sources, fields } = load(vendor);

  it('every default document selects only attested fields', () => {
    const offenders: Record<string, string[]> = {};
    for (const [name, doc] of operationDocuments(readOperations(`${dir}/operations`))) {
      const bad = unattestedSelections(schema, fields, doc);
      if (bad.length) offenders[name] = bad;
    }
    expect(offenders).toEqual({});
  });

  it('covers exactly the SDL fields, each source named', () => {
    expect(Object.keys(fields).sort()).toEqual(schemaFields(schema));
    for (const list of Object.values(fields)) for (const s of list) expect(Object.keys(sources)).toContain(s);
  });

  it('real-client claims match the fixtures in test/real-clients/', () => {
    const fixtures = `${dir}/test/real-clients`;
    const selected = new Map<string, Set<string>>();
    if (existsSync(fixtures)) {
      for (const f of readDocuments(fixtures)) {
        for (const source of f.sources) {
          const repo: string = String(source).split(' ')[0] ?? '';
          if (!selected.has(repo)) selected.set(repo, new Set());
          collectSelections(schema, f.doc, selected.get(repo));
        }
      }
    }
    for (const [repo, set] of selected) {
      const claimed = Object.entries(fields).filter(([, s]) => s.includes(repo)).map(([k]) => k).sort();
      expect(claimed, repo).toEqual([...set].sort());
    }
  });
});

it('the check catches a document that selects an unattested field', () => {
  const { schema, fields } = load('totogi');
  const doc = parse('query Q($p: ID!) { getRules(providerId: $p, first: 1) { edges { node { id providerId } } } }');
  expect(unattestedSelections(schema, fields, doc)).toEqual(['Rule.providerId', 'RuleEdge.node']);
});

it.each(VENDORS)('%s: every unattested field says so in its SDL description', (vendor) => {
  const { schema, fields } = load(vendor);
  const silent = Object.entries(fields)
    .filter(([, sources]) => sources.length === 0)
    .map(([key]) => key)
    .filter((key) => {
      const [type, field] = key.split('.') as [string, string];
      const def = (schema.getType(type) as unknown as { getFields(): Record<string, { description?: string | null }> }).getFields()[field]!;
      return !/Inferred: unattested/.test(def.description ?? '');
    });
  expect(silent).toEqual([]);
});
