/**
 * A precompiled GraphQL operation, emitted by the codegen plugin (tools/codegen). The document is
 * minified at build time; the fixed part of the JSON body is built once per operation on first use
 * (bodyPrefixOf), so a request only appends `JSON.stringify(variables)`.
 */

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** How to walk a list operation. `pageSize` is the default page size when the caller gives none. */
export type PaginationSpec =
  | { style: 'nextToken'; items: string; next: string; tokenVar: string; limitVar?: string; pageSize?: number; split?: SplitSpec }
  | { style: 'cursor'; afterVar: string; firstVar: string; pageSize?: number }
  /** `items: ''` when the result is the list itself; without `count` the walk stops on a short page. */
  | { style: 'offset'; items: string; count?: string; offsetVar: string; limitVar: string; pageSize?: number };

/**
 * A key that splits a list into disjoint parts (declared per vendor in codegen.ts), for partitioned walks
 * and segments: `prefix` filters by `{ beginsWith }` on `filter` (a dotted variable path, e.g. `filter.iccid`).
 */
export interface SplitSpec {
  style: 'prefix';
  /** Dotted path of the key's filter input in the variables, e.g. `filter.iccid`. */
  filter: string;
  /** The key's field on an item, e.g. `iccid`. */
  field: string;
  /** Dotted path of the order variable for the key, e.g. `order.iccid` (values `asc`/`desc`). */
  order?: string;
  /** Page field with the total for the filter, e.g. `totalSims` (checks that a split lost nothing). */
  count?: string;
  /** Characters keys are made of, in order, e.g. `0123456789` for ICCIDs. */
  alphabet: string;
}

export interface VariableBound {
  /** Variable name, e.g. `limit`. */
  name: string;
  min?: number;
  max?: number;
  /** Maximum list length, e.g. 1000 ICCIDs. Applies to `name` as a dotted path into the variables. */
  maxItems?: number;
}

/**
 * The input side of a vendor's schema, as compact as the validator needs it (emitted by codegen, shared by
 * every operation of the vendor). Type references are printed GraphQL types: `String!`, `[SimFilterInput]`.
 */
export interface InputTypeTable {
  /** Input object types: field name → type reference; a leading `?` marks a non-null field with a default. */
  readonly inputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Enum types and their values. */
  readonly enums?: Readonly<Record<string, readonly string[]>>;
  /**
   * Custom scalars → how their values are checked: `safeInteger`, `decimal`, `string`, `date`, `dateTime`,
   * `isoDate`, `email`, `url`, `jsonString`, `json` (any JSON value), `oneOf:a,b` (one of these strings).
   */
  readonly scalars?: Readonly<Record<string, string>>;
}

/**
 * An output enum as the API may send it: a known value, or one added after this SDK was generated.
 * Autocompletion still offers the known values.
 */
export type OpenEnum<T extends string> = T | (string & {});

/**
 * A result type as the API may send it tomorrow: every output enum (a string-literal union) also admits
 * values added after this SDK was generated. `__typename` stays exact so unions still narrow; plain
 * `string`, numbers and booleans are unchanged; field documentation is kept (homomorphic mapping).
 */
export type OpenResult<T> = T extends string
  ? string extends T
    ? T
    : OpenEnum<T>
  : T extends readonly unknown[]
    ? { [K in keyof T]: OpenResult<T[K]> }
    : T extends object
      ? { [K in keyof T]: K extends '__typename' ? T[K] : OpenResult<T[K]> }
      : T;

/**
 * A generated result type with the SDL's field descriptions attached (for hovers) and output enums opened
 * like OpenResult. `D` is the generated documentation interface of the result's GraphQL type (a union of
 * them for a union, matched on `__typename`); it changes no property type, only where hovers find docs.
 */
export type Documented<T, D> = T extends string
  ? string extends T
    ? T
    : OpenEnum<T>
  : T extends readonly unknown[]
    ? { [K in keyof T]: Documented<T[K], D> }
    : T extends object
      ? Flatten<DocumentedFields<T, T extends { __typename: infer N } ? ([Extract<D, { __typename: N }>] extends [never] ? D : Extract<D, { __typename: N }>) : D>>
      : T;
type DocumentedFields<T, D> = PickDocumented<D, keyof T & keyof D, T> & { [K in Exclude<keyof T, keyof D>]: K extends '__typename' ? T[K] : OpenResult<T[K]> };
/** Mapped over keys of D (as Pick is), so each property keeps D's declaration and with it the description. */
type PickDocumented<D, K extends keyof D, T> = { [P in K]: P extends '__typename' ? T[P & keyof T] : Documented<T[P & keyof T], D[P]> };
/** Homomorphic, so the properties keep their declarations (and documentation). */
type Flatten<T> = { [K in keyof T]: T[K] };

