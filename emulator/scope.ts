/**
 * A script scope: the Workers of an account, or the Workers of one dispatch namespace of that account.
 * Script routes resolve their scope from the path, then find or validate the script in it.
 */
import { dispatchScriptNameSchema, scriptNameSchema } from "../provider/cloudflare/schemas";
import { ApiError, ERROR, notFound } from "./envelope";
import type { RouteContext } from "./router";
import type { StoredNamespace, StoredScript } from "./state";

export interface ScriptScope {
  scripts: Record<string, StoredScript>;
  namespace?: StoredNamespace;
}

export function namespaceOf(ctx: RouteContext, name: string): StoredNamespace {
  const ns = ctx.account.namespaces[name];
  if (ns === undefined) throw new ApiError(404, ERROR.NAMESPACE_NOT_FOUND, `dispatch namespace '${name}' not found`);
  return ns;
}

export function scopeOf(ctx: RouteContext): ScriptScope {
  const nsName = ctx.params.namespace;
  if (nsName === undefined) return { scripts: ctx.account.scripts };
  const namespace = namespaceOf(ctx, nsName);
  return { scripts: namespace.scripts, namespace };
}

/** The script named in the path, or 404/10007. */
export function existingScript(ctx: RouteContext): { scope: ScriptScope; script: StoredScript } {
  const scope = scopeOf(ctx);
  const name = ctx.params.script!;
  const script = Object.prototype.hasOwnProperty.call(scope.scripts, name) ? scope.scripts[name] : undefined;
  if (script === undefined) throw notFound();
  return { scope, script };
}

/** Checks the script name a write is about to create: 400/10016 when the API would refuse it. */
export function checkNewScriptName(scope: ScriptScope, name: string): void {
  const schema = scope.namespace === undefined ? scriptNameSchema : dispatchScriptNameSchema;
  const parsed = schema.safeParse(name);
  if (!parsed.success) {
    throw new ApiError(
      400,
      ERROR.INVALID_NAME,
      `Invalid Worker name ${JSON.stringify(name)}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
    );
  }
}

export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}
