/** The Worker's workers.dev subdomain (and preview URLs). */
import type { CloudflareClient } from "../client";
import { path, scriptPath, type Scope } from "../paths";
import { accountSubdomainSchema, subdomainInputSchema, subdomainSchema, type Subdomain } from "../schemas";

/** GET `…/subdomain`. */
export async function getSubdomain(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Subdomain> {
  return client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/subdomain`, schema: subdomainSchema });
}

/**
 * The API behaviour date wrangler sends with POST `…/subdomain` (`Cloudflare-Workers-Script-Api-Date`): from
 * it on, `previews_enabled` is honoured apart from `enabled`; without it the API may apply its older default
 * (preview URLs follow `enabled`). Sent for the same answer wrangler gets.
 */
export const SCRIPT_API_DATE_HEADER = "cloudflare-workers-script-api-date";
export const SCRIPT_API_DATE = "2025-08-01";

/**
 * POST `…/subdomain` `{enabled, previews_enabled}`: both always sent. Idempotent by nature: it sets the state
 * to the values given, so repeating it after a lost answer changes nothing more. Hence retrySafe.
 */
export async function setSubdomain(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  body: { enabled: boolean; previews_enabled: boolean },
): Promise<Subdomain> {
  return client.request({
    method: "POST",
    path: `${scriptPath(scope, scriptName)}/subdomain`,
    headers: { [SCRIPT_API_DATE_HEADER]: SCRIPT_API_DATE },
    json: subdomainInputSchema.parse(body),
    schema: subdomainSchema,
    retrySafe: true,
  });
}

/** DELETE `…/subdomain`: turns off the workers.dev subdomain and preview URLs. */
export async function deleteSubdomain(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Subdomain> {
  return client.request({ method: "DELETE", path: `${scriptPath(scope, scriptName)}/subdomain`, schema: subdomainSchema });
}

/**
 * GET `/accounts/{a}/workers/subdomain`: the account's workers.dev subdomain (`{subdomain}`; wrangler's
 * `getWorkersDevSubdomain` notes the API names it `subdomain`, not the documented `name`). An account without
 * one answers 10007 (the same function's "not found" branch).
 */
export async function getAccountSubdomain(client: CloudflareClient, accountId: string): Promise<string> {
  const result = await client.request({
    method: "GET",
    path: path`/accounts/${accountId}/workers/subdomain`,
    schema: accountSubdomainSchema,
  });
  return result.subdomain;
}
