/** Workers routes of a zone (`/zones/{zone_id}/workers/routes`). */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import {
  workerRouteDeleteSchema,
  workerRouteInputSchema,
  workerRouteListSchema,
  workerRouteSchema,
  type WorkerRouteWire,
} from "../schemas";

export interface RouteBody {
  pattern: string;
  /** Absent: a route without a Worker (it turns Workers off for the pattern). */
  script?: string;
}

/** GET the zone's routes (one page: the API does not page them). */
export async function listRoutes(client: CloudflareClient, zoneId: string): Promise<WorkerRouteWire[]> {
  return client.request({ method: "GET", path: path`/zones/${zoneId}/workers/routes`, schema: workerRouteListSchema });
}

export async function getRoute(client: CloudflareClient, zoneId: string, routeId: string): Promise<WorkerRouteWire> {
  return client.request({ method: "GET", path: path`/zones/${zoneId}/workers/routes/${routeId}`, schema: workerRouteSchema });
}

/**
 * POST a route. Retried like an idempotent call: a repeat can never make a second route (a pattern is
 * unique in its zone), only meet the first as 10020, which WorkerRoute recognises as its own (same pattern,
 * same Worker).
 */
export async function createRoute(client: CloudflareClient, zoneId: string, body: RouteBody): Promise<WorkerRouteWire> {
  return client.request({
    method: "POST",
    path: path`/zones/${zoneId}/workers/routes`,
    json: workerRouteInputSchema.parse(body),
    schema: workerRouteSchema,
    retrySafe: true,
  });
}

/** PUT: sets the route's pattern and Worker (idempotent). */
export async function updateRoute(client: CloudflareClient, zoneId: string, routeId: string, body: RouteBody): Promise<WorkerRouteWire> {
  return client.request({
    method: "PUT",
    path: path`/zones/${zoneId}/workers/routes/${routeId}`,
    json: workerRouteInputSchema.parse(body),
    schema: workerRouteSchema,
  });
}

export async function deleteRoute(client: CloudflareClient, zoneId: string, routeId: string): Promise<void> {
  await client.request({ method: "DELETE", path: path`/zones/${zoneId}/workers/routes/${routeId}`, schema: workerRouteDeleteSchema });
}
