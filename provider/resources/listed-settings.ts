/**
 * The account listing that script-cache.ts shares (GET /workers/scripts, one per provider process) carries
 * each Worker's script-level settings too: `logpush`, `observability`, `tags`, `tail_consumers` ("List Workers",
 * https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/list/). So a refresh
 * of N WorkerScriptSettings reads them from that one listing instead of one GET …/script-settings per Worker,
 * whenever the listed row holds every field (and every observability key)
 * the resource manages; otherwise, and inside a dispatch namespace, it asks GET …/script-settings.
 * Our own PATCHes go through here so that the listing this process holds stays true.
 */
import {
  readScriptLevelSettings,
  writeScriptLevelSettings,
  type CloudflareClient,
  type Scope,
  type ScriptLevelSettings,
} from "../cloudflare";
import { listedScript, rememberScript } from "./script-cache";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether `row` answers every field of `wanted` (wire names), objects key by key. Pure. */
export function listingAnswers(row: Json, wanted: Json): boolean {
  return Object.entries(wanted).every(([field, value]) => {
    const listed = row[field];
    if (listed === undefined || listed === null) return false;
    return !isObject(value) || (isObject(listed) && Object.keys(value).every((key) => listed[key] !== undefined));
  });
}

/** The script-level settings of a Worker for the managed fields `wanted` (wire names → the program's values). */
export async function liveScriptLevelSettings(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  wanted: Json,
): Promise<ScriptLevelSettings> {
  if (scope.dispatchNamespace === undefined) {
    const row = await listedScript(client, scope.accountId, scriptName);
    if (row !== undefined && listingAnswers(row, wanted)) return row as ScriptLevelSettings;
  }
  // Not listed (the Worker may be gone: this answers not found), not fully described by the listing, or in a
  // dispatch namespace (whose Workers are not in the account listing).
  return readScriptLevelSettings(client, scope, scriptName);
}

/** Writes the settings (writeScriptLevelSettings: either scope), then keeps the listing this process holds true. */
export async function writeListedScriptLevelSettings(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  settings: Partial<ScriptLevelSettings>,
): Promise<void> {
  await writeScriptLevelSettings(client, scope, scriptName, settings);
  if (scope.dispatchNamespace === undefined) await rememberScript(client, scope.accountId, scriptName, settings);
}
