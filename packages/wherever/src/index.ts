export { createWhereverClient, type WhereverBatchJobs, type WhereverClient, type WhereverClientOptions } from './client.js';
export type { UpdatedBatchJobPayload, UpdatedSimEventPayload, UpdatedSimPayload, WhereverRealtimeOptions, WhereverSubscriptions } from './subscriptions.js';
export type { BatchJobProgress, BatchJobSimFailure, WaitForBatchJobOptions, WaitForBatchJobResult } from './batch-jobs.js';
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
  type ReconnectInfo,
  type SubscribeOptions,
  type Subscription,
  type Logger,
  type SdkEvent,
  type DocumentTypeDecoration,
  type PaginateOptions,
  type RequestMethod,
  type RequestOptions,
  type UnionRequestOptions,
} from '@sdk/core';
// Which methods the live endpoint still accepts (loads the checker and `graphql` on first use).
export { checkSchema, type MethodCheck, type SchemaCheckOptions, type SchemaCheckReport, type SchemaDrift } from '@sdk/core';
