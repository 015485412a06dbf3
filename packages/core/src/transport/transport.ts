import { RedirectError, ResponseTooLargeError, type ErrorContext } from '../errors/index.js';
import type { OperationDescriptor } from './operation.js';

/** Default cap on a decoded response body: far above the largest real page (a few MB), far below harm. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface TransportRequest {
  url: string;
  /** The complete JSON body, already serialized. */
  body: string;
  headers: Record<string, string>;
  /** Fires on the caller's abort, the attempt timeout or the call deadline. Must also cover the body read. */
  signal: AbortSignal;
  operation: OperationDescriptor;
  variables: Record<string, unknown>;
  /**
   * Stop reading and reject with ResponseTooLargeError once the decoded body passes this many bytes.
   * Absent for transports called by older executors: use DEFAULT_MAX_RESPONSE_BYTES.
   */
  maxResponseBytes?: number;
  /** @internal The executor's cancellation of this attempt (see AttemptControl). */
  [ATTEMPT]?: AttemptControl;
  /** @internal The body in parts (see AttemptRequest): kept by a `{ ...request }` copy, which drops the `body` getter. */
  [BODY_PARTS]?: BodyParts | undefined;
}

/** Read access to response headers: a WHATWG `Headers` satisfies it. */
export interface HeadersLike {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(callback: (value: string, key: string) => void): void;
}

export interface TransportResponse {
  status: number;
  headers: HeadersLike;
  /** The parsed JSON body; `undefined` when the body was not JSON (then `text` holds it). */
  json: unknown;
  text?: string;
}

/**
 * How the executor cancels an attempt (timeout, deadline, the caller's abort). A transport reads
 * `request.signal` as usual, and only then is an AbortController made: adding and removing one listener on
 * an AbortSignal costs ~13 µs on Node 20, about a tenth of a small call, so the SDK's own transports take
 * the single callback slot below instead. Internal: found on a request under the ATTEMPT symbol.
 */
export class AttemptControl {
  aborted = false;
  reason: unknown = undefined;
  /** When the attempt times out (`performance.now()`): the control is its own entry in the shared timer (deadlines.ts). */
  at = Infinity;
  /** Set when the shared timer aborted this attempt (its timeout or the call's deadline). */
  timedOut = false;
  #controller: AbortController | undefined;
  #listener: ((reason: unknown) => void) | undefined;
  // Further listeners: a wrapper may send one attempt's request twice at once (hedging), and each send must be cancelled.
  #more: ((reason: unknown) => void)[] | undefined;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** Whether `signal` is this control's own (a copied request may carry another signal beside [ATTEMPT]). */
  owns(signal: unknown): boolean {
    return this.#controller !== undefined && this.#controller.signal === signal;
  }

  /** Called by the shared timer at `at`. */
  fire(): void {
    this.timedOut = true;
    this.abort();
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    // The reason an AbortController gives when none is passed, so transports see the same either way.
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    this.#controller?.abort(this.reason);
    const listener = this.#listener;
    const more = this.#more;
    this.#listener = undefined;
    this.#more = undefined;
    listener?.(this.reason);
    if (more) for (const l of more) l(this.reason);
  }

