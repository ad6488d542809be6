/**
 * Shared pieces of the reliability suites: the faults Cloudflare's edge and API really send, the emulator's
 * world read back through the API (so tests compare it with what Pulumi holds), and the request log.
 */
import type { Emulator, FaultRule } from "../../emulator";
import {
  CloudflareClient,
  getScriptSettings,
  getSettings,
  getSubdomain,
  isNotFound,
  listScripts,
  listSecrets,
  type RequestLimiter,
} from "../../provider/cloudflare";

import { ACCOUNT, scope } from "../support";

/** An HTML error page as Cloudflare's edge serves it for 5xx (no JSON envelope). */
export function htmlPage(status: number): string {
  const title =
    { 500: "500 Internal Server Error", 502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable", 504: "504 Gateway Timeout" }[
      status
    ] ?? `${status} Error`;
  return (
    `<!DOCTYPE html>\n<html><head><title>${title}</title><style>body{font-family:sans-serif}</style></head>` +
    `<body><center><h1>${title}</h1></center><hr><center>cloudflare</center>${"<!-- padding -->".repeat(40)}</body></html>`
  );
}

/** The kinds of bad weather every suite replays. */
export type Weather =
  | "429 Retry-After 1"
  | "500 HTML"
  | "502 HTML"
  | "503 HTML"
  | "connection reset"
  | "10013 transient"
  | "response lost (applied, then reset)"
  | "response lost (applied, then 502)";

export const WEATHERS: Weather[] = [
  "429 Retry-After 1",
  "500 HTML",
  "502 HTML",
  "503 HTML",
  "connection reset",
  "10013 transient",
  "response lost (applied, then reset)",
  "response lost (applied, then 502)",
];

/** A fault rule for `weather` on requests matching `method` and `path`, `times` times. */
export function fault(weather: Weather, path: RegExp | string, times: number, method?: string): FaultRule {
  const base = { path, times, ...(method === undefined ? {} : { method }) };
  switch (weather) {
    case "429 Retry-After 1":
      return {
        ...base,
        status: 429,
        headers: { "retry-after": "1" },
        body: {
          success: false,
          errors: [{ code: 971, message: "Please wait and consider throttling your request speed" }],
          messages: [],
          result: null,
        },
      };
    case "500 HTML":
      return { ...base, status: 500, headers: { "content-type": "text/html" }, body: htmlPage(500) };
    case "502 HTML":
      return { ...base, status: 502, headers: { "content-type": "text/html" }, body: htmlPage(502) };
    case "503 HTML":
      return { ...base, status: 503, headers: { "content-type": "text/html" }, body: htmlPage(503) };
    case "connection reset":
      return { ...base, dropConnection: true };
    case "10013 transient":
      return {
        ...base,
        status: 500,
        body: {
          success: false,
          errors: [{ code: 10013, message: "An unknown error has occurred. If this error persists, please file a report" }],
          messages: [],
          result: null,
        },
      };
    case "response lost (applied, then reset)":
      return { ...base, applyFirst: true, dropConnection: true };
    case "response lost (applied, then 502)":
      return { ...base, applyFirst: true, status: 502, headers: { "content-type": "text/html" }, body: htmlPage(502) };
  }
}

/** `429 "too many requests modifying the script"` as the secrets endpoint answers it. */
export function secretsBusy(times: number, retryAfter?: string): FaultRule {
  return {
    method: "PUT",
    path: /\/secrets$/,
    times,
    status: 429,
    ...(retryAfter === undefined ? {} : { headers: { "retry-after": retryAfter } }),
    body: {
      success: false,
      errors: [{ code: 10058, message: "Too many requests are currently modifying the script. Please try again later." }],
      messages: [],
      result: null,
    },
  };
}

/** `METHOD /path` of each request since the last call, account prefix removed; clears the log. */
export function takeCalls(emulator: Emulator): string[] {
  const out = emulator.requests.map(
    (r) =>
      `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}${r.status === 0 ? " (dropped)" : r.status >= 400 ? ` (${r.status})` : ""}`,
  );
  emulator.clearRequests();
  return out;
}

/** One Worker as the emulator holds it, read through the API. */
export interface WorkerWorld {
  bindings: string[];
  secrets: string[];
  logpush?: boolean;
  tags?: string[];
  subdomain?: boolean;
}

/** A limiter that never waits: the test's own reads must not spend the process limiter's tokens. */
const unlimited: RequestLimiter = { acquire: async () => undefined, pauseFor: () => undefined };

/** A client for the test's own reads of the emulator: one attempt, its own (unlimited) limiter. */
export function observerClient(emulator: Emulator): CloudflareClient {
  return new CloudflareClient({ baseUrl: emulator.url, apiToken: "emulator-dev-token", maxAttempts: 1, limiter: unlimited });
}

/** Everything the emulator holds for the account, read through the API with a fault-free client. */
export async function world(emulator: Emulator): Promise<Record<string, WorkerWorld>> {
  const client = observerClient(emulator);
  const before = emulator.requests.length;
  const out: Record<string, WorkerWorld> = {};
  for (const script of await listScripts(client, ACCOUNT)) {
    const name = script.id!;
    const settings = await getSettings(client, scope, name);
    const level = await getScriptSettings(client, scope, name);
    const subdomain = await getSubdomain(client, scope, name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    out[name] = {
      bindings: (settings.bindings ?? [])
        .map((b) => `${b.type}:${b.name}${b.type === "plain_text" ? `=${String((b as { text?: string }).text)}` : ""}`)
        .sort(),
      secrets: (await listSecrets(client, scope, name)).map((s) => s.name).sort(),
      logpush: level.logpush ?? undefined,
      tags: level.tags ?? undefined,
      subdomain: subdomain?.enabled,
    };
  }
  // Reading the world is not part of what the test observes.
  emulator.requests.splice(before);
  return out;
}
