/**
 * workers.dev: the per-Worker `…/subdomain` (GET/POST/DELETE) and the account's subdomain
 * (`/workers/subdomain`, which wrangler reads to print the Worker's URL).
 */
import { z } from "zod";
import { subdomainRequestSchema } from "../../provider/cloudflare/schemas";
import { ok, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, SCRIPT_SCOPES, type RouteContext, type Route } from "../router";
import { existingScript } from "../scope";
import { readJson, schemaError } from "../upload-form";

function getSubdomain(ctx: RouteContext): Reply {
  return ok({ ...existingScript(ctx).script.subdomain });
}

/** POST `{enabled, previews_enabled?}`: `previews_enabled` follows `enabled` when omitted. */
function postSubdomain(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parsed = subdomainRequestSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "subdomain");
  script.subdomain = { enabled: parsed.data.enabled, previews_enabled: parsed.data.previews_enabled ?? parsed.data.enabled };
  return ok({ ...script.subdomain });
}

function deleteSubdomain(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  script.subdomain = { enabled: false, previews_enabled: false };
  return ok({ ...script.subdomain });
}

function getAccountSubdomain(ctx: RouteContext): Reply {
  return ok({ subdomain: ctx.account.subdomain });
}

const accountSubdomainInput = z.looseObject({
  subdomain: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9][a-z0-9-]*$/),
});

function putAccountSubdomain(ctx: RouteContext): Reply {
  const parsed = accountSubdomainInput.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "subdomain");
  ctx.account.subdomain = parsed.data.subdomain;
  return ok({ subdomain: ctx.account.subdomain });
}

export const subdomainRoutes: Route[] = [
  { method: "GET", pattern: `${SCRIPT_SCOPES[0]}/subdomain`, handler: getSubdomain },
  { method: "POST", pattern: `${SCRIPT_SCOPES[0]}/subdomain`, handler: postSubdomain },
  { method: "DELETE", pattern: `${SCRIPT_SCOPES[0]}/subdomain`, handler: deleteSubdomain },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/workers/subdomain`, handler: getAccountSubdomain },
  { method: "PUT", pattern: `${ACCOUNT_PREFIX}/workers/subdomain`, handler: putAccountSubdomain },
];
