/**
 * `@sdk/core/schema-check`: which of a client's methods the live endpoint still accepts.
 *
 * It introspects the client's own endpoint through the client's executor (its auth, retries, timeouts and
 * secret scrubbing), validates every generated operation document against the live schema, and lists what
 * the live API has beyond the schema the SDK was generated from, on the types each document reaches.
 * `graphql` (an optional peer dependency) is loaded on the first call only.
 */
import type * as GraphQL from 'graphql';
import { clientInternals, type ClientInternals } from '../client/index.js';
import { GraphQLResponseError, SdkError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../transport/execute.js';
import type { OperationDescriptor } from '../transport/operation.js';

export interface SchemaCheckOptions extends Pick<CallOptions, 'signal' | 'timeoutMs' | 'deadlineMs' | 'headers'> {
  /** Check against this schema (SDL or an introspection result's `data`) instead of introspecting the endpoint. */
  liveSchema?: string | { __schema: unknown };
}

/** What the live API has beyond the SDK's schema, on the types a document reaches. */
export interface SchemaDrift {
  /** `Type.field` present live, absent from the SDK's schema, on a type the document selects from. */
  newFields: string[];
  /** `Abstract.Member`: a live union member / interface implementation the SDK does not know (its data comes back as `{ __typename }` only). */
  newMembers: string[];
  /** `Enum.VALUE`: a live value of an enum the document selects, unknown to the SDK. */
  newEnumValues: string[];
}

export interface MethodCheck {
  /** Method path on the client, e.g. `simcard.block`. */
  method: string;
  operation: string;
  kind: OperationDescriptor['kind'];
  accepted: boolean;
  /** The live schema's validation messages when rejected. */
  errors: string[];
  drift: SchemaDrift;
}

export interface SchemaCheckReport {
  client: string;
  endpoint: string;
  /** `checked`, or `introspection-disabled` (then `methods` is empty and `message` says what to do). */
  status: 'checked' | 'introspection-disabled';
  message?: string;
  methods: MethodCheck[];
  /** Method paths the live schema accepts / rejects. */
  accepted: string[];
  rejected: string[];
  /** A readable report (also what `String(report)` gives). */
  summary: string;
}

type GraphQLModule = typeof GraphQL;

async function loadGraphQL(): Promise<GraphQLModule> {
  try {
    return await import('graphql');
  } catch (cause) {
    throw new SdkError('checkSchema needs the `graphql` package (an optional peer dependency): npm install graphql', { cause });
  }
}

const INTROSPECTION_REFUSED = /introspect|__schema|__type\b/i;

/**
 * Checks every method of a client against its live endpoint.
 *
 * ```ts
 * const report = await checkSchema(client);
 * console.log(report.summary);
 * if (report.rejected.length) process.exitCode = 1;
 * ```
 */
export async function checkSchema(client: unknown, options: SchemaCheckOptions = {}): Promise<SchemaCheckReport> {
  const internals = clientInternals(client);
  if (!internals) throw new ValidationError('checkSchema needs a client created by an @sdk vendor package (createTotogiClient, …)', { field: 'client' });
  if (options === null || typeof options !== 'object') throw new ValidationError('checkSchema options must be an object', { field: 'options' });
  const gql = await loadGraphQL();
  const { liveSchema: given, ...call } = options;

  let live: GraphQL.GraphQLSchema;
  if (given !== undefined) {
    try {
      live = typeof given === 'string' ? gql.buildSchema(given) : gql.buildClientSchema(given as unknown as GraphQL.IntrospectionQuery);
    } catch (cause) {
      throw new ValidationError(`liveSchema is not a valid schema: ${(cause as Error).message}`, { field: 'liveSchema', cause });
    }
  } else {
    const fetched = await introspect(gql, internals, call);
    if (typeof fetched === 'string') return finish(internals, 'introspection-disabled', [], fetched);
    live = fetched;
  }
  const ours = internals.schema ? gql.buildSchema(await internals.schema()) : undefined;
  const methods = internals.operations.map((op) => checkOperation(gql, live, ours, op));
  return finish(internals, 'checked', methods);
}

async function introspect(gql: GraphQLModule, internals: ClientInternals, call: CallOptions): Promise<GraphQL.GraphQLSchema | string> {
  const op: OperationDescriptor = {
    name: 'IntrospectionQuery',
    kind: 'query',
    document: gql.stripIgnoredCharacters(gql.getIntrospectionQuery({ descriptions: false })),
    path: [],
  };
  const refused = (why: string) =>
    `${internals.executor.endpoint} refused introspection (${why}). Ask the vendor to enable it for your credentials, or pass the schema you have: checkSchema(client, { liveSchema: sdl }).`;
  let data: { __schema?: unknown } | null | undefined;
  try {
    data = (await internals.executor.execute<{ __schema?: unknown }>(op, {}, call)).data;
  } catch (err) {
    // Errors from the executor are already scrubbed of credentials.
    if (err instanceof GraphQLResponseError && err.errors.some((e) => INTROSPECTION_REFUSED.test(String(e.message)))) {
      return refused(err.errors.map((e) => String(e.message)).join('; '));
    }
    throw err;
  }
  if (!data || typeof data !== 'object' || !data.__schema) return refused('the response has no __schema');
  try {
    return gql.buildClientSchema(data as unknown as GraphQL.IntrospectionQuery);
  } catch (cause) {
    // A broken introspection result is the server's fault, not the caller's: say which endpoint and why.
    throw new SdkError(`${internals.executor.endpoint} answered introspection with something that is not a schema: ${(cause as Error).message}`, { operationName: 'IntrospectionQuery', cause });
  }
}

function checkOperation(gql: GraphQLModule, live: GraphQL.GraphQLSchema, ours: GraphQL.GraphQLSchema | undefined, op: OperationDescriptor): MethodCheck {
  const doc = gql.parse(op.document);
  const errors = gql.validate(live, doc).map((e) => e.message);
  // graphql-js 16 does not validate that the root type exists (a leaf mutation would pass against a schema without Mutation).
  for (const def of doc.definitions) {
    if (def.kind === gql.Kind.OPERATION_DEFINITION && !live.getRootType(def.operation)) errors.unshift(`The live schema has no ${def.operation} type.`);
  }
  return { method: op.path.join('.'), operation: op.name, kind: op.kind, accepted: errors.length === 0, errors, drift: ours ? driftOf(gql, live, ours, doc) : { newFields: [], newMembers: [], newEnumValues: [] } };
}

/** Walks the document over the live schema; compares each type it reaches with the SDK's own schema. */
function driftOf(gql: GraphQLModule, live: GraphQL.GraphQLSchema, ours: GraphQL.GraphQLSchema, doc: GraphQL.DocumentNode): SchemaDrift {
  const selectedTypes = new Set<string>();
  const enums = new Set<string>();
  const info = new gql.TypeInfo(live);
  gql.visit(
    doc,
    gql.visitWithTypeInfo(info, {
      SelectionSet() {
        const parent = info.getParentType();
        if (parent) selectedTypes.add(parent.name);
      },
      Field() {
        const type = info.getType();
        const named = type ? gql.getNamedType(type) : undefined;
        if (named && gql.isEnumType(named)) enums.add(named.name);
      },
    }),
  );
  const newFields: string[] = [];
  const newMembers: string[] = [];
  const newEnumValues: string[] = [];
  for (const name of [...selectedTypes].sort()) {
    const liveType = live.getType(name);
    const ourType = ours.getType(name);
    if (!liveType || !ourType) continue;
    if ((gql.isObjectType(liveType) || gql.isInterfaceType(liveType)) && (gql.isObjectType(ourType) || gql.isInterfaceType(ourType))) {
      const known = ourType.getFields();
      for (const field of Object.keys(liveType.getFields())) if (!(field in known)) newFields.push(`${name}.${field}`);
    }
    if (gql.isAbstractType(liveType) && gql.isAbstractType(ourType)) {
      const known = new Set(ours.getPossibleTypes(ourType).map((t) => t.name));
      for (const member of live.getPossibleTypes(liveType)) if (!known.has(member.name)) newMembers.push(`${name}.${member.name}`);
    }
  }
  for (const name of [...enums].sort()) {
    const liveType = live.getType(name);
    const ourType = ours.getType(name);
    if (!gql.isEnumType(liveType) || !gql.isEnumType(ourType)) continue;
    const known = new Set(ourType.getValues().map((v) => v.name));
    for (const value of liveType.getValues()) if (!known.has(value.name)) newEnumValues.push(`${name}.${value.name}`);
  }
  return { newFields, newMembers, newEnumValues };
}

function finish(internals: ClientInternals, status: SchemaCheckReport['status'], methods: MethodCheck[], message?: string): SchemaCheckReport {
  const accepted = methods.filter((m) => m.accepted).map((m) => m.method);
  const rejected = methods.filter((m) => !m.accepted).map((m) => m.method);
  const report: SchemaCheckReport = {
    client: internals.name,
    endpoint: internals.executor.endpoint,
    status,
    ...(message === undefined ? {} : { message }),
    methods,
    accepted,
    rejected,
    summary: '',
  };
  report.summary = summarize(report);
  Object.defineProperty(report, 'toString', { value: () => report.summary, enumerable: false });
  return report;
}

function summarize(r: SchemaCheckReport): string {
  if (r.status === 'introspection-disabled') return `${r.client} schema check: ${r.message}`;
  const lines = [`${r.client} schema check against ${r.endpoint}: ${r.methods.length} methods, ${r.accepted.length} accepted, ${r.rejected.length} rejected.`];
  const driftText = (d: SchemaDrift) =>
    [d.newFields.length ? `new fields ${d.newFields.join(', ')}` : '', d.newMembers.length ? `new members ${d.newMembers.join(', ')}` : '', d.newEnumValues.length ? `new enum values ${d.newEnumValues.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
  for (const m of [...r.methods].sort((a, b) => Number(a.accepted) - Number(b.accepted) || a.method.localeCompare(b.method))) {
    const drift = driftText(m.drift);
    if (m.accepted && !drift) continue;
    lines.push(`${m.accepted ? '  ok      ' : '  REJECTED'} ${m.method} (${m.operation})${drift ? ` — live has ${drift}` : ''}`);
    for (const e of m.errors) lines.push(`             ${e}`);
  }
  const quiet = r.methods.filter((m) => m.accepted && !driftText(m.drift)).length;
  if (quiet) lines.push(`  ok       ${quiet} more method(s), nothing new on the types they select.`);
  return lines.join('\n');
}
