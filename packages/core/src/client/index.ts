import { ValidationError } from '../errors/index.js';
import { ItemIterator, paginate, type IterateOptions, type PageIterator } from '../paginate/index.js';
import type { CallOptions, ExecuteResult, Executor } from '../transport/execute.js';
import { asTable, type OperationDescriptor, type OperationOutline, type OperationTable } from '../transport/operation.js';
import type { UnknownResultMember } from '../results/index.js';
import { createRequestMethod, type RequestMethod } from './request.js';

/** What every client has besides its generated methods: your own documents through the same executor. */
export interface OwnDocuments {
  /**
   * Runs your own document (TypedDocumentNode, codegen's TypedDocumentString, gql.tada, or a string) with
   * the client's auth, retries, timeouts and events; `request.all(doc, vars, { like: 'listSims' })` walks a list.
   */
  readonly request: RequestMethod;
}

/** Variables are optional exactly when the operation has no required variable. */
export type Args<V, O = CallOptions> = {} extends V ? [variables?: V, options?: O] : [variables: V, options?: O];

export interface OperationMethod<V, R> {
  (...args: Args<V>): Promise<R>;
  /** The result plus HTTP status, headers, request id and attempt count. */
  withResponse(...args: Args<V>): Promise<ExecuteResult<R>>;
  readonly operation: OperationDescriptor;
}

export interface UnionMethod<V, R, U> extends OperationMethod<V, R> {
  /**
   * Non-throwing form: resolves to the whole result union (success or error member) to match on `__typename`,
   * or an UnknownResultMember for a member this SDK version does not know.
   */
  result(...args: Args<V>): Promise<U | UnknownResultMember>;
}

/** Page variables: the cursor and page size become optional (the iterator manages them). */
export type PageVariables<V, K extends string> = Omit<V, K> & { [P in K & keyof V]?: V[P] | undefined };

export interface PaginatedMethod<V, R, Item, PV = V> extends OperationMethod<V, R> {
  /** Every item across every page, fetched lazily. */
  all(...args: Args<PV, IterateOptions>): ItemIterator<Item>;
  /** Every page, fetched lazily. */
  pages(...args: Args<PV, IterateOptions>): PageIterator<R>;
}

type AnyMethod = ((variables?: Record<string, unknown>, options?: CallOptions) => Promise<unknown>) & Record<string, unknown>;

/** Vendor rules checked before a request leaves (throw ValidationError); keyed by operation name. */
export type Validators = Record<string, (variables: Record<string, unknown>, emit: Executor['emit']) => void>;

/**
 * One method. Its descriptor is decoded on first use (a call, or a read of `.operation`); from then on a call
 * runs exactly the path it always did.
 */
function createMethod(executor: Executor, entry: OperationOutline, resolve: () => OperationDescriptor, validate: Validators[string] | undefined): AnyMethod {
  let op: OperationDescriptor | undefined;
  const descriptor = (): OperationDescriptor => op ?? (op = resolve());
  const run = validate
    ? (variables: Record<string, unknown> | undefined, options: CallOptions | undefined, mode?: 'union') => {
        try {
          validate(variables ?? {}, executor.emit);
        } catch (err) {
          return Promise.reject(err);
        }
        return executor.execute(op ?? descriptor(), variables, options, mode);
      }
    : (variables: Record<string, unknown> | undefined, options: CallOptions | undefined, mode?: 'union') => executor.execute(op ?? descriptor(), variables, options, mode);
  const method = (async (variables?: Record<string, unknown>, options?: CallOptions) => (await run(variables, options)).data) as AnyMethod;
  const extras: Record<string, unknown> = {
    withResponse: (variables?: Record<string, unknown>, options?: CallOptions) => run(variables, options),
  };
  if (entry.union) {
    extras.result = async (variables?: Record<string, unknown>, options?: CallOptions) => (await run(variables, options, 'union')).data;
  }
  if (entry.paginated) {
    const fetchPage = async (variables: Record<string, unknown>, options: CallOptions) => (await run(variables, options)).data;
    // Only a query is read ahead: a page the caller may never take must not be a mutation the server applied.
    const walk = (variables?: Record<string, unknown>, options?: IterateOptions) => {
      const d = descriptor();
      return paginate(d.pagination!, fetchPage, variables, d.kind === 'query' ? options : { ...options, readAhead: 0 }, d.name);
    };
    const pages = executor.telemetry
      ? (variables?: Record<string, unknown>, options?: IterateOptions) => {
          const d = descriptor();
          return executor.telemetry!.pages(d, d.pagination!, walk(variables, options));
        }
      : walk;
    extras.pages = pages;
    extras.all = (variables?: Record<string, unknown>, options?: IterateOptions) => new ItemIterator(pages(variables, options), descriptor().pagination!);
  }
  for (const [key, value] of Object.entries(extras)) Object.defineProperty(method, key, { value, enumerable: false });
  // The first read decodes; the getter then gives way to a plain read-only value.
  Object.defineProperty(method, 'operation', {
    get: () => {
      const value = descriptor();
      // A caller may have frozen the method (deep-freeze helpers recurse into functions): then it stays a getter.
      if (Object.getOwnPropertyDescriptor(method, 'operation')?.configurable) Object.defineProperty(method, 'operation', { value, configurable: false });
      return value;
    },
    configurable: true,
  });
  Object.defineProperty(method, 'name', { value: entry.path.join('.') });
  return method;
}

