/**
 * workers.dev: the per-Worker `…/subdomain` (GET/POST/DELETE) and the account's subdomain
 * (`/workers/subdomain`, which wrangler reads to print the Worker's URL).
 */
import { z } from "zod";
import { subdomainRequestSchema } from "../../provider/cloudflare/schemas";
import { ApiError, notFound, ok, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, SCRIPT_SCOPES, type RouteContext, type Route } from "../router";
import { existingScript } from "../scope";
import { readJson, schemaError } from "../upload-form";

function getSubdomain(ctx: RouteContext): Reply {
  return ok({ ...existingScript(ctx).script.subdomain });
}

/**
 * 403, 10063: what the API answers a write that needs the account's workers.dev subdomain while the account
 * has none (cron triggers: users' recorded `[code: 10063]` "You need a workers.dev subdomain in order to
 * proceed. Please go to the dashboard and open the Workers menu."; the first upload of a Worker: wrangler's
 * changelog and `validate-worker-props.ts`).
 */
export const NO_WORKERS_DEV_SUBDOMAIN = 10063;

export function requireAccountSubdomain(ctx: RouteContext): void {
  if (ctx.account.subdomain === "") {
    throw new ApiError(
      403,
      NO_WORKERS_DEV_SUBDOMAIN,
      "You need a workers.dev subdomain in order to proceed. Please go to the dashboard and open the Workers menu.",
    );
  }
}

/** POST `{enabled, previews_enabled?}`: `previews_enabled` follows `enabled` when omitted. */
function postSubdomain(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parsed = subdomainRequestSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "subdomain");
  if (parsed.data.enabled || parsed.data.previews_enabled === true) requireAccountSubdomain(ctx);
  script.subdomain = { enabled: parsed.data.enabled, previews_enabled: parsed.data.previews_enabled ?? parsed.data.enabled };
  return ok({ ...script.subdomain });
}

function deleteSubdomain(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  script.subdomain = { enabled: false, previews_enabled: false };
  return ok({ ...script.subdomain });
}

/** An account without a workers.dev subdomain answers 10007 (wrangler's `getWorkersDevSubdomain` reads it so). */
function getAccountSubdomain(ctx: RouteContext): Reply {
  if (ctx.account.subdomain === "") throw notFound("This account has no workers.dev subdomain.");
  return ok({ subdomain: ctx.account.subdomain });
}

/** DELETE removes the account's workers.dev subdomain (the SDK's `workers.subdomains.delete`). */
function deleteAccountSubdomain(ctx: RouteContext): Reply {
  ctx.account.subdomain = "";
  return ok(null);
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
  { method: "DELETE", pattern: `${ACCOUNT_PREFIX}/workers/subdomain`, handler: deleteAccountSubdomain },
];
