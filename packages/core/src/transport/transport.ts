import type { OperationDescriptor } from './operation.js';

export interface TransportRequest {
  url: string;
  /** The complete JSON body, already serialized. */
  body: string;
  headers: Record<string, string>;
  /** Fires on the caller's abort, the attempt timeout or the call deadline. Must also cover the body read. */
  signal: AbortSignal;
  operation: OperationDescriptor;
  variables: Record<string, unknown>;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; `undefined` when the body was not JSON (then `text` holds it). */
  json: unknown;
  text?: string;
}

/**
 * Sends one attempt. It rejects only when no HTTP response was obtained (network, abort);
 * every HTTP status resolves, and the executor decides what it means.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * The default transport: one `fetch` POST of the pre-serialized body. It is the fastest path we
 * measured (see bench/RESULTS.md) and msw intercepts it, so users' tests work unchanged.
 * `fetch` is looked up per call when not given, so msw and other patches of globalThis.fetch apply.
 */
export function fetchTransport(fetchImpl?: FetchLike): Transport {
  return async ({ url, body, headers, signal }) => {
    const res = await (fetchImpl ?? (globalThis.fetch as FetchLike))(url, { method: 'POST', headers, body, signal });
    const text = await res.text();
    const type = res.headers.get('content-type');
    // Parse JSON when declared, or when the body looks like JSON (some gateways omit the header).
    if ((type !== null && type.includes('json')) || (type === null && /^\s*[{[]/.test(text))) {
      try {
        return { status: res.status, headers: res.headers, json: JSON.parse(text) };
      } catch {
        return { status: res.status, headers: res.headers, json: undefined, text };
      }
    }
    return { status: res.status, headers: res.headers, json: undefined, text };
  };
}
