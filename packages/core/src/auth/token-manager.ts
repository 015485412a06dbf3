import { AbortError, AuthError, SdkError, ValidationError } from '../errors/index.js';
import type { AuthStrategy } from './types.js';

export interface TokenSet {
  accessToken: string;
  /** When the access token expires, in ms since the epoch. */
  expiresAt: number;
  refreshToken?: string | undefined;
  /** When the refresh token expires, in ms since the epoch; unknown when undefined. */
  refreshExpiresAt?: number | undefined;
  /** Other credentials issued with these tokens (Cognito's ID token): never sent, but scrubbed like them. */
  otherSecrets?: readonly string[] | undefined;
}

export interface TokenEvent {
  type: 'token';
  action: 'login' | 'refresh';
  ok: boolean;
  durationMs: number;
  /** A refresh failed and a full login followed. */
  fallback?: boolean;
  /** `onTokens` threw: the tokens are in use but were not persisted. */
  persistFailed?: boolean;
}

/** A token's lifetime was implausible (clock skew, a date in the past) and was raised to a floor. */
export interface TokenWarningEvent {
  type: 'warning';
  operationName: 'login' | 'refresh';
  message: string;
}

/** What a token source reports: renewals, and warnings about the tokens it received. */
export type AuthEvent = TokenEvent | TokenWarningEvent;

/** A login/refresh result; `warning` (e.g. a lifetime raised to the floor) is reported as an event, not stored. */
export type IssuedTokens = TokenSet & { warning?: string | undefined };

export interface TokenManagerOptions {
  /**
   * Full login with the configured credentials. Throw AuthError on refusal. One renewal serves every
   * waiting caller; `signal` aborts only when no caller waits for it any more.
   */
  login(signal?: AbortSignal): Promise<IssuedTokens>;
  /** Exchange a refresh token. A result without `refreshToken` keeps the current one. */
  refresh?(refreshToken: string, signal?: AbortSignal): Promise<IssuedTokens>;
  /** Renew this long before `expiresAt`, to absorb clock skew and request latency. Default 30 s. */
  skewMs?: number;
  /** Tokens restored from storage (see onTokens); used until they expire. */
  initialTokens?: TokenSet | undefined;
  /** Called with every new token set, e.g. to persist it across restarts. */
  onTokens?(tokens: TokenSet): void | Promise<void>;
  onEvent?(event: AuthEvent): void;
  now?(): number;
  /**
   * At most this many renewals per minute (default 6). Past it, a cached token is used until the
   * server refuses it, and a refused one is reported instead of renewed again: a server or a clock
   * that makes every token look expired cannot turn each call into a login.
   */
  maxRenewalsPerMinute?: number;
}

/** What a client needs from a token source; implement it to bring your own tokens. */
export interface TokenProvider {
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** The server refused `token`; renew it (once, shared) and resolve whether a different token is ready. */
  invalidate?(token: string, signal?: AbortSignal): Promise<boolean>;
  /** Secrets to scrub from logs and errors. */
  secrets?(): readonly string[];
  /** Receives the client's event emitter (see AuthStrategy.connect). */
  connect?(emit: (event: AuthEvent) => void): void;
}

/**
 * Logs in lazily, refreshes before expiry, and shares one renewal among all concurrent callers
 * (like AWS SDK v3's memoized credential providers). When refresh is refused or the refresh token
 * has expired, it falls back to a full login. Tokens live in private fields, so neither
 * `util.inspect` nor `JSON.stringify` can reveal them.
 */
