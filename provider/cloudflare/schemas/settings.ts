/**
 * Wire shapes (snake_case) of a Worker's configuration: the versioned settings (`…/settings`), the
 * script-level settings (`…/script-settings`), the usage model, and the fields they and the upload share
 * (compatibility date, placement, limits, observability, tail consumers, annotations, tags).
 */
import { z } from "zod";
import { requestBindingListSchema, wireBindingListSchema } from "./bindings";

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

/** Placement as written (GET …/settings, below); reads add `last_analyzed_at` and `status`, measured by the server. */
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

/**
 * GET/PATCH `…/settings`: the versioned configuration
 * (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/script_and_version_settings/methods/get/).
 */
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

export const usageModelResultSchema = z.looseObject({
  usage_model: z.string(),
  user_limits: z.looseObject({ cpu_ms: z.number().optional() }).optional(),
});
