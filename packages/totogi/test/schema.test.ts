import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createTotogiClient } from '@sdk/totogi';
import { operations as table } from '../src/generated/operations.js';

const operations = table.descriptors();

const dir = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const sdl = readFileSync(dir('schema/schema.graphql'), 'utf8');
const files = readdirSync(dir('operations')).filter((f) => f.endsWith('.graphql'));
const fragments = readFileSync(dir('operations/fragments.graphql'), 'utf8');
const operationFiles = files.filter((f) => f !== 'fragments.graphql');

describe('schema and operation documents', () => {
  const schema = buildSchema(sdl);

  it('builds the SDL with no undefined type (buildSchema throws on any)', () => {
    expect(schema.getQueryType()?.name).toBe('Query');
    expect(Object.keys(schema.getQueryType()!.getFields())).toHaveLength(20);
    expect(Object.keys(schema.getMutationType()!.getFields())).toHaveLength(42);
  });

  it('has 62 operation documents, one per root field, named after it', () => {
    expect(operationFiles).toHaveLength(62);
    const roots = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())].sort();
    const names = operationFiles.map((f) => f.replace('.graphql', '')).map((n) => n[0]!.toLowerCase() + n.slice(1)).sort();
    expect(names).toEqual(roots);
  });

  it.each(operationFiles)('%s validates against the SDL', (file) => {
    const doc: DocumentNode = parse(`${readFileSync(dir(`operations/${file}`), 'utf8')}\n${fragments}`);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    expect(op?.name?.value).toBe(file.replace('.graphql', ''));
    // Unused fragments are fine here: fragments.graphql is shared by all operations.
    const errors = validate(schema, doc).filter((e) => !/is never used/.test(e.message));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(operations.map((o) => [o.name, o] as const))('generated %s document is valid and minimal', (_name, op) => {
    expect(validate(schema, parse(op.document))).toEqual([]);
  });

  it('the client exposes one method per operation', () => {
    const client = createTotogiClient({ auth: { tokenProvider: { getAccessToken: async () => 'token' } } }) as unknown as Record<string, unknown>;
    for (const op of operations) expect(typeof client[op.path[0]!], op.name).toBe('function');
  });
});
