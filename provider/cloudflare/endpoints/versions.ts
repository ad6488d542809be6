/**
 * Versions of a Worker (each upload, code change, settings PATCH or secret change makes one; POST `…/versions`
 * makes one that is not deployed) and deployments (which one or two versions serve, by percentage).
 */
import type { z } from "zod";
import type { CloudflareClient } from "../client";
import { path, scriptPath, type Scope } from "../paths";
import { buildUploadForm, type WorkerModule } from "../multipart";
import { bindingSecretValues } from "../secret-values";
import {
  deploymentInputSchema,
  deploymentListSchema,
  deploymentSchema,
  versionDetailSchema,
  versionListSchema,
  versionUploadResultSchema,
  type Deployment,
  type ResultInfo,
  type UploadMetadata,
  type VersionDetail,
  type VersionUploadResult,
} from "../schemas";

export type VersionListItem = z.infer<typeof versionListSchema>["items"][number];

export interface ListVersionsOptions {
  page?: number;
  perPage?: number;
  /** Only versions that can be deployed. */
  deployable?: boolean;
}

/** GET `…/versions`: one page of `{items}` and `result_info`. */
export async function listVersions(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  options: ListVersionsOptions = {},
): Promise<{ items: VersionListItem[]; resultInfo?: ResultInfo }> {
  const answer = await client.requestEnvelope({
    method: "GET",
    path: `${scriptPath(scope, scriptName)}/versions`,
    query: { page: options.page, per_page: options.perPage, deployable: options.deployable },
    schema: versionListSchema,
  });
  return answer.resultInfo === undefined
    ? { items: answer.result.items }
    : { items: answer.result.items, resultInfo: answer.resultInfo };
}

/** GET `…/versions/{version_id}` (seed 001): bindings, script and runtime of one version. */
export async function getVersion(client: CloudflareClient, scope: Scope, scriptName: string, versionId: string): Promise<VersionDetail> {
  return client.request({
    method: "GET",
    path: `${scriptPath(scope, scriptName)}${path`/versions/${versionId}`}`,
    schema: versionDetailSchema,
  });
}

export interface UploadVersionInput {
  metadata: UploadMetadata;
  modules: WorkerModule[];
  /** "strict": an `inherit` binding that cannot be resolved is an error (10057) instead of being dropped. */
  bindingsInherit?: "strict";
}

/**
 * POST `…/versions`: a new version from the same form as a full upload, not deployed (wrangler's
 * `versions upload`). Script-level settings (logpush, tail consumers) are not part of a version.
 */
export async function uploadVersion(client: CloudflareClient, scope: Scope, scriptName: string, input: UploadVersionInput): Promise<VersionUploadResult> {
  return client.request({
    method: "POST",
    path: `${scriptPath(scope, scriptName)}/versions`,
    query: { bindings_inherit: input.bindingsInherit },
    form: () => buildUploadForm(input.metadata, input.modules),
    schema: versionUploadResultSchema,
    redact: bindingSecretValues(input.metadata.bindings),
  });
}

/** GET `…/deployments`: newest first; the first one serves. */
export async function listDeployments(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Deployment[]> {
  const result = await client.request({ method: "GET", path: `${scriptPath(scope, scriptName)}/deployments`, schema: deploymentListSchema });
  return result.deployments ?? [];
}

export interface CreateDeploymentInput {
  versions: { versionId: string; percentage: number }[];
  message?: string;
  /** Deploy even when the API would block it (a rollback over changed secrets). */
  force?: boolean;
}

/** POST `…/deployments`: one or two versions by percentage (`strategy: "percentage"`). */
export async function createDeployment(client: CloudflareClient, scope: Scope, scriptName: string, input: CreateDeploymentInput): Promise<Deployment> {
  const body = deploymentInputSchema.parse({
    strategy: "percentage",
    versions: input.versions.map((v) => ({ version_id: v.versionId, percentage: v.percentage })),
    ...(input.message === undefined ? {} : { annotations: { "workers/message": input.message } }),
  });
  return client.request({
    method: "POST",
    path: `${scriptPath(scope, scriptName)}/deployments`,
    query: { force: input.force === true ? true : undefined },
    json: body,
    schema: deploymentSchema,
  });
}
