/**
 * The fake's login and refresh endpoints. Login is as documented; refresh (undocumented) accepts
 * `{ refreshToken }` (what the client sends by default), `{ refresh }` or `{ refresh_token }`, rotates
 * the refresh token, and answers like the login.
 */
import type { AuthCall, FakeAuthControls, FakeResponse, FakeRequest } from '@sdk/core/testing';

export interface MyPhoneAuthFakeOptions {
  /** Accepted credentials. Default `{ username: 'partner@example.com', password: 'test-password' }`. */
  credentials?: { username: string; password: string };
  /** Access token lifetime. Default 5 min. */
  accessTtlMs?: number;
  /** Refresh token lifetime. Default 1 h. */
  refreshTtlMs?: number;
  /** Answer every refresh with 401, so clients must log in again. Default false. */
  refuseRefresh?: boolean;
  now?: () => number;
}

export type { AuthCall } from '@sdk/core/testing';

const JSON_HEADERS = { 'content-type': 'application/json' };

function json(status: number, body: unknown): FakeResponse {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/** The login/refresh endpoints, with the auth controls every kit shares (`logins`, `expireTokens()`, `refuseRefresh()`, …). */
export class MyPhoneAuthFake implements FakeAuthControls {
  readonly credentials: { readonly username: string; readonly password: string };
  accessTtlMs: number;
  refreshTtlMs: number;
  /** Every login/refresh request, with the status answered. */
  readonly calls: AuthCall[] = [];
  readonly #now: () => number;
  readonly #access = new Map<string, number>();
  readonly #refresh = new Map<string, number>();
  #issued = 0;
  #refuse: number;
  #faults: { remaining: number; status: number }[] = [];

  constructor(options: MyPhoneAuthFakeOptions = {}) {
    this.credentials = Object.freeze({ ...(options.credentials ?? { username: 'partner@example.com', password: 'test-password' }) });
    this.accessTtlMs = options.accessTtlMs ?? 5 * 60_000;
    this.refreshTtlMs = options.refreshTtlMs ?? 60 * 60_000;
    this.#refuse = options.refuseRefresh ? Infinity : 0;
    this.#now = options.now ?? Date.now;
  }

  /** Login requests received (successful or not). */
  get logins(): number {
    return this.calls.filter((c) => c.kind === 'login').length;
  }

  /** Refresh requests received (successful or not). */
  get refreshes(): number {
    return this.calls.filter((c) => c.kind === 'refresh').length;
  }

  /** @deprecated Use `logins`. */
  get loginCalls(): number {
    return this.logins;
  }

  /** @deprecated Use `refreshes`. */
  get refreshCalls(): number {
    return this.refreshes;
  }

  /** Refuse the next `count` refreshes with 401 (default: all until `allowRefresh()`), so clients must log in again. */
  refuseRefresh(count = Infinity): void {
    this.#refuse = count;
  }

  allowRefresh(): void {
    this.#refuse = 0;
  }

  /** Answer the next `count` login/refresh requests with a bare HTTP error (default 500). */
  failNext(count: number, status = 500): void {
    this.#faults.push({ remaining: count, status });
  }

  /** Server-side expiry of every access token issued so far (the client still thinks they are valid). */
  expireTokens(): void {
    this.#access.clear();
  }

  /** @deprecated Use `expireTokens()`. */
  expireAccessTokens(): void {
    this.expireTokens();
  }

  /** Tokens the fake currently accepts (for asserting on a client's persisted tokens). */
  isValidAccessToken(token: string): boolean {
    const expires = this.#access.get(token);
    return expires !== undefined && this.#now() < expires;
  }

  /** Server-side expiry of every refresh token issued so far. */
  expireRefreshTokens(): void {
    this.#refresh.clear();
  }

  /** `Authorization: Bearer <token>` with a known, unexpired access token? */
  authorizes(header: string | undefined): boolean {
    const match = /^Bearer (.+)$/.exec(header ?? '');
    return match !== null && this.isValidAccessToken(match[1]!);
  }

  #issue(): FakeResponse {
    const now = this.#now();
    const n = ++this.#issued;
    const access = `mp-access-${n}-${crypto.randomUUID()}`;
    const refresh = `mp-refresh-${n}-${crypto.randomUUID()}`;
    this.#access.set(access, now + this.accessTtlMs);
    this.#refresh.set(refresh, now + this.refreshTtlMs);
    return json(200, {
      data: {
        access: { token: access, expires: new Date(now + this.accessTtlMs).toISOString() },
        refresh: { token: refresh, expires: new Date(now + this.refreshTtlMs).toISOString() },
      },
    });
  }

  #record(kind: AuthCall['kind'], res: FakeResponse): FakeResponse {
    this.calls.push({ kind, status: res.status });
    return res;
  }

  #fault(): FakeResponse | undefined {
    const fault = this.#faults[0];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.#faults.shift();
    return json(fault.status, { message: `fake failure (HTTP ${fault.status})` });
  }

  login(request: FakeRequest): FakeResponse {
    const failed = this.#fault();
    if (failed) return this.#record('login', failed);
    let body: { username?: unknown; password?: unknown };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return this.#record('login', json(400, { message: 'Body must be JSON { username, password }' }));
    }
    if (body?.username !== this.credentials.username || body?.password !== this.credentials.password) {
      return this.#record('login', json(401, { message: 'Invalid username or password' }));
    }
    return this.#record('login', this.#issue());
  }

  refresh(request: FakeRequest): FakeResponse {
    const failed = this.#fault();
    if (failed) return this.#record('refresh', failed);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return this.#record('refresh', json(400, { message: 'Body must be JSON { refreshToken }' }));
    }
    const token = [body?.refreshToken, body?.refresh, body?.refresh_token].find((t): t is string => typeof t === 'string');
    if (this.#refuse > 0) {
      this.#refuse--;
      return this.#record('refresh', json(401, { message: 'Refresh refused' }));
    }
    const expires = token === undefined ? undefined : this.#refresh.get(token);
    if (expires === undefined || this.#now() >= expires) return this.#record('refresh', json(401, { message: 'Refresh token is unknown or expired' }));
    this.#refresh.delete(token!); // rotation: a refresh token works once
    return this.#record('refresh', this.#issue());
  }
}
