/**
 * The one vocabulary every vendor's testing kit speaks (`createWhereverMock`, `createTotogiMock`,
 * `createMyPhoneMock`): learn it once, use it for all three.
 *
 * - seed through the mock's options (`sims`, `accounts`, `simcards`, …) and read or change `state`;
 * - `requests` / `requestsOf(name)` record what the fake received;
 * - `failNext(count, fault)` and typed `override(name, reply)` make it misbehave;
 * - `auth` counts logins and refreshes and expires or refuses tokens (token-based vendors);
 * - `clientOptions` (msw) and `listen()` → `server.clientOptions` (loopback HTTP) are exactly what
 *   `createXClient` needs.
 */
import type { HttpHandler } from 'msw';
import type { Fault, RecordedRequest, RunningServer } from './index.js';

/** The operation table shape a kit is typed by: operation name → its data and variables. */
export type OperationTypeMap = { [name: string]: { data: unknown; variables: unknown } };

/** A typed reply for one operation: its data, GraphQL errors, an HTTP status, a delay or a dropped connection. */
export type OperationReply<TData> = Omit<Fault, 'data'> & { data?: TData };

/** One login or refresh request the fake received, with the status it answered. */
export interface AuthCall {
  kind: 'login' | 'refresh';
  status: number;
}

/** Token controls, the same for every vendor whose API logs in (Totogi's Cognito, MyPhone's REST login). */
export interface FakeAuthControls {
  /** Every login/refresh request, in order, with the status answered. */
  readonly calls: readonly AuthCall[];
  /** Login requests received (successful or not). */
  readonly logins: number;
  /** Refresh requests received (successful or not). */
  readonly refreshes: number;
  /** Expire every access token issued so far, server-side: the client still trusts them, the API answers 401. */
  expireTokens(): void;
  /** Refuse the next `count` refreshes (default: every one until `allowRefresh()`): the client must log in again. */
  refuseRefresh(count?: number): void;
  /** Accept refreshes again. */
  allowRefresh(): void;
  /** Answer the next `count` login/refresh requests with a bare HTTP error (default 500). */
  failNext(count: number, status?: number): void;
}

/** What `listen()` resolves to: the running loopback server and the options a client needs to use it. */
export interface ListeningFake<TClientOptions> extends RunningServer {
  /** The GraphQL endpoint on loopback. */
  readonly endpoint: string;
  /** Pass as is: `createXClient(server.clientOptions)` (spread it to add your own options). */
  readonly clientOptions: TClientOptions;
}

/** The members every vendor kit has, named the same. */
export interface FakeKit<TOperations extends { [K in keyof TOperations]: { data: unknown; variables: unknown } }, TState, TClientOptions> {
  /** The GraphQL endpoint the msw handlers answer. */
  readonly endpoint: string;
  /** msw handlers: `setupServer(...api.handlers)`. */
  readonly handlers: HttpHandler[];
  /** The fake's data; seed it through the mock's options, change it here. */
  readonly state: TState;
  /** Every GraphQL request the fake received (operation name, variables, headers). */
  readonly requests: RecordedRequest[];
  /** GraphQL requests of one operation, with typed variables. */
  requestsOf<K extends keyof TOperations & string>(operationName: K): (RecordedRequest & { variables: TOperations[K]['variables'] })[];
  /** Answer the next `count` GraphQL requests (optionally of one operation) with a fault: `{ status: 503 }`, `{ network: true }`, … */
  failNext(count: number, fault: Fault, options?: { operationName?: keyof TOperations & string }): void;
  /** Answer one operation your way until the returned function is called; return undefined to fall through. */
  override<K extends keyof TOperations & string>(
    operationName: K,
    reply: (variables: TOperations[K]['variables'], request: RecordedRequest) => OperationReply<TOperations[K]['data']> | undefined | Promise<OperationReply<TOperations[K]['data']> | undefined>,
  ): () => void;
  /** The options for a client that talks to the msw handlers: `createXClient(api.clientOptions)`. */
  readonly clientOptions: TClientOptions;
  /** Serve the same fake over real HTTP on loopback (port 0: a free one). */
  listen(options?: { port?: number }): Promise<ListeningFake<TClientOptions>>;
}

/** Counts the way every kit counts: a list of calls, logins and refreshes derived from it. */
export class AuthCallLog {
  readonly calls: AuthCall[] = [];
  get logins(): number {
    return this.calls.filter((c) => c.kind === 'login').length;
  }
  get refreshes(): number {
    return this.calls.filter((c) => c.kind === 'refresh').length;
  }
  record(kind: AuthCall['kind'], status: number): void {
    this.calls.push({ kind, status });
  }
}
