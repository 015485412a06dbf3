/**
 * Cognito user-pool login for Totogi (AppSync with AMAZON_COGNITO_USER_POOLS auth), built on core's
 * TokenManager: lazy login, refresh before expiry, one shared renewal for concurrent callers, and a
 * fallback to a full login when the refresh token is refused. Plain `fetch`, no AWS SDK: the
 * InitiateAuth call is one JSON POST.
 */
import { AuthError, TokenManager, ValidationError, jwtClaim as claim, requestTokens, tokenExpiry, type AuthEvent, type FetchLike, type IssuedTokens, type TokenSet } from '@sdk/core';
import { cognitoEndpointFor } from './constants.js';

/**
 * Which Cognito token goes into the `Authorization` header.
 * - `access` (default): the token Totogi's developer quickstart tells you to send
 *   (`.AuthenticationResult.AccessToken`); it carries the `cognito:groups` (Provider_{id}, roles)
 *   AppSync authorizes with, and none of the user's profile attributes (email, phone).
 * - `id`: the ID token; AppSync accepts it too. Use it if your tenant's resolvers read ID-token claims.
 */
export type CognitoTokenType = 'access' | 'id';

export interface CognitoAuthOptions {
  /** Your Totogi user name (usually the e-mail address). */
  username: string;
  password: string;
  /** The user-pool app client ID Totogi gave you. */
  clientId: string;
  /** Only when your app client has a secret: then every call carries SECRET_HASH. */
  clientSecret?: string | undefined;
  /** AWS region of the user pool, e.g. `us-east-1`. */
  region: string;
  /** Default `https://cognito-idp.<region>.amazonaws.com/`; point it at a fake in tests. */
  cognitoEndpoint?: string | undefined;
  /** Default `access`; see CognitoTokenType. */
  tokenType?: CognitoTokenType | undefined;
  /** Called with every new token set (login or refresh), e.g. to persist it across restarts. */
  onTokens?: ((tokens: TokenSet) => void | Promise<void>) | undefined;
  /** Tokens restored from storage; used until they expire, then refreshed with their refresh token. */
  initialTokens?: TokenSet | undefined;
  /** Renew this long before expiry. Default 30 s (core's TokenManager default). */
  skewMs?: number | undefined;
}

export interface CognitoRequestContext {
  fetch?: FetchLike | undefined;
  /** Timeout of one InitiateAuth request. Default 30 s. */
  timeoutMs?: number | undefined;
  onEvent?: ((event: AuthEvent) => void) | undefined;
  now?: (() => number) | undefined;
}

/**
 * Base64(HMAC-SHA256(key = client secret, message = username + clientId)), as Cognito defines SECRET_HASH.
 * node:crypto is loaded on first use: importing it up front would add ~6 ms to every cold start.
 */
