/**
 * Wire shapes (snake_case, as in the seeds) of Worker scripts and everything configured on them.
 * Result schemas are loose: fields the API adds later pass through untouched.
 */
import { z } from "zod";
import { lenientList } from "./lenient";
import {
  addProblems,
  secretKeyProblems,
  wireBindingListSchema,
  bindingInputListSchema,
  requestBindingListSchema,
  SECRET_KEY_FIELDS,
} from "./bindings";

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

export const COMPATIBILITY_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const compatibilityDateSchema = z
  .string()
  .regex(COMPATIBILITY_DATE_PATTERN, "a compatibility date is written YYYY-MM-DD")
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "not a real calendar date",
  );

export const USAGE_MODELS = ["standard", "bundled", "unbound"] as const;
export const usageModelSchema = z.enum(USAGE_MODELS);

export const limitsSchema = z.looseObject({ cpu_ms: z.number().int().positive().optional() });

/**
 * `cache_options`, the Worker's cache configuration, versioned: in the upload metadata, POST …/versions and
 * …/settings (the official SDK's `ScriptUpdateParams.Metadata.CacheOptions`: `enabled` required,
 * `cross_version_cache` optional; terraform-provider-cloudflare's `workers_script` defaults both to false).
 */
export const cacheOptionsSchema = z.looseObject({ enabled: z.boolean(), cross_version_cache: z.boolean().optional() });

const placementTargetSchema = z.union([
  z.looseObject({ region: z.string() }),
  z.looseObject({ hostname: z.string() }),
  z.looseObject({ host: z.string() }),
]);

/** Placement as written (seed 000); reads add `last_analyzed_at` and `status`, measured by the server. */
export const placementSchema = z.looseObject({
  mode: z.enum(["smart", "targeted"]).optional(),
  region: z.string().optional(),
  hostname: z.string().optional(),
  host: z.string().optional(),
  target: z.array(placementTargetSchema).optional(),
  last_analyzed_at: z.string().optional(),
  status: z.string().optional(),
});

const samplingRate = z.number().min(0).max(1);

/**
 * Observability as a program writes it (WorkerScriptSettings, WorkerScript's upload): strict, no nulls.
 * Fields as in the official SDK's `observability` params.
 */
export const observabilityInputSchema = z.strictObject({
  enabled: z.boolean(),
  head_sampling_rate: samplingRate.optional(),
  issues: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  logs: z
    .strictObject({
      enabled: z.boolean(),
      invocation_logs: z.boolean(),
      destinations: z.array(z.string()).optional(),
      head_sampling_rate: samplingRate.optional(),
      persist: z.boolean().optional(),
    })
    .optional(),
  redact_query_string: z.boolean().optional(),
  traces: z
    .strictObject({
      enabled: z.boolean().optional(),
      destinations: z.array(z.string()).optional(),
      head_sampling_rate: samplingRate.optional(),
      persist: z.boolean().optional(),
      propagation_policy: z.enum(["authenticated", "accept"]).optional(),
    })
    .optional(),
});

/**
 * Observability as the API answers it: every field the SDK types allow to be `null` may be (a recorded upload
 * echoed `{"enabled":true,"head_sampling_rate":null}`; `logs`, `traces`, `persist` come back `null` too), and
 * fields added later pass through.
 */
export const observabilitySchema = z.looseObject({
  enabled: z.boolean().optional(),
  head_sampling_rate: z.number().nullish(),
  issues: z.looseObject({ enabled: z.boolean().nullish() }).nullish(),
  logs: z
    .looseObject({
      enabled: z.boolean().nullish(),
      invocation_logs: z.boolean().nullish(),
      destinations: z.array(z.string()).nullish(),
      head_sampling_rate: z.number().nullish(),
      persist: z.boolean().nullish(),
    })
    .nullish(),
  redact_query_string: z.boolean().nullish(),
  traces: z
    .looseObject({
      enabled: z.boolean().nullish(),
      destinations: z.array(z.string()).nullish(),
      head_sampling_rate: z.number().nullish(),
      persist: z.boolean().nullish(),
      propagation_policy: z.string().nullish(),
    })
    .nullish(),
});
export type Observability = z.infer<typeof observabilitySchema>;

export const tailConsumerSchema = z.looseObject({
  service: z.string().min(1),
  environment: z.string().optional(),
  namespace: z.string().optional(),
});

const renamedClassSchema = z.looseObject({ from: z.string().optional(), to: z.string().optional() });
const transferredClassSchema = z.looseObject({
  from: z.string().optional(),
  from_script: z.string().optional(),
  to: z.string().optional(),
});
const migrationStepSchema = z.looseObject({
  new_classes: z.array(z.string()).optional(),
  new_sqlite_classes: z.array(z.string()).optional(),
  deleted_classes: z.array(z.string()).optional(),
  renamed_classes: z.array(renamedClassSchema).optional(),
  transferred_classes: z.array(transferredClassSchema).optional(),
});
export const migrationsSchema = z.union([
  z.looseObject({ new_tag: z.string().optional(), old_tag: z.string().optional(), steps: z.array(migrationStepSchema) }),
  migrationStepSchema.extend({ new_tag: z.string().optional(), old_tag: z.string().optional() }),
]);