export interface OperationDescriptor<TData = unknown, TVariables = Record<string, unknown>, TResult = unknown> {
  readonly name: string;
  readonly kind: OperationKind;
  /** The minified document (operation + the fragments it uses). */
  readonly document: string;
  /** `{"operationName":"X","query":"…","variables":`; computed by bodyPrefixOf when absent. */
  bodyPrefix?: string;
  /** Field path from `data` to the method's result, e.g. `['simcard', 'block']`. */
  readonly path: readonly string[];
  /** Typenames of the result union's error members, when the result is a union. */
  readonly errorTypenames?: readonly string[];
  /** Typenames of the result union's success members; any other typename is an UnexpectedResultError. */
  readonly successTypenames?: readonly string[];
  readonly pagination?: PaginationSpec;
  /** Every variable the operation declares; others are rejected before sending (untyped callers' typos). */
  readonly variables?: readonly string[];
  /** Variables that must be given (non-null, no default). */
  readonly required?: readonly string[];
  readonly bounds?: readonly VariableBound[];
  /** Declared GraphQL type of each variable (`"SimFilterInput"`, `"Int!"`); checked before sending. */
  readonly variableTypes?: Readonly<Record<string, string>>;
  /** The vendor's input types, enums and custom scalars the variable types refer to. */
  readonly types?: InputTypeTable;
  /** Phantom types only: never set at runtime. */
  readonly __types?: { data: TData; variables: TVariables; result: TResult };
}

/** Body prefixes of descriptors a caller froze (a deep-freeze helper reaches them through `method.operation`). */
const frozenPrefixes = new WeakMap<OperationDescriptor, string>();

/** The fixed start of the request body, built once per operation and kept on it. */
export function bodyPrefixOf(op: OperationDescriptor): string {
  return op.bodyPrefix ?? keepPrefix(op);
}

const prefixBytes = new WeakMap<OperationDescriptor, { prefix: string; bytes: number }>();

/** The UTF-8 length of `prefix` (the operation's `bodyPrefixOf`), counted once per operation and prefix. */
export function bodyPrefixBytesOf(op: OperationDescriptor, prefix: string): number {
  let counted = prefixBytes.get(op);
  if (counted === undefined || counted.prefix !== prefix) prefixBytes.set(op, (counted = { prefix, bytes: Buffer.byteLength(prefix) }));
  return counted.bytes;
}

function keepPrefix(op: OperationDescriptor): string {
  let prefix = frozenPrefixes.get(op);
  if (prefix !== undefined) return prefix;
  prefix = `${JSON.stringify({ operationName: op.name, query: op.document }).slice(0, -1)},"variables":`;
  if (Object.isExtensible(op)) op.bodyPrefix = prefix;
  else frozenPrefixes.set(op, prefix);
  return prefix;
}

/** What building a client's method tree needs of an operation, read without decoding the table. */
export interface OperationOutline {
  readonly name: string;
  readonly kind: OperationKind;
  /** The method's path, e.g. `['simcard', 'block']`. */
  readonly path: readonly string[];
  /** The result is a union with error members (the method gets `.result()`). */
  readonly union: boolean;
  /** A list operation (the method gets `.all()` and `.pages()`). */
  readonly paginated: boolean;
}

/**
 * A vendor's generated operations. Codegen emits the data as one string (V8 scans a string literal far faster
 * than it parses object literals and builds them at import); each operation is decoded on its first use (its
 * method's first call, or a read of its descriptor), so a call pays only for its own operation.
 */
export interface OperationTable<D = Record<string, OperationDescriptor>> {
  /** Every operation in table order: queries and mutations, then subscriptions (nothing decoded). */
  outline(): readonly OperationOutline[];
  /** The descriptor of `outline()[index]`, decoded the first time and the same object after. */
  descriptor(index: number): OperationDescriptor;
  /** The descriptors of the queries and mutations, in table order (decodes them all). */
  descriptors(): readonly OperationDescriptor[];
  /** One operation's descriptor (subscriptions too). */
  get<K extends keyof D & string>(name: K): D[K];
}

