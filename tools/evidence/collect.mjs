// Which `Type.field` pairs a set of GraphQL documents selects, resolved against a schema.
// Shared by the attestation generator (build.mjs) and the evidence tests (test/evidence/).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, TypeInfo, getNamedType, parse, visit, visitWithTypeInfo } from 'graphql';

/** Adds every `Type.field` that `doc` selects (field on the type it is selected on; `__typename` skipped). */
export function collectSelections(schema, doc, out = new Set()) {
  const info = new TypeInfo(schema);
  visit(
    doc,
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        if (!info.getFieldDef()) return; // unknown field: not evidence of anything
        out.add(`${getNamedType(parent).name}.${node.name.value}`);
      },
    }),
  );
  return out;
}

/** Reads every `*.graphql` file of a directory, sorted; `# Source:` header lines give its source. */
export function readDocuments(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const sources = [...text.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]);
      return { file, text, sources, doc: parse(text) };
    });
}

/** The default documents of a vendor: one merged document (fragments shared across files). */
export function readOperations(dir) {
  const docs = readDocuments(dir);
  return { kind: Kind.DOCUMENT, definitions: docs.flatMap((d) => d.doc.definitions) };
}

/** Every object/interface field of a schema, as `Type.field`. */
export function schemaFields(schema) {
  const out = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (!('getFields' in type) || 'ofType' in type) continue;
    if (type.constructor.name === 'GraphQLInputObjectType') continue;
    for (const f of Object.keys(type.getFields())) out.push(`${type.name}.${f}`);
  }
  return out.sort();
}

/** One document per operation holding only the fragments it uses (transitively), keyed by operation name. */
export function operationDocuments(doc) {
  const frags = new Map(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const out = new Map();
  for (const op of doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)) {
    const used = new Set();
    const walk = (node) =>
      visit(node, {
        FragmentSpread(s) {
          const name = s.name.value;
          if (used.has(name) || !frags.has(name)) return;
          used.add(name);
          walk(frags.get(name));
        },
      });
    walk(op);
    out.set(op.name?.value ?? '(anonymous)', { kind: Kind.DOCUMENT, definitions: [op, ...[...used].map((n) => frags.get(n))] });
  }
  return out;
}

/** `Type.field` pairs a document selects that the attestation data does not back (missing or `[]`), sorted. */
export function unattestedSelections(schema, attestation, doc) {
  return [...collectSelections(schema, doc)].filter((k) => !(attestation[k]?.length > 0)).sort();
}
