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
import {
  createNamespace,
  deleteNamespace,
  getDefaultClient,
  getNamespace,
  isNotFound,
  type CloudflareClient,
  type DispatchNamespace,
} from "../cloudflare";
import { dispatchNamespaceNameSchema } from "../cloudflare/schemas";
import { compact } from "./common";
import { ResourceInputError } from "./refusals";
import {
  ACCOUNT_FIELD,
  ADOPT_FIELD,
  checkWith,
  clientOf,
  defineFields,
  diffTable,
  diffWith,
  outputsAfterUpdate,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
  type ProviderOf,
} from "./fields";
import { journaled, mayBeOurs, RECOVER_ENV, settle, type JournalKey } from "./journal";

export const DISPATCH_NAMESPACE_FIELDS = defineFields(
  {
    /** Defaults to the stack config `cloudflare-workers:accountId`, then CLOUDFLARE_ACCOUNT_ID. */
    accountId: ACCOUNT_FIELD,
    /** The namespace's name (a-z, 0-9, '-' and '_'). Changing it replaces the namespace. */
    name: { schema: dispatchNamespaceNameSchema, diff: "replace", quote: true },
    /** Take over a namespace that already exists (nothing is written) instead of failing. */
    adopt: ADOPT_FIELD,
  },
  "DispatchNamespace",
);
const FIELDS = DISPATCH_NAMESPACE_FIELDS;

export type DispatchNamespaceInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk derives its Args from it). */
export type DispatchNamespaceProgramInputs = ProgramInputsOf<typeof FIELDS>;

export interface DispatchNamespaceOutputs extends DispatchNamespaceInputs {
  namespaceId?: string;
  createdOn?: string;
  trustedWorkers?: boolean;
}

/** What each input does to the resource when it changes, derived from the field table. */
export const DISPATCH_NAMESPACE_DIFF = diffTable(FIELDS);

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
  });
}

async function liveNamespace(client: CloudflareClient, accountId: string, name: string): Promise<DispatchNamespace | undefined> {
  try {
    return await getNamespace(client, accountId, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function makeDispatchNamespaceProvider(
  client: ClientSource = getDefaultClient,
): ProviderOf<DispatchNamespaceInputs, DispatchNamespaceOutputs> {
  return {
    check: checkWith("DispatchNamespace", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const { accountId, name } = inputs;
      // The one read before the write: an existing namespace (and the Workers in it) is never taken by surprise.
      const api = clientOf(client);
      const key: JournalKey = { kind: "namespace", scope: { accountId }, names: [name] };
      let live = await liveNamespace(api, accountId, name);
      // Our own POST whose answer never came (this process or one that died) made it: it is ours.
      if (live && !inputs.adopt && !mayBeOurs(api, key)) {
        throw new ResourceInputError(
          "name",
          `Dispatch namespace "${name}" already exists in account ${accountId}. To manage it from this stack, set adopt: true ` +
            `(nothing is changed; note that deleting the resource later deletes the namespace and every Worker in it); otherwise choose another name. ` +
            `If an earlier \`pulumi up\` of this stack was interrupted while creating it, run \`${RECOVER_ENV}=1 pulumi up\` once instead.`,
        );
      }
      if (live) settle(api, key);
      live ??= await journaled(api, key, () => createNamespace(api, accountId, { name }));
      return { id: dispatchNamespaceId(accountId, name), outs: namespaceOutputs(inputs, live) };
    },

    async read(id, props) {
      if (!props) return {};
      const live = await liveNamespace(clientOf(client), props.accountId, props.name);
      if (!live) return {};
      return { id, props: { ...namespaceOutputs(props, live), trustedWorkers: live.trusted_workers ?? props.trustedWorkers } };
    },

    async update(_id, olds, news) {
      // Name and account replace; adopt only matters at create.
      return { outs: outputsAfterUpdate(FIELDS, olds, news) };
    },

    /** Deletes the namespace AND every Worker in it. */
    async delete(_id, props) {
      try {
        await deleteNamespace(clientOf(client), props.accountId, props.name);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<DispatchNamespaceInputs, DispatchNamespaceOutputs>;
}

export const dispatchNamespaceProvider = makeDispatchNamespaceProvider();
