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

/** Read access to response headers: a WHATWG `Headers` satisfies it. */
export interface HeadersLike {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(callback: (value: string, key: string) => void): void;
}

export interface TransportResponse {
  status: number;
  headers: HeadersLike;
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
 * A transport over `fetch` (yours, or the global one looked up per call so patches of
 * globalThis.fetch apply). Used when a client is given `fetch`; the default is httpTransport.
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
