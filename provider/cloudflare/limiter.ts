/**
 * The process-wide request limiter. Cloudflare allows 1,200 requests per 5 minutes per user/token; going
 * over locks every call out with HTTP 429 for up to five minutes. A token bucket of BURST tokens that
 * refills at (LIMIT − BURST) / WINDOW lets a small stack go at full speed while guaranteeing that no
 * window of 300 s ever holds more than 1,200 requests: at most BURST tokens at the start of a window plus
 * what refills during it.
 *
 * Waiting callers reserve their token when they ask (the balance may go negative), so they are served in
 * the order they asked and no one starves. The clock is injectable so tests can simulate hours in
 * milliseconds.
 */
export const RATE_LIMIT_REQUESTS = 1_200;
export const RATE_LIMIT_WINDOW_MS = 300_000;
export const RATE_LIMIT_BURST = 200;

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RequestLimiter {
  /** Resolves when one more request may be sent. */
  acquire(): Promise<void>;
  /** Holds back every request not yet sent for `ms` (after a 429 with Retry-After). */
  pauseFor(ms: number): void;
}

export interface TokenBucketOptions {
  /** Tokens available at once (the burst). */
  capacity: number;
  /** Requests allowed per window, bursts included. Must exceed `capacity`. */
  limit: number;
  windowMs: number;
  clock?: LimiterClock;
}

export class TokenBucketLimiter implements RequestLimiter {
  readonly #capacity: number;
  readonly #ratePerMs: number;
  readonly #clock: LimiterClock;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = -Infinity;

  constructor(options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !(options.limit > options.capacity) || !(options.windowMs > 0)) {
      throw new RangeError("a token bucket needs capacity >= 1, limit > capacity and windowMs > 0");
    }
    this.#capacity = options.capacity;
    this.#ratePerMs = (options.limit - options.capacity) / options.windowMs;
    this.#clock = options.clock ?? realClock;
    this.#tokens = options.capacity;
    this.#updatedAt = this.#clock.now();
  }

  async acquire(): Promise<void> {
    await this.#waitOutPause();
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    this.#tokens -= 1;
    if (this.#tokens < 0) await this.#clock.sleep(-this.#tokens / this.#ratePerMs);
    await this.#waitOutPause();
  }

  pauseFor(ms: number): void {
    if (ms > 0) this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
  }

  async #waitOutPause(): Promise<void> {
    for (let now = this.#clock.now(); now < this.#pausedUntil; now = this.#clock.now()) {
      await this.#clock.sleep(this.#pausedUntil - now);
    }
  }
}

/** A limiter keeping under Cloudflare's 1,200 requests per 300 s with bursts of up to 200. */
export function createCloudflareLimiter(clock?: LimiterClock): TokenBucketLimiter {
  return new TokenBucketLimiter({
    capacity: RATE_LIMIT_BURST,
    limit: RATE_LIMIT_REQUESTS,
    windowMs: RATE_LIMIT_WINDOW_MS,
    ...(clock === undefined ? {} : { clock }),
  });
}

let processLimiter: TokenBucketLimiter | undefined;

/** The one limiter shared by every client of this process. */
export function getProcessLimiter(): RequestLimiter {
  processLimiter ??= createCloudflareLimiter();
  return processLimiter;
}
