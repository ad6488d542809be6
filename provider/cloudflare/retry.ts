/**
 * Retry rules of the request function, as pure functions: which failures may be repeated, and how long to
 * wait before the next attempt. The request function is the only place that sleeps or loops.
 */

/** First backoff step; each later step doubles, up to BACKOFF_CAP_MS. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
/** Added on top of a server's Retry-After so that many waiting clients do not all come back at once. */
export const RETRY_AFTER_JITTER_MS = 250;
/**
 * Longest Retry-After we wait out: Cloudflare's lockout lasts up to five minutes. A longer one is reported
 * to the user instead of silently blocking a deployment.
 */
export const MAX_RETRY_AFTER_MS = 305_000;

/** GET, PUT and DELETE may be repeated; POST and PATCH only where the endpoint says so (`retrySafe: true`). */
export function isRetrySafe(spec: { method: string; retrySafe?: boolean | undefined }): boolean {
  return spec.retrySafe ?? (spec.method === "GET" || spec.method === "PUT" || spec.method === "DELETE");
}

/** HTTP statuses worth another attempt: rate limited, and server-side failures (often transient). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Error codes (Node and undici) of a request that failed on the way: resets, broken sockets, DNS hiccups. */
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Failures before the connection was established: the request never left this machine, so even a request
 * that is not safe to repeat may be sent again.
 */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT"]);

/** The `code` of an error or of one of its causes (undici wraps socket errors). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (TRANSIENT_NETWORK_CODES.has(code) || NOT_SENT_CODES.has(code))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const own = (error as { code?: unknown } | null)?.code;
  return typeof own === "string" ? own : undefined;
}

export function isTransientNetworkError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && (TRANSIENT_NETWORK_CODES.has(code) || NOT_SENT_CODES.has(code));
}

export function wasNeverSent(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * Parses `Retry-After`: delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT").
 * Returns milliseconds from `nowMs`, at least 0, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Capped exponential backoff with jitter for attempt `n` (1 = the wait after the first failure):
 * half of the step is fixed, half random ("equal jitter"), so waits grow yet never synchronise.
 */
export function backoffDelay(attempt: number, random: () => number): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return step / 2 + random() * (step / 2);
}

/** The wait before the next attempt: the server's Retry-After when given (plus a little jitter), else backoff. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) return retryAfterMs + random() * RETRY_AFTER_JITTER_MS;
  return backoffDelay(attempt, random);
}
