/**
 * `client.request(document, variables?, options?)`: the caller's own document through the same executor as
 * the generated methods (auth, refresh and replay, retries and the mutation rule, timeouts, abort, events,
 * scrubbing). `request.all` / `request.pages` walk a custom list query with the generated strategies.
 * The document becomes an OperationDescriptor once (transport/prepared.ts); nothing here learns GraphQL.
 */
import { ValidationError } from '../errors/index.js';
import { ItemIterator, paginate, type IterateOptions, type PageIterator } from '../paginate/index.js';
import type { CallOptions, ExecuteResult, Executor } from '../transport/execute.js';
import { asTable, type OperationDescriptor, type OperationTable, type PaginationSpec } from '../transport/operation.js';
import { prepareOperation, type DocumentInput, type DocumentResult, type DocumentTypeDecoration, type DocumentVariables } from '../transport/prepared.js';
import type { PageVariables } from './index.js';

export interface RequestOptions extends CallOptions {
  /** Which operation to run when the document holds several. */
  operationName?: string | undefined;
}

/** Opt a union result into the generated methods' typed-error treatment: error members throw `ApiError`. */
export interface UnionRequestOptions<P extends readonly string[], E extends readonly string[]> extends RequestOptions {
  /** Where the result union sits in `data`, e.g. `['getAccount']`; the call then resolves to the value there. */
  path: P;
  /** The union's error typenames; by default those of the generated operation at the same path. */
  errorTypenames?: E | undefined;
}

export interface PaginateOptions<P extends readonly string[] | undefined = undefined> extends IterateOptions {
  operationName?: string | undefined;
  /**
   * Walk it like this generated list method: its strategy, page size, bounds and list field (`'listSims'`,
   * `'didService.dids'`, or the operation name `'ListSims'`). Your document selects the same list field.
   */
  like?: string | undefined;
  /** Where the page sits in `data` (default: `like`'s path), e.g. `['listSims']`. */
  path?: P;
  /** The strategy when no generated method fits, e.g. `{ style: 'cursor', afterVar: 'after', firstVar: 'first' }`. */
  pagination?: PaginationSpec | undefined;
}

/** The value at `P` inside `T` (each step through a nullable parent). */
export type At<T, P> = P extends readonly [infer H, ...infer Rest] ? At<NonNullable<T>[H & keyof NonNullable<T>], Rest> : T;
type Success<T, E> = [E] extends [never] ? T : Exclude<T, { __typename: E }>;
/** The page of a list document: at `P`, or the document's root field. */
export type PageOf<R, P> = [P] extends [readonly string[]] ? NonNullable<At<R, P>> : NonNullable<R[Exclude<keyof R, '__typename'>]>;
type Elem<T> = NonNullable<T> extends readonly (infer E)[] ? NonNullable<E> : never;
/** Items of a page: the page itself when it is a list, Relay `edges[].node`, else its list field. */
export type ItemOfPage<Page> = Page extends readonly unknown[]
  ? Elem<Page>
  : 'edges' extends keyof Page
    ? NonNullable<Elem<Page['edges' & keyof Page]> extends { node?: infer N } ? N : never>
    : { [K in keyof Page]-?: Elem<Page[K]> }[keyof Page];

type PagingVariables = 'nextToken' | 'limit' | 'first' | 'after' | 'offset';
/** Variables of a walk: paging variables are managed by the iterator. */
export type WalkVariables<V> = PageVariables<V, PagingVariables>;
type VarArgs<V, O> = {} extends V ? [variables?: V | undefined, options?: O] : [variables: V, options?: O];
/** Plain `DocumentNode`s (no type decoration) are accepted too; they give `unknown` results. */
type TypedDocument = DocumentTypeDecoration<any, any> | { readonly kind: 'Document' };

export interface RequestMethod {
  /** Runs a typed document; with `path`, resolves to the value there and throws `ApiError` for its error members. */
  <D extends TypedDocument, const P extends readonly string[], const E extends readonly string[] = []>(document: D, variables: DocumentVariables<D> | undefined, options: UnionRequestOptions<P, E>): Promise<Success<At<DocumentResult<D>, P>, E[number]>>;
  /** Runs a typed document (TypedDocumentNode, codegen's TypedDocumentString, gql.tada) and resolves to its `data`. */
  <D extends TypedDocument>(document: D, ...args: VarArgs<DocumentVariables<D>, RequestOptions>): Promise<DocumentResult<D>>;
  /** Runs a document string; give the data type as `R` (with `options.path`, the type of the value there). */
  <R = unknown, V extends Record<string, unknown> = Record<string, unknown>>(document: string, variables?: V, options?: RequestOptions | UnionRequestOptions<readonly string[], readonly string[]>): Promise<R>;

