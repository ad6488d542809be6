/**
 * Settings of a Worker: the versioned configuration (`…/settings`, multipart PATCH), the script-level
 * settings (`…/script-settings`, JSON, not versioned) and the usage model.
 */
import type { CloudflareClient } from "../client";
import { buildSettingsForm } from "../multipart";
import { scriptPath, type Scope } from "../paths";
import { bindingSecretValues } from "../secret-values";
import {
  scriptLevelSettingsSchema,
  scriptSettingsSchema,
  usageModelResultSchema,
  type ScriptLevelSettings,
  type ScriptSettings,
} from "../schemas";
import { z } from "zod";

export type UsageModelResult = z.infer<typeof usageModelResultSchema>;
export interface UsageModelInput {
  usage_model: "standard" | "bundled" | "unbound";
  user_limits?: { cpu_ms?: number };
}

/** GET `…/settings`: bindings (secrets without values), compatibility, limits, placement, observability… */
export async function getSettings(client: CloudflareClient, scope: Scope, scriptName: string): Promise<ScriptSettings> {
  return client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/settings`, schema: scriptSettingsSchema });
}

/**
 * PATCH `…/settings`: multipart with one part, `settings`; only the fields given change (a new version).
 * Idempotent by nature: the fields carry absolute values, so sending the same PATCH twice leaves the same
 * configuration (at worst one more identical version), just as a repeated PUT does. Hence retrySafe.
 */
export async function patchSettings(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  settings: Partial<ScriptSettings>,
  options: { bindingsInherit?: "strict" } = {},
): Promise<ScriptSettings> {
  return client.request({
    method: "PATCH",
    path: `${scriptPath(scope, scriptName)}/settings`,
    query: { bindings_inherit: options.bindingsInherit },
    form: () => buildSettingsForm(settings),
    schema: scriptSettingsSchema,
    retrySafe: true,
    redact: bindingSecretValues(settings.bindings),
  });
}

/** GET `…/script-settings`: logpush, observability, tags, tail consumers (not versioned). */
export async function getScriptSettings(client: CloudflareClient, scope: Scope, scriptName: string): Promise<ScriptLevelSettings> {
  return client.request({
    method: "GET",
    path: `${scriptPath(scope, scriptName)}/script-settings`,
    schema: scriptLevelSettingsSchema,
  });
}

/**
 * PATCH `…/script-settings` (JSON): only the fields given change. Idempotent by nature: it sets absolute
 * values, so repeating it after a lost answer leaves the same settings. Hence retrySafe.
 */
export async function patchScriptSettings(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  settings: Partial<ScriptLevelSettings>,
): Promise<ScriptLevelSettings> {
  return client.request({
    method: "PATCH",
    path: `${scriptPath(scope, scriptName)}/script-settings`,
    json: settings,
    schema: scriptLevelSettingsSchema,
    retrySafe: true,
  });
}

/** GET `…/usage-model`. */
export async function getUsageModel(client: CloudflareClient, scope: Scope, scriptName: string): Promise<UsageModelResult> {
  return client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/usage-model`, schema: usageModelResultSchema });
}

/** PUT `…/usage-model` (JSON). */
export async function putUsageModel(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  body: UsageModelInput,
): Promise<UsageModelResult> {
  return client.request({
    method: "PUT",
    path: `${scriptPath(scope, scriptName)}/usage-model`,
    json: body,
    schema: usageModelResultSchema,
  });
}

/** The script-level fields: at account scope in `…/script-settings`; in a dispatch namespace in `…/settings`. */
const SCRIPT_LEVEL_FIELDS = ["logpush", "observability", "tags", "tail_consumers"] as const;

function scriptLevelOf(settings: ScriptSettings): ScriptLevelSettings {
  const out: Record<string, unknown> = {};
  for (const field of SCRIPT_LEVEL_FIELDS) if (settings[field] !== undefined) out[field] = settings[field];
  return out as ScriptLevelSettings;
}

/**
 * The script-level settings (logpush, observability, tags, tail consumers) in either scope. The API has no
 * `…/script-settings` for a Worker in a dispatch namespace (the SDK's namespace script resources are content,
 * settings, bindings, secrets, tags and asset-upload): there they are read from GET `…/settings`.
 */
export async function readScriptLevelSettings(client: CloudflareClient, scope: Scope, scriptName: string): Promise<ScriptLevelSettings> {
  if (scope.dispatchNamespace === undefined) return getScriptSettings(client, scope, scriptName);
  return scriptLevelOf(await getSettings(client, scope, scriptName));
}

/**
 * Writes script-level settings in either scope: PATCH `…/script-settings` on the account; in a dispatch
 * namespace, tags with PUT `…/tags` and the other fields with PATCH `…/settings` (which makes a version).
 * Only the fields given are sent.
 */
export async function writeScriptLevelSettings(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  settings: Partial<ScriptLevelSettings>,
): Promise<void> {
  if (scope.dispatchNamespace === undefined) {
    await patchScriptSettings(client, scope, scriptName, settings);
    return;
  }
  const { tags, ...rest } = settings;
  if (tags !== undefined) await putDispatchScriptTags(client, scope, scriptName, tags ?? []);
  if (Object.keys(rest).length > 0) await patchSettings(client, scope, scriptName, rest);
}

/** PUT `…/dispatch/namespaces/{ns}/scripts/{name}/tags` (JSON array): replaces the tags of a namespaced Worker. */
export async function putDispatchScriptTags(client: CloudflareClient, scope: Scope, scriptName: string, tags: string[]): Promise<string[]> {
  if (scope.dispatchNamespace === undefined) {
    throw new TypeError("putDispatchScriptTags needs a scope with dispatchNamespace; on the account, tags are in …/script-settings");
  }
  return client.request({ method: "PUT", path: `${scriptPath(scope, scriptName)}/tags`, json: tags, schema: z.array(z.string()) });
}

/** GET `…/dispatch/namespaces/{ns}/scripts/{name}/tags`. */
export async function getDispatchScriptTags(client: CloudflareClient, scope: Scope, scriptName: string): Promise<string[]> {
  if (scope.dispatchNamespace === undefined) {
    throw new TypeError("getDispatchScriptTags needs a scope with dispatchNamespace; on the account, tags are in …/script-settings");
  }
  return client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/tags`, schema: z.array(z.string()) });
}
