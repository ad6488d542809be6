/**
 * Worker scripts: upload, download, delete, code-only updates, listing and search. Every function taking a
 * `Scope` serves both the account and a dispatch namespace (Workers for Platforms).
 */
import { z } from "zod";
import type { CloudflareClient, RawResponse } from "../client";
import {
  buildContentForm,
  buildUploadForm,
  guessModuleContentType,
  multipartBoundary,
  parseModulesMultipart,
  type WorkerModule,
} from "../multipart";
import { path, scriptPath, type Scope } from "../paths";
import { bindingSecretValues } from "../secret-values";
import {
  dispatchScriptSchema,
  scriptListSchema,
  scriptSchema,
  scriptSearchResultSchema,
  type ResultInfo,
  type Script,
  type ScriptSearchRow,
  type UploadMetadata,
} from "../schemas";

export type { WorkerModule } from "../multipart";
export type DispatchScript = z.infer<typeof dispatchScriptSchema>;

/** `per_page` of scripts-search is at most 100. */
export const SEARCH_MAX_PER_PAGE = 100;
/** A safety stop for paging: 1,000 pages of 100 rows is far beyond any account's Worker limit. */
export const SEARCH_MAX_PAGES = 1_000;

/** The header naming the main module in a content answer. */
export const ENTRYPOINT_HEADER = "cf-entrypoint";

const ignoredResult = z.unknown();

export interface UploadScriptInput {
  metadata: UploadMetadata;
  modules: WorkerModule[];
  /** "strict": an `inherit` binding that cannot be resolved is an error (10057) instead of being dropped. */
  bindingsInherit?: "strict";
}

/** PUT `…/scripts/{name}`: the whole Worker (code, bindings, settings the metadata carries). */
export async function uploadScript(client: CloudflareClient, scope: Scope, scriptName: string, input: UploadScriptInput): Promise<Script> {
  return client.request({
    method: "PUT",
    path: scriptPath(scope, scriptName),
    query: { bindings_inherit: input.bindingsInherit },
    form: () => buildUploadForm(input.metadata, input.modules),
    schema: scriptSchema,
    redact: bindingSecretValues(input.metadata.bindings),
  });
}

/**
 * The Worker's code as the API serves it: GET `…/scripts/{name}` on the account (the raw script, a
 * multipart body for module Workers). In a dispatch namespace that GET answers JSON metadata (see
 * `getDispatchScript`), so the code is read from `…/content` instead.
 */
export async function downloadScript(client: CloudflareClient, scope: Scope, scriptName: string): Promise<Uint8Array> {
  const base = scriptPath(scope, scriptName);
  const raw = await client.requestRaw({ method: "GET", path: scope.dispatchNamespace === undefined ? base : `${base}/content` });
  return raw.body;
}

/** GET `…/dispatch/namespaces/{ns}/scripts/{name}`: JSON `{created_on, modified_on, dispatch_namespace, script}`. */
export async function getDispatchScript(client: CloudflareClient, scope: Scope, scriptName: string): Promise<DispatchScript> {
  if (scope.dispatchNamespace === undefined) {
    throw new TypeError("getDispatchScript needs a scope with dispatchNamespace; on the account, use downloadScript or listScripts");
  }
  return client.request({ method: "GET", path: scriptPath(scope, scriptName), schema: dispatchScriptSchema });
}

/** DELETE `…/scripts/{name}`; `force` also deletes what binds to it (without, a Worker others bind is kept). */
export async function deleteScript(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  options: { force?: boolean } = {},
): Promise<void> {
  await client.request({
    method: "DELETE",
    path: scriptPath(scope, scriptName),
    query: { force: options.force === true ? true : undefined },
    schema: ignoredResult,
  });
}

export interface ScriptContentInput {
  mainModule?: string;
  bodyPart?: string;
  modules: WorkerModule[];
}

