/**
 * Connection reuse: one undici dispatcher per origin for the whole process, so a stack of a hundred Workers
 * shares a handful of keep-alive connections instead of opening one per call. TLS certificates are always
 * verified (set explicitly, so NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn it off), to the
 * API and to a proxy alike.
 *
 * Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (or their lower-case forms) are read as undici's
 * EnvHttpProxyAgent reads them (https://undici.nodejs.org/#/docs/api/EnvHttpProxyAgent), once per origin when
 * its dispatcher is made, so that the proxy in use can be named in errors. A proxied origin gets undici's
 * ProxyAgent: a CONNECT tunnel for https:// (TLS runs end to end, the proxy sees only the host name), an
 * absolute-URI request for plain http:// (loopback emulators only, see resolveBaseUrl). NO_PROXY has no
 * implicit entries: a local emulator is reached through the proxy unless NO_PROXY names it, as with undici.
 */
import type * as Undici from "undici";
import type { Dispatcher } from "undici";

/**
 * undici, loaded on the first request only: a provider process that sends nothing (a no-op preview's check
 * and diff) does not pay its load time, about 0.1 s on a quiet machine and 0.7 s on a loaded one.
 */
export function undici(): typeof Undici {
  return require("undici") as typeof Undici;
}

/** Connections per origin: enough for parallel resource operations, well under Cloudflare's 200 req/s. */
export const POOL_CONNECTIONS = 16;
const KEEP_ALIVE_TIMEOUT_MS = 10_000;

const VERIFIED = { rejectUnauthorized: true } as const;

/** A dispatcher bound to one origin: `request` takes the path only. */
export interface OriginDispatcher {
  request(options: Omit<Dispatcher.RequestOptions, "origin">): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
  /** The proxy requests to this origin go through (scheme://host:port, no user info), or undefined. */
  readonly proxy: string | undefined;
}

const dispatchers = new Map<string, OriginDispatcher>();

function env(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** The proxy the environment names for `origin`, with NO_PROXY applied as EnvHttpProxyAgent applies it. */
function proxyFromEnv(origin: string): { uri: string; shown: string } | undefined {
  const url = new URL(origin);
  const http = env("http_proxy", "HTTP_PROXY");
  const uri = url.protocol === "https:" ? (env("https_proxy", "HTTPS_PROXY") ?? http) : http;
  if (uri === undefined || bypassed(url, env("no_proxy", "NO_PROXY"))) return undefined;
  try {
    const proxy = new URL(uri);
    return { uri, shown: `${proxy.protocol}//${proxy.host}` };
  } catch {
    // Let undici report the malformed value when the request is made.
    return { uri, shown: "(an unreadable proxy URL)" };
  }
}

/** NO_PROXY: `*`, or comma/space separated hosts, `.suffix` / `*.suffix` domains, optional `:port`. */
function bypassed(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  for (const raw of noProxy.split(/[,\s]+/).filter(Boolean)) {
    if (raw === "*") return true;
    const match = /^(.*?)(?::(\d+))?$/.exec(raw.toLowerCase().replace(/^\[|\]$/g, ""))!;
    const name = match[1]!.replace(/^\*?\./, "");
    if (match[2] !== undefined && Number(match[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function pooled(origin: string): OriginDispatcher {
  const pool = new (undici().Pool)(origin, { connections: POOL_CONNECTIONS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connect: VERIFIED });
  return { request: (options) => pool.request(options), close: () => pool.close(), proxy: undefined };
}

function proxied(origin: string, proxy: { uri: string; shown: string }): OriginDispatcher {
  const agent = new (undici().ProxyAgent)({
    uri: proxy.uri,
    connections: POOL_CONNECTIONS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTls: VERIFIED,
    proxyTls: VERIFIED,
  });
  return { request: (options) => agent.request({ ...options, origin }), close: () => agent.close(), proxy: proxy.shown };
}

/** The dispatcher for `origin` (scheme://host:port), created on first use and reused afterwards. */
export function dispatcherFor(origin: string): OriginDispatcher {
  let dispatcher = dispatchers.get(origin);
  if (dispatcher === undefined) {
    const proxy = proxyFromEnv(origin);
    dispatcher = proxy === undefined ? pooled(origin) : proxied(origin, proxy);
    dispatchers.set(origin, dispatcher);
  }
  return dispatcher;
}

/** Closes every pooled connection (tests, or a provider shutting down). Later requests open new ones. */
export async function closeDispatchers(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((dispatcher) => dispatcher.close().catch(() => undefined)));
}

/** How many dispatchers exist (to test reuse). */
export function dispatcherCount(): number {
  return dispatchers.size;
}
