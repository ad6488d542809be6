/**
 * Wire shapes of what makes a Worker run: cron triggers (`…/scripts/{name}/schedules`), zone routes
 * (`/zones/{zone_id}/workers/routes`), custom domains (`/accounts/{a}/workers/domains`) and the zones they
 * live in (`/zones`). Answer schemas are liberal (nulls, absent optionals, unknown fields kept), input
 * schemas strict. Shapes from the official SDK (cloudflare-typescript `resources/workers/scripts/schedules.ts`,
 * `resources/workers/routes.ts`, `resources/workers/domains.ts`, `resources/zones/zones.ts`).
 *
 * Also the pure rules both sides apply: what a route pattern and a custom-domain hostname may look like
 * (developers.cloudflare.com/workers/configuration/routing/routes "Validity", error 10022; error 100113).
 */
import { z } from "zod";

// ---- cron triggers ---------------------------------------------------------------------------------------

/** A cron trigger: `modified_on` (and `created_on`) may be absent (the SDK types both optional). */
export const scheduleSchema = z.looseObject({ cron: z.string(), created_on: z.string().nullish(), modified_on: z.string().nullish() });
export const schedulesResultSchema = z.looseObject({
  schedules: z
    .array(scheduleSchema)
    .nullish()
    .transform((list) => list ?? []),
});
export type SchedulesResult = z.infer<typeof schedulesResultSchema>;
/** PUT `…/schedules` body: the whole list (`[]` clears it). */
export const schedulesInputSchema = z.array(z.strictObject({ cron: z.string().min(1) }));

// ---- zone routes -----------------------------------------------------------------------------------------

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

// ---- custom domains --------------------------------------------------------------------------------------

export const customDomainSchema = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  service: z.string(),
  zone_id: z.string().nullish(),
  zone_name: z.string().nullish(),
  /** Deprecated by Cloudflare; "production" when present. */
  environment: z.string().nullish(),
  cert_id: z.string().nullish(),
  /** Whether the hostname serves the Worker's production traffic; absent in older answers: true (workers-sdk#13222). */
  enabled: z.boolean().nullish(),
  /** Whether `<preview>.<hostname>` serves the Worker's previews; absent in older answers: false (workers-sdk#13222). */
  previews_enabled: z.boolean().nullish(),
});
export type CustomDomainWire = z.infer<typeof customDomainSchema>;
export const customDomainListSchema = z.array(customDomainSchema);
export const customDomainInputSchema = z.strictObject({
  hostname: z.string(),
  service: z.string(),
  zone_id: z.string().optional(),
  zone_name: z.string().optional(),
  environment: z.string().optional(),
  /** Take the hostname over from another Worker's custom domain (else 100116). */
  override_existing_origin: z.boolean().optional(),
  /** Replace DNS records already at the hostname (else 100117). */
  override_existing_dns_record: z.boolean().optional(),
  /** Serve production traffic on the hostname (default true; wrangler's `publishCustomDomains`, workers-sdk#13222). */
  enabled: z.boolean().optional(),
  /** Serve previews on subdomains of the hostname (default false). */
  previews_enabled: z.boolean().optional(),
});
export type CustomDomainInput = z.infer<typeof customDomainInputSchema>;
/** DELETE answers 200 with an empty body and no content type (terraform-provider-cloudflare), or an envelope. */
export const customDomainDeleteSchema = z.unknown();

// ---- zones -----------------------------------------------------------------------------------------------

export const zoneSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string().nullish(),
  account: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
});
export type ZoneWire = z.infer<typeof zoneSchema>;
export const zoneListSchema = z.array(zoneSchema);

export const ZONE_ID_PATTERN = /^[0-9a-f]{32}$/;
export const zoneIdSchema = z
  .string()
  .regex(ZONE_ID_PATTERN, "a zone id is 32 lower-case hexadecimal characters (Zone ID on the zone's Overview page)");

// ---- rules on patterns and hostnames ---------------------------------------------------------------------

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const HOSTNAME_MAX_LENGTH = 253;

/** Why a custom-domain hostname is not DNS-compliant (error 100113), or undefined. */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname.length === 0) return "is empty";
  if (/\s/.test(hostname)) return "contains white space";
  if (hostname.includes("*")) return "contains `*`: a custom domain is one exact hostname (use a WorkerRoute for wildcards)";
  if (/[/:?#@]/.test(hostname)) return "is a URL, not a hostname: write only the host, e.g. app.example.com";
  if (hostname !== hostname.toLowerCase()) return "has upper-case letters: write it in lower case";
  if (hostname.length > HOSTNAME_MAX_LENGTH) return `is longer than ${HOSTNAME_MAX_LENGTH} characters`;
  const labels = hostname.split(".");
  if (labels.length < 2) return "has a single label: write a full hostname such as app.example.com";
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return bad === ""
      ? "has an empty label (two dots in a row, or a leading or trailing dot)"
      : `has the label ${JSON.stringify(bad)}: labels are 1-63 of a-z, 0-9 and '-', not starting or ending with '-'`;
  }
  return undefined;
}

/** A hostname is in a zone when it is the zone's name or ends with "." + that name (case-insensitive). */
export function hostInZone(host: string, zoneName: string): boolean {
  const h = host.toLowerCase();
  const z = zoneName.toLowerCase();
  return h === z || h.endsWith(`.${z}`);
}

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
