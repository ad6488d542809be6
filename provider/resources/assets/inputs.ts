/**
 * The `assets` input of WorkerScript (camelCase, as users write it), its limits, and the wire form of its
 * configuration (`metadata.assets.config`, snake_case, with the `_headers` / `_redirects` files' text).
 */
import { z } from "zod";
import { assetsConfigSchema } from "../../cloudflare/schemas";
import { compact } from "../common";

/** The API's limit per asset file. */
export const ASSET_MAX_FILE_BYTES = 25 * 1024 * 1024;
/** Files per Worker version on the Workers Free plan (the default limit). */
export const ASSETS_DEFAULT_MAX_FILES = 20_000;
/** Files per Worker version on the Workers Paid plan (the highest `maxFiles` accepted). */
export const ASSETS_PAID_MAX_FILES = 100_000;
/** `runWorkerFirst` rules accepted by the API. */
export const RUN_WORKER_FIRST_MAX_RULES = 100;

const HTML_HANDLING = assetsConfigSchema.shape.html_handling.unwrap().options;
const NOT_FOUND_HANDLING = assetsConfigSchema.shape.not_found_handling.unwrap().options;

const runWorkerFirstRule = z
  .string()
  .max(100)
  .regex(/^!?\//, "a runWorkerFirst rule is a path pattern starting with '/' (or '!/' to exclude)");

export const assetsConfigInputSchema = z.strictObject({
  htmlHandling: z.enum(HTML_HANDLING).optional(),
  notFoundHandling: z.enum(NOT_FOUND_HANDLING).optional(),
  runWorkerFirst: z.union([z.boolean(), z.array(runWorkerFirstRule).min(1).max(RUN_WORKER_FIRST_MAX_RULES)]).optional(),
});

export const assetsInputSchema = z.strictObject({
  /** The folder to upload, absolute or relative to the program's working directory. */
  directory: z.string().min(1, "the assets directory cannot be empty"),
  config: assetsConfigInputSchema.optional(),
  /** File-count limit: 20,000 by default (Workers Free); up to 100,000 on Workers Paid. */
  maxFiles: z.number().int().min(1).max(ASSETS_PAID_MAX_FILES).optional(),
});

export type AssetsConfigInput = z.infer<typeof assetsConfigInputSchema>;
export type AssetsInput = z.infer<typeof assetsInputSchema>;
export type WireAssetsConfig = z.infer<typeof assetsConfigSchema>;

/** `metadata.assets.config`: the user's settings plus the text of `_headers` and `_redirects`. Pure. */
export function wireAssetsConfig(config: AssetsConfigInput | undefined, files: { headers?: string; redirects?: string }): WireAssetsConfig {
  return compact({
    html_handling: config?.htmlHandling,
    not_found_handling: config?.notFoundHandling,
    run_worker_first: config?.runWorkerFirst,
    _headers: files.headers,
    _redirects: files.redirects,
  }) as WireAssetsConfig;
}
