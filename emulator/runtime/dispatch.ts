/**
 * Which deployed Worker, and which of its versions, a request to the emulator's HTTP port reaches: the way
 * Cloudflare routes requests to Workers, read from the emulator's state. Pure functions, no I/O.
 *
 * - `<script>.<account subdomain>.workers.dev` while the script's workers.dev subdomain is enabled
 *   (https://developers.cloudflare.com/workers/configuration/routing/workers-dev/);
 * - a custom domain's hostname, which takes precedence over routes
 *   (https://developers.cloudflare.com/workers/configuration/routing/custom-domains/: "Custom Domains take
 *   precedence over any routes that may match");
 * - route patterns of the emulated zones, the most specific one winning, and a route without a Worker
 *   turning Workers off for what it matches
 *   (https://developers.cloudflare.com/workers/configuration/routing/routes/#matching-behavior);
 * - the path form `/__workers/<script>/<path>` for tools that cannot set Host (the emulator's own).
 *
 * During a gradual deployment the version is drawn by the deployment's percentages, unless the request pins
 * one with `Cloudflare-Workers-Version-Overrides: <script>="<version id>"` (an RFC 8941 dictionary;
 * applied only when the version is in the deployment, as the version-overrides page says) or asks for a
 * stable assignment with `Cloudflare-Workers-Version-Key` (the version-affinity page: the key is hashed and
 * mapped onto the percentages).
 */
import { createHash } from "node:crypto";
import { hostInZone, parseRoutePattern, type RoutePatternParts } from "../../provider/cloudflare/schemas";
import type { EmulatorState, StoredScript } from "../state";

/** The emulator's own path form: `/__workers/<script>/<rest>`. */
export const PATH_FORM_PREFIX = "/__workers/";
export const VERSION_OVERRIDES_HEADER = "cloudflare-workers-version-overrides";
export const VERSION_KEY_HEADER = "cloudflare-workers-version-key";
const WORKERS_DEV = ".workers.dev";

export interface Target {
  accountId: string;
  script: string;
  /** How the request found the Worker (for error messages and tests). */
  via: "workers.dev" | "custom domain" | "route" | "path";
  /** The path (and query) the Worker sees: the path form strips its prefix. */
  path: string;
}

/** A route or a custom domain matched, but it runs no Worker (a route without `script`, a Worker without a deployment). */
export interface NoWorker {
  none: string;
}

/** The Worker a request reaches, `{none}` when a route says no Worker runs there, or undefined when nothing of the emulator's matches. */
export function resolveTarget(state: EmulatorState, hostHeader: string | undefined, pathAndQuery: string): Target | NoWorker | undefined {
  if (pathAndQuery.startsWith(PATH_FORM_PREFIX)) return byPath(state, pathAndQuery);
  const host = hostOnly(hostHeader);
  if (host === undefined) return undefined;
  return byWorkersDev(state, host, pathAndQuery) ?? byCustomDomain(state, host, pathAndQuery) ?? byRoute(state, host, pathAndQuery);
}

/** The host name of a Host header, lower case, without the port. */
export function hostOnly(hostHeader: string | undefined): string | undefined {
  if (hostHeader === undefined || hostHeader === "") return undefined;
  const host = hostHeader.startsWith("[") ? hostHeader.slice(0, hostHeader.indexOf("]") + 1) : hostHeader.replace(/:\d+$/, "");
  return host.toLowerCase();
}

function byPath(state: EmulatorState, pathAndQuery: string): Target | NoWorker {
  const rest = pathAndQuery.slice(PATH_FORM_PREFIX.length);
  const end = rest.search(/[/?]/);
  let script: string;
  try {
    script = decodeURIComponent(end < 0 ? rest : rest.slice(0, end));
  } catch {
    return { none: `${pathAndQuery}: the Worker name is not valid percent-encoding` };
  }
  const tail = end < 0 ? "/" : rest.slice(end);
  // Accounts in id order, so that a name two accounts share resolves the same way every time.
  for (const accountId of Object.keys(state.accounts).sort()) {
    if (deployed(state.accounts[accountId]!.scripts[script]))
      return { accountId, script, via: "path", path: tail.startsWith("/") ? tail : `/${tail}` };
  }
  return { none: `no deployed Worker named ${JSON.stringify(script)}` };
}

function byWorkersDev(state: EmulatorState, host: string, path: string): Target | NoWorker | undefined {
  if (!host.endsWith(WORKERS_DEV)) return undefined;
  const labels = host.slice(0, -WORKERS_DEV.length).split(".");
  if (labels.length !== 2) return undefined;
  const [script, subdomain] = labels as [string, string];
  for (const account of Object.values(state.accounts)) {
    if (account.subdomain.toLowerCase() !== subdomain) continue;
    const stored = Object.values(account.scripts).find((s) => s.name.toLowerCase() === script);
    if (stored === undefined || !deployed(stored)) return { none: `no Worker ${script} on ${subdomain}.workers.dev` };
    if (!stored.subdomain.enabled) return { none: `the workers.dev subdomain of ${stored.name} is disabled` };
    return { accountId: account.id, script: stored.name, via: "workers.dev", path };
  }
  return undefined;
}