export async function cognitoSecretHash(username: string, clientId: string, clientSecret: string): Promise<string> {
  const { createHmac } = await import('node:crypto');
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

/** A string claim from a JWT's payload (read, not verified: only used to address the user). */
function jwtClaim(token: string | undefined, name: string): string | undefined {
  const value = claim(token, name);
  return typeof value === 'string' ? value : undefined;
}

/** Cognito throttles and fails over with HTTP 400 bodies; these mean "try again", not "refused". */
const TRANSIENT_COGNITO = /#?(TooManyRequestsException|InternalErrorException|LimitExceededException)$/;

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** The environment variables createTotogiClient reads for missing Cognito options. */
export const TOTOGI_ENV = { username: 'TOTOGI_USERNAME', password: 'TOTOGI_PASSWORD', clientId: 'TOTOGI_CLIENT_ID', clientSecret: 'TOTOGI_CLIENT_SECRET', region: 'TOTOGI_REGION' } as const;

/**
 * Checks Cognito options before anything is sent. Messages name the field (and, with `fromEnv`, the
 * environment variable that could have supplied it), never its value.
 */
export function validateCognitoOptions(auth: Partial<CognitoAuthOptions>, fromEnv = false): void {
  for (const key of ['username', 'password', 'clientId', 'region'] as const) {
    if (!nonEmpty(auth[key])) {
      throw new ValidationError(`auth.${key} is required (a non-empty string)${fromEnv ? `: pass it or set the ${TOTOGI_ENV[key]} environment variable` : ''}`, { field: `auth.${key}` });
    }
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(auth.region!)) {
    throw new ValidationError('auth.region must be an AWS region such as us-east-1', { field: 'auth.region' });
  }
  if (auth.clientSecret !== undefined && !nonEmpty(auth.clientSecret)) {
    throw new ValidationError('auth.clientSecret must be a non-empty string when given', { field: 'auth.clientSecret' });
  }
  if (auth.cognitoEndpoint !== undefined && !/^https?:\/\//.test(String(auth.cognitoEndpoint))) {
    throw new ValidationError('auth.cognitoEndpoint must be an http(s) URL', { field: 'auth.cognitoEndpoint' });
  }
  if (auth.tokenType !== undefined && auth.tokenType !== 'access' && auth.tokenType !== 'id') {
    throw new ValidationError("auth.tokenType must be 'access' or 'id'", { field: 'auth.tokenType' });
  }
}

interface AuthenticationResult {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

/** A TokenManager that logs in to a Cognito user pool with USER_PASSWORD_AUTH and refreshes with REFRESH_TOKEN_AUTH. */
export function createCognitoTokenManager(options: CognitoAuthOptions, context: CognitoRequestContext = {}): TokenManager {
  validateCognitoOptions(options);
  const { username, password, clientId, clientSecret } = options;
  const endpoint = options.cognitoEndpoint ?? cognitoEndpointFor(options.region);
  const pick = options.tokenType === 'id' ? 'IdToken' : 'AccessToken';
  const timeoutMs = context.timeoutMs ?? 30_000;
  const now = context.now ?? Date.now;
  // A refresh's SECRET_HASH is made from the pool's own username (the tokens' `username` claim; a UUID when
  // users sign in with their e-mail), a login's from the USERNAME sent. Learnt from each login's tokens.
  let poolUsername = username;

  async function initiateAuth(flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH', parameters: Record<string, string>, scrub: readonly string[], signal?: AbortSignal): Promise<IssuedTokens> {
    const what = flow === 'USER_PASSWORD_AUTH' ? 'Cognito login (USER_PASSWORD_AUTH)' : 'Cognito refresh (REFRESH_TOKEN_AUTH)';
    const hashUser = flow === 'USER_PASSWORD_AUTH' ? username : poolUsername;
    const secretHash = clientSecret ? await cognitoSecretHash(hashUser, clientId, clientSecret) : undefined;
    const body = JSON.stringify({ AuthFlow: flow, ClientId: clientId, AuthParameters: secretHash ? { ...parameters, SECRET_HASH: secretHash } : parameters });
    const res = await requestTokens({
      what,
      url: endpoint,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body,
      secrets: scrub,
      timeoutMs,
      fetch: context.fetch,
      signal,
      isTransient: (status, json) => status === 400 && TRANSIENT_COGNITO.test(String((json as { __type?: unknown } | undefined)?.__type ?? '')),
      // Cognito errors: `{ __type: "com.amazonaws…#NotAuthorizedException", message }`.
      describeError: (json: unknown) => {
        const e = json as { __type?: string; message?: string; Message?: string } | undefined;
        return [e?.__type?.split('#').pop(), e?.message ?? e?.Message].filter(Boolean).join(': ') || undefined;
      },
    });
    const json = res.json as { AuthenticationResult?: AuthenticationResult; ChallengeName?: string } | undefined;
    const result = json?.AuthenticationResult;
    if (!result) {
      const challenge = json?.ChallengeName ? ` (challenge ${json.ChallengeName}, which a server-side client cannot answer)` : '';
      throw new AuthError(`${what} at ${endpoint} returned no tokens${challenge}`, { endpoint, status: res.status });
    }
    const token = result[pick];
    // The lifetime counts from local receipt: ExpiresIn, else the JWT's own exp (some proxies drop ExpiresIn).
    const receivedAt = context.now ? now() : res.receivedAt;
    const expiry = nonEmpty(token) ? tokenExpiry({ receivedAt, serverDate: context.now ? undefined : res.serverDate, expiresInSeconds: result.ExpiresIn, token }) : undefined;
    if (!nonEmpty(token) || !expiry) {
      throw new AuthError(`${what} at ${endpoint} returned no usable ${pick}`, { endpoint, status: res.status });
    }
    if (flow === 'USER_PASSWORD_AUTH') poolUsername = jwtClaim(result.AccessToken, 'username') ?? jwtClaim(result.IdToken, 'cognito:username') ?? username;
    const otherSecrets = [result.AccessToken, result.IdToken].filter((t): t is string => nonEmpty(t) && t !== token);
    return { accessToken: token, expiresAt: expiry.expiresAt, refreshToken: nonEmpty(result.RefreshToken) ? result.RefreshToken : undefined, otherSecrets, ...(expiry.warning ? { warning: `Cognito ${expiry.warning}` } : {}) };
  }

  const secrets = clientSecret ? [password, clientSecret] : [password];
  return new TokenManager({
    login: (signal) => initiateAuth('USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password }, secrets, signal),
    // Cognito answers a refresh without a new refresh token: TokenManager keeps the current one.
    refresh: (refreshToken, signal) => initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: refreshToken }, [...secrets, refreshToken], signal),
    skewMs: options.skewMs,
    initialTokens: options.initialTokens,
    onTokens: options.onTokens,
    onEvent: context.onEvent,
    now,
  });
}
