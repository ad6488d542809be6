/**
 * Step 1 of the import: read the Workers to adopt, everything the resources manage, through the API client.
 * Nothing here writes to the API.
 *
 * Per Worker: GET …/settings (bindings and the versioned configuration, read through WorkerScript's own table
 * in worker-config.ts), GET …/secrets (names
 * and types; values never leave the API), GET …/content/v2 (the modules), and on the account also
 * GET …/script-settings, GET …/subdomain and GET …/schedules. Once per account import: GET /workers/domains
 * (every custom domain), GET /zones?account.id= and each zone's GET …/workers/routes, GET /queues (each
 * queue with its consumers) and GET /workflows.
 */
import {
  CloudflareApiError,
  consumerScript,
  listQueues,
  listWorkflows,
  getSchedules,
  listAccountZones,
  listDomains,
  listRoutes,
  getScriptContent,
  getScriptSettings,
  getSettings,
  getSubdomain,
  listSecrets,
  type CloudflareClient,
  type Scope,
  type ScriptLevelSettings,
  type ScriptSettings,
  type WorkerModule,
} from "../../provider/cloudflare";
import { bindingInputSchema, OPAQUE_BINDING_MARKER, SECRET_BINDING_TYPES } from "../../provider/cloudflare/schemas";
import { listWorkers, searchWorkers, type WorkerSummary } from "../../provider/discovery";
import { fromWire } from "../../provider/resources/case";
import { moduleTypeOf as moduleTypeOfPart, type ModuleType } from "../../provider/cloudflare/schemas/modules";
import { withoutNulls } from "../../provider/resources/normalise";
import { checkField, wireKeys } from "../../provider/resources/fields";
import { configurationOf, type WorkerConfigInputs } from "../../provider/resources/worker-config";
import { WORKER_SCRIPT_SETTINGS_FIELDS } from "../../provider/resources/worker-script-settings";

export { configurationOf };

type Json = Record<string, unknown>;

export interface ImportOptions {
  accountId: string;
  /** Only Workers whose name contains this (scripts-search). */
  name?: string;
  /** Only Workers carrying these tags (`tag`, `tag:yes`, `tag:no`). */
  tags?: string[];
  /** Import from this dispatch namespace instead of the account. */
  dispatchNamespace?: string;
  /** With dispatchNamespace: the Workers to import (the API cannot list a namespace's Workers). */
  scripts?: string[];
}

export interface ImportedModule {
  name: string;
  type: ModuleType;
  content: Uint8Array;
}

export interface ImportedSecret {
  name: string;
  type: string;
}

export interface ImportedWorker {
  scriptName: string;
  dispatchNamespace?: string;
  etag?: string;
  mainModule?: string;
  modules: ImportedModule[];
  /** Every binding but secrets, camelCase, as WorkerScript takes them. */
  bindings: Json[];
  /** The rest of the versioned configuration as WorkerScript takes it (`configurationOf`): what differs from the API's defaults. */
  configuration: Partial<WorkerConfigInputs>;
  secrets: ImportedSecret[];
  /** Script-level settings (account Workers only): the fields the program will manage. */
  scriptSettings?: { logpush?: boolean; observability?: Json; tags?: string[]; tailConsumers?: Json[] };
  /** The workers.dev subdomain (account Workers only). */
  subdomain?: { enabled: boolean; previewsEnabled?: boolean };
  /** Cron triggers (account Workers only). */
  crons?: string[];
  /** Zone routes running this Worker, by zone then pattern. */
  routes?: { zoneId: string; pattern: string }[];
  /** Custom domains served by this Worker, by hostname. */
  customDomains?: { hostname: string; zoneId?: string }[];
  /** Queues this Worker consumes, by queue name: WorkerQueueConsumer inputs. */
  queueConsumers?: ImportedQueueConsumer[];
  /** Workflows whose class this Worker exports, by name. */
  workflows?: { workflowName: string; className: string }[];
  /** Durable Object migration tag the API reports; migrations themselves cannot be read back. */
  migrationTag?: string;
  /** Things the user must look at: they are written into the program next to the Worker. */
  warnings: string[];
}

