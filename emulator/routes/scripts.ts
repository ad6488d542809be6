/**
 * Script endpoints: upload (PUT), download (GET), delete, the code-only `content` endpoints, the scripts list
 * and `scripts-search`. Upload, delete and content are registered in both scopes (account, dispatch namespace).
 */
import { ApiError, ERROR, ok, pageInfo, rawReply, validation, type Reply } from "../envelope";
import { paging } from "../paging";
import { applyUpload } from "../apply-upload";
import { buildMultipart } from "../multipart";
import { ACCOUNT_PREFIX, inBothScopes, SCRIPT_SCOPES, type RouteContext, type Route } from "../router";
import { checkNewScriptName, existingScript, scopeOf } from "../scope";
import type { StoredScript, StoredVersion } from "../state";
import { parseContentForm, parseUploadForm } from "../upload-form";
import { removeWorkerAttachments, routesOfScript } from "../zone-model";
import {
  appendVersion,
  computeEtag,
  currentVersion,
  detectHandlers,
  findVersion,
  scriptObject,
  versionBody,
  workersBinding,
} from "../worker-model";

/** A small, plausible-looking startup time; clients must not depend on it. */
function startupTimeMs(version: StoredVersion): number {
  return 1 + (parseInt(version.etag.slice(0, 2), 16) % 9);
}

function upload(ctx: RouteContext): Reply {
  const scope = scopeOf(ctx);
  const name = ctx.params.script!;
  checkNewScriptName(scope, name);
  const parsed = parseUploadForm(ctx.headers, ctx.body);
  const { script, version } = applyUpload(ctx, scope, name, parsed, { deploy: true, triggeredBy: "upload" });
  return ok({
    ...scriptObject(script),
    startup_time_ms: startupTimeMs(version),
    entry_point: version.main_module,
    // The new version's id without dashes (a recorded PUT …/content answer).
    deployment_id: version.id.replaceAll("-", ""),
  });
}

/** The modules of a version as a multipart body (no metadata part), `cf-entrypoint` naming the main module. */
export function modulesReply(version: StoredVersion): Reply {
  const { contentType, body } = buildMultipart(
    version.modules.map((m) => ({ name: m.name, filename: m.name, contentType: m.contentType, data: Buffer.from(m.data, "base64") })),
  );
  return rawReply(200, body, contentType, { "cf-entrypoint": version.main_module });
}

function download(ctx: RouteContext): Reply {
  const { scope, script } = existingScript(ctx);
  const version = currentVersion(script);
  if (scope.namespace !== undefined) {
    return ok({
      created_on: script.created_on,
      modified_on: script.modified_on,
      dispatch_namespace: scope.namespace.namespace_name,
      script: scriptObject(script),
    });
  }
  const main = version.modules.find((m) => m.name === version.main_module);
  if (!version.has_modules && main !== undefined) {
    return rawReply(200, Buffer.from(main.data, "base64"), main.contentType, { "cf-entrypoint": version.main_module });
  }
  return modulesReply(version);
}

/** GET `…/content/v2` (`?version=<id>` for one version, as wrangler's `versions secret put` reads it). */
function content(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const id = ctx.query.get("version");
  const version = id === null ? currentVersion(script) : findVersion(script, id);
  if (version === undefined) throw new ApiError(404, ERROR.VERSION_NOT_FOUND, `version '${id}' not found for this Worker`);
  // An assets-only Worker has no code: 204, no body (terraform-provider-cloudflare handles this answer).
  if (version.modules.length === 0) return rawReply(204, Buffer.alloc(0), "text/plain");
  return modulesReply(version);
}

function putContent(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const form = parseContentForm(ctx.headers, ctx.body);
  const main = form.modules.find((m) => m.name === form.mainModule)!;
  const detected = detectHandlers(Buffer.from(main.data, "base64").toString("utf8"), form.hasModules);
  const body = versionBody(currentVersion(script));
  delete body.annotations;
  appendVersion(
    script,
    {
      ...body,
      source: ctx.source,
      triggered_by: "upload",
      modules: form.modules,
      main_module: form.mainModule,
      has_modules: form.hasModules,
      etag: computeEtag(form.modules),
      handlers: detected.handlers,
      named_handlers: detected.named_handlers,
    },
    true,
  );
  return ok(scriptObject(script));
}

