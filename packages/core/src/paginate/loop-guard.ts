/**
 * Catches a token or cursor the API hands out a second time, in memory that does not grow with the walk:
 * the last few tokens (short loops, caught at once) plus Brent's cycle detection (one checkpoint that
 * moves at doubling intervals, so a loop of any length is caught within about twice its length).
 * A deterministic server that repeats a token repeats the pages after it, so a repeat means a loop.
 */
const RECENT = 16;

export class LoopGuard {
  readonly #recent: string[] = [];
  #checkpoint: string | undefined;
  #power = 1;
  #steps = 0;

  /** Records `token`; true when it was seen before (within the recent window or at the checkpoint). */
  repeated(token: string): boolean {
    if (token === this.#checkpoint || this.#recent.includes(token)) return true;
    this.#recent.push(token);
    if (this.#recent.length > RECENT) this.#recent.shift();
    if (++this.#steps >= this.#power) {
      this.#checkpoint = token;
      this.#power *= 2;
      this.#steps = 0;
    }
    return false;
  }
}
