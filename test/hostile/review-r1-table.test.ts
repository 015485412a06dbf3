/**
 * Review R1 (issue 16, the generated operation tables): the codegen plugin run on a schema and documents written
 * to break the one-string table — quotes, backslashes, non-BMP characters, U+2028/U+2029, `</script>`, `\n` in
 * string literals and default values — must decode to exactly the documents the eager table held (the minified
 * operation followed by its fragments), so the request body is byte-identical.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as core from '@sdk/core';
import { operations as myphoneTable } from '../../packages/myphone/src/generated/operations.js';
import { operations as totogiTable } from '../../packages/totogi/src/generated/operations.js';
import { operations as whereverTable } from '../../packages/wherever/src/generated/operations.js';

const require = createRequire(import.meta.url);
const plugin = require('../../tools/codegen/operations-table.cjs') as { plugin: (schema: unknown, docs: unknown[], config: unknown) => string };
// The plugin's own copy of graphql (CommonJS): a schema from the ESM copy would be a foreign object to it.
const { buildSchema, Kind, parse, print, stripIgnoredCharacters } = require('graphql') as typeof import('graphql');

const tricky = `q'uo"te \\ back \\\\ é 😀 \u2028 \u2029 </script> <!-- \\n \n ${'$'}{x} \`tick\``;

const schema = buildSchema(`
"""Input with ' and \\\\ and \u2028 and é in its description"""
input F { "why ' \\\\" a: String  b: [F!] }
enum E { A B }
scalar S
type Sim { iccid: String label(fmt: String): String }
type Query { sim(id: ID!, f: F, e: E, s: S): Sim }
type Mutation { setSim(id: ID!, note: String): Sim }
`);

const documents: DocumentNode = parse(`
query Sim($id: ID!, $f: F, $e: E, $s: S) { sim(id: $id, f: $f, e: $e, s: $s) { ...SimA label(fmt: ${JSON.stringify(tricky)}) } }
fragment SimA on Sim { iccid label(fmt: ${JSON.stringify(`frag ${tricky}`)}) ...SimB }
fragment SimB on Sim { label(fmt: """block ' " \\""" é""") }
mutation SetSim($id: ID!, $note: String = ${JSON.stringify(tricky)}) { setSim(id: $id, note: $note) { ...SimB } }
`);

/** What main's eager table held: the minified operation, then each fragment it uses (sorted), minified. */
function eagerDocument(name: string, from: DocumentNode = documents): string {
  const defs = from.definitions;
  const op = defs.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name)!;
  const frags = new Map(defs.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const used = new Set<string>();
  const visit = (text: string) => {
    for (const m of text.matchAll(/\.\.\.([A-Za-z_]\w*)/g)) {
      if (frags.has(m[1]!) && !used.has(m[1]!)) {
        used.add(m[1]!);
        visit(print(frags.get(m[1]!)!));
      }
    }
  };
  visit(print(op));
  return [stripIgnoredCharacters(print(op)), ...[...used].sort().map((f) => stripIgnoredCharacters(print(frags.get(f)!)))].join('');
}

async function generatedTable() {
  const text = plugin.plugin(schema, [{ document: documents, location: 'hostile.graphql' }], { clientInterface: 'HostileMethods', table: {} });
  // The module as a user's runtime sees it (types stripped), its one import pointed at core's sources.
  const { code } = await transform(text, { loader: 'ts', format: 'cjs' });
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', code)((id: string) => (id === '@sdk/core' ? core : require(id)), module, module.exports);
  return module.exports.operations as core.OperationTable;
}

describe('review R1: the one-string operation table with hostile characters (codegen plugin → decoded descriptor)', () => {
  it('each decoded document equals the eager document (operation + fragments), and the body prefix is what JSON.stringify makes of it', async () => {
    const table = await generatedTable();
    for (const name of ['Sim', 'SetSim']) {
      const op = table.get(name);
      expect(op.document, name).toBe(eagerDocument(name));
      expect(core.bodyPrefixOf(op), name).toBe(`${JSON.stringify({ operationName: name, query: eagerDocument(name) }).slice(0, -1)},"variables":`);
    }
    expect(table.outline().map((o) => o.name).sort()).toEqual(['SetSim', 'Sim']);
    // The input-type table survived its own escaping (descriptions are not in it, names and types are).
    expect(JSON.parse(JSON.stringify(table.get('Sim').types))).toMatchObject({ inputs: { F: { a: 'String', b: '[F!]' } }, enums: { E: ['A', 'B'] } });
  });
});

describe("review R1: every vendor's generated table decodes to the eager documents (what the wire carried before)", () => {
  it.each([
    ['wherever', whereverTable],
    ['totogi', totogiTable],
    ['myphone', myphoneTable],
  ] as const)('%s: each operation (subscriptions too): document = minified operation + its fragments, body prefix, variables in declared order', (vendor, table) => {
    const dir = new URL(`../../packages/${vendor}/operations/`, import.meta.url);
    const all = parse(readdirSync(dir).filter((f) => f.endsWith('.graphql')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n'));
    const names = all.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name!.value] : []));
    expect(table.outline().map((o) => o.name).sort()).toEqual([...names].sort());
    for (const name of names) {
      const op = table.get(name as never) as core.OperationDescriptor;
      const def = all.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name)!;
      expect(op.document, name).toBe(eagerDocument(name, all));
      expect(core.bodyPrefixOf(op), name).toBe(`${JSON.stringify({ operationName: name, query: op.document }).slice(0, -1)},"variables":`);
      expect(op.variables ?? [], name).toEqual((def.kind === Kind.OPERATION_DEFINITION ? def.variableDefinitions ?? [] : []).map((v) => v.variable.name.value));
    }
  });
});
