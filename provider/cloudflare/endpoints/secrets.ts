/**
 * Secrets of a Worker. Values go out once (PUT) and never come back: reads return `{name, type}` only.
 * Secret names in URLs are percent-encoded and flagged with `url_encoded=true`, as wrangler does, so a name
 * holding "/" or "?" reaches the right secret.
 */
import { z } from "zod";
import type { CloudflareClient } from "../client";
import { CloudflareApiError } from "../errors";
import { path, scriptPath, type Scope } from "../paths";
import { secretValuesOf } from "../secret-values";
import { secretInputSchema, secretListSchema, secretSchema, type Secret, type SecretInput } from "../schemas";

/** PUT `…/secrets`: creates or replaces one secret (`secret_text` or `secret_key`). */
export async function putSecret(client: CloudflareClient, scope: Scope, scriptName: string, secret: SecretInput): Promise<Secret> {
  const body = secretInputSchema.parse(secret);
  return client.request({
    method: "PUT",
    path: `${scriptPath(scope, scriptName)}/secrets`,
    json: body,
    schema: secretSchema,
    redact: secretValuesOf(body),
  });
}

/**
 * GET `…/secrets`: every secret's name and type. The API has answered 10007 ("This Worker does not exist")
 * for a Worker that never had a secret (cloudflare/workers-sdk#4018), so that answer is read as no secrets:
 * this call cannot tell whether the Worker exists (ask `…/settings` for that).
 */
export async function listSecrets(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Secret[]> {
  try {
    return await client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/secrets`, schema: secretListSchema });
  } catch (error) {
    if (error instanceof CloudflareApiError && error.codes.includes(10007)) return [];
    throw error;
  }
}

function secretPath(scope: Scope, scriptName: string, secretName: string): string {
  return `${scriptPath(scope, scriptName)}${path`/secrets/${secretName}`}`;
}

/** GET `…/secrets/{secret_name}`: one secret, without its value. */
export async function getSecret(client: CloudflareClient, scope: Scope, scriptName: string, secretName: string): Promise<Secret> {
  return client.request({
    method: "GET",
    path: secretPath(scope, scriptName, secretName),
    query: { url_encoded: true },
    schema: secretSchema,
  });
}

/** DELETE `…/secrets/{secret_name}`. */
export async function deleteSecret(client: CloudflareClient, scope: Scope, scriptName: string, secretName: string): Promise<void> {
  await client.request({
    method: "DELETE",
    path: secretPath(scope, scriptName, secretName),
    query: { url_encoded: true },
    schema: z.unknown(),
  });
}
