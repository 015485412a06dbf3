/**
 * One scrubber for every sink: error messages, stacks and fields, request ids, response headers we expose,
 * log lines and events. It removes every secret the client holds or has held (API key, password, client
 * secret, every token issued or rotated during the client's life, the last SECRET_HISTORY of them) in each
 * form a server may echo it back in. Forms are computed once per secret and folded into one pattern, so
 * scrubbing a string is one regex scan; nothing here runs on a successful request's path.
 */
import type { HeadersLike } from '../transport/transport.js';

export const REDACTED = '[REDACTED]';
/** Shorter values are not scrubbed: replacing 3 characters everywhere would shred text, not protect it. */
export const MIN_SECRET_LENGTH = 4;
/** Formerly held secrets (rotated tokens) kept scrubbed, beyond the ones held now. */
export const SECRET_HISTORY = 32;
/** Server text kept on an error (a message, a body, one string inside `errors`) is cut to this many characters. */
export const TEXT_LIMIT = 4096;
/** Server JSON kept on errors is walked at most this deep; deeper values become a marker. */
export const MAX_DEPTH = 64;

/** `text` cut to `limit` characters with a note of how much was cut. */
export function capText(text: string, limit = TEXT_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}… [${text.length - limit} more characters cut]` : text;
}

function percentLower(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/**
 * Every form in which a server may echo `secret`: raw, JSON-escaped (also `\uXXXX` for non-ASCII and
 * `\/`), URL-encoded (upper- and lower-case hex), form-encoded (`+` for space), base64 (padded, and unpadded
 * for echoes cut short) and base64url.
 */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const ascii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const padded = Buffer.from(secret, 'utf8').toString('base64');
  const base64 = padded.replace(/=+$/, '');
  const base64url = Buffer.from(secret, 'utf8').toString('base64url');
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  const forms = new Set([secret, secret.normalize('NFC'), secret.normalize('NFD'), json, ascii, uri, percentLower(uri), form, percentLower(form), padded, base64, base64url, hex]);
  for (const f of embeddedBase64(secret)) forms.add(f);
  for (const f of [...forms]) if (f.includes('/')) forms.add(f.replace(/\//g, '\\/'));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * The part of base64/base64url that is the same wherever the secret sits inside a longer encoded value (a
 * JSON body or `user:password` encoded whole): one fragment per byte alignment, without the edge characters
 * the neighbouring bytes change. Fragments shorter than 8 characters are skipped (they would shred text).
 */
function embeddedBase64(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const shifted = Buffer.concat([Buffer.alloc(k), bytes]);
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    for (const encoding of ['base64', 'base64url'] as const) {
      const fragment = shifted.toString(encoding).slice(start, end);
      if (fragment.length >= 8) out.push(fragment);
    }
  }
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(secrets: Iterable<string>, cache: Map<string, string[]>): RegExp | undefined {
  const forms = new Set<string>();
  for (const s of secrets) {
    let f = cache.get(s);
    if (!f) cache.set(s, (f = secretForms(s)));
    for (const form of f) forms.add(form);
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a form that contains another (base64 of a long secret) is replaced whole.
  // Case-insensitive: servers echo percent-encoding and hex in either case (mixed too); over-scrubbing is the safe side.
  return new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'gi');
}

/** `text` with every form of each secret replaced (a one-off: a Scrubber caches the forms). */
export function scrubText(text: string, secrets: readonly string[]): string {
  const valid = secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (typeof text !== 'string' || valid.length === 0) return text;
  const pattern = patternOf(valid, new Map());
  return pattern ? text.replace(pattern, REDACTED) : text;
}

export interface JsonScrubOptions {
  /** Cut strings to this many characters (server text on errors); default: keep whole. */
  cap?: number | undefined;
}

/** Response headers with secrets removed; prints as a plain object in `util.inspect` and JSON. */
export class ShownHeaders implements HeadersLike {
  readonly #values: Record<string, string>;
  constructor(values: Record<string, string>) {
    this.#values = values;
  }
  get(name: string): string | null {
    return this.#values[String(name).toLowerCase()] ?? null;
  }
  has(name: string): boolean {
    return String(name).toLowerCase() in this.#values;
  }
  forEach(callback: (value: string, key: string) => void): void {
    for (const [key, value] of Object.entries(this.#values)) callback(value, key);
  }
  /** A copy as a plain object. */
  toObject(): Record<string, string> {
    return { ...this.#values };
  }
  toJSON(): Record<string, string> {
    return this.toObject();
  }
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `Headers ${inspect(this.#values, options)}`;
  }
}

export interface Scrubber {
  /** Read the source's secrets now and remember any new ones (call when credentials may have changed). */
  observe(): void;
  /** A string with every form of every known secret replaced; non-strings come back unchanged. */
  text(value: string): string;
  /** A scrubbed copy of server JSON: strings and keys scrubbed, depth bounded, no JSON round trip. */
  json<T>(value: T, options?: JsonScrubOptions): T;
  /** Response headers as a scrubbed, printable headers object. */
  headers(headers: HeadersLike): ShownHeaders;
  /** Scrubs an error in place (message, stack, every field, SDK causes) and returns it. */
  error<E>(error: E): E;
  /** Whether a string holds any known secret in any form. */
  holds(value: string): boolean;
}

