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
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isLoopbackHost, resolveBaseUrl, resolveCredentials } from "./config";

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

/** Where a limiter keeps its balance between processes (wall-clock time, since each process has its own clock). */
export interface LimiterStore {
  load(): { tokens: number; atEpochMs: number } | undefined;
  save(state: { tokens: number; atEpochMs: number }): void;
}

export interface TokenBucketOptions {
  /** Tokens available at once (the burst). */
  capacity: number;
  /** Requests allowed per window, bursts included. Must exceed `capacity`. */
  limit: number;
  windowMs: number;
  clock?: LimiterClock;
  /** Carries the balance over to the next process, so back-to-back commands share one budget. */
  store?: LimiterStore;
}

export class TokenBucketLimiter implements RequestLimiter {
  readonly #capacity: number;
  readonly #ratePerMs: number;
  readonly #clock: LimiterClock;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = -Infinity;
  readonly #store: LimiterStore | undefined;
  #loaded = false;

  constructor(options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !(options.limit > options.capacity) || !(options.windowMs > 0)) {
      throw new RangeError("a token bucket needs capacity >= 1, limit > capacity and windowMs > 0");
    }
    this.#capacity = options.capacity;
    this.#ratePerMs = (options.limit - options.capacity) / options.windowMs;
    this.#clock = options.clock ?? realClock;
    this.#tokens = options.capacity;
    this.#updatedAt = this.#clock.now();
    this.#store = options.store;
  }

  async acquire(): Promise<void> {
    await this.#waitOutPause();
    this.#loadOnce();
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    this.#tokens -= 1;
    this.#store?.save({ tokens: this.#tokens, atEpochMs: Date.now() });
    if (this.#tokens < 0) await this.#clock.sleep(-this.#tokens / this.#ratePerMs);
    await this.#waitOutPause();
  }

  /** The balance a previous process left, refilled for the time since it wrote it. */
  #loadOnce(): void {
    if (this.#loaded || !this.#store) return;
    this.#loaded = true;
    const saved = this.#store.load();
    if (!saved || !Number.isFinite(saved.tokens) || !Number.isFinite(saved.atEpochMs)) return;
    const elapsed = Math.max(0, Date.now() - saved.atEpochMs);
    this.#tokens = Math.min(this.#tokens, saved.tokens + elapsed * this.#ratePerMs);
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
export function createCloudflareLimiter(clock?: LimiterClock, store?: LimiterStore): TokenBucketLimiter {
  return new TokenBucketLimiter({
    capacity: RATE_LIMIT_BURST,
    limit: RATE_LIMIT_REQUESTS,
    windowMs: RATE_LIMIT_WINDOW_MS,
    ...(clock === undefined ? {} : { clock }),
    ...(store === undefined ? {} : { store }),
  });
}

/** Where balances are kept between processes: one small file per API origin and credential (hashed). */
export const LIMITER_STATE_DIR = join(tmpdir(), `pulumi-cloudflare-workers-${process.getuid?.() ?? "user"}`);

/**
 * A store in a small JSON file, written at most every WRITE_INTERVAL_MS and when the process exits. Each
 * `pulumi` command starts a new provider process; sharing the balance keeps back-to-back commands
 * (`pulumi up` then `pulumi refresh`) inside one 1,200-per-300 s budget instead of a fresh burst each.
 */
export function fileLimiterStore(file: string): LimiterStore {
  const WRITE_INTERVAL_MS = 500;
  let pending: { tokens: number; atEpochMs: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify(pending), { mode: 0o600 });
    } catch {
      // A limiter that cannot persist still limits this process.
    }
    pending = undefined;
  };
  process.once("exit", flush);
  return {
    load() {
      try {
        const parsed = JSON.parse(readFileSync(file, "utf8")) as { tokens?: unknown; atEpochMs?: unknown };
        return typeof parsed.tokens === "number" && typeof parsed.atEpochMs === "number" ? { tokens: parsed.tokens, atEpochMs: parsed.atEpochMs } : undefined;
      } catch {
        return undefined;
      }
    },
    save(state) {
      pending = state;
      timer ??= setTimeout(flush, WRITE_INTERVAL_MS).unref();
    },
  };
}

let processLimiter: TokenBucketLimiter | undefined;

/**
 * The store for this process's API and credential, read when the first request is made. None for a local
 * emulator (loopback), which has no Cloudflare budget to share, or with CLOUDFLARE_WORKERS_LIMITER_STATE=off.
 */
function defaultStore(): LimiterStore | undefined {
  if (process.env.CLOUDFLARE_WORKERS_LIMITER_STATE === "off") return undefined;
  try {
    const url = new URL(resolveBaseUrl());
    if (isLoopbackHost(url.hostname)) return undefined;
    const credentials = resolveCredentials();
    const identity = credentials.kind === "token" ? credentials.token : `${credentials.email}\0${credentials.apiKey}`;
    const key = createHash("sha256").update(`${url.origin}\0${identity}`).digest("hex").slice(0, 16);
    return fileLimiterStore(join(LIMITER_STATE_DIR, `limiter-${key}.json`));
  } catch {
    return undefined; // no configuration yet: the request itself will say what is missing
  }
}

/** The one limiter shared by every client of this process, its balance carried over between processes. */
export function getProcessLimiter(): RequestLimiter {
  processLimiter ??= createCloudflareLimiter(undefined, defaultStore());
  return processLimiter;
}
