import { AbortError } from '../errors/index.js';
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

export function resolveRetry(base: RetryOptions, override: number | Partial<RetryOptions> | undefined): RetryOptions {
  if (override === undefined) return base;
  if (typeof override === 'number') return { ...base, maxRetries: override };
  return { ...base, ...override };
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

export function abortErrorFrom(signal: AbortSignal, operationName?: string): AbortError {
  return new AbortError(`${operationName ?? 'request'} was aborted`, { reason: signal.reason, operationName });
}