/**
 * A scrubber over a changing source of secrets (an AuthStrategy's `secrets()`). Secrets the source held
 * once stay scrubbed after it stops returning them (a token rotated after a 401), up to SECRET_HISTORY.
 */
export function createScrubber(source: () => readonly string[], extra: readonly string[] = []): Scrubber {
  const forms = new Map<string, string[]>();
  /** Known secrets in the order first seen; current ones are never evicted. */
  const known = new Set<string>();
  let current = new Set<string>();
  let last: readonly string[] = [];
  let pattern: RegExp | undefined;

  function add(list: readonly string[]): boolean {
    let changed = false;
    for (const s of list) {
      if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH || known.has(s)) continue;
      known.add(s);
      changed = true;
    }
    return changed;
  }

  function observe(): void {
    let list: readonly string[];
    try {
      list = source();
    } catch {
      return;
    }
    if (!Array.isArray(list)) return;
    if (list.length === last.length && list.every((s, i) => s === last[i])) return;
    last = [...list];
    current = new Set([...extra, ...list]);
    let changed = add(list);
    // Bounded history: forget the oldest secrets no longer held.
    let former = known.size - current.size;
    if (former > SECRET_HISTORY) {
      for (const s of known) {
        if (former <= SECRET_HISTORY) break;
        if (current.has(s)) continue;
        known.delete(s);
        forms.delete(s);
        former--;
        changed = true;
      }
    }
    if (changed) pattern = patternOf(known, forms);
  }

  add(extra);
  observe();
  pattern = patternOf(known, forms);

  function text(value: string): string {
    if (typeof value !== 'string' || !pattern || value.length < MIN_SECRET_LENGTH) return value;
    pattern.lastIndex = 0;
    return value.replace(pattern, REDACTED);
  }

  function walk(value: unknown, depth: number, cap: number | undefined): unknown {
    if (typeof value === 'string') {
      const s = text(value);
      return cap === undefined ? s : capText(s, cap);
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, cap));
    const proto = Object.getPrototypeOf(value);
    // Server JSON holds only plain objects and arrays; anything else is left as it is.
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      // defineProperty: a server key named "__proto__" stays data, never the copy's prototype.
      Object.defineProperty(out, text(key), { value: walk(v, depth + 1, cap), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  function json<T>(value: T, options?: JsonScrubOptions): T {
    observe();
    // Walked even with no secret known: the copy is what bounds the depth of server JSON kept on errors.
    return walk(value, 0, options?.cap) as T;
  }

  function headers(h: HeadersLike): ShownHeaders {
    observe();
    const out: Record<string, string> = {};
    try {
      h.forEach((value, key) => {
        out[text(String(key)).toLowerCase()] = capText(text(String(value)), 1024);
      });
    } catch {
      /* an odd headers object: show none rather than fail */
    }
    return new ShownHeaders(out);
  }

  function holds(value: string): boolean {
    observe();
    if (!pattern || typeof value !== 'string') return false;
    pattern.lastIndex = 0;
    return pattern.test(value);
  }

  function scrubError(err: unknown, depth: number): unknown {
    if (!(err instanceof Error) || depth > 5) return err;
    const sdk = Symbol.for('@sdk/core/error-kinds') in err;
    if (!sdk) {
      // Not ours (a network error, the caller's login function): never mutate it; hand back a scrubbed copy when it holds a secret.
      const shown = `${err.message}\n${err.stack ?? ''}\n${Object.values(err).filter((v) => typeof v === 'string').join('\n')}`;
      if (!holds(shown)) return err;
      const copy = new Error(capText(text(err.message)));
      Object.defineProperty(copy, 'name', { value: err.name, enumerable: false, configurable: true, writable: true });
      copy.stack = text(err.stack ?? '');
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string') Object.assign(copy, { code: text(code) });
      return copy;
    }
    set(err, 'message', capText(text(err.message)));
    if (typeof err.stack === 'string') set(err, 'stack', text(err.stack));
    for (const key of Object.keys(err)) {
      const v = (err as unknown as Record<string, unknown>)[key];
      if (typeof v === 'string') set(err, key, text(v));
      else if (v instanceof ShownHeaders) continue;
      else if (v instanceof Error) set(err, key, scrubError(v, depth + 1));
      else if (v !== null && typeof v === 'object') set(err, key, walk(v, 0, key === 'data' ? undefined : TEXT_LIMIT));
    }
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined) set(err, 'cause', cause instanceof Error ? scrubError(cause, depth + 1) : typeof cause === 'string' ? text(cause) : walk(cause, 0, TEXT_LIMIT));
    return err;
  }

  return {
    observe,
    text(value) {
      observe();
      return text(value);
    },
    json,
    headers,
    holds,
    error<E>(error: E): E {
      observe();
      if (!pattern) return error;
      try {
        return scrubError(error, 0) as E;
      } catch {
        // Scrubbing must never replace the caller's error with one of its own; an odd object stays as it is.
        return error;
      }
    },
  };
}

/** Sets a property whatever its descriptor says (errors keep some fields read-only for users, not for us). */
function set(target: object, key: string, value: unknown): void {
  const desc = Object.getOwnPropertyDescriptor(target, key);
  if (desc && 'value' in desc && desc.value === value) return;
  if (!desc || desc.writable || desc.configurable) {
    try {
      Object.defineProperty(target, key, { value, enumerable: desc ? desc.enumerable : false, writable: true, configurable: true });
    } catch {
      /* frozen: leave it */
    }
  }
}
