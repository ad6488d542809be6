/**
 * The request limiter: at most L requests in any sliding window of 300 s, which is the rule
 * Cloudflare applies (1,200 requests per five minutes per user, dashboard and every token included; going
 * over blocks every call with HTTP 429 for up to five minutes). L is 1,200 less RATE_LIMIT_MARGIN, or what
 * the stack config `cloudflare-workers:rateLimit` / CLOUDFLARE_WORKERS_RATE_LIMIT says.
 *
 * It is a log of when recent requests were sent, not a bucket: a request is let through at once while fewer
 * than L requests were sent in the last window (so from idle, a run of up to L calls is never delayed), and
 * otherwise when the oldest of them leaves the window. Waiting callers are served in the order they asked.
 * A 429's Retry-After holds back every request not yet sent.
 *
 * Between processes (every `pulumi` command starts a new provider host) the log lives in a small file, read
 * and rewritten under a lock for every batch of grants, so back-to-back or concurrent commands with the same
 * credential share one budget. The clock is injectable so tests can simulate hours in milliseconds.
 */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { configuredSetting, isLoopbackHost, STACK_CONFIG_KEYS, type Credentials } from "./config";
import { CloudflareConfigError } from "./errors";
import { formatDuration, notice } from "./notices";

/** Cloudflare's global limit: requests per window, per user (https://developers.cloudflare.com/fundamentals/api/reference/limits/). */
export const RATE_LIMIT_REQUESTS = 1_200;
export const RATE_LIMIT_WINDOW_MS = 300_000;
/**
 * Requests of every window left unspent by default: 5 % of the limit, for what else uses the same user
 * (the dashboard, wrangler, scripts), none of which this limiter can count.
 */
export const RATE_LIMIT_MARGIN = 60;
/** The default L: 1,140 requests in any 300 s. */
export const DEFAULT_RATE_LIMIT = RATE_LIMIT_REQUESTS - RATE_LIMIT_MARGIN;
/**
 * Added to the window: a request sent later than an earlier one may reach Cloudflare up to this much
 * sooner, relative to it (the earlier one slowed on the network or by its body), and must still find the
 * earlier one out of Cloudflare's window.
 */
export const RATE_LIMIT_GUARD_MS = 2_000;
/** The log never holds more entries than this, whatever a shared file says. */
export const MAX_LOGGED_REQUESTS = 10_000;

export interface LimiterClock {
  /** Milliseconds; epoch milliseconds when a store shares the log with other processes. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RequestLimiter {
  /** Resolves when one more request may be sent. */
  acquire(): Promise<void>;
  /** Holds back every request not yet sent for `ms` (after a 429 with Retry-After). */
  pauseFor(ms: number): void;
}

/** What the limiter remembers: when recent requests were sent, and until when a 429 holds everything back. */
export interface LimiterLog {
  /** Send times, ascending. */
  times: number[];
  pausedUntil: number;
}

/** Where the log lives: this process's memory, or a file shared with other processes. */
export interface LimiterStore {
  /**
   * Hands the current log to `change`, which edits it in place, and keeps the result: atomically with
   * respect to other processes. Returns false, without calling `change`, when another process holds the
   * log right now (ask again in a few milliseconds).
   */
  update(change: (log: LimiterLog) => void): boolean;
}

export function memoryLimiterStore(): LimiterStore & { log: LimiterLog } {
  const store = {
    log: { times: [], pausedUntil: -Infinity } as LimiterLog,
    update(change: (log: LimiterLog) => void): boolean {
      change(store.log);
      return true;
    },
  };
  return store;
}

export interface SlidingWindowOptions {
  /** Requests allowed in any window; a function is asked again at every grant (the stack config may arrive late). */
  limit: number | (() => number);
  windowMs: number;
  /** Default RATE_LIMIT_GUARD_MS. */
  guardMs?: number;
  clock?: LimiterClock;
  /** Default: this process's memory. */
  store?: LimiterStore;
  /** Told when requests are held back for at least HOLD_NOTICE_MIN_MS (at most once per HOLD_NOTICE_EVERY_MS). */
  onHold?: (hold: LimiterHold) => void;
}

/** Why and how long the limiter holds requests back. */
export interface LimiterHold {
  reason: "window" | "retry-after";
  /** Until the next request may go. */
  ms: number;
  /** Requests waiting in this process. */
  waiting: number;
  /** The limit per window in force. */
  limit: number;
}

