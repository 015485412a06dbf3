import { buildMethods, createExecutor, optionOrEnv, tokenAuth, ValidationError, type AuthStrategy, type ExecutorOptions, type OwnDocuments, type TokenProvider } from '@sdk/core';
import { createCognitoTokenManager, TOTOGI_ENV, validateCognitoOptions, type CognitoAuthOptions } from './auth.js';
import { TOTOGI_GRAPHQL_ENDPOINT } from './constants.js';
import { API_ERROR_TYPENAMES, operations, type TotogiMethods } from './generated/operations.js';
import pkg from '../package.json' with { type: 'json' };

/** Names this package in log lines and the User-Agent (inlined at build time). */
const SDK_PACKAGE = { name: pkg.name, version: pkg.version };

/** Bring your own tokens: anything with `getAccessToken()` (and ideally `invalidate()` for 401 replays). */
export interface TotogiTokenProviderAuth {
  tokenProvider: TokenProvider;
  /** Further values to scrub from logs and errors (e.g. credentials your provider holds). */
  secrets?: readonly string[] | undefined;
}

export type TotogiAuthOptions = CognitoAuthOptions | TotogiTokenProviderAuth;

export interface TotogiClientOptions extends Omit<ExecutorOptions, 'endpoint' | 'auth'> {
  /**
   * Cognito credentials (the client logs in and refreshes by itself) or your own `{ tokenProvider }`.
   * A Cognito option left out is read, once when the client is created, from `TOTOGI_USERNAME`,
   * `TOTOGI_PASSWORD`, `TOTOGI_CLIENT_ID`, `TOTOGI_CLIENT_SECRET` and `TOTOGI_REGION`.
   */
  auth?: TotogiAuthOptions | Partial<CognitoAuthOptions> | undefined;
  /** Default: the documented endpoint, https://gql.produseast1.api.totogi.com/graphql */
  endpoint?: string | undefined;
}

export type TotogiClient = TotogiMethods & OwnDocuments;

/**
 * Result members that mean "try again later". RateLimitExceeded: the API refused the work, so a
 * retry is safe even for mutations. InternalServerError ("the charge engine is not available"):
 * the work may have started, so only queries are retried (mutations need `retry.retryMutations`).
 */
export const TOTOGI_RETRYABLE_RESULTS: Readonly<Record<string, 'throttle' | 'transient'>> = Object.freeze(
  Object.fromEntries(
    ([['RateLimitExceeded', 'throttle'], ['InternalServerError', 'transient']] as const).filter(([name]) => (API_ERROR_TYPENAMES as readonly string[]).includes(name)),
  ),
);

function isTokenProviderAuth(auth: TotogiAuthOptions): auth is TotogiTokenProviderAuth {
  return 'tokenProvider' in auth && auth.tokenProvider !== undefined;
}

/**
 * Creates a client for the Totogi Charging-as-a-Service API. Nothing is sent until the first call,
 * which logs in to Cognito; tokens are refreshed before they expire and after a 401.
 *
 * ```ts
 * const totogi = createTotogiClient(); // TOTOGI_USERNAME, TOTOGI_PASSWORD, TOTOGI_CLIENT_ID, TOTOGI_REGION, or pass { auth }
 * const account = await totogi.getAccount({ providerId, accountId });
 * ```
 */
export function createTotogiClient(options: TotogiClientOptions = {}): TotogiClient {
  if (!options || typeof options !== 'object') {
    throw new ValidationError('createTotogiClient takes an options object: { auth } (or TOTOGI_* environment variables)', { field: 'options' });
  }
  const { auth: given = {}, endpoint = TOTOGI_GRAPHQL_ENDPOINT, retryableResults, ...rest } = options;
  if (!given || typeof given !== 'object') {
    throw new ValidationError('auth must be an object: { username, password, clientId, region } for Cognito, or { tokenProvider }', { field: 'auth' });
  }
  let auth = given as TotogiAuthOptions;
  if (!isTokenProviderAuth(auth)) {
    // Explicit options win; each missing one comes from its environment variable.
    const cognito: Partial<CognitoAuthOptions> = { ...(given as Partial<CognitoAuthOptions>) };
    for (const key of Object.keys(TOTOGI_ENV) as (keyof typeof TOTOGI_ENV)[]) {
      // A client secret belongs to its app client: taken from the environment only with the client id.
      if (key === 'clientSecret' && (given as Partial<CognitoAuthOptions>).clientId !== undefined) continue;
      const value = optionOrEnv(cognito[key], TOTOGI_ENV[key]);
      if (value !== undefined) cognito[key] = value as string;
    }
    validateCognitoOptions(cognito, true);
    auth = cognito as CognitoAuthOptions;
  }
  let strategy: AuthStrategy;
  if (isTokenProviderAuth(auth)) {
    if ('username' in auth || 'password' in auth) {
      throw new ValidationError('auth takes either { tokenProvider } or Cognito credentials, not both', { field: 'auth' });
    }
    strategy = tokenAuth(auth.tokenProvider, { scheme: '', secrets: auth.secrets ?? [] });
  } else {
    const manager = createCognitoTokenManager(auth, { fetch: rest.fetch, timeoutMs: rest.timeoutMs });
    const secrets = auth.clientSecret ? [auth.password, auth.clientSecret] : [auth.password];
    // AppSync wants the raw JWT in Authorization (no "Bearer").
    strategy = tokenAuth(manager, { scheme: '', secrets });
  }
  const executor = createExecutor({ sdk: SDK_PACKAGE, ...rest, endpoint, auth: strategy, retryableResults: { ...TOTOGI_RETRYABLE_RESULTS, ...retryableResults } });
  return buildMethods<TotogiClient>(executor, operations, { name: 'TotogiClient', schema: () => import('./generated/schema.js').then((m) => m.schemaSDL) });
}
