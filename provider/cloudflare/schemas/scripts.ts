/**
 * Wire shapes (snake_case) of a Worker script: its name, the metadata of an upload, the Script object of
 * the account listing and of uploads, a dispatch namespace's script, and the account's script search.
 * Result schemas are loose: fields the API adds later pass through untouched.
 */
import { z } from "zod";
import { bindingInputListSchema, requestBindingListSchema } from "./bindings";
import { assetsConfigSchema } from "./assets";
import { lenientList } from "./lenient";
import { migrationsSchema } from "./migrations";
import { annotationsSchema, cacheOptionsSchema, limitsSchema, observabilitySchema, placementSchema, tailConsumerSchema } from "./settings";

/** Script names on the account: lower case letters, digits, `-` and `_`, at most 63 characters. */
export const SCRIPT_NAME_PATTERN = /^[a-z0-9_][a-z0-9-_]*$/;
export const SCRIPT_NAME_MAX_LENGTH = 63;
export const scriptNameSchema = z
  .string()
  .min(1, "a script name cannot be empty")
  .max(SCRIPT_NAME_MAX_LENGTH, `a script name has at most ${SCRIPT_NAME_MAX_LENGTH} characters`)
  .regex(SCRIPT_NAME_PATTERN, "a script name uses only a-z, 0-9, '-' and '_', and does not start with '-'");

/**
 * Scripts inside a dispatch namespace are checked less strictly by the API; we still refuse what could not be
 * a URL path segment or a header value.
 */
export const dispatchScriptNameSchema = z
  .string()
  .min(1, "a script name cannot be empty")
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/, "a script name uses only letters, digits, '.', '-' and '_'");

export const ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/;
export const accountIdSchema = z.string().regex(ACCOUNT_ID_PATTERN, "an account id is 32 lower-case hexadecimal characters");

/** The `metadata` part of a PUT upload (and of POST …/versions). Unknown fields are ignored by the API. */
export const uploadMetadataSchema = z.looseObject({
  main_module: z.string().optional(),
  body_part: z.string().optional(),
  bindings: requestBindingListSchema.optional(),
  compatibility_date: z.string().optional(),
  compatibility_flags: z.array(z.string()).optional(),
  keep_bindings: z.array(z.string()).optional(),
  keep_assets: z.boolean().optional(),
  assets: z.looseObject({ jwt: z.string().optional(), config: assetsConfigSchema.optional() }).optional(),
  migrations: migrationsSchema.optional(),
  observability: observabilitySchema.optional(),
  placement: placementSchema.optional(),
  tags: z.array(z.string()).optional(),
  tail_consumers: z.array(tailConsumerSchema).optional(),
  usage_model: z.string().optional(),
  logpush: z.boolean().optional(),
  limits: limitsSchema.optional(),
  cache_options: cacheOptionsSchema.optional(),
  annotations: annotationsSchema.optional(),
});
export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;

/** The strict form of upload metadata our own code sends: known bindings only, secrets complete. */
export const uploadMetadataInputSchema = uploadMetadataSchema.extend({ bindings: bindingInputListSchema.optional() });

/** A named entrypoint and its handlers (list rows and a version's `resources.script`). */
export const namedHandlerSchema = z.looseObject({ name: z.string().optional(), handlers: z.array(z.string()).optional() });
const routeSchema = z.looseObject({ id: z.string(), pattern: z.string().nullish(), script: z.string().nullish() });

/**
 * The Script object: the rows of the account listing (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/list/), and the result of an
 * upload (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/update/) and of PUT …/content.
 */
export const scriptSchema = z.looseObject({
  id: z.string().optional(),
  tag: z.string().optional(),
  etag: z.string().optional(),
  created_on: z.string().optional(),
  modified_on: z.string().optional(),
  compatibility_date: z.string().optional(),
  compatibility_flags: z.array(z.string()).optional(),
  handlers: z.array(z.string()).optional(),
  named_handlers: z.array(namedHandlerSchema).optional(),
  has_assets: z.boolean().optional(),
  has_modules: z.boolean().optional(),
  last_deployed_from: z.string().optional(),
  logpush: z.boolean().optional(),
  /** `""` for a Worker never migrated (wrangler's mocks of the listing); `liveMigrationTag` reads it. */
  migration_tag: z.string().nullish(),
  observability: observabilitySchema.nullable().optional(),
  placement: placementSchema.nullable().optional(),
  placement_mode: z.string().optional(),
  placement_status: z.string().optional(),
  routes: z.array(routeSchema).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  tail_consumers: z.array(tailConsumerSchema).nullable().optional(),
  usage_model: z.string().optional(),
  startup_time_ms: z.number().optional(),
  entry_point: z.string().optional(),
  /** The new version's id, answered without dashes by an upload (recorded); `dashedVersionId` reads it. */
  deployment_id: z.string().nullish(),
});
export type Script = z.infer<typeof scriptSchema>;

/**
 * The migration tag of a live Worker, or undefined when it has none. A Worker never migrated is listed with
 * `migration_tag: ""` (wrangler's mocks of `GET /workers/scripts` and `/workers/services/{name}`; wrangler has
 * tested the tag by truthiness since its first Durable Object support): `""` is no tag. Pure.
 */
export function liveMigrationTag(script: { migration_tag?: string | null } | undefined): string | undefined {
  const tag = script?.migration_tag;
  return typeof tag === "string" && tag !== "" ? tag : undefined;
}
/** The account listing: one odd row is read field by field, never failing the listing (see lenient.ts). */
export const scriptListSchema = lenientList(scriptSchema);

/** GET of a script inside a dispatch namespace answers JSON rather than the raw code. */
export const dispatchScriptSchema = z.looseObject({
  created_on: z.string().optional(),
  modified_on: z.string().optional(),
  dispatch_namespace: z.string().optional(),
  script: scriptSchema.optional(),
});

/** A row of GET `/workers/scripts-search`. */
export const scriptSearchRowSchema = z.looseObject({
  id: z.string(),
  script_name: z.string(),
  created_on: z.string().optional(),
  modified_on: z.string().optional(),
  environment_is_default: z.boolean().optional(),
  environment_name: z.string().optional(),
  service_name: z.string().optional(),
});
export const scriptSearchResultSchema = z.array(scriptSearchRowSchema);
export type ScriptSearchRow = z.infer<typeof scriptSearchRowSchema>;
