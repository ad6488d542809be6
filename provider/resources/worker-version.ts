/**
 * WorkerVersion: one version of a Worker with its code and versioned configuration, uploaded and not deployed
 * (wrangler's `versions upload`). WorkerDeployment decides what serves.
 *
 * Lifecycle → endpoints:
 *   create  POST …/versions (the full upload form; `keep_bindings` carries the secrets of the latest version,
 *           `keep_assets` its static assets). The Worker must exist: it is looked up in the account listing
 *           (shared by every resource of the run), so a version never creates a Worker by accident
 *   read    GET …/versions/{id}: detects a version that is gone; a version never changes
 *   update  none: every input replaces (a new version is uploaded, the old one stays in the Worker's history)
 *   delete  nothing: the API keeps every version; deleting the resource forgets it
 *
 * Inputs are WorkerScript's versioned ones and are checked by the same rules. Not here: `migrations` (a
 * migration applies when deployed at 100%, so it belongs to WorkerScript's full upload), `assets` (kept from
 * the latest version), script-level settings (WorkerScriptSettings).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { getDefaultClient, getVersion, isNotFound, uploadVersion, type CloudflareClient, type Scope } from "../cloudflare";
import { compact, diffByTable, diffResult, scopeOf, scriptResourceId, type CheckFailure, type DiffField } from "./common";
import { contentHash, loadModules } from "./modules";
import { listedScript, wasCreatedHere } from "./script-cache";
import { uploadMetadata, WORKER_SCRIPT_DIFF, workerScriptProvider, type WorkerScriptInputs } from "./worker-script";

/** WorkerScript's inputs that describe one version. */
export const WORKER_VERSION_INPUTS = [
  "accountId",
  "scriptName",
  "content",
  "modules",
  "mainModule",
  "bindings",
  "compatibilityDate",
  "compatibilityFlags",
  "placement",
  "limits",
  "usageModel",
  "annotations",
  "keepBindings",
] as const;

export type WorkerVersionInputs = Pick<WorkerScriptInputs, (typeof WORKER_VERSION_INPUTS)[number] | "contentHash">;

export interface WorkerVersionOutputs extends WorkerVersionInputs {
  versionId?: string;
  versionNumber?: number;
  createdOn?: string;
}

const COMPUTED = ["contentHash", "versionId", "versionNumber", "createdOn"];

/** Refused with a reason rather than "not an input": what a WorkerScript user might carry over. */
const NOT_FOR_A_VERSION: Record<string, string> = {
  dispatchNamespace: "versions and deployments exist for Workers of the account only; remove it",
  migrations: "migrations apply with a deployment at 100%: keep them on the WorkerScript, whose full upload sends only the steps not yet applied",
  assets: "a version keeps the Worker's current static assets; change assets on the WorkerScript",
  adopt: "a version is always new; remove it",
  force: "not an input of WorkerVersion; remove it",
  trackVersion: "a WorkerVersion always reports versionId and versionNumber; remove it",
};

/** A version is immutable: any change of what it holds uploads a new one. */
export const WORKER_VERSION_DIFF: Record<string, DiffField> = Object.fromEntries(
  Object.entries(WORKER_SCRIPT_DIFF)
    .filter(([key]) => (WORKER_VERSION_INPUTS as readonly string[]).includes(key) || key === "contentHash")
    .map(([key, rule]) => [key, { ...rule, kind: "replace" as const }]),
);

function describe(scope: Scope, name: string): string {
  return `WorkerVersion of Worker "${name}" in account ${scope.accountId}`;
}

async function workerExists(client: CloudflareClient, scope: Scope, name: string): Promise<boolean> {
  return wasCreatedHere(scope.accountId, undefined, name) || (await listedScript(client, scope.accountId, name)) !== undefined;
}

