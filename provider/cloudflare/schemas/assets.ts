/**
 * Static assets: the `assets.config` of an upload, the manifest sent to open an upload session, and the
 * answers.
 */
import { z } from "zod";

export const assetsConfigSchema = z.looseObject({
  html_handling: z.enum(["auto-trailing-slash", "force-trailing-slash", "drop-trailing-slash", "none"]).optional(),
  not_found_handling: z.enum(["none", "404-page", "single-page-application"]).optional(),
  run_worker_first: z.union([z.boolean(), z.array(z.string())]).optional(),
  _headers: z.string().optional(),
  _redirects: z.string().optional(),
  serve_directly: z.boolean().optional(),
});

export const ASSET_HASH_PATTERN = /^[0-9a-f]{32}$/;
export const assetManifestSchema = z.record(
  z.string().startsWith("/"),
  z.strictObject({ hash: z.string().regex(ASSET_HASH_PATTERN), size: z.number().int().nonnegative() }),
);
export const assetsUploadSessionInputSchema = z.looseObject({ manifest: assetManifestSchema });
export const assetsUploadSessionSchema = z.looseObject({
  jwt: z.string(),
  buckets: z.array(z.array(z.string())).default([]),
});
export const assetsUploadResultSchema = z.looseObject({ jwt: z.string().optional() }).nullable();
