/**
 * Credentials from the environment (`WHEREVER_API_KEY`, `TOTOGI_USERNAME`, …), read by a client's factory
 * once, at construction: explicit options always win, and nothing reads the environment per request.
 */
export function readEnv(name: string): string | undefined {
  const env = typeof process === 'undefined' ? undefined : (process.env as Record<string, string | undefined> | undefined);
  // Trimmed: a secret mounted from a file ends in a newline, which no header may carry.
  const value = env?.[name]?.trim();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `explicit` when the caller passed it (even an invalid value, which validation then names), else the variable. */
export function optionOrEnv<T>(explicit: T | undefined, name: string): T | string | undefined {
  return explicit !== undefined ? explicit : readEnv(name);
}
