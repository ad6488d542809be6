/**
 * A Worker's versions (`…/versions`): the list, one version's detail, and the metadata and annotations
 * both carry.
 */
import { z } from "zod";
import { wireBindingListSchema } from "./bindings";
import { lenientList } from "./lenient";
import { namedHandlerSchema } from "./scripts";
import { limitsSchema } from "./settings";

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

/**
 * GET `…/versions/{version_id}` (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/). An assets-only
 * version answers `handlers: null` (wrangler's types).
 */
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
