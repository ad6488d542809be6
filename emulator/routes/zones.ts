/**
 * Zones (`GET /zones`, `GET /zones/{zone_id}`) and their Workers routes (`/zones/{zone_id}/workers/routes`).
 *
 * Codes (emulator/README.md, "Routes and custom domains"): 7003 for a zone id that is malformed or not a
 * zone here; 10022 for a pattern Cloudflare refuses (not on the zone, infix `*`, a query); 10019 for a route
 * to a Worker that does not exist; 10020 (409) for a pattern another route of the zone holds; 10007 for GET
 * of an unknown route and 10009 for PUT/DELETE of one (as probed live by alchemy-run/distilled).
 */
import { routePatternKey, routePatternProblem, workerRouteInputSchema, ZONE_ID_PATTERN } from "../../provider/cloudflare/schemas";
import { ApiError, ERROR, ok, pageInfo, type Reply } from "../envelope";
import { paging } from "../paging";
import type { Route, RouteContext } from "../router";
import { hasOwn } from "../scope";
import type { StoredRoute, StoredZone } from "../state";
import { readJson } from "../upload-form";
import { allZones, nextRouteId } from "../zone-model";

export const ROUTE_ERROR = {
  SCRIPT_NOT_FOUND: 10019,
  DUPLICATE_ROUTE: 10020,
  INVALID_PATTERN: 10022,
  ROUTE_NOT_FOUND: 10009,
} as const;

export const ZONES_DEFAULT_PER_PAGE = 20;
export const ZONES_MAX_PER_PAGE = 50;

/** The zone of the path, or the API's "Could not route to …" (7003). */
export function zoneOf(ctx: RouteContext): StoredZone {
  const id = ctx.params.zone!;
  const zone = ZONE_ID_PATTERN.test(id) ? ctx.runtime.store.state.zones?.[id] : undefined;
  if (zone === undefined)
    throw new ApiError(404, ERROR.BAD_ACCOUNT, `Could not route to ${ctx.path}, perhaps your object identifier is invalid?`);
  return zone;
}

function zoneObject(zone: StoredZone): Record<string, unknown> {
  return {
    id: zone.id,
    name: zone.name,
    status: "active",
    paused: false,
    type: "full",
    development_mode: 0,
    name_servers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    created_on: zone.created_on,
    modified_on: zone.modified_on,
    activated_on: zone.created_on,
    account: { id: zone.account_id, name: `Emulator account ${zone.account_id.slice(0, 8)}` },
    owner: { id: null, type: "user", email: null },
    meta: { step: 4, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false },
    plan: {
      id: "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      name: "Free Website",
      price: 0,
      currency: "USD",
      frequency: "",
      is_subscribed: false,
      can_subscribe: false,
      legacy_id: "free",
      legacy_discount: false,
      externally_managed: false,
    },
    permissions: [],
  };
}

