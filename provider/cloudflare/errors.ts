/**
 * Typed errors of the API client. Every failure of a request becomes a `CloudflareApiError` with a stable
 * `code` string (undici's style), Cloudflare's own `errors[]` and a message a person can act on; missing or
 * unusable configuration is a `CloudflareConfigError`, raised before anything is sent.
 */
import type { CfMessage } from "./schemas";

export type CloudflareErrorCode =
  | "CF_NOT_FOUND"
  | "CF_AUTH"
  | "CF_RATE_LIMITED"
  | "CF_VALIDATION"
  | "CF_CONFLICT"
  | "CF_SERVER"
  | "CF_NETWORK"
  | "CF_TIMEOUT"
  | "CF_UNEXPECTED_RESPONSE";

/**
 * Cloudflare error codes meaning "this Worker / namespace does not exist": 10007 (Worker), 10090 (the same
 * from the services endpoints, also seen for scripts), 100119 (dispatch namespace).
 */
export const NOT_FOUND_CODES: readonly number[] = [10007, 10090, 100119];
/** Cloudflare error codes of authentication failures (unknown token, bad key, missing headers). */
export const AUTH_CODES: readonly number[] = [9103, 9106, 9107, 9109, 10000, 10001];
/**
 * "No route for that URI" (7000) and "Could not route to …, perhaps your object identifier is invalid?"
 * (7003): the URL itself is wrong (usually the account id, or an operation that does not exist in this
 * scope). Not "not found": a resource must not conclude from it that its Worker is gone.
 */
export const ROUTING_CODES: readonly number[] = [7000, 7003];
/** Concurrent modification of the same script. */
export const CONFLICT_CODES: readonly number[] = [10035];
/** Rate limited (account-wide lockout). */
export const RATE_LIMIT_CODES: readonly number[] = [971];

export interface CloudflareApiErrorInit {
  message: string;
  code: CloudflareErrorCode;
  method: string;
  path: string;
  /** HTTP status; 0 when no response arrived (network error, timeout). */
  status: number;
  errors?: CfMessage[];
  /** How many attempts were made before giving up. */
  attempts?: number;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class CloudflareApiError extends Error {
  override readonly name = "CloudflareApiError";
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly errors: CfMessage[];
  readonly codes: number[];
  readonly code: CloudflareErrorCode;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(init: CloudflareApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.errors = init.errors ?? [];
    this.codes = this.errors.map((e) => e.code);
    this.code = init.code;
    this.attempts = init.attempts ?? 1;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Cloudflare's "Worker does not exist" (10007) / "dispatch namespace not found" (100119), or another 404 in its envelope. */
  get isNotFound(): boolean {
    return this.code === "CF_NOT_FOUND";
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof CloudflareApiError && error.isNotFound;
}

/** Missing credentials or account id, or a base URL we refuse to send credentials to. Nothing was sent. */
export class CloudflareConfigError extends Error {
  override readonly name = "CloudflareConfigError";
  readonly code = "CF_CONFIG";
}

/**
 * The stable code for an HTTP answer: Cloudflare's own codes first, the HTTP status otherwise.
 * `fromCloudflare` is false when the body is not Cloudflare's JSON envelope (an HTML page from a proxy, a
 * wrong base URL, an empty body): such a 404 proves nothing about the Worker, so it is not "not found" —
 * a refresh must not drop from state, nor a destroy report as gone, a Worker that may still exist.
 */
export function classifyStatus(status: number, codes: readonly number[], fromCloudflare = true): CloudflareErrorCode {
  if (status === 404 && !fromCloudflare) return "CF_UNEXPECTED_RESPONSE";
  if (codes.some((c) => ROUTING_CODES.includes(c)) && !codes.some((c) => NOT_FOUND_CODES.includes(c))) return "CF_VALIDATION";
  if (codes.some((c) => NOT_FOUND_CODES.includes(c)) || status === 404) return "CF_NOT_FOUND";
  if (codes.some((c) => AUTH_CODES.includes(c)) || status === 401) return "CF_AUTH";
  if (status === 429 || codes.some((c) => RATE_LIMIT_CODES.includes(c))) return "CF_RATE_LIMITED";
  if (status === 409 || codes.some((c) => CONFLICT_CODES.includes(c))) return "CF_CONFLICT";
  if (status >= 500) return "CF_SERVER";
  // A 403 without any code is the token lacking a permission; a 403 with another code (e.g. 10037, too many
  // Workers) is a refusal of this particular request.
  if (status === 403) return codes.length === 0 ? "CF_AUTH" : "CF_VALIDATION";
  if (status >= 400) return "CF_VALIDATION";
  return "CF_UNEXPECTED_RESPONSE";
}
