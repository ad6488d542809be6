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
  dashedVersionId,
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
  return answer.resultInfo === undefined ? { items: answer.result.items } : { items: answer.result.items, resultInfo: answer.resultInfo };
}

/** GET `…/versions/{version_id}`: bindings, script and runtime of one version (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/). */
export async function getVersion(client: CloudflareClient, scope: Scope, scriptName: string, versionId: string): Promise<VersionDetail> {
  return client.request({
    method: "GET",
    path: `${scriptPath(scope, scriptName)}${path`/versions/${versionId}`}`,
    schema: versionDetailSchema,
  });
}

/** The largest `per_page` of the versions list. */
export const VERSIONS_MAX_PER_PAGE = 100;

function createdAt(item: VersionListItem): number {
  const at = Date.parse(item.metadata?.created_on ?? "");
  return Number.isNaN(at) ? -Infinity : at;
}

/**
 * The newest of some versions, by `metadata.created_on` then `number` (wrangler sorts by `created_on`); the
 * list's own order is not documented, so it is never trusted. Rows without an id are skipped. Pure.
 */
export function newestVersion(items: readonly VersionListItem[]): (VersionListItem & { id: string }) | undefined {
  const rows = items.filter((v): v is VersionListItem & { id: string } => typeof v.id === "string");
  return [...rows].sort((a, b) => createdAt(b) - createdAt(a) || (b.number ?? -1) - (a.number ?? -1))[0];
}

/**
 * The Worker's newest version: one page of the largest size; when that page runs oldest first and more pages
 * follow, the last page too (the newest is there). One call for any Worker with at most 100 versions.
 */
export async function getNewestVersion(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
): Promise<(VersionListItem & { id: string }) | undefined> {
  const first = await listVersions(client, scope, scriptName, { page: 1, perPage: VERSIONS_MAX_PER_PAGE });
  const info = first.resultInfo;
  const pages = info?.total_pages ?? (info?.total_count !== undefined ? Math.ceil(info.total_count / VERSIONS_MAX_PER_PAGE) : 1);
  const numbers = first.items.map((v) => v.number ?? 0);
  const oldestFirst = numbers.length > 1 && numbers[0]! < numbers[numbers.length - 1]!;
  if (pages <= 1 || !oldestFirst) return newestVersion(first.items);
  const last = await listVersions(client, scope, scriptName, { page: pages, perPage: VERSIONS_MAX_PER_PAGE });
  return newestVersion([...first.items, ...last.items]);
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
export async function uploadVersion(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  input: UploadVersionInput,
): Promise<VersionUploadResult> {
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
  const result = await client.request({
    method: "GET",
    path: `${scriptPath(scope, scriptName)}/deployments`,
    schema: deploymentListSchema,
  });
  return result.deployments ?? [];
}

export interface CreateDeploymentInput {
  versions: { versionId: string; percentage: number }[];
  message?: string;
  /** Deploy even when the API would block it (a rollback over changed secrets). */
  force?: boolean;
}

/**
 * POST `…/deployments`: one or two versions by percentage (`strategy: "percentage"`), each id sent in its dashed
 * form (an upload's `deployment_id` spells it without dashes). The answer may carry only the new `id`.
 */
export async function createDeployment(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  input: CreateDeploymentInput,
): Promise<Deployment> {
  const body = deploymentInputSchema.parse({
    strategy: "percentage",
    versions: input.versions.map((v) => ({ version_id: dashedVersionId(v.versionId), percentage: v.percentage })),
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
