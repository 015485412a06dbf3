export { createMyPhoneClient, type ListMethod, type ListVariables, type MyPhoneClient, type MyPhoneClientOptions } from './client.js';
export { createMyPhoneTokenManager, parseMyPhoneTokens, type MyPhoneAuthOptions, type MyPhoneRefreshOptions } from './auth.js';
export * from './constants.js';
export {
  filterOn,
  filters,
  DID_FIELDS,
  DID_RENT_DEDUCTION_FIELDS,
  SIMCARD_FIELDS,
  TARIFF_FIELDS,
  type DidFilter,
  type DidForRentItem,
  type DidItem,
  type DidRentDeductionFilter,
  type DidRentDeductionItem,
  type DidSort,
  type FilterArg,
  type FilterBuilder,
  type FilterCondition,
  type FilterOn,
  type ScalarField,
  type SimcardFilter,
  type SimcardItem,
  type SimcardSort,
  type SortArg,
  type SortOn,
  type TariffFilter,
  type TariffItem,
} from './filters.js';
export type * from './generated/graphql.js';
export type { MyPhoneMethods, OperationTypes } from './generated/operations.js';
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
  type TokenProvider,
  type TokenSet,
} from '@sdk/core';
// Which methods the live endpoint still accepts (loads the checker and `graphql` on first use).
export { checkSchema, type MethodCheck, type SchemaCheckOptions, type SchemaCheckReport, type SchemaDrift } from '@sdk/core';