/** Migrations as our own code sends them: one of the two documented forms exactly, nothing else. */
export const migrationsInputSchema = z.union([
  z.strictObject({ new_tag: z.string().optional(), old_tag: z.string().optional(), steps: z.array(migrationStepSchema.strict()) }),
  migrationStepSchema.extend({ new_tag: z.string().optional(), old_tag: z.string().optional() }).strict(),
]);

/** A class named in a migration step: the exported Durable Object class, a JavaScript identifier. */
export const MIGRATION_CLASS_PATTERN = /^[A-Za-z_$][\w$]*$/;
const migrationClassSchema = z
  .string()
  .regex(MIGRATION_CLASS_PATTERN, "a class name is a JavaScript identifier: the exported Durable Object class");

/**
 * One tagged step of a migrations list (wrangler's `[[migrations]]`), as a program writes it (wire spelling).
 * The list is ordered; the provider sends only the steps after the Worker's live tag.
 */
export const taggedMigrationStepInputSchema = z.strictObject({
  tag: z.string().min(1, "a migration tag cannot be empty").max(100),
  new_classes: z.array(migrationClassSchema).optional(),
  new_sqlite_classes: z.array(migrationClassSchema).optional(),
  deleted_classes: z.array(migrationClassSchema).optional(),
  renamed_classes: z.array(z.strictObject({ from: migrationClassSchema, to: migrationClassSchema })).optional(),
  transferred_classes: z
    .array(z.strictObject({ from: migrationClassSchema, from_script: z.string().min(1), to: migrationClassSchema }))
    .optional(),
});
export type TaggedMigrationStep = z.infer<typeof taggedMigrationStepInputSchema>;
export const migrationListInputSchema = z.array(taggedMigrationStepInputSchema);

/** Version annotations; `workers/triggered_by` is set by the server. */
export const annotationsSchema = z.looseObject({
  "workers/message": z.string().max(100).optional(),
  "workers/tag": z.string().max(25).optional(),
  /** A version's preview alias (wrangler's `versions upload --preview-alias`, deploy-helpers `versions-upload.ts`). */
  "workers/alias": z.string().optional(),
  "workers/triggered_by": z.string().optional(),
});

export const TAG_MAX_LENGTH = 1024;
export const TAGS_MAX_COUNT = 8;
export const tagSchema = z
  .string()
  .min(1)
  .max(TAG_MAX_LENGTH)
  .refine((t) => !t.includes(","), "a tag cannot contain ','");

export const assetsConfigSchema = z.looseObject({
  html_handling: z.enum(["auto-trailing-slash", "force-trailing-slash", "drop-trailing-slash", "none"]).optional(),
  not_found_handling: z.enum(["none", "404-page", "single-page-application"]).optional(),
  run_worker_first: z.union([z.boolean(), z.array(z.string())]).optional(),
  _headers: z.string().optional(),
  _redirects: z.string().optional(),
  serve_directly: z.boolean().optional(),
});

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

/** GET/PATCH `…/settings` (seed 000): the versioned configuration. */
export const scriptSettingsSchema = z.looseObject({
  annotations: annotationsSchema.optional(),
  bindings: wireBindingListSchema.optional(),
  cache_options: cacheOptionsSchema.nullish(),
  compatibility_date: z.string().optional(),
  compatibility_flags: z.array(z.string()).optional(),
  limits: limitsSchema.optional(),
  logpush: z.boolean().optional(),
  migrations: z.unknown().optional(),
  observability: observabilitySchema.nullable().optional(),
  placement: placementSchema.nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  tail_consumers: z.array(tailConsumerSchema).nullable().optional(),
  usage_model: z.string().optional(),
});
export type ScriptSettings = z.infer<typeof scriptSettingsSchema>;

/** The `settings` part of a PATCH `…/settings` as the emulator accepts it: bindings by the API's rules. */
export const settingsPatchRequestSchema = scriptSettingsSchema.extend({ bindings: requestBindingListSchema.optional() });

/** GET/PATCH `…/script-settings`: script-level, not versioned. */
export const scriptLevelSettingsSchema = z.looseObject({
  logpush: z.boolean().optional(),
  observability: observabilitySchema.nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  tail_consumers: z.array(tailConsumerSchema).nullable().optional(),
});
export type ScriptLevelSettings = z.infer<typeof scriptLevelSettingsSchema>;

const namedHandlerSchema = z.looseObject({ name: z.string().optional(), handlers: z.array(z.string()).optional() });
const routeSchema = z.looseObject({ id: z.string(), pattern: z.string().nullish(), script: z.string().nullish() });

/** The Script object (seed 002, seed 004 upload result): list rows, upload and content results. */
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

