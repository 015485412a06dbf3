import { readFileSync, readdirSync } from 'node:fs';
import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operations as table } from '../src/generated/operations.js';
import { schemaSDL } from '../src/generated/schema.js';

const operations = table.descriptors();

const dir = new URL('../operations/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));
const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
const fragments = readFileSync(new URL('fragments.graphql', dir), 'utf8');

describe('operation documents', () => {
  it('the SDL builds, and the generated SDL string is the same schema', () => {
    const generated = buildSchema(schemaSDL);
    expect(Object.keys(generated.getTypeMap()).sort()).toEqual(Object.keys(schema.getTypeMap()).sort());
  });

  it('holds 30 operations (9 queries, 21 mutations; 3 of them OTA from the later reference), one per file, named like the file', () => {
    const defs = files
      .filter((f) => f !== 'fragments.graphql')
      .map((f) => {
        const ops = parse(readFileSync(new URL(f, dir), 'utf8')).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
        expect(ops).toHaveLength(1);
        expect(`${ops[0]!.name?.value}.graphql`).toBe(f);
        return ops[0]!;
      });
    expect(defs).toHaveLength(30);
    expect(defs.filter((d) => d.operation === 'query')).toHaveLength(9);
    expect(defs.filter((d) => d.operation === 'mutation')).toHaveLength(21);
    expect(operations.map((o) => o.name).sort()).toEqual(defs.map((d) => d.name!.value).sort());
  });

  it.each(files.filter((f) => f !== 'fragments.graphql'))('%s validates against the SDL', (file) => {
    const doc = parse(`${readFileSync(new URL(file, dir), 'utf8')}\n${fragments}`);
    // Unused fragments are fine here (they are shared); everything else must validate.
    const errors = validate(schema, doc).filter((e) => !/is never used/.test(e.message));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(operations.map((o) => [o.name, o] as const))('generated document %s validates against the SDL', (_name, op) => {
    expect(validate(schema, parse(op.document)).map((e) => e.message)).toEqual([]);
  });
});
