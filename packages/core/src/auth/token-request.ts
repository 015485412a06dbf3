import { AbortError, AuthError, ConnectionError, HttpError, RedirectError, ResponseTooLargeError, TimeoutError } from '../errors/index.js';
import { capText, scrubText } from '../secrets/index.js';
import { readBoundedText, redirectErrorFor, type FetchLike } from '../transport/transport.js';

export interface TokenRequest {
  /** What is being asked, for messages: `MyPhone login`, `Cognito refresh (REFRESH_TOKEN_AUTH)`. */
  what: string;
  url: string;
  headers: Record<string, string>;
  /** The request body; it holds credentials, so it never reaches an error or a log. */
  body: string;
  /** Values to scrub from anything the server or the network layer says back. */
  secrets: readonly string[];
  timeoutMs?: number | undefined;
  fetch?: FetchLike | undefined;
  signal?: AbortSignal | undefined;
  /** The human part of an error body; default: `message`, `error`, `detail` or `errors[0].message`. */
  describeError?: ((json: unknown, text: string) => string | undefined) | undefined;
  /**
   * True when a non-2xx answer means "try again later" rather than "these credentials are refused"
   * (Cognito throttles with HTTP 400 `TooManyRequestsException`). HTTP 429 and 5xx always are.
   */
  isTransient?: ((status: number, json: unknown) => boolean) | undefined;
}

export interface TokenResponse {
  status: number;
  json: unknown;
  /** When the response arrived, by the local clock (ms since the epoch): the base for lifetimes. */
  receivedAt: number;
  /** The server's `Date` header (ms since the epoch), when valid: lets absolute expiries be corrected for clock skew. */
  serverDate?: number | undefined;
}

function defaultDescribe(json: unknown, text: string): string | undefined {
  const body = json as { message?: unknown; error?: unknown; detail?: unknown; errors?: { message?: unknown }[] } | undefined;
  const found = [body?.message, body?.error, body?.detail, Array.isArray(body?.errors) ? body.errors[0]?.message : undefined].find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return (found ?? text).trim() || undefined;
}

/**
 * A copy of a network error's cause chain with every message scrubbed: the chain explains the failure
 * (ECONNREFUSED, ETIMEDOUT) while a fetch implementation that quotes the request cannot leak the password.
 */
