// The deadline of a download that must keep moving: every wait (for headers, for each chunk of the
// body) may last at most `timeoutMs`. Aborting the fetch, not only ignoring it, releases the
// connection: Chromium keeps six per host, and stalled ones would block every later request.

// setTimeout fires at once for a delay past a signed 32-bit count of milliseconds (~24.8 days).
const maxDelay = 2 ** 31 - 1;

/** An AbortSignal that fires when nothing happened for `timeoutMs`, or when `outer` fires. */
export class Stall {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = (): void => this.#controller.abort(this.#outer?.reason);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stalled = false;

  constructor(
    readonly timeoutMs: number,
    outer: AbortSignal | undefined,
  ) {
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
    this.progressed();
  }

  /** Pass to fetch(): aborts the request and its body stream. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the deadline passed (rather than the outer signal firing). */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** Something arrived: the deadline starts again. */
  progressed(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#stalled = true;
        this.#controller.abort(new Error(`no data for ${this.timeoutMs} ms`));
      },
      Math.min(this.timeoutMs, maxDelay),
    );
  }

  /** The download is over, however it ended. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
  }
}
