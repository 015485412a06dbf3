export * from './errors/index.js';
export { apiKeyAuth, type ApiKeyOptions } from './auth/api-key.js';
export { optionOrEnv, readEnv } from './auth/env.js';
export { noAuth, type AuthContext, type AuthStrategy } from './auth/types.js';
export { MIN_TOKEN_LIFETIME_MS, jwtClaim, requestTokens, tokenExpiry, type LifetimeInput, type TokenRequest, type TokenResponse } from './auth/token-request.js';
export { TokenManager, tokenAuth, type AuthEvent, type IssuedTokens, type TokenAuthOptions, type TokenEvent, type TokenWarningEvent, type TokenManagerOptions, type TokenProvider, type TokenSet } from './auth/token-manager.js';
export { createExecutor, type CallOptions, type ExecuteResult, type Executor, type ExecutorOptions, type ResponseMeta, type ResultMode } from './transport/execute.js';
export { DEFAULT_MAX_RESPONSE_BYTES, fetchTransport, readBoundedText, redirectErrorFor, type FetchLike, type HeadersLike, type Transport, type TransportRequest, type TransportResponse } from './transport/transport.js';
export { httpTransport, type HttpTransportOptions } from './transport/http-transport.js';
export { validateEndpoint } from './transport/options.js';
export { DEFAULT_RETRY, backoffDelay, retryAfterMs, sleep, type RetryOptions } from './transport/retry.js';
export type { MeterLike, TelemetryOptions, TracerLike } from './telemetry/index.js';
export { LOG_ENV, REQUEST_ID_HEADERS, ResponseInfo, envLogLevel, redact, type LogLevel, type Logger, type SdkEvent } from './transport/observability.js';
export { MIN_SECRET_LENGTH, REDACTED, SECRET_HISTORY, ShownHeaders, TEXT_LIMIT, capText, createScrubber, scrubText, secretForms, type JsonScrubOptions, type Scrubber } from './secrets/index.js';
export { CORE_VERSION } from './version.js';
export { bodyPrefixOf, operationTable, type OperationOutline, type OperationTable, type DataOf, type InputTypeTable, type Documented, type OpenEnum, type OpenResult, type OperationDescriptor, type OperationKind, type PaginationSpec, type SplitSpec, type ResultOf, type VariableBound, type VariablesOf } from './transport/operation.js';
export { validateVariables } from './transport/validate.js';
export { ItemIterator, PageIterator, pageItems, paginate, type IterateOptions, type PageFetcher, type PartitionState, type WalkStats } from './paginate/index.js';
export { isErrorMember, unwrapResult, type ErrorMember, type SuccessMember, type UnknownResultMember } from './results/index.js';
export { prepareOperation, type DocumentInput, type DocumentResult, type DocumentTypeDecoration, type DocumentVariables } from './transport/prepared.js';
export { type At, type ItemOfPage, type PageOf, type PaginateOptions, type RequestMethod, type RequestOptions, type UnionRequestOptions, type WalkVariables } from './client/request.js';
export { buildMethods, type OwnDocuments, type Validators, type Args, type OperationMethod, type PageVariables, type PaginatedMethod, type UnionMethod } from './client/index.js';
// realtime
export { createSubscriptionClient, realtimeUrlFor } from './realtime/index.js';
export type { RealtimeProtocol, ReconnectInfo, ReconnectOptions, SubscribeOptions, Subscription, SubscriptionClient, SubscriptionClientOptions, WebSocketConstructor, WebSocketLike } from './realtime/types.js';
// loads the checker on first call (vendor packages re-export it)
export { checkSchema, type MethodCheck, type SchemaCheckOptions, type SchemaCheckReport, type SchemaDrift } from './schema-check/lazy.js';