function scrubbedCause(err: unknown, scrub: (text: string) => string, depth = 0): Error | undefined {
  if (err === undefined || err === null || depth > 4) return undefined;
  const source = err as { message?: unknown; name?: unknown; code?: unknown; cause?: unknown };
  const cause = scrubbedCause(source.cause, scrub, depth + 1);
  const copy = new Error(scrub(String(source.message ?? err)).slice(0, 300), cause ? { cause } : undefined);
  copy.name = typeof source.name === 'string' ? source.name : 'Error';
  if (typeof source.code === 'string') (copy as Error & { code?: string }).code = source.code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/**
 * POSTs to a login or refresh endpoint (the vendors' REST and Cognito token calls share it).
 * - Redirects are never followed (the body holds the password): a 3xx is a RedirectError naming the target host.
 * - The network failing is a ConnectionError, a timeout a TimeoutError, HTTP 429/5xx (or `isTransient`) an
 *   HttpError: the executor retries those under the client's retry policy. Only a refusal is an AuthError.
 * - Anything echoed back is scrubbed of the secrets before it is shortened; the timer never keeps the process alive.
 */
export async function requestTokens(request: TokenRequest): Promise<TokenResponse> {
  const { what, url, secrets } = request;
  const timeoutMs = request.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  // Every encoding of every secret; the executor scrubs the thrown error again with all tokens held so far.
  const scrub = (text: string) => scrubText(text, secrets);
  const shorten = (text: string) => capText(text, 200);
  let res: Response;
  let text: string;
  try {
    if (request.signal?.aborted) controller.abort();
    res = await (request.fetch ?? (globalThis.fetch as FetchLike))(url, { method: 'POST', headers: request.headers, body: request.body, signal: controller.signal, redirect: 'manual' });
    // Bounded like GraphQL responses: a token endpoint's gzip bomb must not inflate into memory.
    text = await readBoundedText(res, undefined, { operationName: what });
  } catch (err) {
    if (err instanceof ResponseTooLargeError) throw err;
    if (request.signal?.aborted) throw new AbortError(`${what} was aborted`, { reason: request.signal.reason });
    if (controller.signal.aborted) throw new TimeoutError(`${what} at ${url} timed out after ${timeoutMs} ms`, { timeoutMs });
    const refused = /ECONNREFUSED/.test(String((err as { cause?: { code?: unknown } })?.cause?.code ?? (err as { code?: unknown })?.code ?? ''));
    throw new ConnectionError(`${what} could not reach ${url}: ${shorten(scrub(String((err as Error)?.message ?? err)))}`, { refused, cause: scrubbedCause(err, scrub) });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
  const receivedAt = Date.now();
  // Browsers hide a manual redirect's status and target (`opaqueredirect`, status 0).
  if (res.type === 'opaqueredirect') throw new RedirectError(`${what} at ${url} was answered with a redirect; token requests never follow redirects`, { status: 0, targetHost: undefined });
  const redirect = redirectErrorFor(res.status, res.headers, url, `${what} at ${url}`);
  if (redirect) throw redirect;
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status >= 300) {
    const detail = (request.describeError ?? defaultDescribe)(json, text);
    const message = `${what} at ${url} was refused with HTTP ${res.status}${detail ? `: ${shorten(scrub(detail))}` : ''}`;
    if (res.status === 429 || res.status >= 500 || request.isTransient?.(res.status, json)) {
      throw new HttpError(message.replace('was refused with', 'failed with'), { status: res.status });
    }
    throw new AuthError(message, { status: res.status, endpoint: url });
  }
  const date = Date.parse(res.headers.get('date') ?? '');
  return { status: res.status, json, receivedAt, serverDate: Number.isFinite(date) ? date : undefined };
}

/** A string or number claim from a JWT's payload (read, never verified). */
export function jwtClaim(token: string | undefined, claim: string): unknown {
  try {
    const payload = JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return payload?.[claim];
  } catch {
    return undefined;
  }
}

export interface LifetimeInput {
  /** Local time the answer arrived. */
  receivedAt: number;
  /** The server's `Date` header, if any. */
  serverDate?: number | undefined;
  /** A relative lifetime in seconds (Cognito `ExpiresIn`). */
  expiresInSeconds?: unknown;
  /** The token itself: a JWT's `exp` (and `iat`) are used when there is no relative lifetime. */
  token?: string | undefined;
  /** An absolute expiry by the server's clock (MyPhone `expires`, an ISO date). */
  expires?: unknown;
}

/** Lifetimes shorter than this are raised to it (with a warning): a token is never renewed on every call. */
export const MIN_TOKEN_LIFETIME_MS = 60_000;
/** Longer lifetimes (a year-9999 date, a garbled Date header) are cut to this; a 401 still renews earlier. */
const MAX_TOKEN_LIFETIME_MS = 7 * 24 * 3600_000;

/**
 * When a token expires by the LOCAL clock. Sources, best first: a relative lifetime; the JWT `exp`
 * (relative to its `iat`, else corrected by the server's Date); an absolute `expires` corrected by the
 * server's Date. A lifetime below MIN_TOKEN_LIFETIME_MS (a skewed clock, a past date) is raised to it and
 * reported in `warning`. Undefined when no source says anything.
 */
export function tokenExpiry(input: LifetimeInput): { expiresAt: number; warning?: string } | undefined {
  const { receivedAt, serverDate } = input;
  const skew = serverDate === undefined ? 0 : receivedAt - serverDate;
  let lifetime: number | undefined;
  let source = '';
  const expiresIn = input.expiresInSeconds;
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn)) {
    lifetime = expiresIn * 1000;
    source = 'ExpiresIn';
  }
  if (lifetime === undefined && input.token !== undefined) {
    const exp = jwtClaim(input.token, 'exp');
    const iat = jwtClaim(input.token, 'iat');
    if (typeof exp === 'number' && Number.isFinite(exp)) {
      // By the server's clock when its Date is known; by `iat` when the token has one. Both: the shorter,
      // as a re-issued token's `iat` lies in the past (a late renewal costs a 401, an early one a login).
      const byIat = typeof iat === 'number' && Number.isFinite(iat) && iat < exp ? (exp - iat) * 1000 : undefined;
      const byDate = serverDate === undefined ? undefined : exp * 1000 - serverDate;
      lifetime = byIat !== undefined && byDate !== undefined ? Math.min(byIat, byDate) : byIat ?? byDate ?? exp * 1000 - receivedAt;
      source = 'the token’s exp';
    }
  }
  if (lifetime === undefined && typeof input.expires === 'string') {
    const at = Date.parse(input.expires);
    if (Number.isFinite(at)) {
      lifetime = at + skew - receivedAt;
      source = 'expires';
    }
  }
  if (lifetime === undefined) return undefined;
  if (!(lifetime >= MIN_TOKEN_LIFETIME_MS)) {
    return {
      expiresAt: receivedAt + MIN_TOKEN_LIFETIME_MS,
      warning: `token lifetime from ${source} is ${Math.round(lifetime / 1000)} s (clock skew?); using ${MIN_TOKEN_LIFETIME_MS / 1000} s until the server refuses it`,
    };
  }
  return { expiresAt: receivedAt + Math.min(lifetime, MAX_TOKEN_LIFETIME_MS) };
}
