/**
 * Where a Worker answers: the URLs WorkerSubdomain, WorkerVersion, WorkerCustomDomain and WorkerRoute output,
 * and the account's workers.dev subdomain they are built from (read once per account per run of a client:
 * the engine starts a new provider process per command, so a rename is seen on the next one).
 *
 * The forms are wrangler's (workers-sdk `packages/deploy-helpers/src/deploy/versions-upload.ts`):
 * `https://<script>.<account subdomain>.workers.dev`, a version's preview
 * `https://<first 8 of the version id>-<script>.<account subdomain>.workers.dev`, and an alias's
 * `https://<alias>-<script>.<account subdomain>.workers.dev`.
 */
import { getAccountSubdomain, isNotFound, runSlot, type CloudflareClient } from "../cloudflare";
import { parseRoutePattern } from "../cloudflare/schemas";
import { refusalCode, ResourceInputError } from "./refusals";

/** In the client's run state (provider/cloudflare/run-state.ts), per account: the pending or settled answer. */
const ACCOUNT_SUBDOMAINS = runSlot("accounts' workers.dev subdomains", () => new Map<string, Promise<string | undefined>>());

/** The account's workers.dev subdomain (`<name>`, without `.workers.dev`), or undefined when it has none. */
export function accountSubdomain(client: CloudflareClient, accountId: string): Promise<string | undefined> {
  const byAccount = client.runCache(ACCOUNT_SUBDOMAINS);
  let pending = byAccount.get(accountId);
  if (pending === undefined) {
    pending = getAccountSubdomain(client, accountId).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      byAccount.delete(accountId);
      throw error;
    });
    byAccount.set(accountId, pending);
  }
  return pending;
}

export function workersDevUrl(scriptName: string, subdomain: string): string {
  return `https://${scriptName}.${subdomain}.workers.dev`;
}

/** The preview URL of one version (its id's first 8 characters) or of an alias. */
export function previewUrl(label: string, scriptName: string, subdomain: string): string {
  return `https://${label}-${scriptName}.${subdomain}.workers.dev`;
}

export function versionPreviewLabel(versionId: string): string {
  return versionId.slice(0, 8);
}

/** A custom domain serves `https://<hostname>/` (Cloudflare issues its certificate). */
export function customDomainUrl(hostname: string): string {
  return `https://${hostname}`;
}

/**
 * The URL a route pattern serves, when it names one host: `example.com/api/*` → `https://example.com/api/`.
 * A host wildcard (`*.example.com/*`) serves many hosts and has no single URL: undefined.
 */
export function routeUrl(pattern: string): string | undefined {
  const parts = parseRoutePattern(pattern);
  if ("problem" in parts || parts.hostWildcard !== "") return undefined;
  const path = parts.path.endsWith("*") ? parts.path.slice(0, -1) : parts.path;
  return `${parts.scheme ?? "https"}://${parts.host.toLowerCase()}${path === "" ? "/" : path}`;
}

/** "You need a workers.dev subdomain in order to proceed" (403; users' recorded answers for cron triggers). */
export const NO_WORKERS_DEV_SUBDOMAIN = 10063;

/**
 * Rethrows 10063 as an error naming the property and how to register the account's workers.dev subdomain;
 * anything else unchanged.
 */
export function explainNoWorkersDev(error: unknown, resource: string, property: string, accountId: string): never {
  if (refusalCode(error, [NO_WORKERS_DEV_SUBDOMAIN]) === undefined) throw error;
  throw new ResourceInputError(
    property,
    `${resource} ${property}: account ${accountId} has no workers.dev subdomain yet (Cloudflare answered code 10063, ` +
      `"You need a workers.dev subdomain in order to proceed"). Register one once for the account: open ` +
      `https://dash.cloudflare.com/${accountId}/workers/onboarding (or Workers & Pages in the dashboard) and choose a name, ` +
      `or PUT /accounts/${accountId}/workers/subdomain {"subdomain": "<name>"}; then run pulumi up again`,
    { cause: error },
  );
}
