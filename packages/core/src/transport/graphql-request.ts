/**
 * Adapter for users who bring their own graphql-request `GraphQLClient` (with its middleware).
 * It lives on a subpath (`@sdk/core/graphql-request`) so the default entry never loads `graphql`:
 * graphql-request adds ~64 ms of cold start and 8–71% CPU per call (bench/RESULTS.md).
 * graphql-request's own errors never escape: their messages embed the request variables.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import type { Transport, TransportResponse } from './transport.js';

export interface GraphQLRequestTransportOptions {
  /** A configured client; by default one is created per endpoint with the request's headers. */
  client?: GraphQLClient;
}

export function graphqlRequestTransport(options: GraphQLRequestTransportOptions = {}): Transport {
  const clients = new Map<string, GraphQLClient>();
  return async ({ url, headers, signal, operation, variables }) => {
    let client = options.client ?? clients.get(url);
    if (!client) {
      // errorPolicy 'all': keep partial data beside errors; our executor decides what they mean.
      client = new GraphQLClient(url, { errorPolicy: 'all' });
      clients.set(url, client);
    }
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
      // Network failures: rethrow the underlying cause only (it carries no variables).
      throw (err as { cause?: unknown }).cause ?? new Error((err as Error).name ?? 'request failed');
    }
  };
}
