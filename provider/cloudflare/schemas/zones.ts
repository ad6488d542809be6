/**
 * Zones (`/zones`), in which routes and custom domains live: the wire shape, from the official SDK
 * (cloudflare-typescript `resources/zones/zones.ts`), liberal as every answer schema is, and which hostnames
 * belong to a zone.
 */
import { z } from "zod";

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

/** A hostname is in a zone when it is the zone's name or ends with "." + that name (case-insensitive). */
export function hostInZone(host: string, zoneName: string): boolean {
  const h = host.toLowerCase();
  const z = zoneName.toLowerCase();
  return h === z || h.endsWith(`.${z}`);
}