  /** The result plus HTTP status, headers, request id and attempt count. */
  withResponse<D extends TypedDocument, const P extends readonly string[], const E extends readonly string[] = []>(document: D, variables: DocumentVariables<D> | undefined, options: UnionRequestOptions<P, E>): Promise<ExecuteResult<Success<At<DocumentResult<D>, P>, E[number]>>>;
  withResponse<D extends TypedDocument>(document: D, ...args: VarArgs<DocumentVariables<D>, RequestOptions>): Promise<ExecuteResult<DocumentResult<D>>>;
  withResponse<R = unknown, V extends Record<string, unknown> = Record<string, unknown>>(document: string, variables?: V, options?: RequestOptions): Promise<ExecuteResult<R>>;

  /** Every item of a custom list document across pages: `request.all(doc, vars, { like: 'listSims' })`. */
  all<D extends TypedDocument, const P extends readonly string[] | undefined = undefined>(document: D, variables: WalkVariables<DocumentVariables<D>> | undefined, options: PaginateOptions<P>): ItemIterator<ItemOfPage<PageOf<DocumentResult<D>, P>>>;
  all<Item = unknown>(document: string, variables: Record<string, unknown> | undefined, options: PaginateOptions<readonly string[] | undefined>): ItemIterator<Item>;
  /** Every page of a custom list document (the value at the list field), fetched lazily. */
  pages<D extends TypedDocument, const P extends readonly string[] | undefined = undefined>(document: D, variables: WalkVariables<DocumentVariables<D>> | undefined, options: PaginateOptions<P>): PageIterator<PageOf<DocumentResult<D>, P>>;
  pages<Page = unknown>(document: string, variables: Record<string, unknown> | undefined, options: PaginateOptions<readonly string[] | undefined>): PageIterator<Page>;
}

function pathOf(path: unknown, field: string): string[] {
  const parts = typeof path === 'string' ? path.split('.') : path;
  if (!Array.isArray(parts) || parts.length === 0 || !parts.every((p) => typeof p === 'string' && p !== '')) {
    throw new ValidationError(`${field} must be a non-empty list of field names, e.g. ['listSims'], got ${JSON.stringify(path)}`, { field });
  }
  return parts;
}

const spellOut = (spec: PaginationSpec): string[] =>
  spec.style === 'nextToken' ? [spec.tokenVar, ...(spec.limitVar ? [spec.limitVar] : [])] : spec.style === 'cursor' ? [spec.afterVar, spec.firstVar] : [spec.offsetVar, spec.limitVar];