export interface BuildMethodsOptions {
  name?: string;
  validators?: Validators;
  /** The SDL the operations were generated from, loaded only when a tool (schema-check) asks for it. */
  schema?: () => Promise<string>;
}

/** What a client built by buildMethods keeps for whole-client tools. */
export interface ClientInternals {
  readonly executor: Executor;
  readonly operations: readonly OperationDescriptor[];
  readonly name: string;
  readonly schema: (() => Promise<string>) | undefined;
}

const CLIENT_INTERNALS = Symbol.for('@sdk/core.clientInternals');

/** The executor, operation table and schema loader behind a client built by buildMethods (undefined for anything else). */
export function clientInternals(client: unknown): ClientInternals | undefined {
  return client !== null && (typeof client === 'object' || typeof client === 'function') ? ((client as Record<symbol, ClientInternals | undefined>)[CLIENT_INTERNALS] ?? undefined) : undefined;
}

/**
 * Builds the method tree from the generated operation table: each operation sits at its data path
 * (`listSims`, `simcard.block`). When a query and a mutation namespace share a name (MyPhone's
 * `simcard`), the query is the callable and the mutations hang off it: `simcard({ id })`, `simcard.block(...)`.
 */
export function buildMethods<T>(executor: Executor, operations: readonly OperationDescriptor[] | OperationTable<any>, options: BuildMethodsOptions = {}): T {
  // A generated table decodes each operation on its first use.
  const table = asTable(operations);
  const root: Record<string, unknown> = {};
  // For tools that work on a whole client (schema-check): not enumerable, not part of the typed surface.
  const internals: ClientInternals = {
    executor,
    get operations() {
      return table.descriptors();
    },
    name: options.name ?? 'Client',
    schema: options.schema,
  };
  Object.defineProperty(root, CLIENT_INTERNALS, { value: internals });
  // What util.inspect and JSON.stringify show of a client: its kind and endpoint, never its credentials.
  const label = options.name ?? 'Client';
  Object.defineProperty(root, Symbol.for('nodejs.util.inspect.custom'), { value: () => `${label} { endpoint: '${executor.endpoint}' }` });
  Object.defineProperty(root, 'toJSON', { value: () => ({ client: label, endpoint: executor.endpoint }) });
  // A table also holds the subscriptions (served by the real-time client, not methods).
  const methods = table
    .outline()
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.kind !== 'subscription');
  if (methods.some(({ entry }) => entry.path.length === 1 && entry.path[0] === 'request')) throw new ValidationError('an operation maps to the reserved method name request');
  Object.defineProperty(root, 'request', { value: createRequestMethod(executor, table), enumerable: false });
  const sorted = methods.sort((a, b) => a.entry.path.length - b.entry.path.length);
  for (const { entry, index } of sorted) {
    let node: Record<string, unknown> = root;
    for (const key of entry.path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    const leaf = entry.path[entry.path.length - 1]!;
    const existing = node[leaf];
    if (existing !== undefined) {
      throw new ValidationError(`two operations map to the method ${entry.path.join('.')}`);
    }
    node[leaf] = createMethod(executor, entry, () => table.descriptor(index), options.validators?.[entry.name]);
  }
  return root as T;
}
