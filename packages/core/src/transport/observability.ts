import type { TokenEvent } from '../auth/token-manager.js';
import type { SdkError } from '../errors/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

/** Any console-like logger (console, pino, winston) fits. */
export interface Logger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

export type SdkEvent =
  | { type: 'request'; operationName: string; attempt: number }
  | { type: 'response'; operationName: string; attempt: number; status: number; durationMs: number; requestId?: string | undefined }
  | { type: 'retry'; operationName: string; attempt: number; delayMs: number; reason: string; status?: number | undefined }
  | { type: 'error'; operationName: string; attempt: number; durationMs: number; error: SdkError }
  /** Input that is allowed but probably not what the caller meant. */
  | { type: 'warning'; operationName: string; message: string }
  /**
   * Subscription lifecycle: the shared socket starts to `connect` and is `connected` (acknowledged; after a
   * loss with `downtimeMs`; `attempt` counts tries as ReconnectInfo does); a subscription is `subscribe`d,
   * `ready` (acknowledged) and `end`s (`error`: the error's name, when it failed; the error itself comes as an `error` event).
   */
  | { type: 'realtime'; action: 'connect' | 'connected' | 'subscribe' | 'ready' | 'end'; operationName: string; id?: string | undefined; attempt?: number | undefined; downtimeMs?: number | undefined; error?: string | undefined }
  | TokenEvent;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };
const EVENT_LEVEL: Record<SdkEvent['type'], Exclude<LogLevel, 'off'>> = {
  request: 'debug',
  response: 'debug',
  retry: 'warn',
  error: 'error',
  warning: 'warn',
  token: 'info',
  realtime: 'debug',
};

const REDACTED = '[REDACTED]';

/**
 * Replace every occurrence of each secret (4+ characters) in `text`, also in its JSON-escaped form:
 * a server that echoes a request body back quotes `pa"ss` as `pa\"ss`.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const form of escaped === secret ? [secret] : [secret, escaped]) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

function describe(event: SdkEvent): string {
  switch (event.type) {
    case 'request':
      return `${event.operationName}: attempt ${event.attempt}`;
    case 'response':
      return `${event.operationName}: HTTP ${event.status} in ${event.durationMs} ms (attempt ${event.attempt})`;
    case 'retry':
      return `${event.operationName}: retrying in ${event.delayMs} ms after ${event.reason} (attempt ${event.attempt})`;
    case 'error':
      return `${event.operationName}: ${event.error.message}`;
    case 'warning':
      return `${event.operationName}: ${event.message}`;
    case 'realtime':
      return `${event.operationName}: ${event.action}${event.downtimeMs !== undefined ? ` after ${event.downtimeMs} ms down` : ''}${event.error ? ` (${event.error})` : ''}`;
    case 'token':
      return `token ${event.action} ${event.ok ? 'succeeded' : 'failed'} in ${event.durationMs} ms${event.fallback ? ' (after refresh failed)' : ''}${event.persistFailed ? ' (not persisted: onTokens threw)' : ''}`;
  }
}

/**
 * Builds the emit function a client uses, or undefined when nobody listens (so the hot path skips
 * building events). Events carry names, numbers and SdkErrors (whose text is already scrubbed); what a
 * logger receives is additionally passed through `redact` with the auth secrets.
 */
export function createEmitter(
  logger: Logger | undefined,
  level: LogLevel,
  onEvent: ((event: SdkEvent) => void) | undefined,
  secrets: () => readonly string[],
): ((event: SdkEvent) => void) | undefined {
  if (!onEvent && (!logger || level === 'off')) return undefined;
  const threshold = LEVELS[level];
  // A throwing hook or logger must never break a request, a retry or a subscription: errors are dropped.
  return (event) => {
    try {
      onEvent?.(event);
    } catch {
      /* the caller's hook failed; the SDK carries on */
    }
    const eventLevel = EVENT_LEVEL[event.type];
    if (!logger || LEVELS[eventLevel] < threshold) return;
    try {
      const { type, ...rest } = event;
      const meta: Record<string, unknown> = { event: type, ...rest };
      if (event.type === 'error') meta.error = { name: event.error.name, message: event.error.message, requestId: event.error.requestId };
      const s = secrets();
      logger[eventLevel]?.(redact(`[sdk] ${describe(event)}`, s), JSON.parse(redact(JSON.stringify(meta), s)) as Record<string, unknown>);
    } catch {
      /* the logger failed */
    }
  };
}