/** Shorter holds are not worth a line. */
export const HOLD_NOTICE_MIN_MS = 1_000;
/** A long run of holds (a fleet spending its whole budget) gets one line per this much time, not one per grant. */
export const HOLD_NOTICE_EVERY_MS = 30_000;

/** Retry delay when another process holds the shared log. */
const STORE_BUSY_RETRY_MS = 5;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Grants as many of `wanted` requests at `now` as the log allows, records them, and says when the next one
 * can go (Infinity when all were granted). Pure apart from editing `log`.
 */
export function grantFromLog(
  log: LimiterLog,
  now: number,
  wanted: number,
  limit: number,
  windowMs: number,
  guardMs: number,
): { granted: number; nextAt: number; paused?: true } {
  const horizon = now - windowMs - guardMs;
  // Entries that left the window go; so does anything absurd a shared file might hold (far future, not numbers).
  let times = log.times.filter((t) => Number.isFinite(t) && t > horizon && t <= now + windowMs).sort((a, b) => a - b);
  if (times.length > MAX_LOGGED_REQUESTS) times = times.slice(-MAX_LOGGED_REQUESTS);
  log.times = times;
  if (!Number.isFinite(log.pausedUntil) || log.pausedUntil > now + 24 * 3_600_000) log.pausedUntil = -Infinity;
  if (log.pausedUntil > now) return { granted: 0, nextAt: log.pausedUntil, paused: true };
  const granted = Math.max(0, Math.min(wanted, limit - times.length));
  for (let i = 0; i < granted; i++) times.push(now);
  if (granted === wanted) return { granted, nextAt: Infinity };
  // The next request may go once the count in the window is below the limit: when the entry that many
  // places from the newest leaves it.
  const oldestToLeave = times[times.length - limit] ?? now;
  return { granted, nextAt: Math.max(now + 1, oldestToLeave + windowMs + guardMs) };
}

export class SlidingWindowLimiter implements RequestLimiter {
  readonly #limit: () => number;
  readonly #windowMs: number;
  readonly #guardMs: number;
  readonly #clock: LimiterClock;
  readonly #store: LimiterStore;
  readonly #waiting: Waiter[] = [];
  /** A 429 seen by this process, kept even when the shared log cannot be written. */
  #pausedUntil = -Infinity;
  #pumpQueued = false;
  /** When a timer will run the next grant (Infinity: none set). */
  #wakeAt = Infinity;
  readonly #onHold: ((hold: LimiterHold) => void) | undefined;
  #lastHoldNotice = -Infinity;

  constructor(options: SlidingWindowOptions) {
    const limit = options.limit;
    if (typeof limit === "number" && !(Number.isInteger(limit) && limit >= 1))
      throw new RangeError("a sliding-window limiter needs a limit of at least 1");
    if (!(options.windowMs > 0)) throw new RangeError("a sliding-window limiter needs windowMs > 0");
    this.#limit = typeof limit === "function" ? limit : () => limit;
    this.#windowMs = options.windowMs;
    this.#guardMs = options.guardMs ?? RATE_LIMIT_GUARD_MS;
    this.#clock = options.clock ?? realClock;
    this.#store = options.store ?? memoryLimiterStore();
    this.#onHold = options.onHold;
  }

