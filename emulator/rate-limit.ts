/**
 * The API's global rate limit, enforced when the emulator is started with `rateLimit` (off by default):
 * at most `requests` requests in any sliding window of `windowMs` per credential; the request over it and
 * every request for the next `lockoutMs` (default: one window) are answered 429, code 971, with
 * `Retry-After` in whole seconds. Every answer carries the `Ratelimit` and `Ratelimit-Policy` headers.
 *
 * Evidence (emulator/README.md, "Rate limit"): Cloudflare's API limits page (1,200 requests per five
 * minutes per user; over it "all API calls for the next five minutes will be blocked, receiving a HTTP 429";
 * the headers `Ratelimit: "default";r=50;t=30`, `Ratelimit-Policy: "burst";q=100;w=60`, and
 * `retry-after`, seconds rounded up, only on a 429); the answer's body as users recorded it,
 * `429 {"code":971,"message":"Please wait and consider throttling your request speed"}`
 * (cloudflare/terraform-provider-cloudflare#5505).
 */
import type { IncomingHttpHeaders } from "node:http";
import { ERROR, failure, type Reply } from "./envelope";

export interface RateLimitOptions {
  /** Requests allowed in any window, per credential (Cloudflare: 1,200). */
  requests: number;
  /** Cloudflare: 300,000 (five minutes). */
  windowMs: number;
  /** How long every request is refused once the limit was passed. Default: `windowMs`. */
  lockoutMs?: number;
}

export const RATE_LIMITED_MESSAGE = "Please wait and consider throttling your request speed";

interface Budget {
  /** Arrival times of the requests let through, ascending. */
  times: number[];
  /** Index of the oldest time still in the window (older ones are dropped in bulk). */
  start: number;
  lockedUntil: number;
}

export function validateRateLimit(options: RateLimitOptions): RateLimitOptions {
  if (!Number.isInteger(options.requests) || options.requests < 1)
    throw new RangeError("rateLimit.requests must be an integer of at least 1");
  if (!Number.isFinite(options.windowMs) || options.windowMs <= 0) throw new RangeError("rateLimit.windowMs must be a positive number");
  if (options.lockoutMs !== undefined && !(options.lockoutMs >= 0)) throw new RangeError("rateLimit.lockoutMs must be 0 or more");
  return options;
}

/** Who a request is counted against: the credential it presents (the emulator has no users above them). */
function userOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string" && authorization !== "") return `token:${authorization}`;
  const email = headers["x-auth-email"];
  return typeof email === "string" && email !== "" ? `email:${email.toLowerCase()}` : undefined;
}

export class RateLimit {
  readonly #options: Required<RateLimitOptions>;
  readonly #budgets = new Map<string, Budget>();
  readonly #now: () => number;

  constructor(options: RateLimitOptions, now: () => number = Date.now) {
    validateRateLimit(options);
    this.#options = { ...options, lockoutMs: options.lockoutMs ?? options.windowMs };
    this.#now = now;
  }

  /**
   * Counts one request. Returns the 429 to answer instead of handling it, or undefined; either way the
   * headers to add to the answer. Requests without a credential are not counted (they fail authentication).
   */
  admit(headers: IncomingHttpHeaders): { refused?: Reply; headers: Record<string, string> } {
    const user = userOf(headers);
    if (user === undefined) return { headers: {} };
    const now = this.#now();
    const { requests, windowMs, lockoutMs } = this.#options;
    let budget = this.#budgets.get(user);
    if (budget === undefined) this.#budgets.set(user, (budget = { times: [], start: 0, lockedUntil: -Infinity }));
    while (budget.start < budget.times.length && budget.times[budget.start]! <= now - windowMs) budget.start++;
    if (budget.start > 1_024 && budget.start * 2 > budget.times.length) {
      budget.times = budget.times.slice(budget.start);
      budget.start = 0;
    }
    const inWindow = budget.times.length - budget.start;
    if (budget.lockedUntil <= now && inWindow >= requests) budget.lockedUntil = now + lockoutMs;
    if (budget.lockedUntil > now) {
      const retryAfter = String(Math.max(1, Math.ceil((budget.lockedUntil - now) / 1000)));
      const extra = { ...this.#headers(0, budget.lockedUntil - now), "retry-after": retryAfter };
      return { refused: failure(429, [{ code: ERROR.RATE_LIMITED, message: RATE_LIMITED_MESSAGE }], extra), headers: extra };
    }
    budget.times.push(now);
    const oldest = budget.times[budget.start]!;
    return { headers: this.#headers(requests - inWindow - 1, oldest + windowMs - now) };
  }

  /** Forgets every count and lockout (the emulator's reset). */
  clear(): void {
    this.#budgets.clear();
  }

  #headers(remaining: number, resetMs: number): Record<string, string> {
    const { requests, windowMs } = this.#options;
    return {
      ratelimit: `"default";r=${Math.max(0, remaining)};t=${Math.max(0, Math.ceil(resetMs / 1000))}`,
      "ratelimit-policy": `"default";q=${requests};w=${Math.ceil(windowMs / 1000)}`,
    };
  }
}