export interface ImportedQueueConsumer {
  queueName: string;
  deadLetterQueue?: string;
  batchSize?: number;
  maxRetries?: number;
  maxWaitTimeMs?: number;
  maxConcurrency?: number;
  retryDelay?: number;
}

export interface ImportedAccount {
  accountId: string;
  dispatchNamespace?: string;
  workers: ImportedWorker[];
}

/** The module type of a part of content/v2: by its content type, else by its extension. */
export function moduleTypeOf(module: WorkerModule): ModuleType | undefined {
  return moduleTypeOfPart(module.contentType, module.name);
}

/** A module name that stays inside the Worker's folder when written as a file. */
export function safeModuleName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.startsWith("/") &&
    !/[\u0000-\u001f\u007f\\:]/.test(name) &&
    name.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..")
  );
}

/** The Workers to import: the account listing (tags) narrowed by a name search, or named Workers of a namespace. */
async function workersToImport(client: CloudflareClient, options: ImportOptions): Promise<WorkerSummary[]> {
  if (options.dispatchNamespace !== undefined) {
    return listWorkers(
      {
        accountId: options.accountId,
        dispatchNamespace: options.dispatchNamespace,
        scriptNames: options.scripts ?? [],
        tags: options.tags,
      },
      client,
    );
  }
  const listed = await listWorkers({ accountId: options.accountId, tags: options.tags }, client);
  if (options.name === undefined) return listed;
  const matching = new Set(
    (await searchWorkers({ accountId: options.accountId, name: options.name }, client)).map((row) => row.scriptName),
  );
  return listed.filter((worker) => matching.has(worker.scriptName));
}

/** Bindings as WorkerScript declares them: secrets left to WorkerSecret; each checked against the input schema. */
export function declaredBindings(settings: ScriptSettings, warnings: string[]): Json[] {
  const out: Json[] = [];
  for (const binding of settings.bindings ?? []) {
    if ((SECRET_BINDING_TYPES as readonly string[]).includes(binding.type)) continue;
    const parsed = bindingInputSchema.safeParse(binding);
    if (!parsed.success) {
      // A type newer than this package, or a shape it does not know: carried as it is, marked opaque.
      warnings.push(
        `binding ${binding.name} (type ${binding.type}) is not one WorkerScript can check ` +
          `(${parsed.error.issues.map((i) => `${i.path.join(".") || "binding"}: ${i.message}`).join("; ")}); it is written as the API reports it, marked \`${OPAQUE_BINDING_MARKER}: true\`, and sent back unchanged`,
      );
      out.push({ ...fromWire<Json>(binding), [OPAQUE_BINDING_MARKER]: true });
      continue;
    }
    out.push(fromWire<Json>(binding));
  }
  return out;
}

/** Script-level settings to manage: logpush always (explicit), the others when set. */
export function scriptSettingsOf(live: ScriptLevelSettings, warnings: string[] = []): NonNullable<ImportedWorker["scriptSettings"]> {
  // Checked as WorkerScriptSettings' check will see the program's value (its own table, in the program's form).
  for (const key of wireKeys(WORKER_SCRIPT_SETTINGS_FIELDS)) {
    const field = WORKER_SCRIPT_SETTINGS_FIELDS[key];
    const value = withoutNulls((live as Record<string, unknown>)[field.wire]);
    if (value === undefined || value === null) continue;
    const failures = checkField(key, field, fromWire(value));
    if (failures.length > 0) {
      warnings.push(
        `script setting ${field.wire} is not accepted by WorkerScriptSettings as the API reports it (${failures.map((f) => f.reason).join("; ")}); fix or remove it before \`pulumi up\``,
      );
    }
  }
  return {
    logpush: live.logpush ?? false,
    observability: live.observability ? fromWire<Json>(withoutNulls(live.observability)) : undefined,
    tags: live.tags && live.tags.length > 0 ? [...live.tags] : undefined,
    tailConsumers: live.tail_consumers && live.tail_consumers.length > 0 ? fromWire<Json[]>(live.tail_consumers) : undefined,
  };
}

