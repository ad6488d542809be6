/**
 * Secrets: PUT (secret_text / secret_key), list, get, delete. Secrets are bindings of the current version;
 * each change makes a new, deployed version with the code and other bindings unchanged. Values never leave.
 */
import { secretInputSchema, type WireBinding } from "../../provider/cloudflare/schemas";
import { ApiError, ERROR, ok, type Reply } from "../envelope";
import { inBothScopes, type RouteContext, type Route } from "../router";
import { existingScript } from "../scope";
import type { StoredScript } from "../state";
import { readJson, schemaError } from "../upload-form";
import { appendVersion, currentVersion, isSecretBinding, latestFullyDeployed, versionBody } from "../worker-model";

function secretsOf(script: StoredScript): { name: string; type: string }[] {
  return currentVersion(script)
    .bindings.filter(isSecretBinding)
    .map((b) => ({ name: b.name, type: b.type }));
}

/** The API refuses to edit secrets while the latest version is not fully deployed (10215). */
function checkLatestDeployed(script: StoredScript): void {
  if (!latestFullyDeployed(script)) {
    throw new ApiError(
      400,
      ERROR.SECRET_EDIT_UNDEPLOYED,
      "Secret edit failed: the latest version of this Worker is not deployed. Deploy it first (or use versions secret put).",
    );
  }
}

function putSecret(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parsed = secretInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "secret");
  const secret = parsed.data;
  checkLatestDeployed(script);
  const body = versionBody(currentVersion(script));
  delete body.annotations;
  const binding = { ...secret } as unknown as WireBinding;
  const at = body.bindings.findIndex((b) => b.name === secret.name);
  if (at >= 0 && !isSecretBinding(body.bindings[at]!)) {
    throw new ApiError(
      400,
      ERROR.BINDING_NAME_IN_USE,
      `Binding name '${secret.name}' is already in use by a ${body.bindings[at]!.type} binding of this Worker`,
    );
  }
  if (at >= 0) body.bindings[at] = binding;
  else body.bindings.push(binding);
  appendVersion(script, { ...body, source: ctx.source, triggered_by: "secret" }, true);
  return ok({ name: secret.name, type: secret.type });
}

function listSecrets(ctx: RouteContext): Reply {
  return ok(secretsOf(existingScript(ctx).script));
}

function secretNamed(ctx: RouteContext): { script: StoredScript; secret: { name: string; type: string } } {
  const { script } = existingScript(ctx);
  const name = ctx.params.secret!;
  const secret = secretsOf(script).find((s) => s.name === name);
  if (secret === undefined) throw new ApiError(404, ERROR.SECRET_NOT_FOUND, `secret '${name}' not found on this Worker`);
  return { script, secret };
}

function getSecret(ctx: RouteContext): Reply {
  return ok(secretNamed(ctx).secret);
}

function deleteSecret(ctx: RouteContext): Reply {
  const { script, secret } = secretNamed(ctx);
  checkLatestDeployed(script);
  const body = versionBody(currentVersion(script));
  delete body.annotations;
  body.bindings = body.bindings.filter((b) => b.name !== secret.name);
  appendVersion(script, { ...body, source: ctx.source, triggered_by: "secret" }, true);
  return ok(null);
}

export const secretRoutes: Route[] = [
  ...inBothScopes("PUT", "/secrets", putSecret),
  ...inBothScopes("GET", "/secrets", listSecrets),
  ...inBothScopes("GET", "/secrets/:secret", getSecret),
  ...inBothScopes("DELETE", "/secrets/:secret", deleteSecret),
];
