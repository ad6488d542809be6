/**
 * The extra endpoints wrangler 4.x calls around `deploy`, `secret`, assets deploys and `delete`, answered from
 * the same state: the service view of a Worker (`/workers/services/{name}`, 10090 when missing, DELETE with
 * `force`), the Worker view (`/workers/workers/{name}`, read for its workers.dev subdomain), the references
 * and tail-consumer checks `wrangler delete` makes, and account/user lookups (cron schedules: `schedules.ts`).
 */
import { ApiError, ok, pageInfo, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, SCRIPT_SCOPES, type RouteContext, type Route } from "../router";
import { existingScript, hasOwn } from "../scope";
import type { StoredScript } from "../state";
import { observabilityAnswer, scriptObject, workersBinding } from "../worker-model";
import { deleteScript } from "./scripts";

/** wrangler's "service not found" (it checks this code to tell a new Worker from an error). */
export const SERVICE_NOT_FOUND = 10090;

function serviceScript(ctx: RouteContext): StoredScript {
  const name = ctx.params.script!;
  const script = hasOwn(ctx.account.scripts, name) ? ctx.account.scripts[name] : undefined;
  if (script === undefined) throw new ApiError(404, SERVICE_NOT_FOUND, "workers.api.error.service_not_found");
  return script;
}

function getService(ctx: RouteContext): Reply {
  const script = serviceScript(ctx);
  const environment = {
    environment: "production",
    created_on: script.created_on,
    modified_on: script.modified_on,
    script: scriptObject(script),
  };
  return ok({
    id: script.name,
    default_environment: environment,
    environments: [environment],
    created_on: script.created_on,
    modified_on: script.modified_on,
  });
}

function deleteService(ctx: RouteContext): Reply {
  serviceScript(ctx);
  return deleteScript(ctx);
}

function getWorker(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const out: Record<string, unknown> = {
    id: script.tag,
    name: script.name,
    created_on: script.created_on,
    updated_on: script.modified_on,
    logpush: script.logpush,
    tags: script.tags,
    tail_consumers: script.tail_consumers,
    subdomain: { ...script.subdomain },
  };
  if (script.observability !== undefined) out.observability = observabilityAnswer(script.observability);
  return ok(out);
}

function references(ctx: RouteContext): Reply {
  const { scope, script } = existingScript(ctx);
  return ok({
    services: {
      incoming: workersBinding(scope.scripts, script.name).map((service) => ({ service, environment: "production" })),
      pages_function: false,
    },
    durable_objects: [],
    dispatch_outbounds: [],
  });
}

function tailsByConsumer(ctx: RouteContext): Reply {
  const target = ctx.params.script!;
  const producers = Object.values(ctx.account.scripts)
    .filter((s) => s.tail_consumers.some((t) => t.service === target))
    .map((s) => ({ producer: { service: s.name, environment: "production" } }));
  return ok(producers);
}

const EMPTY_PAGE = (ctx: RouteContext): Reply =>
  ok([], { resultInfo: pageInfo(Number(ctx.query.get("page") ?? 1) || 1, Number(ctx.query.get("per_page") ?? 20) || 20, 0, 0) });

function user(): Reply {
  return ok({ id: "00000000000000000000000000000000", email: "emulator@example.com" });
}

function accounts(ctx: RouteContext): Reply {
  const ids = Object.keys(ctx.runtime.store.state.accounts);
  return ok(ids.map((id) => ({ id, name: `Emulator account ${id.slice(0, 8)}` })));
}

function memberships(ctx: RouteContext): Reply {
  const ids = Object.keys(ctx.runtime.store.state.accounts);
  return ok(ids.map((id) => ({ id, status: "accepted", account: { id, name: `Emulator account ${id.slice(0, 8)}` } })));
}

const SERVICE = `${ACCOUNT_PREFIX}/workers/services/:script`;

export const wranglerRoutes: Route[] = [
  { method: "GET", pattern: SERVICE, handler: getService },
  { method: "DELETE", pattern: SERVICE, handler: deleteService },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/workers/workers/:script`, handler: getWorker },
  { method: "GET", pattern: `${SCRIPT_SCOPES[0]}/references`, handler: references },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/workers/tails/by-consumer/:script`, handler: tailsByConsumer },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/storage/kv/namespaces`, handler: EMPTY_PAGE },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/workers/durable_objects/namespaces`, handler: EMPTY_PAGE },
  { method: "GET", pattern: "/user", handler: user },
  { method: "GET", pattern: "/user/tokens/verify", handler: () => ok({ id: "emulator-token", status: "active" }) },
  { method: "GET", pattern: "/accounts", handler: accounts },
  { method: "GET", pattern: "/memberships", handler: memberships },
];
