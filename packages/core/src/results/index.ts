/**
 * Union results (e.g. Totogi's `AccountResult = Account | AccountNotFound | RateLimitExceeded`):
 * error members are the ones that carry `errorCode`; the codegen plugin lists their typenames per
 * operation from the SDL. The executor classifies every union result with isErrorMember; unwrapResult is
 * for data you fetched yourself.
 */
import { ApiError, type ErrorContext } from '../errors/index.js';

export type Typename<T> = T extends { __typename?: infer N } ? N : never;

/** The success member(s) of a union: every member whose typename is not an error typename. */
export type SuccessMember<TUnion, TErrorTypenames extends string> = Exclude<TUnion, { __typename?: TErrorTypenames }>;
/** The error member(s) of a union. */
export type ErrorMember<TUnion, TErrorTypenames extends string> = Extract<TUnion, { __typename?: TErrorTypenames }>;

export function isErrorMember(value: unknown, errorTypenames: readonly string[]): value is { __typename: string; errorCode?: string } {
  const typename = (value as { __typename?: unknown } | null)?.__typename;
  return typeof typename === 'string' && errorTypenames.includes(typename);
}

/** Returns the success member, or throws the error member as an ApiError. For data you fetched yourself (not scrubbed). */
export function unwrapResult<T>(value: T, errorTypenames: readonly string[], context: ErrorContext = {}): T {
  if (isErrorMember(value, errorTypenames)) throw new ApiError(value, context);
  return value;
}
