/**
 * Vendor-neutral GraphQL subscriptions over one shared WebSocket per client. The socket library (`ws`)
 * and, for the graphql-ws protocol, `graphql-ws` are imported only when the first subscription opens,
 * so importing the SDK stays as cheap as before.
 */
import { ValidationError } from '../errors/index.js';
import { createAppSyncClient } from './appsync.js';
import { createGraphQLWsClient } from './graphql-ws.js';
import { DEFAULT_RECONNECT, apiHostFor } from './shared.js';
import type { SubscriptionClient, SubscriptionClientOptions } from './types.js';

export { realtimeUrlFor } from './shared.js';
export type * from './types.js';

export function createSubscriptionClient(options: SubscriptionClientOptions): SubscriptionClient {
  if (typeof options?.url !== 'string' || !/^wss?:\/\//.test(options.url)) {
    throw new ValidationError(`realtime url must be a ws(s) URL, got ${JSON.stringify(String(options?.url))}`, { field: 'url' });
  }
  const protocol = options.protocol ?? 'appsync';
  if (protocol !== 'appsync' && protocol !== 'graphql-ws') {
    throw new ValidationError(`realtime protocol must be 'appsync' or 'graphql-ws', got ${JSON.stringify(String(protocol))}`, { field: 'protocol' });
  }
  const resolved = {
    ...options,
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    host: options.host ?? apiHostFor(options.url),
    random: options.random ?? Math.random,
  };
  return protocol === 'graphql-ws' ? createGraphQLWsClient(resolved) : createAppSyncClient(resolved);
}
