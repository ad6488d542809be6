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