/** PUT `…/secrets` body. */
export const secretTextInputSchema = z.strictObject({
  name: z.string().min(1),
  type: z.literal("secret_text"),
  text: z.string(),
});
export const secretKeyInputSchema = z
  .strictObject({ name: z.string().min(1), type: z.literal("secret_key"), ...SECRET_KEY_FIELDS })
  .superRefine((key, ctx) => addProblems(ctx, secretKeyProblems(key)));
export const secretInputSchema = z.discriminatedUnion("type", [secretTextInputSchema, secretKeyInputSchema]);
export type SecretInput = z.infer<typeof secretInputSchema>;

/** A secret as the API describes it: never with its value. */
export const secretSchema = z.looseObject({ name: z.string(), type: z.string() });
export type Secret = z.infer<typeof secretSchema>;
export const secretListSchema = z.array(secretSchema);

export const subdomainSchema = z.looseObject({ enabled: z.boolean(), previews_enabled: z.boolean().optional() });
export type Subdomain = z.infer<typeof subdomainSchema>;
/** The account's workers.dev subdomain (`GET /accounts/{a}/workers/subdomain`). */
export const accountSubdomainSchema = z.looseObject({ subdomain: z.string().min(1) });
/** POST `…/subdomain` as we send it: both fields, always (see endpoints/subdomain.ts). */
export const subdomainInputSchema = z.strictObject({ enabled: z.boolean(), previews_enabled: z.boolean() });
/** POST `…/subdomain` as the emulator accepts it, as the API does: `previews_enabled` may be left out. */
export const subdomainRequestSchema = subdomainInputSchema.extend({ previews_enabled: z.boolean().optional() });

export const usageModelResultSchema = z.looseObject({
  usage_model: z.string(),
  user_limits: z.looseObject({ cpu_ms: z.number().optional() }).optional(),
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

/**
 * Version metadata. Every field may be `null` or absent: the SDK types them optional (`modified_on` is absent
 * from the recorded answers), and an optional field is read as absent when it comes back `null`, as the
 * recorded observability echoes show the API doing.
 */
export const versionMetadataSchema = z.looseObject({
  author_email: z.string().nullish(),
  author_id: z.string().nullish(),
  created_on: z.string().nullish(),
  modified_on: z.string().nullish(),
  hasPreview: z.boolean().nullish(),
  has_preview: z.boolean().nullish(),
  source: z.string().nullish(),
});

/** A version's annotations as answered: `workers/triggered_by` set by the server, the others as uploaded. */
export const versionAnnotationsSchema = z.looseObject({
  "workers/message": z.string().nullish(),
  "workers/tag": z.string().nullish(),
  "workers/triggered_by": z.string().nullish(),
});

/** A row of GET `…/versions`. */
export const versionListItemSchema = z.looseObject({
  id: z.string().nullish(),
  number: z.number().nullish(),
  metadata: versionMetadataSchema.nullish(),
  annotations: versionAnnotationsSchema.nullish(),
});

/** GET `…/versions`: `{items: [...]}` plus `result_info` in the envelope (without `total_pages`, as recorded). */
export const versionListSchema = z.looseObject({ items: lenientList(versionListItemSchema) });

/** GET `…/versions/{version_id}` (seed 001). An assets-only version answers `handlers: null` (wrangler's types). */
export const versionDetailSchema = z.looseObject({
  id: z.string().nullish(),
  number: z.number().nullish(),
  metadata: versionMetadataSchema.nullish(),
  annotations: versionAnnotationsSchema.nullish(),
  resources: z.looseObject({
    bindings: wireBindingListSchema.nullish(),
    script: z
      .looseObject({
        etag: z.string().nullish(),
        handlers: z.array(z.string()).nullish(),
        last_deployed_from: z.string().nullish(),
        named_handlers: z.array(namedHandlerSchema).nullish(),
      })
      .nullish(),
    script_runtime: z
      .looseObject({
        compatibility_date: z.string().nullish(),
        compatibility_flags: z.array(z.string()).nullish(),
        limits: limitsSchema.nullish(),
        migration_tag: z.string().nullish(),
        usage_model: z.string().nullish(),
      })
      .nullish(),
  }),
});
export type VersionDetail = z.infer<typeof versionDetailSchema>;

/** Workers for Platforms dispatch namespaces. */
export const dispatchNamespaceSchema = z.looseObject({
  namespace_id: z.string().optional(),
  namespace_name: z.string().optional(),
  created_on: z.string().optional(),
  created_by: z.string().optional(),
  modified_on: z.string().optional(),
  modified_by: z.string().optional(),
  script_count: z.number().optional(),
  trusted_workers: z.boolean().optional(),
});
export type DispatchNamespace = z.infer<typeof dispatchNamespaceSchema>;
export const dispatchNamespaceListSchema = z.array(dispatchNamespaceSchema);
export const dispatchNamespaceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9_][a-z0-9-_]*$/, "a namespace name uses only a-z, 0-9, '-' and '_'");

/** Static assets: the manifest sent to open an upload session, and the answers. */
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
