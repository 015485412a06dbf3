import {
  buildMethods,
  createExecutor,
  optionOrEnv,
  tokenAuth,
  validateEndpoint,
  ValidationError,
  type ExecutorOptions,
  type PageVariables,
  type PaginatedMethod,
  type TokenProvider,
  type TokenSet,
  type OwnDocuments,
} from '@sdk/core';
import { createMyPhoneTokenManager, joinUrl, type MyPhoneRefreshOptions } from './auth.js';
import { MYPHONE_GRAPHQL_PATH, MYPHONE_ORIGIN } from './constants.js';
import { listValidators, type DidItem, type DidRentDeductionItem, type FilterArg, type SimcardItem, type SortArg, type TariffItem } from './filters.js';
import type { DidRentDeductionsQuery, DidRentDeductionsQueryVariables, DidServiceDidsQuery, DidServiceDidsQueryVariables, SimcardsQuery, SimcardsQueryVariables, TariffsQuery, TariffsQueryVariables } from './generated/graphql.js';
import { operations, type MyPhoneMethods } from './generated/operations.js';
import pkg from '../package.json' with { type: 'json' };

/** Names this package in log lines and the User-Agent (inlined at build time). */
const SDK_PACKAGE = { name: pkg.name, version: pkg.version };

interface MyPhoneBaseOptions extends Omit<ExecutorOptions, 'endpoint' | 'auth'> {
  /** API origin. Default `https://api.myphone.group` (the reference writes http; see README, Judgement calls). */
  origin?: string | undefined;
  /** GraphQL endpoint. Default `{origin}/partner/graphql`, as documented. */
  endpoint?: string | undefined;
  /** Default `/partner/login`. */
  loginPath?: string | undefined;
  /** Not documented by MyPhone. Default `/partner/refresh` (body `{ refreshToken }`). */
  refreshPath?: string | undefined;
  /** Refresh details, or `false` to log in again instead of refreshing. */
  refresh?: false | MyPhoneRefreshOptions | undefined;
  /** Tokens saved from an earlier run; used until they expire. */
  initialTokens?: TokenSet | undefined;
  /** Called with every new token set (login or refresh), e.g. to persist it. */
  onTokens?: ((tokens: TokenSet) => void | Promise<void>) | undefined;
  /** Renew this long before the access token expires. Default 30 s. */
  tokenSkewMs?: number | undefined;
  /** Clock for token expiry, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Log in with the partner credentials, or bring your own token source. `username` and `password` default
 * to the `MYPHONE_USERNAME` and `MYPHONE_PASSWORD` environment variables (read once, when the client is created).
 */
export type MyPhoneClientOptions = MyPhoneBaseOptions &
  ({ username?: string | undefined; password?: string | undefined; tokenProvider?: undefined } | { tokenProvider: TokenProvider; username?: undefined; password?: undefined });

/** List variables with `filter`/`sort` narrowed to the item's own scalar fields. */
export type ListVariables<V, T> = Omit<V, 'filter' | 'sort'> &
  ('filter' extends keyof V ? { filter?: FilterArg<T> | null | undefined } : {}) &
  ('sort' extends keyof V ? { sort?: SortArg<T> | null | undefined } : {});

/** A paginated list method whose filter/sort only accept the fields of T. */
export type ListMethod<V, R, T> = PaginatedMethod<ListVariables<V, T>, R, T, PageVariables<ListVariables<V, T>, 'offset' | 'limit'>>;

/**
 * The MyPhone client: the generated methods, with typed filters on the four filterable lists.
 *
 * Namespaces: where the API has a query and a mutation namespace of the same name, the query is the
 * callable and the mutations hang off it: `myphone.simcard({ id })` reads one sim card,
 * `myphone.simcard.block({ simcardId })` blocks it; likewise `myphone.tariff({ id })` and
 * `myphone.tariff.archive({ tariff_id })`.
 */
export interface MyPhoneClient extends Omit<MyPhoneMethods, 'simcards' | 'tariffs' | 'didRentDeductions' | 'didService'>, OwnDocuments {
  readonly simcards: ListMethod<SimcardsQueryVariables, SimcardsQuery['simcards'], SimcardItem>;
  /** `filter` may be omitted: the client sends `[]`, which the operation requires. Sorted by id DESC (fixed). */
  readonly tariffs: ListMethod<TariffsQueryVariables, TariffsQuery['tariffs'], TariffItem>;
  /** Sorted by performedAt DESC (fixed in the documented query). */
  readonly didRentDeductions: ListMethod<DidRentDeductionsQueryVariables, DidRentDeductionsQuery['didRentDeductions'], DidRentDeductionItem>;
  readonly didService: Omit<MyPhoneMethods['didService'], 'dids'> & {
    readonly dids: ListMethod<DidServiceDidsQueryVariables, DidServiceDidsQuery['didService']['dids'], DidItem>;
  };
}

type Fn = (variables?: Record<string, unknown>, options?: unknown) => unknown;

/** Wraps a method so a missing `filter` becomes `[]` (Tariffs declares `$filter: [FilterInput]!`). */
function defaultEmptyFilter(method: Fn & Record<string, unknown>): Fn {
  const fill = (v?: Record<string, unknown>) => (v && v.filter != null ? v : { ...v, filter: [] });
  const wrapped: Fn = (v, o) => method(fill(v), o);
  for (const key of ['withResponse', 'all', 'pages']) {
    const inner = method[key] as Fn;
    Object.defineProperty(wrapped, key, { value: (v?: Record<string, unknown>, o?: unknown) => inner(fill(v), o), enumerable: false });
  }
  // A getter: the generated table is decoded on first use, not when the client is created.
  Object.defineProperty(wrapped, 'operation', { get: () => method.operation, enumerable: false });
  Object.defineProperty(wrapped, 'name', { value: method.name });
  return wrapped;
}


/**
 * Creates a client for the MyPhone partner API. It logs in on the first call, sends
 * `Authorization: Bearer <token>`, refreshes before expiry, and replays a call once after a 401.
 *
 * ```ts
 * const myphone = createMyPhoneClient(); // MYPHONE_USERNAME and MYPHONE_PASSWORD, or pass { username, password }
 * for await (const sim of myphone.simcards.all({ filter: [{ field: 'isBlocked', comparator: 'EQ', value: false }] })) console.log(sim.simId);
 * await myphone.simcard.block({ simcardId: '42' });
 * ```
 */
export function createMyPhoneClient(options: MyPhoneClientOptions = {}): MyPhoneClient {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('createMyPhoneClient takes an options object: { username, password } (or MYPHONE_USERNAME/MYPHONE_PASSWORD in the environment) or { tokenProvider }', { field: 'options' });
  }
  const { username: explicitUser, password: explicitPassword, tokenProvider, origin = MYPHONE_ORIGIN, endpoint, loginPath, refreshPath, refresh, initialTokens, onTokens, tokenSkewMs, now, ...rest } = options;
  // Before the token manager exists: a bad origin must fail before the password goes anywhere.
  validateEndpoint(origin, 'origin');
  let provider: TokenProvider;
  let password: string | undefined;
  if (tokenProvider) {
    provider = tokenProvider;
  } else {
    const username = optionOrEnv(explicitUser, 'MYPHONE_USERNAME');
    password = optionOrEnv(explicitPassword, 'MYPHONE_PASSWORD') as string | undefined;
    for (const [field, value, variable] of [['username', username, 'MYPHONE_USERNAME'], ['password', password, 'MYPHONE_PASSWORD']] as const) {
      if (typeof value !== 'string' || value === '') {
        throw new ValidationError(`MyPhone ${field} is required: pass { ${field} } or set the ${variable} environment variable (or pass your own tokenProvider)`, { field });
      }
    }
    provider = createMyPhoneTokenManager({
      username: username!,
      password: password!,
      origin,
      loginPath,
      refreshPath,
      refresh,
      fetch: rest.fetch,
      timeoutMs: rest.timeoutMs,
      skewMs: tokenSkewMs,
      initialTokens,
      onTokens,
      now,
    });
  }
  const executor = createExecutor({
    sdk: SDK_PACKAGE,
    ...rest,
    endpoint: endpoint ?? joinUrl(origin, MYPHONE_GRAPHQL_PATH),
    auth: tokenAuth(provider, { secrets: password ? [password] : [] }),
  });
  const client = buildMethods<Record<string, unknown>>(executor, operations, { name: 'MyPhoneClient', validators: listValidators, schema: () => import('./generated/schema.js').then((m) => m.schemaSDL) });
  client.tariffs = defaultEmptyFilter(client.tariffs as Fn & Record<string, unknown>);
  return client as unknown as MyPhoneClient;
}