export class TokenManager implements TokenProvider {
  #tokens: TokenSet | undefined;
  /** When the current tokens were stored: short-lived tokens renew at half their lifetime, not `skewMs` early. */
  #storedAt = 0;
  #renewal: Promise<TokenSet> | undefined;
  /** Cancels the renewal in flight, once `#waiters` (callers with a signal) drops to 0 and none is `#pinned` (waits without one). */
  #renewalAbort: AbortController | undefined;
  #waiters = 0;
  #pinned = false;
  /** Start times of recent renewals (a sliding minute). */
  readonly #recent: number[] = [];
  readonly #maxPerMinute: number;
  /** Emitters of the clients using this manager (several clients may share one login). */
  readonly #sinks = new Set<(event: AuthEvent) => void>();
  /** Tokens issued earlier in this manager's life (bounded): a server may echo a rotated token later. */
  readonly #past: string[] = [];
  /** The last login refusal, replayed (no request) while the renewal budget for the minute is spent. */
  #refused: AuthError | undefined;
  readonly #options: TokenManagerOptions;
  readonly #skew: number;
  readonly #now: () => number;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#tokens = options.initialTokens;
    this.#skew = options.skewMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#storedAt = this.#now();
    const max = options.maxRenewalsPerMinute ?? 6;
    this.#maxPerMinute = Number.isInteger(max) && max > 0 ? max : 6;
  }

  async getAccessToken(signal?: AbortSignal): Promise<string> {
    const tokens = this.#tokens;
    if (tokens && this.#now() < tokens.expiresAt - this.#skewFor(tokens)) return tokens.accessToken;
    // Out of renewals for this minute: keep using the token we have; the server decides whether it is still good.
    if (tokens && !this.#renewal && !this.#mayRenew()) return tokens.accessToken;
    // Refused logins spent the budget: do not post the password again on every call.
    if (!tokens && !this.#renewal && this.#refused && !this.#mayRenew()) {
      const { message, status, endpoint } = this.#refused;
      throw new AuthError(`${message} (not sent again: ${this.#maxPerMinute} refused logins in the last minute)`, { ...(status === undefined ? {} : { status }), ...(endpoint === undefined ? {} : { endpoint }) });
    }
    return (await this.#renew(signal)).accessToken;
  }

  #mayRenew(): boolean {
    const cutoff = this.#now() - 60_000;
    while (this.#recent.length > 0 && this.#recent[0]! <= cutoff) this.#recent.shift();
    return this.#recent.length < this.#maxPerMinute;
  }

  /** `skewMs`, but never more than half the token's lifetime (a 20 s token must not renew on every call). */
  #skewFor(tokens: TokenSet): number {
    return Math.min(this.#skew, Math.max(0, (tokens.expiresAt - this.#storedAt) / 2));
  }

  async invalidate(token: string, signal?: AbortSignal): Promise<boolean> {
    // Another caller may already have replaced the refused token: reuse the new one.
    if (this.#tokens && this.#tokens.accessToken !== token && !this.#renewal) return true;
    if (!this.#renewal && !this.#mayRenew()) return false;
    if (this.#tokens?.accessToken === token) this.#tokens = { ...this.#tokens, expiresAt: 0 };
    const renewed = await this.#renew(signal);
    return renewed.accessToken !== token;
  }

  connect(emit: (event: AuthEvent) => void): void {
    this.#sinks.add(emit);
  }

  #event(event: AuthEvent): void {
    this.#options.onEvent?.(event);
    for (const sink of this.#sinks) sink(event);
  }

  secrets(): readonly string[] {
    const t = this.#tokens;
    const held = t ? (t.refreshToken ? [t.accessToken, t.refreshToken] : [t.accessToken]) : [];
    const current = t?.otherSecrets ? [...held, ...t.otherSecrets] : held;
    return this.#past.length === 0 ? current : [...current, ...this.#past];
  }

  /** Drop the cached tokens; the next call logs in again. */
  clear(): void {
    this.#tokens = undefined;
  }

  #renew(signal?: AbortSignal): Promise<TokenSet> {
    // One renewal for everyone; each caller may stop waiting on its own signal. When the last waiter
    // has gone, the renewal is cancelled: a hanging login must not hold a socket (and the process) open.
    if (!this.#renewal) {
      const controller = new AbortController();
      this.#renewalAbort = controller;
      this.#waiters = 0;
      this.#pinned = false;
      this.#mayRenew(); // prunes the window, which stays bounded even while logins keep failing
      this.#recent.push(this.#now());
      const renewal: Promise<TokenSet> = this.#doRenew(controller.signal).finally(() => {
        if (this.#renewal !== renewal) return; // already detached by cancellation; a newer one may run
        this.#renewal = undefined;
        this.#renewalAbort = undefined;
      });
      this.#renewal = renewal;
      // Every waiter may stop waiting (abort): the renewal's own failure must still count as handled.
      renewal.catch(() => undefined);
    }
    if (!signal) {
      this.#pinned = true;
      return this.#renewal;
    }
    const controller = this.#renewalAbort!;
    this.#waiters++;
    const leave = () => {
      if (--this.#waiters === 0 && !this.#pinned && this.#renewalAbort === controller) {
        // Detach before cancelling: a caller arriving now starts a fresh renewal instead of joining one
        // that is about to fail with an AbortError it did not cause.
        this.#renewal = undefined;
        this.#renewalAbort = undefined;
        controller.abort();
      }
    };
    return waitFor(this.#renewal, signal, leave);
  }

  async #doRenew(signal: AbortSignal): Promise<TokenSet> {
    const current = this.#tokens;
    const now = this.#now();
    const canRefresh =
      this.#options.refresh !== undefined &&
      current?.refreshToken !== undefined &&
      (current.refreshExpiresAt === undefined || now < current.refreshExpiresAt - this.#skew);
    let fallback = false;
    if (canRefresh) {
      const started = this.#now();
      try {
        const next = await this.#options.refresh!(current!.refreshToken!, signal);
        return await this.#store({ ...next, refreshToken: next.refreshToken ?? current!.refreshToken, refreshExpiresAt: next.refreshToken ? next.refreshExpiresAt : current!.refreshExpiresAt }, 'refresh', started);
      } catch {
        // A refused or failed refresh is not fatal: a full login may still work.
        this.#event({ type: 'token', action: 'refresh', ok: false, durationMs: this.#now() - started });
        if (signal.aborted) throw new AbortError('token refresh was cancelled: no caller waits for it');
        fallback = true;
      }
    }
    const started = this.#now();
    try {
      return await this.#store(await this.#options.login(signal), 'login', started, fallback);
    } catch (err) {
      this.#event({ type: 'token', action: 'login', ok: false, durationMs: this.#now() - started, fallback });
      if (err instanceof AuthError) this.#refused = err;
      if (err instanceof SdkError) throw err;
      throw new AuthError('login failed', { cause: err });
    }
  }

  async #store(issued: IssuedTokens, action: 'login' | 'refresh', started: number, fallback = false): Promise<TokenSet> {
    if (typeof issued?.accessToken !== 'string' || issued.accessToken === '' || !Number.isFinite(issued.expiresAt)) {
      throw new AuthError(`${action} returned no usable access token`);
    }
    const { warning, ...tokens } = issued;
    const previous = this.#tokens;
    if (previous) {
      for (const old of [previous.accessToken, previous.refreshToken, ...(previous.otherSecrets ?? [])]) {
        if (old && old !== tokens.accessToken && old !== tokens.refreshToken && !this.#past.includes(old)) this.#past.push(old);
      }
      if (this.#past.length > 32) this.#past.splice(0, this.#past.length - 32);
    }
    this.#refused = undefined;
    this.#tokens = tokens;
    this.#storedAt = this.#now();
    if (typeof warning === 'string') this.#event({ type: 'warning', operationName: action, message: warning });
    let persistFailed = false;
    try {
      await this.#options.onTokens?.(tokens);
    } catch {
      // The login worked; a failing persistence callback must not fail the caller's request.
      persistFailed = true;
    }
    this.#event({ type: 'token', action, ok: true, durationMs: this.#now() - started, ...(fallback ? { fallback } : {}), ...(persistFailed ? { persistFailed } : {}) });
    return tokens;
  }

  toJSON(): string {
    return '[TokenManager]';
  }
}

function waitFor<T>(promise: Promise<T>, signal: AbortSignal, leave: () => void): Promise<T> {
  if (signal.aborted) {
    leave();
    return Promise.reject(new AbortError('token request was aborted', { reason: signal.reason }));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      leave();
      reject(new AbortError('token request was aborted', { reason: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export interface TokenAuthOptions {
  /** Header to carry the token. Default `authorization`. */
  header?: string;
  /** Scheme before the token, e.g. `Bearer`. Empty string sends the raw token (Totogi). Default `Bearer`. */
  scheme?: string;
  /** Further secrets to scrub (passwords, client secrets) that the provider does not know. */
  secrets?: readonly string[];
}

const SENT_TOKEN_HISTORY = 8;
// What Node's http client rejects in a header value (checkInvalidHeaderChar).
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** An AuthStrategy over any TokenProvider (a TokenManager or the caller's own). */
export function tokenAuth(provider: TokenProvider, options: TokenAuthOptions = {}): AuthStrategy {
  if (!provider || typeof provider.getAccessToken !== 'function') {
    throw new ValidationError('tokenProvider must have a getAccessToken() method', { field: 'tokenProvider' });
  }
  const header = (options.header ?? 'authorization').toLowerCase();
  const prefix = options.scheme === '' ? '' : `${options.scheme ?? 'Bearer'} `;
  const extra = options.secrets ?? [];
  // The same frozen object while the token stays the same: the executor merges it with its own headers once.
  let lastToken: string | undefined;
  let lastHeaders: Readonly<Record<string, string>> = {};
  // Tokens this strategy has sent, newest last: a provider without secrets() (`{ getAccessToken }`, as the
  // READMEs show) still has them scrubbed when a server echoes one; bounded like the scrubber's history.
  let sentTokens: readonly string[] = [];
  // Checked once per token: `process.env.TOKEN!` unset must not go out as the header "undefined".
  const accept = (token: string): Record<string, string> => {
    if (token !== lastToken || lastToken === undefined) {
      if (typeof token !== 'string' || token === '') {
        throw new ValidationError(`tokenProvider.getAccessToken() must return a non-empty string token, got ${token === '' ? 'an empty string' : typeof token}`, { field: 'tokenProvider' });
      }
      // Node refuses such a header when sending, which would look like a network failure (and be retried).
      if (INVALID_HEADER_CHAR.test(token)) {
        throw new ValidationError('tokenProvider.getAccessToken() returned a token with characters a header cannot carry (control characters or line breaks)', { field: 'tokenProvider' });
      }
      lastHeaders = Object.freeze({ [header]: prefix + token });
      lastToken = token;
      if (!sentTokens.includes(token)) sentTokens = [...sentTokens.slice(-(SENT_TOKEN_HISTORY - 1)), token];
    }
    return lastHeaders as Record<string, string>;
  };
  return {
    // Not an async function: that would wrap the provider's promise in one more (a promise and two ticks per call).
    headers(context) {
      let token: Promise<string> | string;
      try {
        token = provider.getAccessToken(context.signal);
      } catch (err) {
        return Promise.reject(err);
      }
      return Promise.resolve(token).then(accept);
    },
    async onUnauthorized(sent, context) {
      if (!provider.invalidate) return false;
      const value = sent[header];
      return provider.invalidate(value === undefined ? '' : value.slice(prefix.length), context.signal);
    },
    secrets: () => [...extra, ...(provider.secrets?.() ?? []), ...sentTokens],
    connect: (emit) => provider.connect?.(emit),
  };
}
