/**
 * Wire shapes of deployments (which versions serve, by percentage) and of a version upload's answer. Readers
 * are liberal (nulls, absent fields, fields added later); the body we send is strict.
 * Source: the official SDK's `resources/workers/scripts/deployments.ts` and `versions.ts`.
 */
import { z } from "zod";
import { versionMetadataSchema } from "./script";

/** "A deployment can consist of one or two versions of a Worker." */
export const DEPLOYMENT_MAX_VERSIONS = 2;
/** `workers/message`: "Truncated to 100 bytes." */
export const DEPLOYMENT_MESSAGE_MAX_BYTES = 100;

export const deploymentVersionSchema = z.looseObject({ version_id: z.string(), percentage: z.number() });

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
  versions: z.array(z.strictObject({ version_id: z.string().min(1), percentage: z.number().min(0).max(100) })).min(1).max(DEPLOYMENT_MAX_VERSIONS),
  annotations: z.strictObject({ "workers/message": z.string().optional() }).optional(),
});
export type DeploymentInput = z.infer<typeof deploymentInputSchema>;

/** POST `…/versions`: the new version (id and number), its metadata and resources, or less. */
export const versionUploadResultSchema = z.looseObject({
  id: z.string(),
  number: z.number().nullish(),
  metadata: versionMetadataSchema.nullish(),
  annotations: z.record(z.string(), z.unknown()).nullish(),
  startup_time_ms: z.number().nullish(),
});
export type VersionUploadResult = z.infer<typeof versionUploadResultSchema>;