export function makeWorkerVersionProvider(client: () => CloudflareClient = getDefaultClient) {
  return {
    async check(olds: WorkerVersionInputs, news: WorkerVersionInputs): Promise<dynamic.CheckResult<WorkerVersionInputs>> {
      const failures: CheckFailure[] = [];
      const raw = news as Record<string, unknown>;
      const allowed = new Set<string>([...WORKER_VERSION_INPUTS, ...COMPUTED, "__provider"]);
      for (const key of Object.keys(raw)) {
        if (NOT_FOR_A_VERSION[key] !== undefined && raw[key] !== undefined) failures.push({ property: key, reason: `${key}: ${NOT_FOR_A_VERSION[key]}` });
        else if (!allowed.has(key) && NOT_FOR_A_VERSION[key] === undefined) failures.push({ property: key, reason: `${key}: not an input of WorkerVersion; check the spelling` });
      }
      const versionInputs = Object.fromEntries(Object.entries(raw).filter(([key]) => allowed.has(key) && !COMPUTED.includes(key)));
      // WorkerScript's rules are the rules of a version's inputs: one declaration of each.
      const checked = await workerScriptProvider.check(olds as WorkerScriptInputs, versionInputs as WorkerScriptInputs);
      failures.push(...(checked.failures ?? []));
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: compact(checked.inputs as Record<string, unknown>) as WorkerVersionInputs };
    },

    async diff(_id: string, olds: WorkerVersionOutputs, news: WorkerVersionInputs): Promise<dynamic.DiffResult> {
      return diffResult(diffByTable(WORKER_VERSION_DIFF, olds as Record<string, unknown>, news as Record<string, unknown>));
    },

    async create(inputs: WorkerVersionInputs): Promise<dynamic.CreateResult<WorkerVersionOutputs>> {
      const scope = scopeOf(inputs);
      const name = inputs.scriptName!;
      const code = loadModules(inputs);
      if (!code.modules) throw new Error(`${describe(scope, name)}: ${code.failures.map((f) => f.reason).join("; ")}`);
      const hash = contentHash(code.modules, code.mainModule);
      if (inputs.contentHash !== undefined && hash !== inputs.contentHash) {
        throw new Error(`${describe(scope, name)}: a module file changed between preview and deployment; run the update again`);
      }
      if (!(await workerExists(client(), scope, name))) {
        throw new Error(
          `${describe(scope, name)}: the Worker does not exist. Create it with a WorkerScript (its first version) and pass that ` +
            `resource's scriptName output here, so the Worker exists before its versions.`,
        );
      }
      const metadata = { ...uploadMetadata(inputs, code.mainModule!), keep_assets: true };
      const version = await uploadVersion(client(), scope, name, { metadata, modules: code.modules });
      const outs: WorkerVersionOutputs = {
        ...inputs,
        contentHash: hash,
        versionId: version.id,
        ...(version.number == null ? {} : { versionNumber: version.number }),
        ...(version.metadata?.created_on == null ? {} : { createdOn: version.metadata.created_on }),
      };
      return { id: scriptResourceId(scope, name, "versions", version.id), outs: compact(outs as Record<string, unknown>) as WorkerVersionOutputs };
    },

    async read(id: string, props: WorkerVersionOutputs): Promise<dynamic.ReadResult<WorkerVersionOutputs>> {
      if (props.versionId === undefined) return {};
      try {
        const live = await getVersion(client(), scopeOf(props), props.scriptName!, props.versionId);
        return { id, props: compact({ ...props, versionNumber: live.number }) as WorkerVersionOutputs };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id: string, olds: WorkerVersionOutputs, news: WorkerVersionInputs): Promise<dynamic.UpdateResult<WorkerVersionOutputs>> {
      // Every field replaces; an update only ever carries what no field compares.
      return { outs: { ...news, versionId: olds.versionId, versionNumber: olds.versionNumber, createdOn: olds.createdOn, contentHash: olds.contentHash } };
    },

    async delete(): Promise<void> {
      // The API keeps every version of a Worker; forgetting it is all there is to do.
    },
  };
}

export const workerVersionProvider = makeWorkerVersionProvider();
