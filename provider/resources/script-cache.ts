/**
 * One account-wide GET /workers/scripts answers the etag, handlers and dates of every Worker, so a refresh
 * of N Workers reads the list once instead of N times. The listing is kept in the client's run state
 * (provider/cloudflare/run-state.ts: one client, one Pulumi operation) for at most LISTING_TTL_MS; our own
 * writes update it in place.
 */
import {
  getSettings,
  isNotFound,
  listScripts,
  runSlot,
  type CloudflareClient,
  type Scope,
  type Script,
  type ScriptSettings,
} from "../cloudflare";

export const LISTING_TTL_MS = 60_000;

interface Listing {
  at: number;
  scripts: Promise<Map<string, Script>>;
}

/** The account listings of this client's run, by account id. */
const LISTINGS = runSlot("account script listings", () => new Map<string, Listing>());

function fetchListing(client: CloudflareClient, accountId: string): Listing {
  const listings = client.runCache(LISTINGS);
  const scripts = listScripts(client, accountId).then((rows) => new Map(rows.map((s) => [s.id ?? "", s])));
  const listing = { at: Date.now(), scripts };
  // A failed listing is not cached: the next caller asks again.
  scripts.catch(() => listings.get(accountId) === listing && listings.delete(accountId));
  return listing;
}

/** The Worker as the account listing shows it, or undefined when the account has no such Worker. */
export async function listedScript(client: CloudflareClient, accountId: string, name: string): Promise<Script | undefined> {
  const listings = client.runCache(LISTINGS);
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
    await forgetScript(client, accountId, name);
    return undefined;
  }
  let script = await listedScript(client, accountId, name);
  if (script === undefined) {
    client.runCache(LISTINGS).delete(accountId);
    script = (await listedScript(client, accountId, name)) ?? { id: name };
  }
  return { script, settings };
}

/** Records what one of our writes returned, so the cached listing stays true. */
export async function rememberScript(client: CloudflareClient, accountId: string, name: string, script: Partial<Script>): Promise<void> {
  const scripts = await client
    .runCache(LISTINGS)
    .get(accountId)
    ?.scripts.catch(() => undefined);
  scripts?.set(name, { ...(scripts.get(name) ?? {}), ...script, id: name });
}

export async function forgetScript(client: CloudflareClient, accountId: string, name: string): Promise<void> {
  const scripts = await client
    .runCache(LISTINGS)
    .get(accountId)
    ?.scripts.catch(() => undefined);
  scripts?.delete(name);
}

/**
 * Workers this client created with a full upload in this run. A Worker uploaded moments ago has no secrets but
 * the ones this run puts there, so a WorkerSecret for it needs no existence check.
 */
const CREATED_HERE = runSlot("Workers this run created", () => new Set<string>());

function scriptKey(scope: Scope, name: string): string {
  return JSON.stringify([scope.accountId, scope.dispatchNamespace ?? "", name]);
}

export function markCreatedHere(client: CloudflareClient, scope: Scope, name: string): void {
  client.runCache(CREATED_HERE).add(scriptKey(scope, name));
}

export function wasCreatedHere(client: CloudflareClient, scope: Scope, name: string): boolean {
  return client.runCache(CREATED_HERE).has(scriptKey(scope, name));
}
