/**
 * MyPhone login and token refresh (REST, outside the GraphQL schema).
 *
 * Documented: `POST {origin}/partner/login` with `{ username, password }` answers
 * `{ data: { access: { token, expires }, refresh: { token, expires } } }` (ISO dates), and GraphQL
 * requests carry `Authorization: Bearer <access token>`.
 * Not documented: how the refresh token is used. We call `POST {origin}/partner/refresh` with
 * `{ refreshToken }` and expect the login's answer shape; core's TokenManager falls back to a full
 * login whenever that fails or the refresh token has expired, so a wrong guess costs one extra request.
 */
import { AuthError, TokenManager, ValidationError, requestTokens, tokenExpiry, type AuthEvent, type FetchLike, type IssuedTokens, type TokenSet } from '@sdk/core';
import { MYPHONE_LOGIN_PATH, MYPHONE_ORIGIN, MYPHONE_REFRESH_PATH } from './constants.js';

export type { TokenSet } from '@sdk/core';

export interface MyPhoneRefreshOptions {
  /** Path on the origin. Default `/partner/refresh`. */
  path?: string;
  /** JSON body for a refresh token. Default `{ refreshToken }`. */
  body?: (refreshToken: string) => Record<string, unknown>;
}

export interface MyPhoneAuthOptions {
  username: string;
  password: string;
  /** Default `https://api.myphone.group`. */
  origin?: string | undefined;
  /** Default `/partner/login`. */
  loginPath?: string | undefined;
  /** Shorthand for `refresh: { path }`. Default `/partner/refresh`. */
  refreshPath?: string | undefined;
  /** How to refresh, or `false` to always log in again when the access token expires. */
  refresh?: false | MyPhoneRefreshOptions | undefined;
  /** Custom fetch (proxies, instrumentation). Default: the global fetch, looked up per call. */
  fetch?: FetchLike | undefined;
  /** Timeout of one login/refresh request. Default 30 s. */
  timeoutMs?: number | undefined;
  /** Renew this long before the access token expires. Default 30 s. */
  skewMs?: number | undefined;
  /** Tokens saved from an earlier run (see `onTokens`); used until they expire. */
  initialTokens?: TokenSet | undefined;
  /** Called with every new token set, e.g. to persist it. */
  onTokens?: ((tokens: TokenSet) => void | Promise<void>) | undefined;
  onEvent?: ((event: AuthEvent) => void) | undefined;
  /** Clock, for tests. */
  now?: (() => number) | undefined;
}

interface TokenPair {
  token?: unknown;
  expires?: unknown;
}

/** Why we assume an unknown lifetime: a missing `expires` should not break the client; a 401 renews anyway. */
const UNKNOWN_EXPIRY_MS = 15 * 60_000;

export function joinUrl(origin: string, path: string): string {
  return `${origin.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Parses `{ data: { access, refresh } }` into a core TokenSet. The access token's lifetime counts from
 * local receipt (`receivedAt`): the JWT `exp` if the token is one, else `expires` corrected by the
 * server's `Date` header (`serverDate`); an implausible lifetime is raised to a floor with a warning.
 */
export function parseMyPhoneTokens(json: unknown, receivedAt: number, serverDate?: number): IssuedTokens | undefined {
  const data = (json as { data?: { access?: TokenPair; refresh?: TokenPair } } | undefined)?.data;
  const access = data?.access;
  if (!access || typeof access.token !== 'string' || access.token === '') return undefined;
  const expiry = tokenExpiry({ receivedAt, serverDate, token: access.token, expires: access.expires });
  const refresh = data.refresh;
  const refreshToken = refresh && typeof refresh.token === 'string' && refresh.token !== '' ? refresh.token : undefined;
  const refreshExpiry = refreshToken ? tokenExpiry({ receivedAt, serverDate, expires: refresh!.expires }) : undefined;
  return {
    accessToken: access.token,
    expiresAt: expiry?.expiresAt ?? receivedAt + UNKNOWN_EXPIRY_MS,
    refreshToken,
    // A refresh token whose date looked implausible is still tried: a refused refresh falls back to a login.
    refreshExpiresAt: refreshExpiry && !refreshExpiry.warning ? refreshExpiry.expiresAt : undefined,
    ...(expiry?.warning ? { warning: `MyPhone ${expiry.warning}` } : {}),
  };
}

async function fetchTokens(
  kind: 'login' | 'refresh',
  url: string,
  body: Record<string, unknown>,
  secrets: readonly string[],
  options: Pick<MyPhoneAuthOptions, 'fetch' | 'timeoutMs' | 'now'>,
  signal: AbortSignal | undefined,
): Promise<IssuedTokens> {
  const res = await requestTokens({
    what: `MyPhone ${kind}`,
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    secrets,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    signal,
  });
  const receivedAt = options.now ? options.now() : res.receivedAt;
  const tokens = parseMyPhoneTokens(res.json, receivedAt, options.now ? undefined : res.serverDate);
  if (!tokens) throw new AuthError(`MyPhone ${kind} response from ${url} has no data.access.token`, { status: res.status, endpoint: url });
  return tokens;
}

/**
 * A core TokenManager that logs in to MyPhone lazily, refreshes before expiry and shares one renewal
 * among concurrent calls. Use it directly when several clients should share one login.
 */
export function createMyPhoneTokenManager(options: MyPhoneAuthOptions): TokenManager {
  const { username, password } = options ?? ({} as MyPhoneAuthOptions);
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new ValidationError('MyPhone needs { username, password } (non-empty strings), or your own tokenProvider', { field: 'username' });
  }
  const origin = options.origin ?? MYPHONE_ORIGIN;
  if (!/^https?:\/\//.test(origin)) throw new ValidationError("origin must be an http(s) URL", { field: "origin" });
  const loginUrl = joinUrl(origin, options.loginPath ?? MYPHONE_LOGIN_PATH);
  const refreshUrl = options.refresh === false ? undefined : joinUrl(origin, options.refresh?.path ?? options.refreshPath ?? MYPHONE_REFRESH_PATH);
  const refreshBody = (options.refresh !== false && options.refresh?.body) || ((refreshToken: string) => ({ refreshToken }));

  return new TokenManager({
    login: (signal) => fetchTokens('login', loginUrl, { username, password }, [password], options, signal),
    refresh: refreshUrl ? (token, signal) => fetchTokens('refresh', refreshUrl, refreshBody(token), [password, token], options, signal) : undefined,
    skewMs: options.skewMs,
    initialTokens: options.initialTokens,
    onTokens: options.onTokens,
    onEvent: options.onEvent,
    now: options.now,
  });
}
