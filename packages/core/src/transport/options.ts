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

/** RFC 9110 token: what node:http and fetch accept as a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What node:http and fetch accept in a header value: no CR, LF or NUL (they would split or end the header). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Extra headers: a plain object of string values (numbers are stringified) that node:http and fetch accept.
 * An unset env var (`undefined`), a CR/LF or a bad name once failed every request as a ConnectionError that
 * claimed a mutation "may have been applied" although nothing was sent.
 */
export function validateHeaders(value: unknown, field: string): Record<string, string | number> | undefined {
  if (value === undefined) return undefined;
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new ValidationError(`${field} must be a plain object of header names to strings, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : describe(value)}`, { field });
  }
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    const path = `${field}.${name}`;
    if (!HEADER_NAME.test(name)) throw new ValidationError(`${field}: ${JSON.stringify(name.slice(0, 40))} is not a valid header name`, { field: path });
    // The value is not quoted: headers often hold credentials.
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw new ValidationError(`${path} must be a string, got ${v === null ? 'null' : typeof v}`, { field: path });
    if (typeof v === 'string' && !HEADER_VALUE.test(v)) throw new ValidationError(`${path} holds a character a header cannot carry (CR, LF or NUL)`, { field: path });
  }
  return value as Record<string, string | number>;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}
