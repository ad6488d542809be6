/**
 * Workers for Platforms dispatch namespaces, and the bindings of a script inside one
 * (https://developers.cloudflare.com/api/resources/workers_for_platforms/subresources/dispatch/subresources/namespaces/subresources/scripts/subresources/bindings/methods/get/).
 */
import { z } from "zod";
import type { CloudflareClient } from "../client";
import { path, scriptPath, type Scope } from "../paths";
import {
  dispatchNamespaceListSchema,
  dispatchNamespaceSchema,
  wireBindingSchema,
  type DispatchNamespace,
  type WireBinding,
} from "../schemas";

function namespacesPath(accountId: string): string {
  return path`/accounts/${accountId}/workers/dispatch/namespaces`;
}

/** GET `/workers/dispatch/namespaces`. */
export async function listNamespaces(client: CloudflareClient, accountId: string): Promise<DispatchNamespace[]> {
  return client.request({ method: "GET", path: namespacesPath(accountId), schema: dispatchNamespaceListSchema });
}

/** GET `/workers/dispatch/namespaces/{name}`. */
export async function getNamespace(client: CloudflareClient, accountId: string, name: string): Promise<DispatchNamespace> {
  return client.request({
    method: "GET",
    path: `${namespacesPath(accountId)}${path`/${name}`}`,
    schema: dispatchNamespaceSchema,
  });
}

/**
 * POST `/workers/dispatch/namespaces` `{name}`. NOT idempotent: a repeat after a lost answer would fail
 * (the name is taken) or create a second namespace, so it is never retried automatically.
 */
export async function createNamespace(client: CloudflareClient, accountId: string, body: { name: string }): Promise<DispatchNamespace> {
  return client.request({
    method: "POST",
    path: namespacesPath(accountId),
    json: { name: body.name },
    schema: dispatchNamespaceSchema,
    retrySafe: false,
  });
}

/** DELETE `/workers/dispatch/namespaces/{name}`. */
export async function deleteNamespace(client: CloudflareClient, accountId: string, name: string): Promise<void> {
  await client.request({ method: "DELETE", path: `${namespacesPath(accountId)}${path`/${name}`}`, schema: z.unknown() });
}

/** GET `…/dispatch/namespaces/{ns}/scripts/{name}/bindings`: unknown binding types are kept as given. */
export async function getDispatchScriptBindings(client: CloudflareClient, scope: Scope, scriptName: string): Promise<WireBinding[]> {
  if (scope.dispatchNamespace === undefined) {
    throw new TypeError("getDispatchScriptBindings needs a scope with dispatchNamespace; on the account, read getSettings().bindings");
  }
  return client.request({
    method: "GET",
    path: `${scriptPath(scope, scriptName)}/bindings`,
    schema: z.array(wireBindingSchema),
  });
}
