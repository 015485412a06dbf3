/**
 * One error hierarchy for every client. All errors extend SdkError.
 *
 * `instanceof` is answered by a brand registered under a global symbol, so it works even when two
 * copies of @sdk/core are installed (a vendor package and the app resolving different versions).
 * No error ever embeds request variables, headers we sent, or tokens: messages name the operation only.
 * Server text kept on errors is bounded (a 5 MB server message must not become a 5 MB `error.message`),
 * and errors serialize to JSON with their name, message and fields (`toJSON`).
 */

const KINDS = Symbol.for('@sdk/core/error-kinds');

export interface ErrorContext {
  /** GraphQL operation name, e.g. `ListSims`. */
  operationName?: string | undefined;
  /** Request id from the response headers, when the server sent one. */
  requestId?: string | undefined;
  /** How many attempts were made (1 = no retry). */
  attempts?: number | undefined;
  cause?: unknown;
}

/** Longest `message` an error keeps; the rest is cut with a note of how much. */
export const MESSAGE_LIMIT = 4096;

function capMessage(message: string): string {
  const text = String(message);
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT)}… [${text.length - MESSAGE_LIMIT} more characters cut]` : text;
}

/** A JSON-safe copy of a cause: SDK errors by their own toJSON, other errors by name and message. */
function causeToJSON(cause: unknown, depth: number): unknown {
  if (cause instanceof Error) {
    if (depth < 4 && typeof (cause as { toJSON?: unknown }).toJSON === 'function' && KINDS in cause) return (cause as SdkError).toJSON();
    const code = (cause as { code?: unknown }).code;
    return { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return typeof cause === 'object' && cause !== null ? '[object]' : cause;
}

export class SdkError extends Error {
  static readonly kind: string = 'SdkError';
  declare readonly [KINDS]: readonly string[];
  readonly operationName: string | undefined;
  readonly requestId: string | undefined;
  attempts: number | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    super(capMessage(message), context.cause === undefined ? undefined : { cause: context.cause });
    const kinds: string[] = [];
    for (let c = new.target as unknown as { kind?: string } | null; c && c.kind; c = Object.getPrototypeOf(c)) {
      if (!kinds.includes(c.kind)) kinds.push(c.kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
    Object.defineProperty(this, 'name', { value: kinds[0], enumerable: false, configurable: true, writable: true });
    this.operationName = context.operationName;
    this.requestId = context.requestId;
    this.attempts = context.attempts;
  }

  /** `JSON.stringify(err)`: name, message and every field (what the SDK attached is already scrubbed). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) if (value !== undefined && typeof value !== 'function') out[key] = value instanceof Error ? causeToJSON(value, 0) : value;
    if (this.cause !== undefined) out.cause = causeToJSON(this.cause, 0);
    return out;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    const kinds = (value as { [KINDS]?: unknown } | null)?.[KINDS];
    return Array.isArray(kinds) && kinds.includes((this as unknown as { kind: string }).kind);
  }
}

/** The request could not reach the server (DNS, refused, reset). `refused` means it surely never arrived. */
export class ConnectionError extends SdkError {
  static override readonly kind: string = 'ConnectionError';
  readonly refused: boolean;
  constructor(message: string, context: ErrorContext & { refused?: boolean } = {}) {
    super(message, context);
    this.refused = context.refused ?? false;
  }
}

/** An attempt, or the whole call's deadline, ran out. */
export class TimeoutError extends SdkError {
  static override readonly kind: string = 'TimeoutError';
  readonly timeoutMs: number;
  constructor(message: string, context: ErrorContext & { timeoutMs: number }) {
    super(message, context);
    this.timeoutMs = context.timeoutMs;
  }
}

/** The caller's AbortSignal fired. `reason` is the signal's reason. Never retried. */
export class AbortError extends SdkError {
  static override readonly kind: string = 'AbortError';
  readonly reason: unknown;
  constructor(message: string, context: ErrorContext & { reason?: unknown } = {}) {
    super(message, context);
    this.reason = context.reason;
  }
}

/** Bounded length of the body excerpt kept on HTTP and parse errors. */
export const BODY_EXCERPT_LIMIT = 512;

export function excerpt(text: string): string {
  return text.length > BODY_EXCERPT_LIMIT ? `${text.slice(0, BODY_EXCERPT_LIMIT)}… [${text.length - BODY_EXCERPT_LIMIT} more characters cut]` : text;
}

/** The server answered with a non-2xx status, or a body that is not a GraphQL JSON response. */
export class HttpError extends SdkError {
  static override readonly kind: string = 'HttpError';
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The first BODY_EXCERPT_LIMIT characters of the body. */
  readonly body: string;
  constructor(message: string, context: ErrorContext & { status: number; headers?: Record<string, string>; body?: string }) {
    super(message, context);
    this.status = context.status;
    this.headers = context.headers ?? {};
    this.body = excerpt(context.body ?? '');
  }
}

export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: Record<string, unknown>;
  errorType?: string;
  [key: string]: unknown;
}

/** The response carried GraphQL `errors`; `data` keeps whatever partial data came with them. */
export class GraphQLResponseError extends SdkError {
  static override readonly kind: string = 'GraphQLResponseError';
  readonly errors: readonly GraphQLErrorEntry[];
  readonly data: unknown;
  readonly status: number | undefined;
  constructor(message: string, context: ErrorContext & { errors: readonly GraphQLErrorEntry[]; data?: unknown; status?: number }) {
    super(message, context);
    this.errors = context.errors;
    this.data = context.data ?? null;
    this.status = context.status;
  }
}

/**
 * An error member of a result union (it has `errorCode`), e.g. Totogi's `AccountNotFound`.
 * The member's own fields (e.g. `accountId`) are copied onto the error; `result` is the raw member.
 */
export class ApiError<TTypename extends string = string, TMember = Record<string, unknown>> extends SdkError {
  static override readonly kind: string = 'ApiError';
  readonly __typename: TTypename;
  readonly errorCode: string;
  readonly errorMessage: string | null;
  readonly result: TMember;
  constructor(member: TMember & { __typename: TTypename; errorCode?: unknown; errorMessage?: unknown }, context: ErrorContext = {}) {
    const code = String(member.errorCode ?? member.__typename);
    const text = typeof member.errorMessage === 'string' ? member.errorMessage : null;
    super(`${context.operationName ?? 'operation'} returned ${member.__typename} (${code})${text ? `: ${text}` : ''}`, context);
    for (const [key, value] of Object.entries(member)) {
      if (!(key in this)) Object.defineProperty(this, key, { value, enumerable: true, writable: true, configurable: true });
    }
    this.__typename = member.__typename;
    this.errorCode = code;
    this.errorMessage = text;
    this.result = member;
  }
}

/** Login, refresh or authorization failed. Names the endpoint and status, never the credentials. */
export class AuthError extends SdkError {
  static override readonly kind: string = 'AuthError';
  readonly status: number | undefined;
  readonly endpoint: string | undefined;
  constructor(message: string, context: ErrorContext & { status?: number; endpoint?: string } = {}) {
    super(message, context);
    this.status = context.status;
    this.endpoint = context.endpoint;
  }
}

/** Pagination cannot continue safely (a cursor or token repeated, a page came back malformed). */
export class PaginationError extends SdkError {
  static override readonly kind: string = 'PaginationError';
  /** The last cursor/token/offset the iterator used; pass it to a new iterator to resume. */
  readonly cursor: unknown;
  constructor(message: string, context: ErrorContext & { cursor?: unknown } = {}) {
    super(message, context);
    this.cursor = context.cursor;
  }
}

/** Bad input caught before any request left. */
export class ValidationError extends SdkError {
  static override readonly kind: string = 'ValidationError';
  /** Dotted path of the offending input, e.g. `variables.limit`. */
  readonly field: string | undefined;
  constructor(message: string, context: ErrorContext & { field?: string } = {}) {
    super(message, context);
    this.field = context.field;
  }
}

/** Narrow an unknown error to a union-result API error, optionally of one typename. */
export function isApiError<T extends string>(err: unknown, typename?: T): err is ApiError<T> & Record<string, unknown> {
  return err instanceof ApiError && (typename === undefined || (err as ApiError).__typename === typename);
}

/**
 * Whether a server's error text means "your credentials were refused". One pattern for HTTP and
 * real-time errors, so the same message is classified the same way over both.
 */
export const UNAUTHORIZED_PATTERN = /unauthori[sz]ed|not authori[sz]ed|unauthenticated|token (has )?expired|invalid (access )?token|forbidden|access denied|permission denied/i;

/** The decoded response body grew past the size cap (`maxResponseBytes`); reading stopped there. */
export class ResponseTooLargeError extends HttpError {
  static override readonly kind: string = 'ResponseTooLargeError';
  /** The cap in bytes that was exceeded. */
  readonly maxResponseBytes: number;
  constructor(message: string, context: ErrorContext & { status: number; maxResponseBytes: number; headers?: Record<string, string> }) {
    super(message, context);
    this.maxResponseBytes = context.maxResponseBytes;
  }
}

/** The server answered with a redirect (3xx). Requests that carry credentials never follow one. */
export class RedirectError extends HttpError {
  static override readonly kind: string = 'RedirectError';
  /** Host (and port) the redirect pointed to, or undefined when the server named none. */
  readonly targetHost: string | undefined;
  constructor(message: string, context: ErrorContext & { status: number; targetHost: string | undefined; headers?: Record<string, string> }) {
    super(message, context);
    this.targetHost = context.targetHost;
  }
}

/**
 * A result union member that is neither a known success member nor a known error member (the API added
 * a member after this SDK was generated, e.g. `AccountLocked`). Never treated as success; `result` is the raw member.
 */
export class UnexpectedResultError extends SdkError {
  static override readonly kind: string = 'UnexpectedResultError';
  readonly __typename: string;
  readonly result: unknown;
  constructor(message: string, context: ErrorContext & { typename: string; result: unknown }) {
    super(message, context);
    this.__typename = context.typename;
    this.result = context.result;
  }
}
