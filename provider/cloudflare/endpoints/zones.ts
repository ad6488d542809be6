/** Zones (`/zones`): read only, to name a zone and to find the zone of a hostname. */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import { zoneListSchema, zoneSchema, type ZoneWire } from "../schemas";

export async function getZone(client: CloudflareClient, zoneId: string): Promise<ZoneWire> {
  return client.request({ method: "GET", path: path`/zones/${zoneId}`, schema: zoneSchema });
}

/** GET `/zones?name=…&account.id=…`: the zone of that exact name, if the account has it. */
export async function findZoneByName(client: CloudflareClient, accountId: string, name: string): Promise<ZoneWire | undefined> {
  const zones = await client.request({ method: "GET", path: "/zones", query: { name, "account.id": accountId }, schema: zoneListSchema });
  return zones.find((z) => z.name.toLowerCase() === name.toLowerCase());
}

/** Most zones a page of `GET /zones` answers (the API's maximum `per_page`). */
export const ZONES_PER_PAGE = 50;
const ZONES_MAX_PAGES = 200;

/** Every zone of the account, page after page. */
export async function listAccountZones(client: CloudflareClient, accountId: string): Promise<ZoneWire[]> {
  const zones: ZoneWire[] = [];
  for (let page = 1; page <= ZONES_MAX_PAGES; page++) {
    const answer = await client.requestEnvelope({
      method: "GET",
      path: "/zones",
      query: { "account.id": accountId, page, per_page: ZONES_PER_PAGE },
      schema: zoneListSchema,
    });
    zones.push(...answer.result);
    const totalPages = answer.resultInfo?.total_pages;
    const done = totalPages !== undefined ? page >= totalPages : answer.result.length < ZONES_PER_PAGE;
    if (done || answer.result.length === 0) break;
  }
  return zones;
}
