export { createWhereverClient, type WhereverClient, type WhereverClientOptions } from './client.js';
export * from './constants.js';
export type * from './generated/graphql.js';
export type { OperationTypes, WhereverMethods } from './generated/operations.js';
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
  ValidationError,
  type CallOptions,
  type IterateOptions,
  type Logger,
  type SdkEvent,
} from '@sdk/core';
