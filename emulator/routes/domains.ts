/**
 * Worker custom domains (`/accounts/{a}/workers/domains`): attach (PUT), list (filtered), get, detach.
 *
 * Codes from Cloudflare's Workers error-code reference ("Custom Domains"): 100111 missing hostname, 100112
 * hostname not in the zone, 100113 hostname not DNS-compliant, 100114 custom domain not found (404),
 * 100116 hostname already a custom domain of another Worker (409, unless `override_existing_origin`),
 * 100117 DNS records already at the hostname (409, unless `override_existing_dns_record`); a Worker that does
 * not exist is 10007 (alchemy-run/distilled's live probe of putDomain).
 */
import { customDomainInputSchema, hostInZone, hostnameProblem, ZONE_ID_PATTERN } from "../../provider/cloudflare/schemas";
import { ApiError, ERROR, notFound, ok, validation, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, type Route, type RouteContext } from "../router";
import { hasOwn } from "../scope";
import type { StoredCustomDomain, StoredZone } from "../state";
import { readJson } from "../upload-form";
import { allZones, customDomains, nextDomainIds, zoneForHost } from "../zone-model";

export const DOMAIN_ERROR = {
  MISSING_HOSTNAME: 100111,
  NOT_IN_ZONE: 100112,
  INVALID_HOSTNAME: 100113,
  NOT_FOUND: 100114,
  HOSTNAME_TAKEN: 100116,
  DNS_CONFLICT: 100117,
} as const;

function domainObject(d: StoredCustomDomain): Record<string, unknown> {
  return {
    id: d.id,
    zone_id: d.zone_id,
    zone_name: d.zone_name,
    hostname: d.hostname,
    service: d.service,
    environment: d.environment,
    cert_id: d.cert_id,
    enabled: d.enabled ?? true,
    previews_enabled: d.previews_enabled ?? false,
  };
}

function listDomains(ctx: RouteContext): Reply {
  const q = (name: string) => ctx.query.get(name) ?? undefined;
  const filter = {
    hostname: q("hostname"),
    service: q("service"),
    zone_id: q("zone_id"),
    zone_name: q("zone_name"),
    environment: q("environment"),
  };
  const rows = Object.values(customDomains(ctx.account))
    .filter((d) =>
      Object.entries(filter).every(
        ([k, v]) => v === undefined || d[k as keyof StoredCustomDomain] === (k === "hostname" ? v.toLowerCase() : v),
      ),
    )
    .sort((a, b) => a.hostname.localeCompare(b.hostname))
    .map(domainObject);
  return ok(rows);
}

function findDomain(ctx: RouteContext): StoredCustomDomain {
  const domains = customDomains(ctx.account);
  const id = ctx.params.domain!;
  const domain = hasOwn(domains, id) ? domains[id] : undefined;
  if (domain === undefined)
    throw new ApiError(
      404,
      DOMAIN_ERROR.NOT_FOUND,
      `Custom domain ${JSON.stringify(id)} not found. Verify the custom domain ID or hostname is correct and try again.`,
    );
  return domain;
}

function getDomain(ctx: RouteContext): Reply {
  return ok(domainObject(findDomain(ctx)));
}

function deleteDomain(ctx: RouteContext): Reply {
  const domain = findDomain(ctx);
  delete customDomains(ctx.account)[domain.id];
  // 200 with an empty body and no content type, as terraform-provider-cloudflare meets it.
  return { status: 200, headers: {}, body: Buffer.alloc(0) };
}

/** The zone the hostname goes in: the one named (by id or name), else the account's zone holding it. */
function zoneFor(ctx: RouteContext, hostname: string, zoneId: string | undefined, zoneName: string | undefined): StoredZone {
  const state = ctx.runtime.store.state;
  const notInZone = (zone: string) =>
    new ApiError(
      400,
      DOMAIN_ERROR.NOT_IN_ZONE,
      `Hostname ${JSON.stringify(hostname)} does not belong to zone ${zone}. Use a hostname from this zone and try again.`,
    );
  if (zoneId !== undefined) {
    const zone = ZONE_ID_PATTERN.test(zoneId) ? state.zones?.[zoneId] : undefined;
    if (zone === undefined || zone.account_id !== ctx.account.id)
      throw new ApiError(404, ERROR.BAD_ACCOUNT, `Could not route to zone ${zoneId}, perhaps your object identifier is invalid?`);
    if (!hostInZone(hostname, zone.name)) throw notInZone(zone.name);
    return zone;
  }
  if (zoneName !== undefined) {
    const zone = allZones(state).find((z) => z.account_id === ctx.account.id && z.name === zoneName.toLowerCase());
    if (zone === undefined || !hostInZone(hostname, zone.name)) throw notInZone(zoneName);
    return zone;
  }
  const zone = zoneForHost(state, ctx.account.id, hostname);
  if (zone === undefined) {
    throw new ApiError(
      400,
      DOMAIN_ERROR.NOT_IN_ZONE,
      `Hostname ${JSON.stringify(hostname)} does not belong to any zone of this account. Add its domain as a zone, or use a hostname of one of your zones.`,
    );
  }
  return zone;
}

