/**
 * Wire shapes of deployments (which versions serve, by percentage) and of a version upload's answer. Readers
 * are liberal (nulls, absent fields, fields added later); the body we send is strict.
 * Source: the official SDK's `resources/workers/scripts/deployments.ts` and `versions.ts`.
 */
import { z } from "zod";
import { versionAnnotationsSchema, versionMetadataSchema } from "./versions";

/** "A deployment can consist of one or two versions of a Worker." */
export const DEPLOYMENT_MAX_VERSIONS = 2;
/** `workers/message`: "Truncated to 100 bytes." */
export const DEPLOYMENT_MESSAGE_MAX_BYTES = 100;

const UNDASHED_UUID = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i;
const DASHED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A version id in the one form users see and pass: the dashed, lower-case UUID of the versions and deployments
 * endpoints. An upload answers the same id as `deployment_id` without dashes (a recorded `PUT …/content`);
 * anything that is not a UUID in either spelling is returned as it is. Pure.
 */
export function dashedVersionId(id: string): string {
  const m = UNDASHED_UUID.exec(id);
  if (m !== null) return m.slice(1).join("-").toLowerCase();
  return DASHED_UUID.test(id) ? id.toLowerCase() : id;
}

export const deploymentVersionSchema = z.looseObject({ version_id: z.string(), percentage: z.number() });

/** A deployment; POST `…/deployments` answers only `{"id": …}` (recorded), though the SDK types all of it. */
export const deploymentSchema = z.looseObject({
  id: z.string().nullish(),
  created_on: z.string().nullish(),
  source: z.string().nullish(),
  strategy: z.string().nullish(),
  author_email: z.string().nullish(),
  versions: z.array(deploymentVersionSchema).nullish(),
  annotations: z.looseObject({ "workers/message": z.string().nullish(), "workers/triggered_by": z.string().nullish() }).nullish(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

/** GET `…/deployments`: newest first ("The first deployment in the list is the latest deployment actively serving traffic"). */
export const deploymentListSchema = z.looseObject({ deployments: z.array(deploymentSchema).nullish() });

/** POST `…/deployments` body, as we send it. */
export const deploymentInputSchema = z.strictObject({
  strategy: z.literal("percentage"),
  versions: z
    .array(z.strictObject({ version_id: z.string().min(1), percentage: z.number().min(0).max(100) }))
    .min(1)
    .max(DEPLOYMENT_MAX_VERSIONS),
  annotations: z.strictObject({ "workers/message": z.string().optional() }).optional(),
});
export type DeploymentInput = z.infer<typeof deploymentInputSchema>;

/** POST `…/versions`: the new version (id and number), its metadata and resources, or less (the SDK types `id?`). */
export const versionUploadResultSchema = z.looseObject({
  id: z.string().nullish(),
  number: z.number().nullish(),
  metadata: versionMetadataSchema.nullish(),
  annotations: versionAnnotationsSchema.nullish(),
  resources: z.unknown().optional(),
  startup_time_ms: z.number().nullish(),
});
export type VersionUploadResult = z.infer<typeof versionUploadResultSchema>;