  acquire(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      // Every request asked for in the same tick is granted in one pass (one read and write of a shared log).
      if (!this.#pumpQueued) {
        this.#pumpQueued = true;
        queueMicrotask(() => this.#pump());
      }
    });
  }

  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    const until = this.#clock.now() + ms;
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    // Shared, so other processes on the same credential hold back too; best effort when the log is busy.
    this.#store.update((log) => {
      log.pausedUntil = Math.max(log.pausedUntil, until);
    });
  }

  #pump(): void {
    this.#pumpQueued = false;
    if (this.#waiting.length === 0) return;
    const now = this.#clock.now();
    if (this.#pausedUntil > now) {
      this.#announce("retry-after", this.#pausedUntil - now, undefined);
      return this.#wakeIn(this.#pausedUntil - now);
    }
    let limit: number;
    try {
      limit = this.#limit();
    } catch (error) {
      // A limit set wrongly in the configuration fails every request with that message.
      for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
      return;
    }
    let outcome: ReturnType<typeof grantFromLog> = { granted: 0, nextAt: now + STORE_BUSY_RETRY_MS };
    const done = this.#store.update((log) => {
      outcome = grantFromLog(log, now, this.#waiting.length, limit, this.#windowMs, this.#guardMs);
    });
    for (const waiter of this.#waiting.splice(0, done ? outcome.granted : 0)) waiter.resolve();
    if (this.#waiting.length > 0) {
      if (done) this.#announce(outcome.paused ? "retry-after" : "window", outcome.nextAt - now, limit);
      this.#wakeIn(outcome.nextAt - now);
    }
  }

  #announce(reason: LimiterHold["reason"], ms: number, limit: number | undefined): void {
    if (this.#onHold === undefined || ms < HOLD_NOTICE_MIN_MS) return;
    const now = this.#clock.now();
    if (now - this.#lastHoldNotice < HOLD_NOTICE_EVERY_MS) return;
    this.#lastHoldNotice = now;
    let resolved = limit;
    if (resolved === undefined) {
      try {
        resolved = this.#limit();
      } catch {
        resolved = 0;
      }
    }
    try {
      this.#onHold({ reason, ms, waiting: this.#waiting.length, limit: resolved });
    } catch {
      // An observer must never break the limiter.
    }
  }

  #wakeIn(ms: number): void {
    const at = this.#clock.now() + Math.max(0, ms);
    if (this.#wakeAt <= at) return; // a timer at least as early is already set
    this.#wakeAt = at;
    void this.#clock.sleep(Math.max(0, ms)).then(() => {
      if (this.#wakeAt === at) this.#wakeAt = Infinity;
      this.#pump();
    });
  }
}

/** Requests per 300 s this process may spend: stack config cloudflare-workers:rateLimit → CLOUDFLARE_WORKERS_RATE_LIMIT → DEFAULT_RATE_LIMIT. */
export function resolveRateLimit(): number {
  const setting = configuredSetting("rateLimit");
  if (setting === undefined) return DEFAULT_RATE_LIMIT;
  const n = Number(setting.value);
  if (!Number.isInteger(n) || n < 1) {
    throw new CloudflareConfigError(
      `${setting.source} must be a whole number of API requests per 5 minutes, at least 1 (got ${JSON.stringify(setting.value.slice(0, 40))}); ` +
        `Cloudflare allows ${RATE_LIMIT_REQUESTS} per user, and the default is ${DEFAULT_RATE_LIMIT}.`,
    );
  }
  return n;
}

export interface CloudflareLimiterOptions {
  clock?: LimiterClock;
  store?: LimiterStore;
  /** Default: resolveRateLimit(), asked at every grant. */
  limit?: number | (() => number);
}

/** The line `pulumi up` shows while the limiter holds requests back. */
export function describeHold(hold: LimiterHold): string {
  const requests = `${hold.waiting} API request${hold.waiting === 1 ? "" : "s"}`;
  if (hold.reason === "retry-after") {
    return (
      `holding ${requests} back for ${formatDuration(hold.ms)}: Cloudflare answered 429 (rate limited) with Retry-After, ` +
      `which holds every request made with these credentials.`
    );
  }
  return (
    `holding ${requests} back for ${formatDuration(hold.ms)}: ${hold.limit} were sent in the last 5 minutes, the most this ` +
    `stack may spend (${STACK_CONFIG_KEYS.rateLimit}; Cloudflare allows ${RATE_LIMIT_REQUESTS} per user, dashboard included).`
  );
}

/** A limiter keeping under Cloudflare's 1,200 requests in any 300 s (by default at most 1,140). */
export function createCloudflareLimiter(options: CloudflareLimiterOptions = {}): SlidingWindowLimiter {
  return new SlidingWindowLimiter({
    limit: options.limit ?? resolveRateLimit,
    windowMs: RATE_LIMIT_WINDOW_MS,
    onHold: (hold) => notice("info", describeHold(hold)),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.store === undefined ? {} : { store: options.store }),
  });
}

/** Where logs are kept between processes: one small file per API origin and credential (hashed). */
export const LIMITER_STATE_DIR = join(tmpdir(), `pulumi-cloudflare-workers-${process.getuid?.() ?? "user"}`);
/** A lock older than this was left by a process that died holding it. */
const LOCK_STALE_MS = 2_000;