  /** Adds an abort callback (one slot; more only when one attempt is sent more than once). */
  onAbort(listener: (reason: unknown) => void): void {
    if (this.#listener === undefined) this.#listener = listener;
    else (this.#more ??= []).push(listener);
  }

  /** Removes exactly `listener`: one send settling must not uncancel another send of the same attempt. */
  offAbort(listener: (reason: unknown) => void): void {
    if (this.#listener === listener) this.#listener = undefined;
    else if (this.#more) {
      const i = this.#more.indexOf(listener);
      if (i >= 0) this.#more.splice(i, 1);
    }
  }
}

/** The key of a request's AttemptControl (absent on requests built by anything but the executor). */
export const ATTEMPT: unique symbol = Symbol('@sdk/core.attempt');

/** @internal Where a request keeps its body in parts (see AttemptRequest). */
export const BODY_PARTS: unique symbol = Symbol('@sdk/core.bodyParts');

/**
 * Marks a transport that cancels through a request's [ATTEMPT] and never reads `request.signal` (the SDK's
 * own httpTransport, and wrappers that pass requests through to one): the executor then sends it an
 * AttemptRequest, which makes no AbortController at all.
 */
export const USES_ATTEMPT: unique symbol = Symbol('@sdk/core.usesAttempt');

/**
 * An attempt's request for a transport marked USES_ATTEMPT. A class (a literal with a `signal` getter costs
 * ~1.5 µs to build); `signal` is still there, made on first read, for anything that does read it. The body is
 * kept as the operation's fixed prefix and the call's own rest (variables): httpTransport writes the two parts,
 * so the whole body is never joined into one more string per call (a copy of the document each time).
 */
export class AttemptRequest implements TransportRequest {
  readonly [ATTEMPT]: AttemptControl;
  // An own (symbol) field, not a private one: a wrapper's `{ ...request }` copy still carries the body.
  [BODY_PARTS]: BodyParts | undefined;
  #body: string | undefined;
  constructor(
    readonly url: string,
    body: string | BodyParts,
    readonly headers: Record<string, string>,
    readonly operation: OperationDescriptor,
    readonly variables: Record<string, unknown>,
    readonly maxResponseBytes: number,
    control: AttemptControl,
  ) {
    this[ATTEMPT] = control;
    if (typeof body === 'string') {
      this.#body = body;
      this[BODY_PARTS] = undefined;
    } else this[BODY_PARTS] = body;
  }
  /** The whole body, joined on first read. */
  get body(): string {
    return (this.#body ??= this[BODY_PARTS]!.prefix + this[BODY_PARTS]!.rest);
  }
  set body(value: string) {
    this.#body = value;
    this[BODY_PARTS] = undefined;
  }
  get signal(): AbortSignal {
    return this[ATTEMPT].signal;
  }
}

/** A request body as the operation's fixed prefix and the rest, with the UTF-8 length of both. */
export interface BodyParts {
  readonly prefix: string;
  readonly rest: string;
  readonly bytes: number;
}

/** Whether `transport` is marked USES_ATTEMPT. */
export function usesAttempt(transport: Transport): boolean {
  return (transport as { [USES_ATTEMPT]?: unknown })[USES_ATTEMPT] === true;
}

/**
 * Sends one attempt. It rejects only when no HTTP response was obtained (network, abort);
 * every HTTP status resolves, and the executor decides what it means.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * A transport over `fetch` (yours, or the global one looked up per call so patches of
 * globalThis.fetch apply). Used when a client is given `fetch`; the default is httpTransport.
 * Redirects are never followed (`redirect: 'manual'`): the executor turns a 3xx into a RedirectError.
 */
export function fetchTransport(fetchImpl?: FetchLike): Transport {
  return async ({ url, body, headers, signal, operation, maxResponseBytes }) => {
    const res = await (fetchImpl ?? (globalThis.fetch as FetchLike))(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    const context = { operationName: operation.name };
    // A fetch that followed anyway (a wrapper ignoring `redirect`) has already re-sent: say so, typed.
    if (res.redirected || res.type === 'opaqueredirect') {
      throw redirectErrorFor(res.status >= 300 && res.status < 400 ? res.status : 302, res.headers, url, operation.name, context) ?? new RedirectError(`${operation.name} was redirected; GraphQL requests never follow redirects`, { ...context, status: res.status, targetHost: hostOf(res.url, url) });
    }
    const text = await readBoundedText(res, maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, context);
    return parseResponse(res.status, res.headers, text, res.headers.get('content-type'));
  };
}

/** Parses a body as JSON when declared, or when it looks like JSON (some gateways omit the header); never throws. */
export function parseResponse(status: number, headers: HeadersLike, text: string, contentType: string | null | undefined): TransportResponse {
  if ((contentType != null && contentType.includes('json')) || (contentType == null && /^\s*[{[]/.test(text))) {
    try {
      return { status, headers, json: JSON.parse(text) };
    } catch {
      /* not JSON after all (or truncated): keep the text */
    }
  }
  return { status, headers, json: undefined, text };
}

/**
 * Reads a fetch Response body as text, counting decoded bytes as they stream in; past `maxBytes` it cancels
 * the body and throws ResponseTooLargeError. For token endpoints and other fetch callers.
 */
export async function readBoundedText(res: Response, maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES, context: ErrorContext = {}): Promise<string> {
  const tooLarge = () =>
    new ResponseTooLargeError(`${context.operationName ?? 'the request'}: the response body is larger than ${maxBytes} bytes (maxResponseBytes); reading stopped`, { ...context, status: res.status, maxResponseBytes: maxBytes });
  const declared = res.headers.get('content-length');
  if (declared !== null && !res.headers.has('content-encoding')) {
    if (Number(declared) > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    // fetch enforces the declared length of an unencoded body, so the whole-body read is bounded (and cheaper).
    if (Number(declared) >= 0) return res.text();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function hostOf(location: string | null | undefined, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).host;
  } catch {
    return undefined;
  }
}

/**
 * A typed RedirectError when `status` is a redirect (3xx), naming the status and the target host, else
 * undefined. Anything that posts credentials (GraphQL calls, token endpoints) uses it instead of following:
 * a redirect would hand the body, password included, to whatever host the server names.
 */
export function redirectErrorFor(status: number, headers: Pick<HeadersLike, 'get'> | undefined, requestUrl: string, what: string, context: ErrorContext = {}): RedirectError | undefined {
  if (status < 300 || status >= 400) return undefined;
  const targetHost = hostOf(headers?.get('location'), requestUrl);
  const to = targetHost === undefined ? 'no usable location' : targetHost === hostOf(requestUrl, requestUrl) ? `${targetHost} (same host)` : targetHost;
  return new RedirectError(
    `${what} was answered with a redirect (HTTP ${status}) to ${to}; requests carrying credentials never follow redirects. Point the endpoint at the final URL if the move is genuine`,
    { ...context, status, targetHost },
  );
}
