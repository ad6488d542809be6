/** Versions of a Worker: each upload, code change, settings PATCH or secret change makes one. */
import type { z } from "zod";
import type { CloudflareClient } from "../client";
import { path, scriptPath, type Scope } from "../paths";
import { versionDetailSchema, versionListSchema, type ResultInfo, type VersionDetail } from "../schemas";

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