const storedLogSchema = z.looseObject({
  version: z.literal(2),
  times: z.array(z.number()),
  pausedUntil: z.number().nullish(),
});

/**
 * A log kept in a JSON file (at most MAX_LOGGED_REQUESTS times, pruned at every write), changed under an
 * exclusive lock file and replaced by an atomic rename, so that processes sharing it never lose each other's
 * requests. When the file cannot be used (permissions, a full disk), this process still limits itself.
 */
export function fileLimiterStore(file: string): LimiterStore {
  const lock = `${file}.lock`;
  const fallback = memoryLimiterStore();
  let usable = true;
  const tryLock = (): number | undefined => {
    try {
      return openSync(lock, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock);
      } catch {
        // Gone in the meantime: the next attempt takes it.
      }
      return undefined;
    }
  };
  const read = (): LimiterLog => {
    try {
      const parsed = storedLogSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (parsed.success) return { times: parsed.data.times, pausedUntil: parsed.data.pausedUntil ?? -Infinity };
    } catch {
      // Missing or unreadable: start from an empty log.
    }
    return { times: [], pausedUntil: -Infinity };
  };
  return {
    update(change) {
      if (!usable) return fallback.update(change);
      let fd: number | undefined;
      try {
        mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
        fd = tryLock();
        if (fd === undefined) return false;
        const log = read();
        change(log);
        const temporary = `${file}.${process.pid}.tmp`;
        const pausedUntil = Number.isFinite(log.pausedUntil) ? log.pausedUntil : null;
        writeFileSync(temporary, JSON.stringify({ version: 2, times: log.times.slice(-MAX_LOGGED_REQUESTS), pausedUntil }), {
          mode: 0o600,
        });
        renameSync(temporary, file);
        fallback.log = log;
        return true;
      } catch {
        usable = false;
        return fallback.update(change);
      } finally {
        if (fd !== undefined) {
          closeSync(fd);
          try {
            unlinkSync(lock);
          } catch {
            // Already removed as stale by another process.
          }
        }
      }
    },
  };
}

/** The file sharing the log of one API origin and credential (a token, or email + NUL + key), named by a hash of both. */
export function limiterStateFile(origin: string, identity: string): string {
  const key = createHash("sha256").update(`${origin}\0${identity}`).digest("hex").slice(0, 16);
  return join(LIMITER_STATE_DIR, `limiter-${key}.json`);
}

/**
 * The limiter of each API origin and credential this process has used, by the hash limiterStateFile names
 * its file with. Cloudflare counts requests per user, not per client or per run, so this outlives a client's
 * run state (run-state.ts): every client with the same credentials, in this process and (through the file)
 * in others, spends one budget, and a 429's Retry-After holds all of them.
 */
const sharedLimiters = new Map<string, SlidingWindowLimiter>();

function credentialIdentity(credentials: Credentials | undefined): string {
  if (credentials === undefined) return "";
  return credentials.kind === "token" ? credentials.token : `${credentials.email}\0${credentials.apiKey}`;
}

/**
 * Where the log of one origin and credential is kept between processes. None for a local emulator (loopback),
 * which has no Cloudflare budget to share, unless CLOUDFLARE_WORKERS_LIMITER_STATE=on; none with
 * CLOUDFLARE_WORKERS_LIMITER_STATE=off, or without credentials (such a request fails before it is sent).
 */
function storeFor(origin: string, identity: string): LimiterStore | undefined {
  const mode = process.env.CLOUDFLARE_WORKERS_LIMITER_STATE;
  if (mode === "off" || identity === "") return undefined;
  if (isLoopbackHost(new URL(origin).hostname) && mode !== "on") return undefined;
  return fileLimiterStore(limiterStateFile(origin, identity));
}

/** The one limiter of every request sent to `origin` with `credentials`, its log shared with other processes. */
export function sharedLimiter(origin: string, credentials: Credentials | undefined): RequestLimiter {
  const identity = credentialIdentity(credentials);
  const file = limiterStateFile(origin, identity);
  let limiter = sharedLimiters.get(file);
  if (limiter === undefined) {
    limiter = createCloudflareLimiter({ store: storeFor(origin, identity) });
    sharedLimiters.set(file, limiter);
  }
  return limiter;
}
