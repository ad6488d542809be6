/**
 * Turning the API's refusal of a write into an error a person can act on: which property of which resource,
 * what Cloudflare said, and what to change. The client's error stays the `cause`.
 */
import { CloudflareApiError } from "../cloudflare";

export class ResourceInputError extends Error {
  override readonly name = "ResourceInputError";
  constructor(
    readonly property: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Cloudflare's messages of an API error, joined: "Route not found (code 10009)". */
export function cloudflareSays(error: CloudflareApiError): string {
  return error.errors.map((e) => `${e.message} (code ${e.code})`).join("; ") || `HTTP ${error.status}`;
}

/** The first Cloudflare code of `error` found in `codes`, when it is an API error. */
export function refusalCode(error: unknown, codes: readonly number[]): number | undefined {
  if (!(error instanceof CloudflareApiError)) return undefined;
  return error.codes.find((c) => codes.includes(c));
}
