/**
 * Checks for client and per-call options, run before anything leaves: a value that type-checks can still be
 * NaN, 0, a string from an env var or an unparseable URL, and each of those once meant unbounded retries,
 * requests sent with no timeout, or a password posted before the bad endpoint was noticed.
 */
import { ValidationError } from '../errors/index.js';

/** Longest delay setTimeout honours; above it Node fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** `value` is a valid http(s) URL with a host and a valid port; returns it unchanged. */
export function validateEndpoint(value: unknown, field = 'endpoint'): string {
  const fail = (why: string) => new ValidationError(`${field} must be an http(s) URL such as https://api.example.com/graphql; ${why}`, { field });
  if (typeof value !== 'string') throw fail(`got ${value === null ? 'null' : typeof value}`);
  if (/\s/.test(value)) throw fail('it contains whitespace');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // URL's own message quotes the input, which may hold credentials; say what is wrong instead.
    throw fail('it does not parse (check the scheme, host and port 1-65535)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`got the scheme ${url.protocol}`);
  if (!url.hostname) throw fail('it has no host');
  if (url.port !== '' && Number(url.port) < 1) throw fail('the port must be 1-65535');
  return value;
}

/** A positive, finite number of milliseconds that a timer can honour (or undefined: use the default). */
export function validateMs(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new ValidationError(`${field} must be a positive number of milliseconds up to ${MAX_TIMER_MS}, got ${describe(value)}`, { field });
  }
  return value;
}

/** A positive integer byte count (or undefined: use the default). */
export function validateBytes(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(`${field} must be a positive integer number of bytes, got ${describe(value)}`, { field });
  }
  return value;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}
