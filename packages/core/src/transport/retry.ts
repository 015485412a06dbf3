import { AbortError, ValidationError } from '../errors/index.js';
import { MAX_TIMER_MS, describe } from './options.js';
import type { HeadersLike } from './transport.js';

export interface RetryOptions {
  /** Retries after the first attempt. 0 disables retrying. Default 2. */
  maxRetries: number;
  /** First backoff ceiling; doubles per retry (full jitter picks uniformly below it). Default 500 ms. */
  baseDelayMs: number;
  /** Ceiling of any backoff. Default 8 s. */
  maxDelayMs: number;
  /** Longest server-requested wait (Retry-After) we honour; longer ones are capped to this. Default 60 s. */
  maxRetryAfterMs: number;
  /**
   * Retry mutations even when the request may have reached the server (timeouts, resets, 5xx).
   * Off by default: a retried charge could be applied twice. Throttling and refused connections are
   * always safe to retry.
   */
  retryMutations: boolean;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  retryMutations: false,
};

const DELAY_FIELDS = ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const;
/** More retries than this is a typo or a unit mistake, not a policy. */
const MAX_RETRIES = 100;

function checkRetries(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RETRIES) {
    throw new ValidationError(`${field} must be an integer from 0 to ${MAX_RETRIES}, got ${describe(value)}`, { field });
  }
  return value;
}

/**
 * The policy `override` asks for on top of `base`, checked: a number is `maxRetries`; in an object, fields
 * left `undefined` keep the base value. NaN, strings, negative or non-finite delays and unknown fields are
 * a ValidationError naming the field (they once meant retrying forever, or not at all).
 */
export function resolveRetry(base: RetryOptions, override: unknown, field = 'retry'): RetryOptions {
  if (override === undefined) return base;
  if (typeof override === 'number') return { ...base, maxRetries: checkRetries(override, field) };
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new ValidationError(`${field} must be a number of retries or an object such as { maxRetries: 3 }, got ${describe(override)}`, { field });
  }
  const out: RetryOptions = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const path = `${field}.${key}`;
    if (key === 'maxRetries') out.maxRetries = checkRetries(value, path);
    else if (key === 'retryMutations') {
      if (typeof value !== 'boolean') throw new ValidationError(`${path} must be true or false, got ${describe(value)}`, { field: path });
      out.retryMutations = value;
    } else if ((DELAY_FIELDS as readonly string[]).includes(key)) {
      // Above MAX_TIMER_MS Node fires a timer after 1 ms: a "34-day" backoff would become a burst of requests.
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
        throw new ValidationError(`${path} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${describe(value)}`, { field: path });
      }
      out[key as (typeof DELAY_FIELDS)[number]] = value;
    } else {
      throw new ValidationError(`${field} has no option ${JSON.stringify(key)}; it takes maxRetries, baseDelayMs, maxDelayMs, maxRetryAfterMs, retryMutations`, { field: path });
    }
  }
  return out;
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base * 2^retry)). */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Server-requested delay in ms from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date.
 * Returns undefined when absent or unparseable.
 */
export function retryAfterMs(headers: Pick<HeadersLike, 'get'> | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Sleep that ends early, with an AbortError, when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorFrom(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Longest part of an abort reason quoted in a message. */
const REASON_LIMIT = 200;

/** The caller's abort, with its reason kept as `cause` and quoted (shortened) in the message. */
export function abortErrorFrom(signal: AbortSignal, operationName?: string, attempts?: number, scrub?: (text: string) => string): AbortError {
  const reason: unknown = signal.reason;
  let text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  if (text && scrub) text = scrub(text);
  if (text.length > REASON_LIMIT) text = `${text.slice(0, REASON_LIMIT)}…`;
  // The default reason (a DOMException "This operation was aborted") adds nothing to "was aborted".
  const quoted = text && !(reason instanceof Error && reason.name === 'AbortError') ? `: ${text}` : '';
  return new AbortError(`${operationName ?? 'request'} was aborted${quoted}`, { reason, operationName, attempts, cause: reason });
}
