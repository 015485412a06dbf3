/**
 * What the CLI knows of a vendor's GraphQL schema: descriptions for --help, and the declared types of an
 * operation's variables, so strings from flags and CSV cells become the numbers, booleans and objects
 * the API expects. Loaded on first use (graphql parses the SDL once per process).
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  typeFromAST,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { OperationDescriptor } from '@sdk/core';
import { UsageError } from './errors.js';

const require = createRequire(import.meta.url);
const schemas = new Map<string, GraphQLSchema>();

/** The SDL a vendor package ships (`schema.graphql` at its root, or `schema/schema.graphql` in the workspace). */
export function loadSchema(vendor: string): GraphQLSchema {
  let schema = schemas.get(vendor);
  if (schema) return schema;
  const dir = dirname(require.resolve(`@sdk/${vendor}/package.json`));
  const file = [join(dir, 'schema.graphql'), join(dir, 'schema', 'schema.graphql')].find((f) => existsSync(f));
  if (!file) throw new Error(`@sdk/${vendor} ships no schema.graphql`);
  schema = buildSchema(readFileSync(file, 'utf8'), { assumeValidSDL: true });
  schemas.set(vendor, schema);
  return schema;
}

/** The schema field an operation's method stands for (Query.listSims, Mutation.simcard → SimcardMutation.block). */
export function fieldOf(schema: GraphQLSchema, op: OperationDescriptor): GraphQLField<unknown, unknown> | undefined {
  let type = op.kind === 'mutation' ? schema.getMutationType() : op.kind === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  let field: GraphQLField<unknown, unknown> | undefined;
  for (const key of op.path) {
    if (!type || !('getFields' in type)) return undefined;
    field = type.getFields()[key];
    if (!field) return undefined;
    const named = getNamedType(field.type);
    type = 'getFields' in named ? (named as typeof type) : undefined;
  }
  return field;
}

export interface VariableInfo {
  name: string;
  type: GraphQLInputType;
  /** The GraphQL spelling, e.g. `[ID!]!`. */
  typeName: string;
  required: boolean;
  description: string | undefined;
}

const definitions = new WeakMap<OperationDescriptor, VariableInfo[]>();

/** The operation's declared variables, with the argument descriptions from the SDL where names match. */
export function variablesOf(vendor: string, op: OperationDescriptor): VariableInfo[] {
  let out = definitions.get(op);
  if (out) return out;
  const schema = loadSchema(vendor);
  const doc = parse(op.document, { noLocation: true });
  const def = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const args = new Map((fieldOf(schema, op)?.args ?? []).map((a) => [a.name, a.description ?? undefined]));
  out = (def?.variableDefinitions ?? []).map((v) => {
    const type = typeFromAST(schema, v.type as never) as GraphQLInputType | undefined;
    if (!type) throw new Error(`${op.name}: unknown type of $${v.variable.name.value}`);
    return { name: v.variable.name.value, type, typeName: String(type), required: isNonNullType(type) && !v.defaultValue, description: args.get(v.variable.name.value) };
  });
  definitions.set(op, out);
  return out;
}

const NUMERIC_INT = new Set(['Int', 'Long']);
const NUMERIC_FLOAT = new Set(['Float', 'Decimal']);

/**
 * A string from the shell or a CSV cell, turned into the value its GraphQL type wants. Objects and lists
 * are JSON; a list given as a plain value becomes a one-item list, as GraphQL's input coercion does.
 */
export function coerce(text: string, type: GraphQLInputType, where: string): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  const trimmed = text.trim();
  if (trimmed === 'null' && !isNonNullType(type)) return null;
  if (isListType(inner)) {
    if (trimmed.startsWith('[')) return parseJson(trimmed, where);
    return [coerce(text, inner.ofType as GraphQLInputType, where)];
  }
  if (isInputObjectType(inner)) return parseJson(trimmed, where);
  if (isEnumType(inner)) return trimmed;
  if (isScalarType(inner)) {
    if (NUMERIC_INT.has(inner.name)) {
      const n = Number(trimmed);
      if (trimmed === '' || !Number.isInteger(n)) throw new UsageError(`${where}: expected a whole number (${inner.name}), got ${JSON.stringify(text)}`);
      return n;
    }
    if (NUMERIC_FLOAT.has(inner.name)) {
      const n = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(n)) throw new UsageError(`${where}: expected a number (${inner.name}), got ${JSON.stringify(text)}`);
      return n;
    }
    if (inner.name === 'Boolean') {
      if (/^(true|yes|1)$/i.test(trimmed)) return true;
      if (/^(false|no|0)$/i.test(trimmed)) return false;
      throw new UsageError(`${where}: expected true or false, got ${JSON.stringify(text)}`);
    }
    if (inner.name === 'JSON' || inner.name === 'AWSJSON') return inner.name === 'AWSJSON' ? text : parseJson(trimmed, where);
    return text; // ID, String and the string-shaped custom scalars keep the exact text (ICCIDs are not numbers)
  }
  return text;
}

/** The type at a dotted path below a variable (`params.statusid` → the `statusid` field's type). */
export function typeAt(root: GraphQLInputType, path: readonly string[], where: string): GraphQLInputType {
  let type = root;
  for (const key of path) {
    const named = getNamedType(type);
    if (!isInputObjectType(named)) throw new UsageError(`${where}: ${named.name} has no field ${key}`);
    const field = named.getFields()[key];
    if (!field) throw new UsageError(`${where}: ${named.name} has no field ${key}; it has ${Object.keys(named.getFields()).join(', ')}`);
    type = field.type;
  }
  return type;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${where}: expected JSON, got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`);
  }
}

/**
 * Variables from `name=value` pairs (dotted names build nested objects) on top of a base object, each
 * value coerced by its declared type.
 */
export function variablesFrom(vendor: string, op: OperationDescriptor, pairs: Iterable<[string, string]>, base: Record<string, unknown> = {}): Record<string, unknown> {
  const declared = new Map(variablesOf(vendor, op).map((v) => [v.name, v]));
  const out = structuredClone(base);
  for (const [key, raw] of pairs) {
    const [head, ...rest] = key.split('.');
    const info = declared.get(head!);
    if (!info) throw new UsageError(`${op.name} has no variable ${head}; it takes ${[...declared.keys()].join(', ') || 'none'}`);
    const value = coerce(raw, typeAt(info.type, rest, key), key);
    let node = out;
    const keys = [head!, ...rest];
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return out;
}
