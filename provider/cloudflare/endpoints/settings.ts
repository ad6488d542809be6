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
import type { z } from "zod";

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
