/** The Worker's workers.dev subdomain (and preview URLs). */
import type { CloudflareClient } from "../client";
import { scriptPath, type Scope } from "../paths";
import { subdomainInputSchema, subdomainSchema, type Subdomain } from "../schemas";

/** GET `…/subdomain`. */
export async function getSubdomain(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Subdomain> {
  return client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/subdomain`, schema: subdomainSchema });
}

/**
 * POST `…/subdomain` `{enabled, previews_enabled?}`. Idempotent by nature: it sets the state to the values
 * given, so repeating it after a lost answer changes nothing more. Hence retrySafe.
 */
export async function setSubdomain(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  body: { enabled: boolean; previews_enabled?: boolean },
): Promise<Subdomain> {
  return client.request({
    method: "POST",
    path: `${scriptPath(scope, scriptName)}/subdomain`,
    json: subdomainInputSchema.parse(body),
    schema: subdomainSchema,
    retrySafe: true,
  });
}

/** DELETE `…/subdomain`: turns off the workers.dev subdomain and preview URLs. */
export async function deleteSubdomain(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Subdomain> {
  return client.request({ method: "DELETE", path: `${scriptPath(scope, scriptName)}/subdomain`, schema: subdomainSchema });
}
