import { isApiError as isAnyApiError, type ApiError } from '@sdk/core';
import type { ApiErrorMembers, ApiErrorTypename } from './generated/operations.js';

export { createTotogiClient, TOTOGI_RETRYABLE_RESULTS, type TotogiAuthOptions, type TotogiClient, type TotogiClientOptions, type TotogiTokenProviderAuth } from './client.js';
export { TOTOGI_ENV, cognitoSecretHash, createCognitoTokenManager, type CognitoAuthOptions, type CognitoTokenType } from './auth.js';
export * from './constants.js';
export type * from './generated/graphql.js';
export { API_ERROR_TYPENAMES, type ApiErrorMembers, type ApiErrorTypename, type OperationTypes, type TotogiMethods } from './generated/operations.js';
export {
  AbortError,
  ApiError,
  AuthError,
  ConnectionError,
  GraphQLResponseError,
  HttpError,
  PaginationError,
  SdkError,
  TimeoutError,
  TokenManager,
  ValidationError,
  type CallOptions,
  type IterateOptions,
  type Logger,
  type SdkEvent,
  type DocumentTypeDecoration,
  type PaginateOptions,
  type RequestMethod,
  type RequestOptions,
  type UnionRequestOptions,
  type TokenEvent,
  type TokenProvider,
  type TokenSet,
} from '@sdk/core';

/**
 * Narrows an unknown error to a Totogi error member thrown as ApiError, optionally of one typename;
 * the member's own fields (e.g. `accountId` of AccountNotFound) are then typed on the error.
 *
 * ```ts
 * try { await totogi.getAccount({ providerId, accountId }); }
 * catch (err) { if (isApiError(err, 'AccountNotFound')) console.log(err.accountId, err.errorCode); }
 * ```
 */
export function isApiError<T extends ApiErrorTypename = ApiErrorTypename>(err: unknown, typename?: T): err is ApiError<T> & ApiErrorMembers[T] {
  return isAnyApiError(err, typename);
}
// Which methods the live endpoint still accepts (loads the checker and `graphql` on first use).
export { checkSchema, type MethodCheck, type SchemaCheckOptions, type SchemaCheckReport, type SchemaDrift } from '@sdk/core';