/** `GET /zones?name=&account.id=&status=&page=&per_page=` (what wrangler asks to find a route's zone). */
function listZones(ctx: RouteContext): Reply {
  const { page, perPage } = paging(ctx, ZONES_DEFAULT_PER_PAGE, ZONES_MAX_PER_PAGE);
  const name = ctx.query.get("name")?.toLowerCase();
  const accountId = ctx.query.get("account.id");
  const status = ctx.query.get("status");
  const all = allZones(ctx.runtime.store.state)
    .filter(
      (z) =>
        (name === undefined || z.name === name) &&
        (accountId === null || z.account_id === accountId) &&
        (status === null || status === "active"),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const rows = all.slice((page - 1) * perPage, page * perPage).map((z) => zoneObject(z));
  return ok(rows, { resultInfo: pageInfo(page, perPage, rows.length, all.length) });
}

function getZone(ctx: RouteContext): Reply {
  return ok(zoneObject(zoneOf(ctx)));
}

/** A route; one without a Worker answers `script: null` (the SDK types `script?`; real answers carry null). */
function routeObject(route: StoredRoute): Record<string, unknown> {
  return { id: route.id, pattern: route.pattern, script: route.script ?? null };
}

/** Validates a route body against the zone: the pattern, the Worker, and patterns other routes hold. */
function routeInput(ctx: RouteContext, zone: StoredZone, self?: StoredRoute): { pattern: string; script?: string } {
  const parsed = workerRouteInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(
      400,
      ROUTE_ERROR.INVALID_PATTERN,
      `Invalid route: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    );
  }
  const { pattern, script } = parsed.data;
  const problem = routePatternProblem(pattern, zone.name);
  if (problem !== undefined)
    throw new ApiError(400, ROUTE_ERROR.INVALID_PATTERN, `Invalid route pattern ${JSON.stringify(pattern)}: it ${problem}`);
  if (script !== undefined && script !== "") {
    const account = ctx.runtime.store.account(zone.account_id);
    if (!hasOwn(account.scripts, script)) {
      throw new ApiError(
        400,
        ROUTE_ERROR.SCRIPT_NOT_FOUND,
        "Cannot configure a route for a Worker which does not exist. Please ensure this Worker exists and try again.",
      );
    }
  }
  const key = routePatternKey(pattern);
  const holder = zone.routes.find((r) => r !== self && routePatternKey(r.pattern) === key);
  if (holder !== undefined) {
    throw new ApiError(
      409,
      ROUTE_ERROR.DUPLICATE_ROUTE,
      `A route with this pattern already exists on this zone${holder.script === undefined ? "" : ` (pattern ${JSON.stringify(holder.pattern)} runs Worker '${holder.script}')`}. Delete the existing route first, or use a different URL pattern.`,
    );
  }
  return script === undefined || script === "" ? { pattern } : { pattern, script };
}

function listRoutes(ctx: RouteContext): Reply {
  return ok(zoneOf(ctx).routes.map(routeObject));
}

function createRoute(ctx: RouteContext): Reply {
  const zone = zoneOf(ctx);
  const input = routeInput(ctx, zone);
  const route: StoredRoute = { id: nextRouteId(zone), ...input };
  zone.routes.push(route);
  zone.modified_on = new Date().toISOString();
  // Only the id, as older clients' fixtures record it (the SDK types the whole route): the stricter answer.
  return ok({ id: route.id });
}

function findRoute(ctx: RouteContext, zone: StoredZone, notFoundCode: number): StoredRoute {
  const route = zone.routes.find((r) => r.id === ctx.params.route);
  if (route === undefined) {
    throw new ApiError(
      404,
      notFoundCode,
      notFoundCode === ERROR.NOT_FOUND
        ? "Route not found"
        : "Route not found. Verify the route ID is correct and the route exists on this zone, then try again.",
    );
  }
  return route;
}

function getRoute(ctx: RouteContext): Reply {
  const zone = zoneOf(ctx);
  return ok(routeObject(findRoute(ctx, zone, ERROR.NOT_FOUND)));
}

/** PUT replaces the route's pattern and Worker (a body without `script` leaves the route without one). */
function updateRoute(ctx: RouteContext): Reply {
  const zone = zoneOf(ctx);
  const route = findRoute(ctx, zone, ROUTE_ERROR.ROUTE_NOT_FOUND);
  const input = routeInput(ctx, zone, route);
  route.pattern = input.pattern;
  if (input.script === undefined) delete route.script;
  else route.script = input.script;
  zone.modified_on = new Date().toISOString();
  return ok(routeObject(route));
}

function deleteRoute(ctx: RouteContext): Reply {
  const zone = zoneOf(ctx);
  const route = findRoute(ctx, zone, ROUTE_ERROR.ROUTE_NOT_FOUND);
  zone.routes = zone.routes.filter((r) => r !== route);
  zone.modified_on = new Date().toISOString();
  return ok({ id: route.id });
}

const ROUTES = "/zones/:zone/workers/routes";

export const zoneRoutes: Route[] = [
  { method: "GET", pattern: "/zones", handler: listZones },
  { method: "GET", pattern: "/zones/:zone", handler: getZone },
  { method: "GET", pattern: ROUTES, handler: listRoutes },
  { method: "POST", pattern: ROUTES, handler: createRoute },
  { method: "GET", pattern: `${ROUTES}/:route`, handler: getRoute },
  { method: "PUT", pattern: `${ROUTES}/:route`, handler: updateRoute },
  { method: "DELETE", pattern: `${ROUTES}/:route`, handler: deleteRoute },
];
