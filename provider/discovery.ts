/**
 * Discovery: read-only lookups of Workers that already exist, for stack programs (through sdk/discovery.ts)
 * and for the import generator. Every answer is parsed by the wire schemas of the client and handed back
 * camelCase, as the resources' inputs are written. Nothing here writes.
 *
 *   listWorkers        GET /workers/scripts[?tags=…]; in a dispatch namespace, GET …/scripts/{name} per name
 *   searchWorkers      GET /workers/scripts-search, every page
 *   getWorkerSettings  GET …/settings (account or dispatch namespace)
 *   getWorkerVersion   GET …/versions/{version_id} (account scope only, as the API:
 *                      https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/)
 */
import {
  getDefaultClient,
  getDispatchScript,
  getSettings,
  getVersion,
  isNotFound,
  listScripts,
  resolveAccountId,
  searchAllScripts,
  type CloudflareClient,
  type Scope,
  type Script,
} from "./cloudflare";
import { accountIdSchema, dashedVersionId, dispatchNamespaceNameSchema, liveMigrationTag, tagSchema } from "./cloudflare/schemas";
import { fromWire } from "./resources/case";

/** A binding as the API reports it, camelCase: `{ type: "kv_namespace", name: "CACHE", namespaceId: "…" }`. */
export interface DiscoveredBinding {
  type: string;
  name: string;
  [field: string]: unknown;
}

export interface DiscoveredTailConsumer {
  service: string;
  environment?: string;
  namespace?: string;
}

