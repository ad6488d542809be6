/**
 * Workers for Platforms: dispatch namespaces (list, create, get, delete) and the namespace-only script
 * endpoint `…/bindings` (https://developers.cloudflare.com/api/resources/workers_for_platforms/subresources/dispatch/subresources/namespaces/subresources/scripts/subresources/bindings/methods/get/). The other script endpoints of a namespace are registered with the
 * account ones (see `inBothScopes`); an unknown namespace answers 404 with code 100119.
 */
import { z } from "zod";
import { dispatchNamespaceNameSchema } from "../../provider/cloudflare/schemas";
import { ApiError, ERROR, ok, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, SCRIPT_SCOPES, type RouteContext, type Route } from "../router";
import { existingScript, namespaceOf } from "../scope";
import { nameMap, type StoredNamespace } from "../state";
import { readJson, schemaError } from "../upload-form";
import { currentVersion, newVersionId, nowIso, publicBindings } from "../worker-model";

function namespaceObject(ctx: RouteContext, ns: StoredNamespace): Record<string, unknown> {
  return {
    namespace_id: ns.namespace_id,
    namespace_name: ns.namespace_name,
    created_on: ns.created_on,
    created_by: ctx.account.id,
    modified_on: ns.modified_on,
    modified_by: ctx.account.id,
    script_count: Object.keys(ns.scripts).length,
    trusted_workers: ns.trusted_workers,
  };
}

function listNamespaces(ctx: RouteContext): Reply {
  return ok(Object.values(ctx.account.namespaces).map((ns) => namespaceObject(ctx, ns)));
}

const createInput = z.looseObject({ name: dispatchNamespaceNameSchema });

function createNamespace(ctx: RouteContext): Reply {
  const parsed = createInput.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "namespace");
  const name = parsed.data.name;
  if (ctx.account.namespaces[name] !== undefined)
    throw new ApiError(409, ERROR.NAMESPACE_EXISTS, `dispatch namespace '${name}' already exists`);
  const now = nowIso();
  const ns: StoredNamespace = {
    namespace_id: newVersionId(),
    namespace_name: name,
    created_on: now,
    modified_on: now,
    trusted_workers: false,
    scripts: nameMap(),
  };
  ctx.account.namespaces[name] = ns;
  return ok(namespaceObject(ctx, ns));
}

function getNamespace(ctx: RouteContext): Reply {
  return ok(namespaceObject(ctx, namespaceOf(ctx, ctx.params.namespace!)));
}

/** Deleting a namespace deletes the Workers in it. */
function deleteNamespace(ctx: RouteContext): Reply {
  namespaceOf(ctx, ctx.params.namespace!);
  delete ctx.account.namespaces[ctx.params.namespace!];
  return ok(null);
}

function getBindings(ctx: RouteContext): Reply {
  return ok(publicBindings(currentVersion(existingScript(ctx).script).bindings));
}

const NAMESPACES = `${ACCOUNT_PREFIX}/workers/dispatch/namespaces`;

export const namespaceRoutes: Route[] = [
  { method: "GET", pattern: NAMESPACES, handler: listNamespaces },
  { method: "POST", pattern: NAMESPACES, handler: createNamespace },
  { method: "GET", pattern: `${NAMESPACES}/:namespace`, handler: getNamespace },
  { method: "DELETE", pattern: `${NAMESPACES}/:namespace`, handler: deleteNamespace },
  { method: "GET", pattern: `${SCRIPT_SCOPES[1]}/bindings`, handler: getBindings },
];
