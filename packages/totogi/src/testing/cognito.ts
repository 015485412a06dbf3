/**
 * A fake of the one Cognito user-pool call the client makes: InitiateAuth with USER_PASSWORD_AUTH
 * and REFRESH_TOKEN_AUTH. It issues short-lived JWT-shaped tokens, verifies SECRET_HASH when the
 * app client has a secret, answers errors the way Cognito does (HTTP 400, `{ __type, message }`),
 * and records every request without its password or tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '@sdk/core/testing';
import { createHash, createHmac } from 'node:crypto';

export interface CognitoRequestRecord {
  authFlow: string | undefined;
  clientId: string | undefined;
  /** USERNAME for logins; the refresh token's user for refreshes. */
  username: string | undefined;
  /** The SECRET_HASH that was sent, if any. */
  secretHash: string | undefined;
  /** HTTP status the fake answered with. */
  status: number;
}

export interface FakeCognitoOptions {
  username: string;
  password: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** Lifetime of access and ID tokens (Cognito's ExpiresIn). */
  tokenTtlSeconds: number;
  /** Claims put into every token (e.g. cognito:groups). */
  claims: Record<string, unknown>;
  now: () => number;
}

export interface IssuedTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
  /** ms since the epoch */
  expiresAt: number;
}

interface TokenInfo {
  use: 'access' | 'id';
  username: string;
  expiresAt: number;
}

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export class FakeCognito {
  readonly requests: CognitoRequestRecord[] = [];
  /** Change to make the next tokens live shorter or longer. */
  tokenTtlSeconds: number;
  readonly #options: FakeCognitoOptions;
  readonly #tokens = new Map<string, TokenInfo>();
  readonly #refreshTokens = new Map<string, { username: string; revoked: boolean }>();
  #refuseRefresh = 0;
  #faults: { remaining: number; status: number }[] = [];

  constructor(options: FakeCognitoOptions) {
    this.#options = options;
    this.tokenTtlSeconds = options.tokenTtlSeconds;
  }

  /** Successful and failed USER_PASSWORD_AUTH requests. */
  get logins(): CognitoRequestRecord[] {
    return this.requests.filter((r) => r.authFlow === 'USER_PASSWORD_AUTH');
  }

  /** Successful and failed REFRESH_TOKEN_AUTH requests. */
  get refreshes(): CognitoRequestRecord[] {
    return this.requests.filter((r) => r.authFlow === 'REFRESH_TOKEN_AUTH');
  }

  /** Refuse the next `count` refreshes with NotAuthorizedException (the client should fall back to a login). */
  refuseRefresh(count = Infinity): void {
    this.#refuseRefresh = count;
  }

  /** Answer the next `count` requests with a bare HTTP error (e.g. 500). */
  failNext(count: number, status = 500): void {
    this.#faults.push({ remaining: count, status });
  }

  /** Expire every access and ID token issued so far, server-side (clients still think them valid). */
  expireTokens(): void {
    const past = this.#options.now() - 1;
    for (const info of this.#tokens.values()) info.expiresAt = past;
  }

  /** Revoke every refresh token issued so far. */
  revokeRefreshTokens(): void {
    for (const info of this.#refreshTokens.values()) info.revoked = true;
  }

  /** Tokens for the configured user without a request (e.g. to build `initialTokens`). Not recorded. */
  issueTokens(): IssuedTokens {
    return this.#issue(this.#options.username, true) as IssuedTokens;
  }

  /** How the GraphQL fake checks an Authorization header. */
  verify(token: string | undefined): { ok: true; username: string; use: 'access' | 'id' } | { ok: false; reason: 'missing' | 'unknown' | 'expired' } {
    if (!token) return { ok: false, reason: 'missing' };
    const info = this.#tokens.get(token);
    if (!info) return { ok: false, reason: 'unknown' };
    if (this.#options.now() >= info.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, username: info.username, use: info.use };
  }

  /**
   * The user's name inside the pool. Like Cognito with e-mail sign-in, a user who logs in with an e-mail
   * address has a UUID username: it is what the tokens carry and what a refresh's SECRET_HASH is made from.
   */
  static poolUsername(login: string): string {
    if (!login.includes('@')) return login;
    const h = createHash('sha256').update(login).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  #jwt(use: 'access' | 'id', username: string, expiresAt: number): string {
    const iat = Math.floor(this.#options.now() / 1000);
    const pool = FakeCognito.poolUsername(username);
    const payload = { sub: pool, token_use: use, iat, exp: Math.floor(expiresAt / 1000), jti: randomUUID(), ...(use === 'access' ? { client_id: this.#options.clientId, username: pool } : { aud: this.#options.clientId, 'cognito:username': pool, email: username }), ...this.#options.claims };
    const token = `${base64url({ kid: 'totogi-fake', alg: 'RS256' })}.${base64url(payload)}.${randomBytes(32).toString('base64url')}`;
    this.#tokens.set(token, { use, username, expiresAt });
    return token;
  }

  #issue(username: string, withRefresh: boolean): Omit<IssuedTokens, 'refreshToken'> & { refreshToken?: string } {
    const expiresIn = this.tokenTtlSeconds;
    const expiresAt = this.#options.now() + expiresIn * 1000;
    const out: Omit<IssuedTokens, 'refreshToken'> & { refreshToken?: string } = { accessToken: this.#jwt('access', username, expiresAt), idToken: this.#jwt('id', username, expiresAt), expiresIn, expiresAt };
    if (withRefresh) {
      out.refreshToken = `${base64url({ cty: 'JWT', enc: 'A256GCM' })}.${randomBytes(48).toString('base64url')}`;
      this.#refreshTokens.set(out.refreshToken, { username, revoked: false });
    }
    return out;
  }

  /** Answers one HTTP request (msw handler and loopback server both call this). */
  handle(request: FakeRequest): FakeResponse {
    const record: CognitoRequestRecord = { authFlow: undefined, clientId: undefined, username: undefined, secretHash: undefined, status: 200 };
    this.requests.push(record);
    const answer = (status: number, body: unknown): FakeResponse => {
      record.status = status;
      return { status, headers: { ...JSON_HEADERS, 'x-amzn-requestid': randomUUID() }, body: JSON.stringify(body) };
    };
    const error = (type: string, message: string, status = 400) => answer(status, { __type: type, message });

    const fault = this.#faults[0];
    if (fault) {
      if (--fault.remaining <= 0) this.#faults.shift();
      record.status = fault.status;
      return { status: fault.status, headers: { 'content-type': 'text/plain' }, body: 'Service Unavailable' };
    }
    if (request.headers['x-amz-target'] !== 'AWSCognitoIdentityProviderService.InitiateAuth') {
      return error('UnknownOperationException', `Unsupported X-Amz-Target: ${request.headers['x-amz-target'] ?? '(none)'}`);
    }
    if (!(request.headers['content-type'] ?? '').includes('application/x-amz-json-1.1')) {
      return error('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
    }
    let body: { AuthFlow?: unknown; ClientId?: unknown; AuthParameters?: Record<string, unknown> };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return error('SerializationException', 'Request body is not JSON');
    }
    const params = body.AuthParameters ?? {};
    record.authFlow = typeof body.AuthFlow === 'string' ? body.AuthFlow : undefined;
    record.clientId = typeof body.ClientId === 'string' ? body.ClientId : undefined;
    record.secretHash = typeof params.SECRET_HASH === 'string' ? params.SECRET_HASH : undefined;
    const o = this.#options;
    if (record.clientId !== o.clientId) return error('ResourceNotFoundException', `User pool client ${String(body.ClientId)} does not exist.`);

    const checkHash = (username: string) => {
      if (!o.clientSecret) return record.secretHash === undefined ? undefined : error('NotAuthorizedException', `Client ${o.clientId} is configured without a secret; SECRET_HASH must not be sent.`);
      if (record.secretHash !== createHmac('sha256', o.clientSecret).update(username + o.clientId).digest('base64')) return error('NotAuthorizedException', `Unable to verify secret hash for client ${o.clientId}`);
      return undefined;
    };

    if (record.authFlow === 'USER_PASSWORD_AUTH') {
      record.username = typeof params.USERNAME === 'string' ? params.USERNAME : undefined;
      if (!record.username || typeof params.PASSWORD !== 'string') return error('InvalidParameterException', 'Missing required parameter USERNAME or PASSWORD');
      const refused = checkHash(record.username);
      if (refused) return refused;
      // Like a pool with "prevent user existence errors": one message for unknown users and wrong passwords.
      if (record.username !== o.username || params.PASSWORD !== o.password) return error('NotAuthorizedException', 'Incorrect username or password.');
      const t = this.#issue(record.username, true);
      return answer(200, { AuthenticationResult: { AccessToken: t.accessToken, ExpiresIn: t.expiresIn, IdToken: t.idToken, RefreshToken: t.refreshToken, TokenType: 'Bearer' }, ChallengeParameters: {} });
    }
    if (record.authFlow === 'REFRESH_TOKEN_AUTH') {
      const refreshToken = typeof params.REFRESH_TOKEN === 'string' ? params.REFRESH_TOKEN : '';
      const info = this.#refreshTokens.get(refreshToken);
      record.username = info?.username;
      if (!info || info.revoked) return error('NotAuthorizedException', 'Invalid Refresh Token');
      // Cognito checks a refresh's SECRET_HASH against the pool username, not the e-mail the user logged in with.
      const refused = checkHash(FakeCognito.poolUsername(info.username));
      if (refused) return refused;
      if (this.#refuseRefresh > 0) {
        this.#refuseRefresh--;
        return error('NotAuthorizedException', 'Refresh Token has been revoked');
      }
      const t = this.#issue(info.username, false);
      return answer(200, { AuthenticationResult: { AccessToken: t.accessToken, ExpiresIn: t.expiresIn, IdToken: t.idToken, TokenType: 'Bearer' }, ChallengeParameters: {} });
    }
    return error('InvalidParameterException', `Unsupported AuthFlow ${String(body.AuthFlow)}`);
  }
}
