/**
 * Adapter for users who bring their own graphql-request `GraphQLClient` (with its middleware).
 * It lives on a subpath (`@sdk/core/graphql-request`) so the default entry never loads `graphql`:
 * graphql-request adds ~64 ms of cold start and 8–71% CPU per call (bench/RESULTS.md).
 * graphql-request's own errors never escape: their messages embed the request variables.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { SdkError } from '../errors/index.js';
import { DEFAULT_MAX_RESPONSE_BYTES, readBoundedText, redirectErrorFor, type Transport, type TransportResponse } from './transport.js';

type Fetch = typeof globalThis.fetch;
/** The size cap of the request each attempt's signal belongs to (one signal per attempt). */
const caps = new WeakMap<AbortSignal, number>();
const guarded = new WeakSet<GraphQLClient>();

/**
 * The same rules as our own transports, for any GraphQLClient (yours included): never follow a redirect
 * (the request carries credentials) and never read more than the size cap. Done once per client by
 * wrapping the fetch it uses.
 */
function guard(client: GraphQLClient): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  const config = (client as unknown as { requestConfig: { fetch?: Fetch; redirect?: string } }).requestConfig;
  const inner: Fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  config.redirect = 'manual';
  config.fetch = async (input, init) => {
    const res = await inner(input, { ...init, redirect: 'manual' });
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const redirect = res.type === 'opaqueredirect' ? redirectErrorFor(307, res.headers, url, 'the GraphQL request') : redirectErrorFor(res.status, res.headers, url, 'the GraphQL request');
    if (redirect) {
      await res.body?.cancel().catch(() => undefined);
      throw redirect;
    }
    const max = (init?.signal && caps.get(init.signal)) || DEFAULT_MAX_RESPONSE_BYTES;
    const text = await readBoundedText(res, max);
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

export interface GraphQLRequestTransportOptions {
  /** A configured client; by default one is created per endpoint with the request's headers. */
  client?: GraphQLClient;
}

export function graphqlRequestTransport(options: GraphQLRequestTransportOptions = {}): Transport {
  const clients = new Map<string, GraphQLClient>();
  return async (request) => {
    const { url, headers, signal, operation, variables } = request;
    let client = options.client ?? clients.get(url);
    if (!client) {
      // errorPolicy 'all': keep partial data beside errors; our executor decides what they mean.
      client = new GraphQLClient(url, { errorPolicy: 'all' });
      clients.set(url, client);
    }
    guard(client);
    if (request.maxResponseBytes !== undefined) caps.set(signal, request.maxResponseBytes);
    try {
      const res = await client.rawRequest({ query: operation.document, variables, requestHeaders: headers, signal });
      const json: Record<string, unknown> = { data: res.data ?? null };
      if (res.errors) json.errors = res.errors;
      return { status: res.status, headers: res.headers, json };
    } catch (err) {
      if (err instanceof ClientError) {
        const r = err.response as unknown as { status: number; headers?: Headers; data?: unknown; errors?: unknown; body?: string };
        const out: TransportResponse = { status: r.status, headers: r.headers ?? new Headers(), json: undefined };
        if (r.errors !== undefined || r.data !== undefined) out.json = { data: r.data ?? null, errors: r.errors };
        else out.text = typeof r.body === 'string' ? r.body : '';
        return out;
      }
      // Our own typed errors (a refused redirect, a body over the cap) pass as they are.
      if (err instanceof SdkError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof SdkError) throw cause;
      // Network failures: rethrow the underlying cause only (it carries no variables).
      throw cause ?? new Error((err as Error).name ?? 'request failed');
    }
  };
}
