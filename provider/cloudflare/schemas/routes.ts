/**
 * Zone routes (`/zones/{zone_id}/workers/routes`): their wire shapes, from the official SDK
 * (cloudflare-typescript `resources/workers/routes.ts`), and what a route pattern may look like, a rule the
 * resource's check and the emulator both apply (developers.cloudflare.com/workers/configuration/routing/routes
 * "Validity"; the API refuses other patterns with error 10022). Answer schemas are liberal (nulls, absent
 * optionals, unknown fields kept), the input schema strict.
 */
import { z } from "zod";
import { hostInZone } from "./zones";

/**
 * A route. A create may answer only `{id}` (older clients' fixtures; the SDK types `{id, pattern, script?}`),
 * so `pattern` may be absent; a route without a Worker (it turns Workers off for the pattern) answers
 * `script: null`, older answers `""`: `routeScript` reads both as no Worker.
 */
export const workerRouteSchema = z.looseObject({ id: z.string(), pattern: z.string().nullish(), script: z.string().nullish() });
export type WorkerRouteWire = z.infer<typeof workerRouteSchema>;
export const workerRouteListSchema = z.array(workerRouteSchema);
export const workerRouteInputSchema = z.strictObject({ pattern: z.string(), script: z.string().optional() });

/** The Worker a route runs, or undefined for a route without one (`null`, `""` or absent). Pure. */
export function routeScript(route: { script?: string | null }): string | undefined {
  return route.script === null || route.script === undefined || route.script === "" ? undefined : route.script;
}
/** DELETE answers `{id}` (the SDK types it optional). */
export const workerRouteDeleteSchema = z.looseObject({ id: z.string().nullish() }).nullish();

export interface RoutePatternParts {
  scheme?: "http" | "https";
  /** The host as written, without a leading `*` or `*.`. */
  host: string;
  hostWildcard: "" | "*" | "*.";
  /** The path, "" when the pattern has none (an implied `/`). */
  path: string;
}

/** The parts of a route pattern, or why Cloudflare would refuse it (10022). */
export function parseRoutePattern(pattern: string): RoutePatternParts | { problem: string } {
  if (pattern.length === 0) return { problem: "is empty" };
  if (/\s/.test(pattern)) return { problem: "contains white space" };
  if (pattern.includes("?"))
    return { problem: "contains a query (`?`): route patterns may not contain query parameters; end the path with `*` to match any query" };
  if (pattern.includes("#")) return { problem: "contains a fragment (`#`)" };
  let rest = pattern;
  let scheme: RoutePatternParts["scheme"];
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (m !== null) {
    const s = m[1]!.toLowerCase();
    if (s !== "http" && s !== "https") return { problem: `starts with ${m[0]}: a pattern may begin with http:// or https:// only` };
    scheme = s;
    rest = rest.slice(m[0].length);
  }
  const slash = rest.indexOf("/");
  const hostPart = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  const hostWildcard: RoutePatternParts["hostWildcard"] = hostPart.startsWith("*.") ? "*." : hostPart.startsWith("*") ? "*" : "";
  const host = hostPart.slice(hostWildcard.length);
  if (host.length === 0) return { problem: "has no hostname: it must include a host of the zone, e.g. example.com/*" };
  if (host.includes("*")) return { problem: "has `*` inside the hostname: a hostname may only begin with `*` or `*.`" };
  if (/[:@]/.test(host)) return { problem: "has a port or user info in the hostname" };
  if (!/^[A-Za-z0-9.-]+$/.test(host) || host.startsWith(".") || host.endsWith(".") || host.includes("..")) {
    return { problem: `has the hostname ${JSON.stringify(host)}, which is not a valid hostname` };
  }
  const star = path.indexOf("*");
  if (star >= 0 && star !== path.length - 1)
    return { problem: "has `*` inside the path: only a trailing `*` is allowed (no infix wildcards such as /*.jpg)" };
  return { ...(scheme === undefined ? {} : { scheme }), host, hostWildcard, path };
}

/** Why `pattern` is not a route of the zone named `zoneName` (10022), or undefined. */
export function routePatternProblem(pattern: string, zoneName?: string): string | undefined {
  const parts = parseRoutePattern(pattern);
  if ("problem" in parts) return parts.problem;
  if (zoneName !== undefined && !hostInZone(parts.host, zoneName)) {
    return `is not on the zone ${zoneName}: its hostname must be ${zoneName} or a subdomain of it`;
  }
  return undefined;
}

/**
 * The identity of a pattern within a zone: the host is case-insensitive (routes created since
 * 2023-10-15), the path case-sensitive (routes documentation, "Matching behavior").
 */
export function routePatternKey(pattern: string): string {
  const parts = parseRoutePattern(pattern);
  if ("problem" in parts) return pattern;
  return `${parts.scheme ?? ""}://${parts.hostWildcard}${parts.host.toLowerCase()}${parts.path}`;
}
