import { AbortError, ApiError, AuthError, ConnectionError, SdkError, TimeoutError, ValidationError } from '@sdk/core';

/** Wrong flags, unknown names, unparseable values: nothing was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes, documented in the README and `telco --help`. */
export const EXIT = {
  ok: 0,
  /** The API refused the request (an error member, GraphQL errors, HTTP 4xx), or a bulk run has rejected/unknown rows. */
  failed: 1,
  /** Bad usage or input: nothing was sent. */
  usage: 2,
  /** Credentials missing or refused. */
  auth: 3,
  /** Network, timeout or server failure after retries. */
  unavailable: 4,
  /** Stopped by Ctrl-C / SIGTERM. */
  interrupted: 130,
} as const;

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError || err instanceof ValidationError) return EXIT.usage;
  if (err instanceof AuthError) return EXIT.auth;
  if (err instanceof AbortError) return EXIT.interrupted;
  if (err instanceof ConnectionError || err instanceof TimeoutError) return EXIT.unavailable;
  if (err instanceof ApiError || err instanceof SdkError) return EXIT.failed;
  return EXIT.failed;
}

/** One line for stderr; SDK errors are already scrubbed of secrets. */
export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** The error as a results-file record: name, message and the typed fields a program can act on. */
export function errorRecord(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  for (const key of ['status', '__typename', 'errorCode', 'requestId', 'attempts', 'field', 'operationName']) {
    const value = (err as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
