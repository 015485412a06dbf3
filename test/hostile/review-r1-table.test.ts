/**
 * Review R1 (issue 16, the generated operation tables): the codegen plugin run on a schema and documents written
 * to break the one-string table — quotes, backslashes, non-BMP characters, U+2028/U+2029, `</script>`, `\n` in
 * string literals and default values — must decode to exactly the documents the eager table held (the minified
 * operation followed by its fragments), so the request body is byte-identical.
 */
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import type { DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as core from '@sdk/core';

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
function eagerDocument(name: string): string {
  const defs = documents.definitions;
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