/** What serves traffic on the account: routes by Worker (every zone of the account) and custom domains by Worker. */
interface Attachments {
  routes: Map<string, { zoneId: string; pattern: string }[]>;
  domains: Map<string, { hostname: string; zoneId?: string }[]>;
  /** Why routes could not be read (a token without zone permissions), when so. */
  routesUnreadable?: string;
  consumers: Map<string, ImportedQueueConsumer[]>;
  workflows: Map<string, { workflowName: string; className: string }[]>;
  /** Why queues or Workflows could not be read (a token without their Read permissions), when so. */
  triggersUnreadable: string[];
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

/** A setting as WorkerQueueConsumer takes it: absent when the API has none (null: Cloudflare's automatic choice). */
const settingOf = (value: number | null | undefined): number | undefined => (typeof value === "number" ? value : undefined);

/** The queue consumers and Workflows of the account, by Worker; a token that may not read them gets a warning. */
async function readQueuesAndWorkflows(client: CloudflareClient, accountId: string, out: Attachments): Promise<void> {
  const unreadable = (what: string) => (error: unknown) => {
    if (!(error instanceof CloudflareApiError && error.code === "CF_AUTH")) throw error;
    out.triggersUnreadable.push(
      `the API token cannot read the account's ${what}, so they are not imported; give it ${what} Read to import them`,
    );
  };
  try {
    for (const queue of await listQueues(client, accountId)) {
      for (const c of queue.consumers ?? []) {
        const script = consumerScript({ consumer_id: "", ...c });
        if ((c.type ?? "worker") !== "worker" || script === undefined) continue;
        const s = c.settings ?? {};
        push(out.consumers, script, {
          queueName: queue.queue_name,
          deadLetterQueue: c.dead_letter_queue ? c.dead_letter_queue : undefined,
          batchSize: settingOf(s.batch_size),
          maxRetries: settingOf(s.max_retries),
          maxWaitTimeMs: settingOf(s.max_wait_time_ms),
          maxConcurrency: settingOf(s.max_concurrency),
          retryDelay: settingOf(s.retry_delay),
        });
      }
    }
  } catch (error) {
    unreadable("Queues")(error);
  }
  try {
    for (const w of await listWorkflows(client, accountId)) {
      if (w.script_deleted === true) continue;
      push(out.workflows, w.script_name, { workflowName: w.name, className: w.class_name });
    }
  } catch (error) {
    unreadable("Workflows")(error);
  }
  for (const list of out.consumers.values()) list.sort((a, b) => a.queueName.localeCompare(b.queueName));
  for (const list of out.workflows.values()) list.sort((a, b) => a.workflowName.localeCompare(b.workflowName));
}

async function readAttachments(client: CloudflareClient, accountId: string): Promise<Attachments> {
  const out: Attachments = { routes: new Map(), domains: new Map(), consumers: new Map(), workflows: new Map(), triggersUnreadable: [] };
  await readQueuesAndWorkflows(client, accountId, out);
  for (const d of await listDomains(client, accountId))
    push(out.domains, d.service, { hostname: d.hostname, ...(d.zone_id ? { zoneId: d.zone_id } : {}) });
  try {
    for (const zone of await listAccountZones(client, accountId)) {
      for (const r of await listRoutes(client, zone.id)) if (r.script) push(out.routes, r.script, { zoneId: zone.id, pattern: r.pattern });
    }
  } catch (error) {
    if (!(error instanceof CloudflareApiError && error.code === "CF_AUTH")) throw error;
    out.routesUnreadable =
      "the API token cannot read the account's zones, so the Worker's routes (if any) are not imported; give it Zone Read and Workers Routes Read to import them";
  }
  for (const list of out.domains.values()) list.sort((a, b) => a.hostname.localeCompare(b.hostname));
  for (const list of out.routes.values()) list.sort((a, b) => a.zoneId.localeCompare(b.zoneId) || a.pattern.localeCompare(b.pattern));
  return out;
}

async function readWorker(
  client: CloudflareClient,
  accountId: string,
  summary: WorkerSummary,
  attachments?: Attachments,
): Promise<ImportedWorker> {
  const scope: Scope = { accountId, dispatchNamespace: summary.dispatchNamespace };
  const name = summary.scriptName;
  const warnings: string[] = [];
  const onAccount = scope.dispatchNamespace === undefined;

  const [settings, secrets, content, scriptLevel, subdomain, schedules] = await Promise.all([
    getSettings(client, scope, name),
    listSecrets(client, scope, name),
    getScriptContent(client, scope, name),
    onAccount ? getScriptSettings(client, scope, name) : undefined,
    onAccount ? getSubdomain(client, scope, name) : undefined,
    onAccount ? getSchedules(client, accountId, name) : undefined,
  ]);
  if (onAccount && attachments?.routesUnreadable) warnings.push(attachments.routesUnreadable);
  if (onAccount) warnings.push(...(attachments?.triggersUnreadable ?? []));

  const modules: ImportedModule[] = [];
  for (const module of content.modules) {
    const type = moduleTypeOf(module);
    if (!safeModuleName(module.name))
      throw new Error(
        `Worker "${name}": module name ${JSON.stringify(module.name)} cannot be written as a file inside the program folder; not imported`,
      );
    if (type === undefined) {
      warnings.push(
        `module ${module.name} has content type ${module.contentType}, which WorkerScript cannot upload as such; it is written as "data"`,
      );
    }
    modules.push({ name: module.name, type: type ?? "data", content: module.content });
  }
  if (content.mainModule === undefined) {
    warnings.push(
      "the API names no main module: this looks like a service-worker (non-module) Worker, which WorkerScript uploads as an ES module; check the code before `pulumi up`",
    );
  }
  if (summary.hasAssets)
    warnings.push(
      "the Worker serves static assets, which cannot be downloaded from the API and are not imported; its assets are kept only until its next full upload",
    );
  if (summary.migrationTag)
    warnings.push(
      `Durable Object migrations cannot be read back; the Worker is at migration tag "${summary.migrationTag}". Write migrations as a list that starts with { tag: "${summary.migrationTag}" } and add new steps after it; only those are sent`,
    );

  return {
    scriptName: name,
    dispatchNamespace: scope.dispatchNamespace,
    etag: summary.etag,
    mainModule: content.mainModule,
    modules,
    bindings: declaredBindings(settings, warnings),
    configuration: configurationOf(settings),
    secrets: secrets.map((s) => ({ name: s.name, type: s.type })).sort((a, b) => a.name.localeCompare(b.name)),
    scriptSettings: scriptLevel === undefined ? undefined : scriptSettingsOf(scriptLevel, warnings),
    subdomain: subdomain === undefined ? undefined : { enabled: subdomain.enabled, previewsEnabled: subdomain.previews_enabled },
    crons: schedules && schedules.schedules.length > 0 ? schedules.schedules.map((s) => s.cron) : undefined,
    routes: onAccount ? attachments?.routes.get(name) : undefined,
    customDomains: onAccount ? attachments?.domains.get(name) : undefined,
    queueConsumers: onAccount ? attachments?.consumers.get(name) : undefined,
    workflows: onAccount ? attachments?.workflows.get(name) : undefined,
    migrationTag: summary.migrationTag,
    warnings,
  };
}

/** Reads every Worker to import, one Worker at a time (the client's limiter paces the calls within one). */
export async function collectAccount(
  client: CloudflareClient,
  options: ImportOptions,
  onWorker?: (name: string) => void,
): Promise<ImportedAccount> {
  const summaries = await workersToImport(client, options);
  const attachments =
    options.dispatchNamespace === undefined && summaries.length > 0 ? await readAttachments(client, options.accountId) : undefined;
  const workers: ImportedWorker[] = [];
  for (const summary of summaries) {
    onWorker?.(summary.scriptName);
    workers.push(await readWorker(client, options.accountId, summary, attachments));
  }
  return { accountId: options.accountId, dispatchNamespace: options.dispatchNamespace, workers };
}
