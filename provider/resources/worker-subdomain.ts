/**
 * WorkerSubdomain: whether a Worker answers on its workers.dev subdomain (and its preview URLs there).
 *
 * Lifecycle → endpoints:
 *   create / update  POST …/subdomain {enabled, previews_enabled}
 *   read             GET …/subdomain
 *   delete           DELETE …/subdomain (disables the workers.dev subdomain)
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { deleteSubdomain, getDefaultClient, getSubdomain, isNotFound, setSubdomain } from "../cloudflare";
import { checkScope, compact, diffByTable, diffResult, scopeOf, scriptResourceId, type CheckFailure, type DiffField, type ScopeInputs } from "./common";

export interface WorkerSubdomainInputs extends ScopeInputs {
  enabled?: boolean;
  previewsEnabled?: boolean;
  /** Read the live state first and write only if it differs (nothing for a Worker taken over as it is). */
  adopt?: boolean;
}
export type WorkerSubdomainOutputs = WorkerSubdomainInputs;

const INPUT_KEYS = new Set(["accountId", "scriptName", "dispatchNamespace", "enabled", "previewsEnabled", "adopt", "__provider"]);

export const WORKER_SUBDOMAIN_DIFF: Record<string, DiffField> = {
  accountId: { kind: "replace" },
  scriptName: { kind: "replace" },
  enabled: { kind: "update" },
  previewsEnabled: { kind: "update", normalise: (v) => v === true },
  adopt: { kind: "update", normalise: (v) => v === true },
};

/**
 * Always both fields: without `previews_enabled` the API may apply its older default (preview URLs on), so a
 * program that does not ask for preview URLs gets them off (they are public). Wrangler sends both too.
 */
function body(inputs: WorkerSubdomainInputs) {
  return { enabled: inputs.enabled === true, previews_enabled: inputs.previewsEnabled === true };
}

export const workerSubdomainProvider = {
  async check(_olds: WorkerSubdomainInputs, news: WorkerSubdomainInputs): Promise<dynamic.CheckResult<WorkerSubdomainInputs>> {
    const failures: CheckFailure[] = [];
    for (const key of Object.keys(news)) {
      if (!INPUT_KEYS.has(key)) failures.push({ property: key, reason: `${key}: not an input of WorkerSubdomain; check the spelling` });
    }
    if (news.dispatchNamespace !== undefined) {
      failures.push({ property: "dispatchNamespace", reason: "dispatchNamespace: Workers in a dispatch namespace have no workers.dev subdomain; remove it" });
    }
    const scope = checkScope({ ...news, dispatchNamespace: undefined }, failures);
    if (typeof news.enabled !== "boolean") failures.push({ property: "enabled", reason: "enabled: required, true or false" });
    if (news.adopt !== undefined && typeof news.adopt !== "boolean") failures.push({ property: "adopt", reason: "adopt: expected true or false" });
    if (news.previewsEnabled !== undefined && typeof news.previewsEnabled !== "boolean") {
      failures.push({ property: "previewsEnabled", reason: "previewsEnabled: expected true or false" });
    }
    return failures.length > 0 ? { inputs: news, failures } : { inputs: { ...news, ...scope } };
  },

  async diff(_id: string, olds: WorkerSubdomainOutputs, news: WorkerSubdomainInputs): Promise<dynamic.DiffResult> {
    return diffResult(diffByTable(WORKER_SUBDOMAIN_DIFF, olds as Record<string, unknown>, news as Record<string, unknown>));
  },

  async create(inputs: WorkerSubdomainInputs): Promise<dynamic.CreateResult<WorkerSubdomainOutputs>> {
    const scope = scopeOf(inputs);
    let same = false;
    if (inputs.adopt) {
      // Taking over a subdomain already as wanted: nothing to write.
      const live = await getSubdomain(getDefaultClient(), scope, inputs.scriptName!);
      same = live.enabled === (inputs.enabled === true) && (live.previews_enabled ?? false) === (inputs.previewsEnabled === true);
    }
    if (!same) await setSubdomain(getDefaultClient(), scope, inputs.scriptName!, body(inputs));
    return { id: scriptResourceId(scope, inputs.scriptName!, "subdomain"), outs: compact({ ...inputs }) };
  },

  async read(id: string, props: WorkerSubdomainOutputs): Promise<dynamic.ReadResult<WorkerSubdomainOutputs>> {
    try {
      const live = await getSubdomain(getDefaultClient(), scopeOf(props), props.scriptName!);
      // Unset means off (see body): shown only when the live value says otherwise.
      const previews = props.previewsEnabled === undefined && live.previews_enabled !== true ? undefined : live.previews_enabled ?? props.previewsEnabled;
      return { id, props: compact({ ...props, enabled: live.enabled, previewsEnabled: previews }) };
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
  },

  async update(_id: string, _olds: WorkerSubdomainOutputs, news: WorkerSubdomainInputs): Promise<dynamic.UpdateResult<WorkerSubdomainOutputs>> {
    await setSubdomain(getDefaultClient(), scopeOf(news), news.scriptName!, body(news));
    return { outs: compact({ ...news }) };
  },

  async delete(_id: string, props: WorkerSubdomainOutputs): Promise<void> {
    try {
      await deleteSubdomain(getDefaultClient(), scopeOf(props), props.scriptName!);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
};