/** DELETE a Worker (`?force=true` deletes it even when another Worker binds it). */
export function deleteScript(ctx: RouteContext): Reply {
  const { scope, script } = existingScript(ctx);
  const force = ctx.query.get("force") === "true";
  if (!force) {
    const binders = workersBinding(scope.scripts, script.name);
    if (binders.length > 0) {
      throw new ApiError(
        400,
        ERROR.SCRIPT_IN_USE,
        `Cannot delete Worker '${script.name}': it is bound by ${binders.map((b) => `'${b}'`).join(", ")} (service binding). Remove those bindings first, or delete with force=true.`,
      );
    }
  }
  delete scope.scripts[script.name];
  if (scope.namespace === undefined) removeWorkerAttachments(ctx.account, script.name);
  if (scope.namespace !== undefined) scope.namespace.modified_on = new Date().toISOString();
  return ok(null);
}

/** `?tags=a:yes,b:no`: a Worker is listed when it has every `yes` tag and none of the `no` tags. */
function matchesTagFilter(script: StoredScript, filter: string | null): boolean {
  if (filter === null || filter === "") return true;
  for (const item of filter.split(",")) {
    const colon = item.lastIndexOf(":");
    const tag = colon < 0 ? item : item.slice(0, colon);
    const want = colon < 0 ? "yes" : item.slice(colon + 1);
    if (want !== "yes" && want !== "no") throw validation(`tags filter item ${JSON.stringify(item)} must be tag:yes or tag:no`);
    if (script.tags.includes(tag) !== (want === "yes")) return false;
  }
  return true;
}

function list(ctx: RouteContext): Reply {
  const rows = Object.values(ctx.account.scripts)
    .filter((s) => matchesTagFilter(s, ctx.query.get("tags")))
    .sort((a, b) => a.created_on.localeCompare(b.created_on) || a.name.localeCompare(b.name))
    .map((s) => ({ ...scriptObject(s), routes: routesOfScript(ctx.runtime.store.state, ctx.account.id, s.name) }));
  return ok(rows);
}

export const SEARCH_MAX_PER_PAGE = 100;
export const SEARCH_DEFAULT_PER_PAGE = 50;

function search(ctx: RouteContext): Reply {
  const { page, perPage } = paging(ctx, SEARCH_DEFAULT_PER_PAGE, SEARCH_MAX_PER_PAGE);
  const name = ctx.query.get("name")?.toLowerCase();
  const id = ctx.query.get("id");
  const orderBy = ctx.query.get("order_by") ?? "created_on";
  if (!["created_on", "modified_on", "name"].includes(orderBy)) throw validation("order_by must be created_on, modified_on or name");
  const all = Object.values(ctx.account.scripts)
    .filter((s) => (name === undefined || s.name.includes(name)) && (id === null || s.tag === id))
    .sort((a, b) => {
      if (orderBy === "name") return a.name.localeCompare(b.name);
      const key = orderBy as "created_on" | "modified_on";
      return b[key].localeCompare(a[key]) || a.name.localeCompare(b.name);
    });
  const rows = all.slice((page - 1) * perPage, page * perPage).map((s) => ({
    id: s.tag,
    script_name: s.name,
    created_on: s.created_on,
    modified_on: s.modified_on,
    environment_is_default: true,
    environment_name: "production",
    service_name: s.name,
  }));
  return ok(rows, { resultInfo: pageInfo(page, perPage, rows.length, all.length) });
}

export const scriptRoutes: Route[] = [
  ...inBothScopes("PUT", "", upload),
  ...inBothScopes("GET", "", download),
  ...inBothScopes("DELETE", "", deleteScript),
  ...inBothScopes("PUT", "/content", putContent),
  { method: "GET", pattern: `${SCRIPT_SCOPES[0]}/content/v2`, handler: content },
  { method: "GET", pattern: `${SCRIPT_SCOPES[1]}/content`, handler: content },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/workers/scripts`, handler: list },
  { method: "GET", pattern: `${ACCOUNT_PREFIX}/workers/scripts-search`, handler: search },
];
