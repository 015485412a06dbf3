/**
 * A precompiled GraphQL operation, emitted by the codegen plugin (tools/codegen). The document is
 * minified at build time; the fixed part of the JSON body is built once per operation on first use
 * (bodyPrefixOf), so a request only appends `JSON.stringify(variables)`.
 */

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** How to walk a list operation. `pageSize` is the default page size when the caller gives none. */
export type PaginationSpec =
  | { style: 'nextToken'; items: string; next: string; tokenVar: string; limitVar?: string; pageSize?: number }
  | { style: 'cursor'; afterVar: string; firstVar: string; pageSize?: number }
  /** `items: ''` when the result is the list itself; without `count` the walk stops on a short page. */
  | { style: 'offset'; items: string; count?: string; offsetVar: string; limitVar: string; pageSize?: number };

export interface VariableBound {
  /** Variable name, e.g. `limit`. */
  name: string;
  min?: number;
  max?: number;
  /** Maximum list length, e.g. 1000 ICCIDs. Applies to `name` as a dotted path into the variables. */
  maxItems?: number;
}

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
  /** Phantom types only: never set at runtime. */
  readonly __types?: { data: TData; variables: TVariables; result: TResult };
}

/** The fixed start of the request body, built once per operation and kept on it. */
export function bodyPrefixOf(op: OperationDescriptor): string {
  return (op.bodyPrefix ??= `${JSON.stringify({ operationName: op.name, query: op.document }).slice(0, -1)},"variables":`);
}

export type DataOf<O> = O extends OperationDescriptor<infer D, any, any> ? D : never;
export type VariablesOf<O> = O extends OperationDescriptor<any, infer V, any> ? V : never;
export type ResultOf<O> = O extends OperationDescriptor<any, any, infer R> ? R : never;
