/**
 * Zones, their Workers routes, and custom domains in the emulator's state: seeding the zones a test or
 * demo asks for, finding a zone, and what happens to them when a Worker is deleted.
 */
import { createHash } from "node:crypto";
import { hostInZone } from "../provider/cloudflare/schemas";
import type { EmulatorState, StoredAccount, StoredCustomDomain, StoredZone } from "./state";
import { nameMap } from "./state";

export interface ZoneOption {
  /** 32 hex characters. */
  id: string;
  /** The domain, e.g. example.com. */
  name: string;
  /** The account owning the zone; default the emulator's suggested account. */
  accountId?: string;
  /** Hostnames that already have A/AAAA/CNAME records (a custom domain there needs override_existing_dns_record). */
  dnsRecords?: string[];
}

/** The zone every emulator has unless told otherwise. */
export const DEFAULT_ZONE = { id: "5f1e0d9c8b7a69584736251403f2e1d0", name: "example.com" } as const;

/**
 * A 32-hex id for the `n`th thing of a kind made in a scope: opaque like the API's, and the same in two
 * emulators given the same requests (so runs can be compared, e.g. the harness against the real CLI).
 */
export function serialId(kind: string, scope: string, n: number): string {
  return createHash("sha256").update(`${kind}/${scope}/${n}`).digest("hex").slice(0, 32);
}

/** The id of the next route of a zone. */
export function nextRouteId(zone: StoredZone): string {
  zone.routes_created = (zone.routes_created ?? 0) + 1;
  return serialId("route", zone.id, zone.routes_created);
}

/** The id of the next custom domain of an account, and of its certificate. */
export function nextDomainIds(account: StoredAccount): { id: string; certId: string } {
  account.custom_domains_created = (account.custom_domains_created ?? 0) + 1;
  return {
    id: serialId("domain", account.id, account.custom_domains_created),
    certId: serialId("certificate", account.id, account.custom_domains_created),
  };
}

/** Adds the zones not already in the state (a state file keeps its own). */
export function seedZones(state: EmulatorState, zones: readonly ZoneOption[], defaultAccountId: string): void {
  state.zones ??= nameMap();
  const now = new Date().toISOString();
  for (const z of zones) {
    if (!/^[0-9a-f]{32}$/.test(z.id))
      throw new Error(`emulator zone ${JSON.stringify(z.name)}: id ${JSON.stringify(z.id)} is not 32 lower-case hex characters`);
    if (state.zones[z.id] !== undefined) continue;
    state.zones[z.id] = {
      id: z.id,
      name: z.name.toLowerCase(),
      account_id: z.accountId ?? defaultAccountId,
      created_on: now,
      modified_on: now,
      routes: [],
      dns_records: (z.dnsRecords ?? []).map((h) => h.toLowerCase()),
    };
  }
}

export function allZones(state: EmulatorState): StoredZone[] {
  return Object.values(state.zones ?? {});
}

/** The account's zone holding `hostname`: the longest zone name that is the host or a parent of it. */
export function zoneForHost(state: EmulatorState, accountId: string, hostname: string): StoredZone | undefined {
  return allZones(state)
    .filter((z) => z.account_id === accountId && hostInZone(hostname, z.name))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

export function customDomains(account: StoredAccount): Record<string, StoredCustomDomain> {
  account.custom_domains ??= nameMap();
  return account.custom_domains;
}

/** The routes of the account's zones that run `script` (the scripts list answers them under `routes`). */
export function routesOfScript(state: EmulatorState, accountId: string, script: string): { id: string; pattern: string; script: string }[] {
  return allZones(state)
    .filter((z) => z.account_id === accountId)
    .flatMap((z) => z.routes.filter((r) => r.script === script).map((r) => ({ id: r.id, pattern: r.pattern, script })));
}

/**
 * What deleting a Worker takes with it besides its own settings: its custom domains (the Worker is the
 * domain's origin; workers-sdk#5139: only the edge certificate outlives the Worker). Cron triggers live on
 * the script and go with it. Zone routes are kept: a route's Worker is optional in the API, and nothing
 * documents routes being removed with their Worker.
 */
export function removeWorkerAttachments(account: StoredAccount, script: string): void {
  const domains = customDomains(account);
  for (const [id, d] of Object.entries(domains)) if (d.service === script) delete domains[id];
}
