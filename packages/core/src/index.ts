export * from './errors/index.js';
export { apiKeyAuth, type ApiKeyOptions } from './auth/api-key.js';
export { noAuth, type AuthContext, type AuthStrategy } from './auth/types.js';
export { requestTokens, type TokenRequest, type TokenResponse } from './auth/token-request.js';
export { TokenManager, tokenAuth, type TokenAuthOptions, type TokenEvent, type TokenManagerOptions, type TokenProvider, type TokenSet } from './auth/token-manager.js';
export { createExecutor, type CallOptions, type ExecuteResult, type Executor, type ExecutorOptions, type ResponseMeta, type ResultMode } from './transport/execute.js';
export { DEFAULT_MAX_RESPONSE_BYTES, fetchTransport, readBoundedText, redirectErrorFor, type FetchLike, type HeadersLike, type Transport, type TransportRequest, type TransportResponse } from './transport/transport.js';
export { httpTransport, type HttpTransportOptions } from './transport/http-transport.js';
export { validateEndpoint } from './transport/options.js';
export { DEFAULT_RETRY, backoffDelay, retryAfterMs, sleep, type RetryOptions } from './transport/retry.js';
export { redact, type LogLevel, type Logger, type SdkEvent } from './transport/observability.js';
export { bodyPrefixOf, type DataOf, type OperationDescriptor, type OperationKind, type PaginationSpec, type ResultOf, type VariableBound, type VariablesOf } from './transport/operation.js';
export { ItemIterator, PageIterator, pageItems, paginate, type IterateOptions, type PageFetcher } from './paginate/index.js';
export { isErrorMember, unwrapResult, type ErrorMember, type SuccessMember, type UnknownResultMember } from './results/index.js';
export { buildMethods, type Validators, type Args, type OperationMethod, type PageVariables, type PaginatedMethod, type UnionMethod } from './client/index.js';
// realtime
export { createSubscriptionClient, realtimeUrlFor } from './realtime/index.js';
export type { RealtimeProtocol, ReconnectInfo, ReconnectOptions, SubscribeOptions, Subscription, SubscriptionClient, SubscriptionClientOptions, WebSocketConstructor, WebSocketLike } from './realtime/types.js';
