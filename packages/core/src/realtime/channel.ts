/**
 * Turns pushed socket messages into a pull-based async iterator. The protocol code pushes payloads and
 * ends or fails the channel; the consumer pulls with `for await`. Breaking out of the loop calls
 * `return()`, which runs `onCancel` once so the protocol can send `stop`.
 *
 * The buffer is unbounded on purpose: dropping subscription events silently would be worse than memory
 * growth, and a consumer that stops pulling should `break` (which stops the subscription).
 */
import { AbortError } from '../errors/index.js';
import type { Subscription } from './types.js';

type Waiter<T> = { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void };

const DONE = Object.freeze({ done: true as const, value: undefined });

export class SubscriptionChannel<T> implements Subscription<T> {
  readonly operationName: string;
  readonly ready: Promise<void>;
  #markReady!: () => void;
  #rejectReady!: (error: unknown) => void;
  #buffer: T[] = [];
  #waiters: Waiter<T>[] = [];
  #error: { value: unknown } | undefined;
  #closed = false;
  #onCancel: (() => void) | undefined;

  constructor(operationName: string, onCancel?: () => void) {
    this.operationName = operationName;
    this.#onCancel = onCancel;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#markReady = resolve;
      this.#rejectReady = reject;
    });
    // Nobody has to await `ready`: never let it become an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Set (or replace) what runs when the consumer stops early. */
  set onCancel(fn: (() => void) | undefined) {
    this.#onCancel = fn;
  }

  markReady(): void {
    this.#markReady();
  }

  push(value: T): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve({ done: false, value });
    else this.#buffer.push(value);
  }

  /** Normal end: buffered values are still delivered, then `done`. */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectReady(new AbortError(`${this.operationName} subscription ended before it started`, { operationName: this.operationName }));
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(DONE);
  }

  /**
   * End with an error. Buffered values are delivered first, unless `discard` (an abort: the caller no
   * longer wants them).
   */
  fail(error: unknown, discard = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectReady(error);
    if (discard) this.#buffer = [];
    this.#error = { value: error };
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#error = undefined;
      waiter.reject(error);
    }
    for (const rest of this.#waiters.splice(0)) rest.resolve(DONE);
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#buffer.length > 0) return Promise.resolve({ done: false, value: this.#buffer.shift()! });
    if (this.#error) {
      const { value } = this.#error;
      this.#error = undefined; // thrown once; after that the iterator is simply done
      return Promise.reject(value);
    }
    if (this.#closed) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    const wasOpen = !this.#closed;
    this.#buffer = [];
    this.#error = undefined;
    this.end();
    if (wasOpen) {
      const cancel = this.#onCancel;
      this.#onCancel = undefined;
      cancel?.();
    }
    return Promise.resolve(DONE);
  }

  throw(): Promise<IteratorResult<T, undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
