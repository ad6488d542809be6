/**
 * Static assets, in three steps (wrangler's flow):
 *   1. POST `…/assets-upload-session` with the manifest → a session JWT and buckets of the hashes the
 *      server lacks (none: the JWT is already the completion token);
 *   2. POST `/workers/assets/upload?base64=true` once per bucket, authorised by the session JWT → 202, or
 *      201 `{jwt}` once every file of the manifest has arrived (the completion token);
 *   3. the caller puts `assets: {jwt: <completion token>, config}` into the upload metadata.
 */
import type { z } from "zod";
import type { CloudflareClient } from "../client";
import { buildAssetsBucketForm, type AssetFilePart } from "../multipart";
import { path, scriptPath, type Scope } from "../paths";
import { assetManifestSchema, assetsUploadResultSchema, assetsUploadSessionSchema } from "../schemas";

export type AssetManifest = z.infer<typeof assetManifestSchema>;
export type AssetsUploadSession = z.infer<typeof assetsUploadSessionSchema>;
export type { AssetFilePart } from "../multipart";

/**
 * Step 1. Idempotent by nature: opening a session changes nothing on the Worker, and a repeat just opens
 * another session for the same manifest. Hence retrySafe.
 */
export async function createAssetsUploadSession(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  manifest: AssetManifest,
): Promise<AssetsUploadSession> {
  return client.request({
    method: "POST",
    path: `${scriptPath(scope, scriptName)}/assets-upload-session`,
    json: { manifest: assetManifestSchema.parse(manifest) },
    schema: assetsUploadSessionSchema,
    retrySafe: true,
  });
}

/**
 * Step 2, one bucket. Authorised by the session JWT (never the account credentials). Idempotent by nature:
 * files are addressed by their hash, so sending the same ones again stores nothing new. Hence retrySafe.
 */
export async function uploadAssetsBucket(
  client: CloudflareClient,
  accountId: string,
  sessionJwt: string,
  files: AssetFilePart[],
  options: { extraTimeoutMs?: number } = {},
): Promise<{ jwt?: string }> {
  const result = await client.request({
    ...(options.extraTimeoutMs === undefined ? {} : { extraTimeoutMs: options.extraTimeoutMs }),
    method: "POST",
    path: path`/accounts/${accountId}/workers/assets/upload`,
    query: { base64: true },
    form: () => buildAssetsBucketForm(files),
    schema: assetsUploadResultSchema,
    bearer: sessionJwt,
    retrySafe: true,
  });
  return result?.jwt === undefined ? {} : { jwt: result.jwt };
}