function byCustomDomain(state: EmulatorState, host: string, path: string): Target | NoWorker | undefined {
  for (const account of Object.values(state.accounts)) {
    for (const domain of Object.values(account.custom_domains ?? {})) {
      if (domain.hostname.toLowerCase() !== host) continue;
      if (!deployed(account.scripts[domain.service])) return { none: `the Worker ${domain.service} of ${host} is not deployed` };
      return { accountId: account.id, script: domain.service, via: "custom domain", path };
    }
  }
  return undefined;
}

function byRoute(state: EmulatorState, host: string, path: string): Target | NoWorker | undefined {
  let best: { parts: RoutePatternParts; script?: string; accountId: string } | undefined;
  for (const zone of Object.values(state.zones ?? {})) {
    if (!hostInZone(host, zone.name)) continue;
    for (const route of zone.routes) {
      const parts = parseRoutePattern(route.pattern);
      if ("problem" in parts || !patternMatches(parts, host, path)) continue;
      if (best === undefined || moreSpecific(parts, best.parts))
        best = { parts, accountId: zone.account_id, ...(route.script === undefined ? {} : { script: route.script }) };
    }
  }
  if (best === undefined) return undefined;
  if (best.script === undefined) return { none: "the most specific route matching this URL has no Worker" };
  if (!deployed(state.accounts[best.accountId]?.scripts[best.script])) return { none: `the route's Worker ${best.script} is not deployed` };
  return { accountId: best.accountId, script: best.script, via: "route", path };
}

/**
 * Whether a route pattern matches host + path. `*` is the only operator, matching any characters (a
 * trailing path `*` also matches the query); a path without `*` must match the whole path and query. The
 * pattern's scheme is not compared: the emulator serves plain HTTP for both.
 */
export function patternMatches(parts: RoutePatternParts, host: string, pathAndQuery: string): boolean {
  const h = parts.host.toLowerCase();
  const hostOk =
    parts.hostWildcard === "" ? host === h : parts.hostWildcard === "*." ? host.endsWith(`.${h}`) : host === h || host.endsWith(h);
  if (!hostOk) return false;
  const pattern = parts.path === "" ? "/" : parts.path;
  return pattern.endsWith("*") ? pathAndQuery.startsWith(pattern.slice(0, -1)) : pathAndQuery === pattern;
}

/**
 * Cloudflare's "most specific pattern wins": a host without a wildcard beats one with, a longer host beats a
 * shorter one, then a path without `*` beats one with, and a longer path beats a shorter one (the documented
 * example: `www.example.com/*` over `*.example.com/*` for `https://www.example.com/`).
 */
export function moreSpecific(a: RoutePatternParts, b: RoutePatternParts): boolean {
  const rank = (p: RoutePatternParts): number[] => [
    p.hostWildcard === "" ? 1 : 0,
    p.host.length,
    p.path.endsWith("*") ? 0 : 1,
    p.path.length,
  ];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! > rb[i]!;
  return false;
}

function deployed(script: StoredScript | undefined): script is StoredScript {
  return (
    script !== undefined &&
    script.versions.length > 0 &&
    script.versions.some((v) => v.has_modules || v.modules.length > 0 || v.assets !== undefined)
  );
}

/** The versions serving a Worker and their shares: its latest deployment, or its latest version alone. */
export function servingVersions(script: StoredScript): { versionId: string; percentage: number }[] {
  const deployment = script.deployments[script.deployments.length - 1];
  if (deployment !== undefined && deployment.versions.length > 0)
    return deployment.versions.map((v) => ({ versionId: v.version_id, percentage: v.percentage }));
  const last = script.versions[script.versions.length - 1];
  return last === undefined ? [] : [{ versionId: last.id, percentage: 100 }];
}

/**
 * The version ids named for `script` in a `Cloudflare-Workers-Version-Overrides` dictionary
 * (`name="id", other="id"`; keys are tokens, values strings). Malformed members are skipped: the page says a
 * header that is not a valid dictionary is not applied.
 */
export function versionOverride(header: string | undefined, script: string): string | undefined {
  if (header === undefined) return undefined;
  for (const member of header.split(",")) {
    const m = /^\s*([a-z*][a-z0-9_.*-]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:;.*)?$/.exec(member);
    if (m !== null && m[1] === script.toLowerCase()) return m[2]!.replace(/\\(.)/g, "$1");
  }
  return undefined;
}

/**
 * Picks the version a request runs: the override when it names a version of the deployment (even at 0%),
 * else by the version key's hash when one is given, else at random, by the percentages.
 */
export function chooseVersion(
  serving: { versionId: string; percentage: number }[],
  request: { override?: string; versionKey?: string },
  random: () => number = Math.random,
): string | undefined {
  if (request.override !== undefined && serving.some((v) => v.versionId === request.override)) return request.override;
  const live = serving.filter((v) => v.percentage > 0);
  if (live.length === 0) return serving[0]?.versionId;
  const total = live.reduce((sum, v) => sum + v.percentage, 0);
  const point =
    (request.versionKey === undefined
      ? random()
      : createHash("sha256").update(request.versionKey).digest().readUInt32BE(0) / 0x1_0000_0000) * total;
  let acc = 0;
  for (const v of live) {
    acc += v.percentage;
    if (point < acc) return v.versionId;
  }
  return live[live.length - 1]!.versionId;
}