/** PUT `…/content`: replaces the code only; bindings and settings are untouched. */
export async function putScriptContent(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  input: ScriptContentInput,
): Promise<Script | null> {
  return client.request({
    method: "PUT",
    path: `${scriptPath(scope, scriptName)}/content`,
    form: () => buildContentForm(input),
    schema: scriptSchema.nullable(),
  });
}

/**
 * Reads the modules out of a content answer: multipart (one part per module) or a single raw script. A 204
 * (or an empty body) is a Worker without code: an assets-only Worker answers so (terraform-provider-cloudflare
 * handles the same 204).
 */
export function modulesFromContent(raw: RawResponse): { mainModule?: string; modules: WorkerModule[] } {
  if (raw.status === 204 || raw.body.byteLength === 0) return { modules: [] };
  const entry = raw.headers[ENTRYPOINT_HEADER];
  const contentType = raw.headers["content-type"];
  const modules =
    multipartBoundary(contentType) !== undefined
      ? parseModulesMultipart(raw.body, contentType)
      : [
          {
            name: entry ?? "worker.js",
            contentType: contentType?.split(";")[0]?.trim() || guessModuleContentType(entry ?? "worker.js"),
            content: raw.body,
          },
        ];
  return entry === undefined ? { modules } : { mainModule: entry, modules };
}

/** GET `…/content/v2` (account) or `…/content` (dispatch namespace): the modules and the main module. */
export async function getScriptContent(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
): Promise<{ mainModule?: string; modules: WorkerModule[] }> {
  const suffix = scope.dispatchNamespace === undefined ? "/content/v2" : "/content";
  const raw = await client.requestRaw({ method: "GET", path: `${scriptPath(scope, scriptName)}${suffix}` });
  return modulesFromContent(raw);
}

/** GET `/workers/scripts` (`?tags=a:yes,b:no`): every Worker of the account in one page. */
export async function listScripts(client: CloudflareClient, accountId: string, options: { tags?: string } = {}): Promise<Script[]> {
  return client.request({
    method: "GET",
    path: path`/accounts/${accountId}/workers/scripts`,
    query: { tags: options.tags },
    schema: scriptListSchema,
  });
}

export interface SearchScriptsOptions {
  /** Partial name match. */
  name?: string;
  id?: string;
  orderBy?: "created_on" | "modified_on" | "name";
  page?: number;
  perPage?: number;
}

/** GET `/workers/scripts-search`: one page of rows and `result_info`. */
export async function searchScripts(
  client: CloudflareClient,
  accountId: string,
  options: SearchScriptsOptions = {},
): Promise<{ rows: ScriptSearchRow[]; resultInfo?: ResultInfo }> {
  const answer = await client.requestEnvelope({
    method: "GET",
    path: path`/accounts/${accountId}/workers/scripts-search`,
    query: {
      name: options.name,
      id: options.id,
      order_by: options.orderBy,
      page: options.page,
      per_page: options.perPage,
    },
    schema: scriptSearchResultSchema,
  });
  return answer.resultInfo === undefined ? { rows: answer.result } : { rows: answer.result, resultInfo: answer.resultInfo };
}

/** Every row of scripts-search, page after page (100 per page) until the last one. */
export async function searchAllScripts(
  client: CloudflareClient,
  accountId: string,
  options: Omit<SearchScriptsOptions, "page" | "perPage"> = {},
): Promise<ScriptSearchRow[]> {
  const rows: ScriptSearchRow[] = [];
  for (let page = 1; page <= SEARCH_MAX_PAGES; page++) {
    const answer = await searchScripts(client, accountId, { ...options, page, perPage: SEARCH_MAX_PER_PAGE });
    rows.push(...answer.rows);
    const totalPages = answer.resultInfo?.total_pages;
    const done = totalPages !== undefined ? page >= totalPages : answer.rows.length < SEARCH_MAX_PER_PAGE;
    if (done || answer.rows.length === 0) break;
  }
  return rows;
}