/** One Worker as the account listing describes it. */
export interface WorkerSummary {
  /** The Worker's name (the API calls it `id`). */
  scriptName: string;
  dispatchNamespace?: string;
  /** The API's identifier of the Worker (`tag`). */
  tag?: string;
  /** The API's hash of the deployed content. */
  etag?: string;
  createdOn?: string;
  modifiedOn?: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  handlers?: string[];
  namedHandlers?: { name?: string; handlers?: string[] }[];
  hasAssets?: boolean;
  hasModules?: boolean;
  lastDeployedFrom?: string;
  logpush?: boolean;
  migrationTag?: string;
  usageModel?: string;
  tags?: string[];
  tailConsumers?: DiscoveredTailConsumer[];
  placement?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One row of scripts-search. */
export interface WorkerSearchRow {
  /** The API's identifier of the Worker (its `tag`). */
  id: string;
  scriptName: string;
  createdOn?: string;
  modifiedOn?: string;
  environmentIsDefault?: boolean;
  environmentName?: string;
  serviceName?: string;
  [field: string]: unknown;
}

/** The versioned configuration of a Worker (GET …/settings). Secret bindings carry no value. */
export interface WorkerSettings {
  bindings?: DiscoveredBinding[];
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  limits?: { cpuMs?: number };
  placement?: Record<string, unknown> | null;
  usageModel?: string;
  annotations?: { workersMessage?: string; workersTag?: string; workersTriggeredBy?: string };
  logpush?: boolean;
  observability?: Record<string, unknown> | null;
  tags?: string[] | null;
  tailConsumers?: DiscoveredTailConsumer[] | null;
  migrations?: unknown;
  [field: string]: unknown;
}

/** One version of a Worker, as GET …/versions/{version_id} describes it. */
export interface WorkerVersion {
  id: string;
  number: number;
  metadata?: {
    authorEmail?: string;
    authorId?: string;
    createdOn?: string;
    modifiedOn?: string;
    hasPreview?: boolean;
    source?: string;
    [field: string]: unknown;
  };
  resources: {
    bindings?: DiscoveredBinding[];
    script?: { etag?: string; handlers?: string[]; lastDeployedFrom?: string; namedHandlers?: { name?: string; handlers?: string[] }[] };
    scriptRuntime?: {
      compatibilityDate?: string;
      compatibilityFlags?: string[];
      limits?: { cpuMs?: number };
      migrationTag?: string;
      usageModel?: string;
    };
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface ListWorkersArgs {
  /** Defaults to the stack config `cloudflare-workers:accountId`, then CLOUDFLARE_ACCOUNT_ID. */
  accountId?: string;
  /**
   * Read these Workers inside a Workers for Platforms dispatch namespace. The API has no listing of a
   * namespace's Workers, so `scriptNames` says which ones; those that do not exist are left out.
   */
  dispatchNamespace?: string;
  scriptNames?: string[];
  /** Only Workers carrying these tags: `"production"` or `"production:yes"` must have it, `"staging:no"` must not. */
  tags?: string | string[];
}

export interface SearchWorkersArgs {
  accountId?: string;
  /** Part of the name (the API matches case-insensitively). */
  name?: string;
  /** The API's identifier of one Worker (its `tag`). */
  id?: string;
  orderBy?: "created_on" | "modified_on" | "name";
}

export interface GetWorkerSettingsArgs {
  accountId?: string;
  scriptName: string;
  dispatchNamespace?: string;
}

export interface GetWorkerVersionArgs {
  accountId?: string;
  scriptName: string;
  versionId: string;
}

const ORDER_BY = ["created_on", "modified_on", "name"] as const;

function accountOf(explicit: string | undefined): string {
  const accountId = resolveAccountId(explicit);
  const parsed = accountIdSchema.safeParse(accountId);
  if (!parsed.success) throw new TypeError(`accountId: ${parsed.error.issues[0]!.message}`);
  return accountId;
}

function requireName(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${field}: required, a non-empty string`);
  return value;
}

function namespaceOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = dispatchNamespaceNameSchema.safeParse(value);
  if (!parsed.success) throw new TypeError(`dispatchNamespace: ${parsed.error.issues[0]!.message}`);
  return value;
}

/** `["a", "b:no"]` → `"a:yes,b:no"`, the filter syntax of GET /workers/scripts. */
export function tagFilter(tags: string | string[] | undefined): string | undefined {
  if (tags === undefined) return undefined;
  const items = (typeof tags === "string" ? tags.split(",") : tags).map((t) => t.trim()).filter((t) => t.length > 0);
  if (items.length === 0) return undefined;
  return items
    .map((item) => {
      const colon = item.lastIndexOf(":");
      const suffix = colon < 0 ? "" : item.slice(colon + 1);
      const [tag, want] = suffix === "yes" || suffix === "no" ? [item.slice(0, colon), suffix] : [item, "yes"];
      const parsed = tagSchema.safeParse(tag);
      if (!parsed.success) throw new TypeError(`tags: "${tag}": ${parsed.error.issues[0]!.message}`);
      return `${tag}:${want}`;
    })
    .join(",");
}

/** Whether a Worker's tags satisfy a filter built by `tagFilter`. */
function matchesTags(tags: readonly string[], filter: string | undefined): boolean {
  if (filter === undefined) return true;
  return filter.split(",").every((item) => {
    const colon = item.lastIndexOf(":");
    return tags.includes(item.slice(0, colon)) === (item.slice(colon + 1) === "yes");
  });
}

function summaryOf(script: Script, dispatchNamespace?: string): WorkerSummary {
  const { id, migration_tag: _tag, deployment_id: deploymentId, ...wire } = script;
  // A never-migrated Worker's `""` is no tag; a version id is shown dashed, as the versions endpoints spell it.
  const tag = liveMigrationTag(script);
  const rest = {
    ...wire,
    ...(tag === undefined ? {} : { migration_tag: tag }),
    ...(typeof deploymentId === "string" ? { deployment_id: dashedVersionId(deploymentId) } : {}),
  };
  const summary = fromWire<Omit<WorkerSummary, "scriptName">>(rest);
  return { scriptName: id ?? "", ...(dispatchNamespace === undefined ? {} : { dispatchNamespace }), ...summary };
}

/** The Workers of an account (optionally filtered by tags), or the named Workers of a dispatch namespace. */
export async function listWorkers(args: ListWorkersArgs = {}, client: CloudflareClient = getDefaultClient()): Promise<WorkerSummary[]> {
  const accountId = accountOf(args.accountId);
  const filter = tagFilter(args.tags);
  const dispatchNamespace = namespaceOf(args.dispatchNamespace);
  if (dispatchNamespace === undefined) {
    if (args.scriptNames !== undefined)
      throw new TypeError(
        "scriptNames: only with dispatchNamespace; on the account, every Worker is listed (filter by tags, or use searchWorkers by name)",
      );
    return (await listScripts(client, accountId, { tags: filter })).map((s) => summaryOf(s));
  }
  if (args.scriptNames === undefined) {
    throw new TypeError(
      `scriptNames: required with dispatchNamespace "${dispatchNamespace}": the Cloudflare API cannot list the Workers of a dispatch namespace, so name the ones to read`,
    );
  }
  const scope: Scope = { accountId, dispatchNamespace };
  const found: WorkerSummary[] = [];
  for (const name of args.scriptNames) {
    try {
      const detail = await getDispatchScript(client, scope, requireName("scriptNames[]", name));
      const script: Script = { ...(detail.script ?? {}), id: detail.script?.id ?? name };
      if (detail.created_on !== undefined) script.created_on = detail.created_on;
      if (detail.modified_on !== undefined) script.modified_on = detail.modified_on;
      if (matchesTags(script.tags ?? [], filter)) found.push(summaryOf(script, dispatchNamespace));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return found;
}

/** Every row of scripts-search matching the arguments, all pages read. */
export async function searchWorkers(
  args: SearchWorkersArgs = {},
  client: CloudflareClient = getDefaultClient(),
): Promise<WorkerSearchRow[]> {
  const accountId = accountOf(args.accountId);
  if (args.orderBy !== undefined && !ORDER_BY.includes(args.orderBy)) {
    throw new TypeError(`orderBy: one of ${ORDER_BY.join(", ")}`);
  }
  const rows = await searchAllScripts(client, accountId, { name: args.name, id: args.id, orderBy: args.orderBy });
  return rows.map((row) => fromWire<WorkerSearchRow>(row));
}

/** The versioned configuration of one Worker: bindings (secrets without values), compatibility, placement, limits. */
export async function getWorkerSettings(
  args: GetWorkerSettingsArgs,
  client: CloudflareClient = getDefaultClient(),
): Promise<WorkerSettings> {
  const scope: Scope = { accountId: accountOf(args.accountId), dispatchNamespace: namespaceOf(args.dispatchNamespace) };
  return fromWire<WorkerSettings>(await getSettings(client, scope, requireName("scriptName", args.scriptName)));
}

/** One version of a Worker: its bindings, script and runtime. */
export async function getWorkerVersion(args: GetWorkerVersionArgs, client: CloudflareClient = getDefaultClient()): Promise<WorkerVersion> {
  const scope: Scope = { accountId: accountOf(args.accountId) };
  const versionId = dashedVersionId(requireName("versionId", args.versionId));
  const version = await getVersion(client, scope, requireName("scriptName", args.scriptName), versionId);
  return fromWire<WorkerVersion>(version);
}