/** Builds `client.request` for one executor and the vendor's generated table (reused for `like` and error typenames). */
export function createRequestMethod(executor: Executor, source: readonly OperationDescriptor[] | OperationTable<any>): RequestMethod {
  // Indexed from the outline on first use (a `like` or `path` option); only the operation named is decoded.
  const table = asTable(source);
  const at = (i: number | undefined): OperationDescriptor | undefined => (i === undefined ? undefined : table.descriptor(i));
  let indexed: { byKey: Map<string, number>; byPath: Map<string, number>; lists: string[] } | undefined;
  const index = () => {
    if (indexed) return indexed;
    const byKey = new Map<string, number>();
    const byPath = new Map<string, number>();
    const lists: string[] = [];
    table.outline().forEach((op, i) => {
      if (op.kind === 'subscription') return;
      byKey.set(op.name, i);
      byKey.set(op.path.join('.'), i);
      if (op.union) byPath.set(op.path.join('.'), i);
      if (op.paginated) lists.push(op.path.join('.'));
    });
    return (indexed = { byKey, byPath, lists });
  };

  function descriptorFor(document: DocumentInput, options: RequestOptions | undefined): OperationDescriptor {
    const withPath = options as Partial<UnionRequestOptions<readonly string[], readonly string[]>> | undefined;
    if (withPath?.path === undefined) return prepareOperation(document, options?.operationName);
    const path = pathOf(withPath.path, 'options.path');
    const key = path.join('.');
    const table = withPath.errorTypenames === undefined ? at(index().byPath.get(key)) : undefined;
    const errorTypenames = withPath.errorTypenames ?? table?.errorTypenames;
    if (errorTypenames !== undefined && (!Array.isArray(errorTypenames) || !errorTypenames.every((t) => typeof t === 'string'))) {
      throw new ValidationError('options.errorTypenames must be a list of typenames', { field: 'options.errorTypenames' });
    }
    // Reusing the table's members reuses its success members too: a member newer than the SDK is never success.
    const fields = { path, ...(errorTypenames ? { errorTypenames } : {}), ...(table?.successTypenames ? { successTypenames: table.successTypenames } : {}) };
    return prepareOperation(document, options?.operationName, { key: `${key}|${table ? '*' : (errorTypenames?.join(',') ?? '')}`, fields });
  }

  const run = (document: DocumentInput, variables: Record<string, unknown> | undefined, options: RequestOptions | undefined): Promise<ExecuteResult<unknown>> => {
    let op: OperationDescriptor;
    try {
      op = descriptorFor(document, options);
      if (op.kind === 'subscription') throw new ValidationError(`${op.name} is a subscription; request() runs queries and mutations over HTTP`, { operationName: op.name, field: 'document' });
    } catch (err) {
      return Promise.reject(err);
    }
    return executor.execute(op, variables, options);
  };

  function walk(document: DocumentInput, variables: Record<string, unknown> | undefined, options: PaginateOptions<readonly string[] | undefined>): { pages: PageIterator<unknown>; spec: PaginationSpec } {
    if (!options || typeof options !== 'object') {
      throw new ValidationError("request.all/pages need options naming how to walk: { like: 'listSims' } or { path, pagination }", { field: 'options' });
    }
    const { like, path: givenPath, pagination, operationName, ...iterate } = options;
    let base: OperationDescriptor | undefined;
    if (like !== undefined) {
      base = typeof like === 'string' ? at(index().byKey.get(like)) : undefined;
      if (!base?.pagination) {
        const names = [...new Set(index().lists)];
        throw new ValidationError(`options.like: ${JSON.stringify(like)} is not a paginated method; use one of ${names.join(', ') || '(none)'}`, { field: 'options.like' });
      }
    }
    const spec = pagination ?? base?.pagination;
    if (!spec) throw new ValidationError("request.all/pages need options.like (a paginated method such as 'listSims') or options.pagination", { field: 'options.pagination' });
    if (!['nextToken', 'cursor', 'offset'].includes(spec.style)) throw new ValidationError(`options.pagination.style must be nextToken, cursor or offset, got ${JSON.stringify(spec.style)}`, { field: 'options.pagination.style' });
    const path = givenPath !== undefined ? pathOf(givenPath, 'options.path') : base ? [...base.path] : pathOf(givenPath, 'options.path');
    const samePath = base !== undefined && base.path.join('.') === path.join('.');
    const fields: Partial<OperationDescriptor> = {
      path,
      pagination: spec,
      ...(samePath && base!.bounds ? { bounds: base!.bounds } : {}),
      ...(samePath && base!.errorTypenames ? { errorTypenames: base!.errorTypenames } : {}),
      ...(samePath && base!.successTypenames ? { successTypenames: base!.successTypenames } : {}),
    };
    const op = prepareOperation(document, operationName, { key: `walk|${path.join('.')}|${JSON.stringify(spec)}|${samePath ? base!.name : ''}`, fields });
    // The iterator sends the paging variables: a document that does not declare them cannot be walked.
    const missing = spellOut(spec).filter((name) => op.variables && !op.variables.includes(name) && !(spec.style === 'nextToken' && name === spec.limitVar && spec.pageSize === undefined));
    if (missing.length > 0) {
      throw new ValidationError(`${op.name}: to be walked ${like ? `like ${like}` : `by ${spec.style}`} the document must declare ${missing.map((m) => '$' + m).join(' and ')}`, { operationName: op.name, field: 'document' });
    }
    const fetchPage = async (vars: Record<string, unknown>, call: CallOptions) => (await executor.execute(op, vars, call)).data;
    return { pages: paginate(spec, fetchPage, variables, iterate as IterateOptions, op.name), spec };
  }

  const request = (async (document: DocumentInput, variables?: Record<string, unknown>, options?: RequestOptions) => (await run(document, variables, options)).data) as unknown as RequestMethod;
  const extras = {
    withResponse: (document: DocumentInput, variables?: Record<string, unknown>, options?: RequestOptions) => run(document, variables, options),
    pages: (document: DocumentInput, variables: Record<string, unknown> | undefined, options: PaginateOptions<readonly string[] | undefined>) => walk(document, variables, options).pages,
    all: (document: DocumentInput, variables: Record<string, unknown> | undefined, options: PaginateOptions<readonly string[] | undefined>) => {
      const { pages, spec } = walk(document, variables, options);
      return new ItemIterator(pages, spec);
    },
  };
  for (const [key, value] of Object.entries(extras)) Object.defineProperty(request, key, { value, enumerable: false });
  return request;
}