/** PUT: attach `hostname` to the Worker `service`; idempotent for the same Worker. */
function putDomain(ctx: RouteContext): Reply {
  const body = readJson(ctx.body);
  if (typeof body === "object" && body !== null && !("hostname" in body)) {
    throw new ApiError(400, DOMAIN_ERROR.MISSING_HOSTNAME, "Missing hostname for custom domain. Include the hostname in the request body.");
  }
  const parsed = customDomainInputSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validation(
      `custom domain: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
      `/${issue?.path.join("/") ?? ""}`,
    );
  }
  const input = parsed.data;
  const problem = hostnameProblem(input.hostname);
  if (problem !== undefined) {
    throw new ApiError(
      400,
      DOMAIN_ERROR.INVALID_HOSTNAME,
      `Hostname ${JSON.stringify(input.hostname)} is invalid (it ${problem}). Use a DNS-compliant hostname (lowercase letters, numbers, hyphens, and dots only) and try again.`,
    );
  }
  if (!hasOwn(ctx.account.scripts, input.service)) throw notFound();
  const zone = zoneFor(ctx, input.hostname, input.zone_id, input.zone_name);
  const environment = input.environment ?? "production";
  const domains = customDomains(ctx.account);
  const existing = Object.values(domains).find((d) => d.hostname === input.hostname);
  if (existing !== undefined) {
    if (existing.service !== input.service || existing.environment !== environment) {
      if (input.override_existing_origin !== true) {
        throw new ApiError(
          409,
          DOMAIN_ERROR.HOSTNAME_TAKEN,
          `Hostname ${JSON.stringify(input.hostname)} is already configured as a custom domain (of Worker '${existing.service}'). Delete the existing custom domain first, or use 'override_existing_origin: true' to replace it.`,
        );
      }
      existing.service = input.service;
      existing.environment = environment;
    }
    // A PUT that leaves them out keeps them (no evidence either way; the stricter reading for a client).
    if (input.enabled !== undefined) existing.enabled = input.enabled;
    if (input.previews_enabled !== undefined) existing.previews_enabled = input.previews_enabled;
    return ok(domainObject(existing));
  }
  if (zone.dns_records.includes(input.hostname)) {
    if (input.override_existing_dns_record !== true) {
      throw new ApiError(
        409,
        DOMAIN_ERROR.DNS_CONFLICT,
        `Hostname ${JSON.stringify(input.hostname)} has existing DNS records that conflict. Delete the existing DNS records first, or use 'override_existing_dns_record: true' to replace them.`,
      );
    }
    zone.dns_records = zone.dns_records.filter((h) => h !== input.hostname);
  }
  const ids = nextDomainIds(ctx.account);
  const domain: StoredCustomDomain = {
    id: ids.id,
    hostname: input.hostname,
    service: input.service,
    environment,
    zone_id: zone.id,
    zone_name: zone.name,
    cert_id: ids.certId,
    enabled: input.enabled ?? true,
    previews_enabled: input.previews_enabled ?? false,
  };
  domains[domain.id] = domain;
  return ok(domainObject(domain));
}

const DOMAINS = `${ACCOUNT_PREFIX}/workers/domains`;

export const domainRoutes: Route[] = [
  { method: "GET", pattern: DOMAINS, handler: listDomains },
  { method: "PUT", pattern: DOMAINS, handler: putDomain },
  { method: "GET", pattern: `${DOMAINS}/:domain`, handler: getDomain },
  { method: "DELETE", pattern: `${DOMAINS}/:domain`, handler: deleteDomain },
];
