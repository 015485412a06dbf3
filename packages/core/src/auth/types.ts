import type { AuthEvent } from './token-manager.js';

export interface AuthContext {
  signal?: AbortSignal | undefined;
}

/**
 * How a client authenticates its requests. Strategies are small objects (like Octokit's auth
 * plugins): the executor asks for headers before each attempt and tells the strategy when the
 * server refused them, so it can refresh and the request be replayed once.
 */
export interface AuthStrategy {
  /** Headers for the next attempt. May return the same object every time (API keys): it is not mutated. */
  headers(context: AuthContext): Record<string, string> | Promise<Record<string, string>>;
  /**
   * The server rejected `sentHeaders` as unauthorized. Resolve true when fresh credentials are
   * ready and the request should be replayed (once); false to surface the error.
   */
  onUnauthorized?(sentHeaders: Record<string, string>, context: AuthContext): Promise<boolean>;
  /** Secret values to scrub from anything the SDK logs or throws. */
  secrets(): readonly string[];
  /** Called once by the client with its event emitter, so auth events (logins, refreshes) reach its logger. */
  connect?(emit: (event: AuthEvent) => void): void;
}

export function noAuth(): AuthStrategy {
  const headers = {};
  return { headers: () => headers, secrets: () => [] };
}
