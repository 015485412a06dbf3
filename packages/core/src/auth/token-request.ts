import { AuthError } from '../errors/index.js';
import { capText, scrubText } from '../secrets/index.js';
import type { FetchLike } from '../transport/transport.js';

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
}

export interface TokenResponse {
  status: number;
  json: unknown;
  /** When the response arrived (ms since the epoch): the base for relative lifetimes. */
  receivedAt: number;
}

function defaultDescribe(json: unknown, text: string): string | undefined {
  const body = json as { message?: unknown; error?: unknown; detail?: unknown; errors?: { message?: unknown }[] } | undefined;
  const found = [body?.message, body?.error, body?.detail, Array.isArray(body?.errors) ? body.errors[0]?.message : undefined].find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return (found ?? text).trim() || undefined;
}

/**
 * POSTs to a login or refresh endpoint (the vendors' REST and Cognito token calls share it). Failures are
 * AuthErrors naming the endpoint and status; anything echoed back is scrubbed of the secrets (in every
 * encoding) before it is shortened, and the network error is never attached as `cause`, since some
 * fetch implementations quote the request, and the request holds the password.
 */
export async function requestTokens(request: TokenRequest): Promise<TokenResponse> {
  const { what, url, secrets } = request;
  const timeoutMs = request.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  // Every encoding of every secret; the executor scrubs the thrown error again with all tokens held so far.
  const scrub = (text: string) => scrubText(text, secrets);
  const shorten = (text: string) => capText(text, 200);
  let res: Response;
  let text: string;
  try {
    res = await (request.fetch ?? (globalThis.fetch as FetchLike))(url, { method: 'POST', headers: request.headers, body: request.body, signal: controller.signal });
    text = await res.text();
  } catch (err) {
    if (request.signal?.aborted) throw new AuthError(`${what} was aborted`, { endpoint: url });
    const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : shorten(scrub(String((err as Error)?.message ?? err)));
    throw new AuthError(`${what} could not reach ${url}: ${reason}`, { endpoint: url });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status >= 300) {
    const detail = (request.describeError ?? defaultDescribe)(json, text);
    throw new AuthError(`${what} at ${url} was refused with HTTP ${res.status}${detail ? `: ${shorten(scrub(detail))}` : ''}`, { status: res.status, endpoint: url });
  }
  return { status: res.status, json, receivedAt: Date.now() };
}
