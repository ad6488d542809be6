/**
 * Configuration endpoints: `settings` (versioned, https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/script_and_version_settings/methods/get/; PATCH is multipart with one `settings` part),
 * `script-settings` (script-level, JSON, not versioned) and `usage-model`.
 * PATCHes change only the fields they carry.
 */
import { z } from "zod";
import { scriptLevelSettingsSchema, settingsPatchRequestSchema, type ScriptLevelSettings } from "../../provider/cloudflare/schemas";
import { ApiError, ERROR, ok, validation, type Reply } from "../envelope";
import { migrationTagAfter } from "../migrations";
import { checkUsageModel } from "../apply-upload";
import { inBothScopes, type RouteContext, type Route } from "../router";
import { existingScript } from "../scope";
import type { StoredScript } from "../state";
import { checkTags, parseJsonPart, readJson, readMultipart, schemaError } from "../upload-form";
import {
  appendVersion,
  currentVersion,
  latestFullyDeployed,
  resolveBindings,
  scriptLevelSettingsObject,
  settingsObject,
  versionBody,
  withServerFilledFields,
} from "../worker-model";

function getSettings(ctx: RouteContext): Reply {
  return ok(settingsObject(existingScript(ctx).script));
}

/** Applies the script-level fields a PATCH carries; `null` resets a field to its default. */
function applyScriptLevel(script: StoredScript, patch: ScriptLevelSettings): void {
  if (patch.logpush !== undefined) script.logpush = patch.logpush;
  if (patch.tags !== undefined) script.tags = patch.tags ?? [];
  if (patch.tail_consumers !== undefined) script.tail_consumers = patch.tail_consumers ?? [];
  if (patch.observability === null) delete script.observability;
  else if (patch.observability !== undefined) script.observability = patch.observability;
}

/**
 * A settings PATCH deploys a copy of the latest version, so it is refused (10214) while the latest version is not
 * the deployed one: wrangler-action#374 quotes the answer, workers-sdk#10585 the same through curl.
 */
function checkLatestDeployedForSettings(script: StoredScript): void {
  if (!latestFullyDeployed(script)) {
    throw new ApiError(
      400,
      ERROR.SETTINGS_EDIT_UNDEPLOYED,
      'Script edit failed. You attempted to deploy the latest version with modified settings, but the latest version isn\'t currently deployed. Either upload a new version to edit the version settings, or use the script-level settings API (/workers/scripts/{script_name}/script-settings) to modify the "logpush" and "tail_consumers" settings.',
    );
  }
}

function patchSettings(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parts = readMultipart(ctx.headers, ctx.body);
  const part = parts.find((p) => p.name === "settings");
  if (part === undefined) throw validation("the request has no settings part", "/settings");
  const patch = parseJsonPart(part.data.toString("utf8"), settingsPatchRequestSchema, "settings");
  checkUsageModel(patch.usage_model);
  checkLatestDeployedForSettings(script);
  const body = versionBody(currentVersion(script));
  delete body.annotations;
  if (patch.annotations !== undefined) body.annotations = patch.annotations;
  if (patch.bindings !== undefined) {
    body.bindings = withServerFilledFields(
      resolveBindings(patch.bindings, script, { strict: ctx.query.get("bindings_inherit") === "strict" }),
      script.name,
    );
  }
  if (patch.compatibility_date !== undefined) body.compatibility_date = patch.compatibility_date;
  if (patch.compatibility_flags !== undefined) body.compatibility_flags = patch.compatibility_flags;
  if (patch.limits !== undefined) body.limits = patch.limits;
  if (patch.usage_model !== undefined) body.usage_model = patch.usage_model;
  if (patch.placement === null) delete body.placement;
  else if (patch.placement !== undefined) body.placement = patch.placement;
  if (patch.cache_options === null) delete body.cache_options;
  else if (patch.cache_options !== undefined) body.cache_options = patch.cache_options;
  const tag = migrationTagAfter(patch.migrations, body.migration_tag);
  if (tag !== undefined) body.migration_tag = tag;
  applyScriptLevel(script, patch);
  appendVersion(script, { ...body, source: ctx.source, triggered_by: "update_settings" }, true);
  return ok(settingsObject(script));
}

function getScriptSettings(ctx: RouteContext): Reply {
  return ok(scriptLevelSettingsObject(existingScript(ctx).script));
}

function patchScriptSettings(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const raw = readJson(ctx.body);
  checkTags((raw as { tags?: unknown } | null)?.tags);
  const parsed = scriptLevelSettingsSchema.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error, "script settings");
  applyScriptLevel(script, parsed.data);
  script.modified_on = new Date().toISOString();
  return ok(scriptLevelSettingsObject(script));
}

function usageModelObject(script: StoredScript): Record<string, unknown> {
  const v = currentVersion(script);
  return v.user_limits === undefined ? { usage_model: v.usage_model } : { usage_model: v.usage_model, user_limits: v.user_limits };
}

const usageModelInputSchema = z.looseObject({
  usage_model: z.string(),
  user_limits: z.looseObject({ cpu_ms: z.number().int().positive().optional() }).optional(),
});

function getUsageModel(ctx: RouteContext): Reply {
  return ok(usageModelObject(existingScript(ctx).script));
}

/** PUT `…/usage-model` changes the current version in place (it makes no new version). */
function putUsageModel(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parsed = usageModelInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "usage model");
  checkUsageModel(parsed.data.usage_model);
  const v = currentVersion(script);
  v.usage_model = parsed.data.usage_model;
  if (parsed.data.user_limits !== undefined) v.user_limits = parsed.data.user_limits;
  script.modified_on = new Date().toISOString();
  return ok(usageModelObject(script));
}

export const settingsRoutes: Route[] = [
  ...inBothScopes("GET", "/settings", getSettings),
  ...inBothScopes("PATCH", "/settings", patchSettings),
  ...inBothScopes("GET", "/script-settings", getScriptSettings),
  ...inBothScopes("PATCH", "/script-settings", patchScriptSettings),
  ...inBothScopes("GET", "/usage-model", getUsageModel),
  ...inBothScopes("PUT", "/usage-model", putUsageModel),
];