/** A generated table as is; hand-made descriptors as a table of what they already are. */
export function asTable(operations: readonly OperationDescriptor[] | OperationTable<any>): OperationTable<any> {
  if (!Array.isArray(operations)) return operations as OperationTable<any>;
  const list = operations as readonly OperationDescriptor[];
  // Truthiness, as the methods were built before the outline: descriptors loaded from JSON may hold null.
  const outline = list.map((op) => ({ name: op.name, kind: op.kind, path: op.path, union: Boolean(op.errorTypenames), paginated: Boolean(op.pagination) }));
  return { outline: () => outline, descriptor: (i) => list[i]!, descriptors: () => list, get: (name) => list.find((op) => op.name === name) };
}

const KINDS: Record<string, OperationKind> = { q: 'query', m: 'mutation', s: 'subscription' };

/** Freezes decoded JSON (plain objects and arrays) all the way down. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * The table codegen emits. `outline` holds `Name kind path flags` per operation, `;`-separated (kind q/m/s;
 * flags `u` union result, `p` list). `data` holds a line of part boundaries (offsets in `data`, base 36,
 * comma-separated), then the parts back to back as JSON texts: the input-type table, each fragment's text
 * (stored once), each descriptor in outline order without the name, kind and path the outline holds and the variables
 * `variableTypes` lists, its document as `[operation text, ...fragment indices]`.
 * Only the parts an operation needs are sliced out and parsed.
 */
export function operationTable<D = Record<string, OperationDescriptor>>(outline: string, data: string): OperationTable<D> {
  let entries: OperationOutline[] | undefined;
  let bounds: string[] | undefined;
  let typeTable: InputTypeTable | undefined;
  const fragments: string[] = [];
  const decoded: OperationDescriptor[] = [];
  let methods: OperationDescriptor[] | undefined;
  const outlined = (): OperationOutline[] =>
    (entries ??= outline
      ? outline.split(';').map((line) => {
          const [name, kind, path, flags = ''] = line.split(' ') as [string, string, string, string?];
          return { name, kind: KINDS[kind]!, path: path.split('.'), union: flags.includes('u'), paginated: flags.includes('p') };
        })
      : []);
  const boundaries = (): string[] => (bounds ??= data.slice(0, data.indexOf('\n')).split(','));
  const part = (k: number): unknown => JSON.parse(data.slice(parseInt(boundaries()[k]!, 36), parseInt(boundaries()[k + 1]!, 36)));
  // One object for the vendor (the validator compiles it once), parsed when a variable first names an input
  // type, enum or custom scalar: operations taking only built-in scalars never parse it.
  const parsedTypes = (): InputTypeTable => (typeTable ??= deepFreeze(part(0) as InputTypeTable));
  const types: InputTypeTable = Object.freeze({
    get inputs() {
      return parsedTypes().inputs;
    },
    get enums() {
      return parsedTypes().enums;
    },
    get scalars() {
      return parsedTypes().scalars;
    },
  });
  const descriptor = (index: number): OperationDescriptor => {
    const cached = decoded[index];
    if (cached) return cached;
    const count = outlined().length;
    if (!(index >= 0 && index < count)) throw new RangeError(`no generated operation at ${index}`);
    const raw = part(boundaries().length - 1 - count + index) as { document: Array<string | number>; variableTypes: Record<string, string> };
    const { name, kind, path } = entries![index]!;
    // The fields in the order the generator declares them (name and path come from the outline).
    const op: { document: unknown } = Object.assign({ name, kind, document: '' as unknown, path, variables: Object.keys(raw.variableTypes) }, raw, { types });
    let document = raw.document[0] as string;
    for (let i = 1; i < raw.document.length; i++) document += fragments[raw.document[i] as number] ??= part(1 + (raw.document[i] as number)) as string;
    op.document = document;
    // Every client of the vendor in the process shares this object: frozen (with its body prefix built), so one
    // caller's edit of `method.operation` cannot change what another client validates or sends.
    bodyPrefixOf(op as unknown as OperationDescriptor);
    return (decoded[index] = deepFreeze(op) as unknown as OperationDescriptor);
  };
  return {
    outline: outlined,
    descriptor,
    descriptors: () => (methods ??= outlined().flatMap((entry, index) => (entry.kind === 'subscription' ? [] : [descriptor(index)]))),
    get: <K extends keyof D & string>(name: K): D[K] => {
      const index = outlined().findIndex((entry) => entry.name === name);
      if (index < 0) throw new Error(`no generated operation named ${name}`);
      return descriptor(index) as D[K];
    },
  };
}

export type DataOf<O> = O extends OperationDescriptor<infer D, any, any> ? D : never;
export type VariablesOf<O> = O extends OperationDescriptor<any, infer V, any> ? V : never;
export type ResultOf<O> = O extends OperationDescriptor<any, any, infer R> ? R : never;
