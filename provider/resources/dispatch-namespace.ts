/**
 * DispatchNamespace: a Workers for Platforms dispatch namespace, so that a platform (the namespace, the
 * Workers uploaded into it, the dispatch Worker binding it) lives in one stack.
 *
 * DELETING A NAMESPACE DELETES EVERY WORKER IN IT, including Workers uploaded by other tools; a change of
 * `name` or `accountId` replaces the namespace (a new one is created, then the old one and its Workers are
 * deleted). Protect the resource (`protect: true`) when customers' Workers live in it.
 *
 * Lifecycle → endpoints:
 *   create  GET …/dispatch/namespaces/{name} (does it exist?) then POST …/dispatch/namespaces {name};
 *           with `adopt` and an existing namespace: that GET only, nothing is written
 *   read    GET …/dispatch/namespaces/{name}
 *   update  only `adopt` can change in place: no call
 *   delete  DELETE …/dispatch/namespaces/{name}
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { createNamespace, deleteNamespace, getDefaultClient, getNamespace, isNotFound, resolveAccountId, type DispatchNamespace } from "../cloudflare";
import { dispatchNamespaceNameSchema } from "../cloudflare/schemas";
import { checkScope, compact, diffByTable, diffResult, printable, type CheckFailure, type DiffField } from "./common";

export interface DispatchNamespaceInputs {
  accountId?: string;
  name?: string;
  adopt?: boolean;
}

export interface DispatchNamespaceOutputs extends DispatchNamespaceInputs {
  namespaceId?: string;
  createdOn?: string;
  trustedWorkers?: boolean;
}

const INPUT_KEYS = new Set(["accountId", "name", "adopt", "__provider"]);

export const DISPATCH_NAMESPACE_DIFF: Record<string, DiffField> = {
  accountId: { kind: "replace" },
  name: { kind: "replace" },
  adopt: { kind: "update", normalise: (v) => v === true },
};

/** Ids: `accountId/dispatch-namespaces/name`. */
export function dispatchNamespaceId(accountId: string, name: string): string {
  return `${accountId}/dispatch-namespaces/${name}`;
}

/** What is stored besides the inputs: the API's id and creation date; never the script count, which moves. Pure. */
export function namespaceOutputs(inputs: DispatchNamespaceInputs, live: DispatchNamespace): DispatchNamespaceOutputs {
  return compact({
    ...inputs,
    namespaceId: live.namespace_id,
    createdOn: live.created_on,
    trustedWorkers: live.trusted_workers,
  }) as DispatchNamespaceOutputs;
}

async function liveNamespace(accountId: string, name: string): Promise<DispatchNamespace | undefined> {
  try {
    return await getNamespace(getDefaultClient(), accountId, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export const dispatchNamespaceProvider = {
  async check(_olds: DispatchNamespaceInputs, news: DispatchNamespaceInputs): Promise<dynamic.CheckResult<DispatchNamespaceInputs>> {
    const failures: CheckFailure[] = [];
    for (const key of Object.keys(news)) {
      if (!INPUT_KEYS.has(key)) failures.push({ property: key, reason: `${key}: not an input of DispatchNamespace; check the spelling` });
    }
    const scope = checkScope({ accountId: news.accountId }, failures, false);
    const parsed = dispatchNamespaceNameSchema.safeParse(news.name);
    if (!parsed.success) {
      const shown = typeof news.name === "string" ? ` "${printable(news.name)}"` : "";
      failures.push({ property: "name", reason: `name${shown}: ${news.name === undefined ? "required" : parsed.error.issues[0]!.message}` });
    }
    if (news.adopt !== undefined && typeof news.adopt !== "boolean") failures.push({ property: "adopt", reason: "adopt: expected true or false" });
    return failures.length > 0 ? { inputs: news, failures } : { inputs: { ...news, accountId: scope.accountId } };
  },

  async diff(_id: string, olds: DispatchNamespaceOutputs, news: DispatchNamespaceInputs): Promise<dynamic.DiffResult> {
    return diffResult(diffByTable(DISPATCH_NAMESPACE_DIFF, olds as Record<string, unknown>, news as Record<string, unknown>));
  },

  async create(inputs: DispatchNamespaceInputs): Promise<dynamic.CreateResult<DispatchNamespaceOutputs>> {
    const accountId = resolveAccountId(inputs.accountId);
    const name = inputs.name!;
    // The one read before the write: an existing namespace (and the Workers in it) is never taken by surprise.
    let live = await liveNamespace(accountId, name);
    if (live && !inputs.adopt) {
      throw new Error(
        `Dispatch namespace "${name}" already exists in account ${accountId}. To manage it from this stack, set adopt: true ` +
          `(nothing is changed; note that deleting the resource later deletes the namespace and every Worker in it); otherwise choose another name.`,
      );
    }
    live ??= await createNamespace(getDefaultClient(), accountId, { name });
    return { id: dispatchNamespaceId(accountId, name), outs: namespaceOutputs({ ...inputs, accountId }, live) };
  },

  async read(id: string, props: DispatchNamespaceOutputs): Promise<dynamic.ReadResult<DispatchNamespaceOutputs>> {
    const live = await liveNamespace(resolveAccountId(props.accountId), props.name!);
    if (!live) return {};
    return { id, props: { ...namespaceOutputs(props, live), trustedWorkers: live.trusted_workers ?? props.trustedWorkers } };
  },

  async update(_id: string, olds: DispatchNamespaceOutputs, news: DispatchNamespaceInputs): Promise<dynamic.UpdateResult<DispatchNamespaceOutputs>> {
    // Name and account replace; adopt only matters at create.
    return { outs: compact({ ...olds, ...news }) as DispatchNamespaceOutputs };
  },

  /** Deletes the namespace AND every Worker in it. */
  async delete(_id: string, props: DispatchNamespaceOutputs): Promise<void> {
    try {
      await deleteNamespace(getDefaultClient(), resolveAccountId(props.accountId), props.name!);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
};
