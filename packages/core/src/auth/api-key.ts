import { ValidationError } from '../errors/index.js';
import type { AuthStrategy } from './types.js';

export interface ApiKeyOptions {
  /** Header that carries the key. Default `Authorization`. */
  header?: string;
  /** Text before the key, e.g. `Bearer `. Default none: the raw key is the header value. */
  prefix?: string;
}

/** Sends a fixed API key with every request. The key is kept in a closure, never on an object. */
export function apiKeyAuth(apiKey: string, options: ApiKeyOptions = {}): AuthStrategy {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ValidationError('apiKey is required: pass the API key your vendor issued (a non-empty string)', { field: 'apiKey' });
  }
  // A header value carries visible ASCII only; anything else would fail every request as a network error.
  if (!/^[\x20-\x7e]+$/.test(apiKey)) {
    throw new ValidationError('apiKey holds characters an HTTP header cannot carry (control or non-ASCII characters); check how it was copied', { field: 'apiKey' });
  }
  const headers = Object.freeze({ [(options.header ?? 'Authorization').toLowerCase()]: `${options.prefix ?? ''}${apiKey}` });
  return { headers: () => headers, secrets: () => [apiKey] };
}
