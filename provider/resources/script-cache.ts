/**
 * One account-wide GET /workers/scripts answers the etag, handlers and dates of every Worker, so a refresh
 * of N Workers reads the list once instead of N times. The listing lives only in this provider process
 * (one Pulumi operation) and for at most LISTING_TTL_MS; our own writes update it in place.
 */
import { getSettings, isNotFound, listScripts, type CloudflareClient, type Script, type ScriptSettings } from "../cloudflare";

export const LISTING_TTL_MS = 60_000;

interface Listing {
  at: number;
  scripts: Promise<Map<string, Script>>;
}

const listings = new Map<string, Listing>();

function fetchListing(client: CloudflareClient, accountId: string): Listing {
  const scripts = listScripts(client, accountId).then((rows) => new Map(rows.map((s) => [s.id ?? "", s])));
  const listing = { at: Date.now(), scripts };
  // A failed listing is not cached: the next caller asks again.
  scripts.catch(() => listings.get(accountId) === listing && listings.delete(accountId));
  return listing;
}

/** The Worker as the account listing shows it, or undefined when the account has no such Worker. */
export async function listedScript(client: CloudflareClient, accountId: string, name: string): Promise<Script | undefined> {
  let listing = listings.get(accountId);
  if (!listing || Date.now() - listing.at > LISTING_TTL_MS) {
    listing = fetchListing(client, accountId);
    listings.set(accountId, listing);
  }
  return (await listing.scripts).get(name);
}

/**
 * The Worker as it is now, for a decision that must not rest on an old listing (may this create write?).
 * GET …/settings answers whether it exists this moment (404: it does not; the cache forgets it); when it does,
 * its etag, handlers and dates come from the listing, read again if the cached one predates the Worker.
 */
export async function freshScript(
  client: CloudflareClient,
  accountId: string,
  name: string,
): Promise<{ script: Script; settings: ScriptSettings } | undefined> {
  let settings: ScriptSettings;
  try {
    settings = await getSettings(client, { accountId }, name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await forgetScript(accountId, name);
    return undefined;
  }
  let script = await listedScript(client, accountId, name);
  if (script === undefined) {
    listings.delete(accountId);
    script = (await listedScript(client, accountId, name)) ?? { id: name };
  }
  return { script, settings };
}

/** Records what one of our writes returned, so the cached listing stays true. */
export async function rememberScript(accountId: string, name: string, script: Partial<Script>): Promise<void> {
  const listing = listings.get(accountId);
  if (!listing) return;
  const scripts = await listing.scripts.catch(() => undefined);
  if (!scripts) return;
  scripts.set(name, { ...(scripts.get(name) ?? {}), ...script, id: name });
}

export async function forgetScript(accountId: string, name: string): Promise<void> {
  const scripts = await listings.get(accountId)?.scripts.catch(() => undefined);
  scripts?.delete(name);
}

/** For tests: start from an empty cache. */
export function clearScriptCache(): void {
  listings.clear();
  createdHere.clear();
}

/**
 * Workers this provider process created with a full upload. A Worker uploaded moments ago has no secrets but
 * the ones this run puts there, so a WorkerSecret for it needs no existence check.
 */
const createdHere = new Set<string>();

function scriptKey(accountId: string, dispatchNamespace: string | undefined, name: string): string {
  return JSON.stringify([accountId, dispatchNamespace ?? "", name]);
}

export function markCreatedHere(accountId: string, dispatchNamespace: string | undefined, name: string): void {
  createdHere.add(scriptKey(accountId, dispatchNamespace, name));
}

export function wasCreatedHere(accountId: string, dispatchNamespace: string | undefined, name: string): boolean {
  return createdHere.has(scriptKey(accountId, dispatchNamespace, name));
}
