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

/**
 * What `.result()` returns for a union member this SDK version does not know (the API added it after
 * generation, e.g. `AccountLocked`). Its `__typename` is this fixed literal, so a `switch` on `__typename`
 * still narrows the known members; `typename` is what the server sent and `member` the member itself.
 */
export interface UnknownResultMember {
  readonly __typename: 'UnknownResultMember';
  /** The typename the server sent, e.g. `AccountLocked`. */
  readonly typename: string;
  /** The member as received. */
  readonly member: Readonly<Record<string, unknown>>;
}

export function unknownMember(typename: string, member: Record<string, unknown>): UnknownResultMember {
  return { __typename: 'UnknownResultMember', typename, member };
}
