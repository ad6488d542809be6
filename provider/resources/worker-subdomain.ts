/**
 * WorkerSubdomain: whether a Worker answers on its workers.dev subdomain (and its preview URLs there).
 *
 * Lifecycle → endpoints:
 *   create / update  POST …/subdomain {enabled, previews_enabled}
 *   read             GET …/subdomain
 *   delete           DELETE …/subdomain (disables the workers.dev subdomain)
 *
 * Outputs `url`, `https://<script>.<account subdomain>.workers.dev` while enabled (the account subdomain read
 * once per run, urls.ts). An account without a workers.dev subdomain (10063) is an error saying how to make one.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import { deleteSubdomain, describeWorker, getDefaultClient, getSubdomain, isNotFound, setSubdomain } from "../cloudflare";
import { compact, scopeOf, scriptResourceId } from "./common";
import { accountSubdomain, explainNoWorkersDev, workersDevUrl } from "./urls";
import {
  ADOPT_FIELD,
  SCRIPT_SCOPE_FIELDS,
  booleanSchema,
  checkWith,
  flag,
  keepStoredWhenSame,
  clientOf,
  defineFields,
  diffWith,
  inputsFromWire,
  sameWire,
  wireOf,
  type ClientSource,
  type ProviderOf,
  type InputsOf,
  type ProgramInputsOf,
} from "./fields";

export const WORKER_SUBDOMAIN_FIELDS = defineFields(
  {
    accountId: SCRIPT_SCOPE_FIELDS.accountId,
    // Not an input: named so that check says why.
    dispatchNamespace: {
      schema: z.undefined(),
      diff: "ignore",
      reason: "Workers in a dispatch namespace have no workers.dev subdomain; remove it",
    },
    scriptName: SCRIPT_SCOPE_FIELDS.scriptName,
    /** Serve the Worker on <script>.<account subdomain>.workers.dev. */
    enabled: { schema: booleanSchema, diff: "update", wire: "enabled", required: "required, true or false" },
    /**
     * Serve preview URLs there too; unset means off. Always sent: without `previews_enabled` the API may apply
     * its older default (preview URLs on, and they are public). Wrangler sends both too.
     */
    previewsEnabled: { schema: booleanSchema.optional(), diff: "update", wire: "previews_enabled", cleared: false, normalise: flag },
    /** Read the live state first and write only if it differs (nothing for a Worker taken over as it is). */
    adopt: ADOPT_FIELD,
    /** Output: where the Worker answers on workers.dev while `enabled`. */
    url: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerSubdomain",
);
const FIELDS = WORKER_SUBDOMAIN_FIELDS;

export type WorkerSubdomainInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk derives its Args from it). */
export type WorkerSubdomainProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type WorkerSubdomainOutputs = WorkerSubdomainInputs;

/** The inputs with `url` as the live state has it: set while enabled and the account has a workers.dev subdomain. */
async function withUrl(client: ClientSource, outs: WorkerSubdomainOutputs): Promise<WorkerSubdomainOutputs> {
  const subdomain = outs.enabled ? await accountSubdomain(clientOf(client), outs.accountId) : undefined;
  return compact({ ...outs, url: subdomain === undefined ? undefined : workersDevUrl(outs.scriptName, subdomain) });
}

/** POST the wanted state; an account without a workers.dev subdomain is an error saying how to make one. */
async function write(client: ClientSource, inputs: WorkerSubdomainInputs): Promise<void> {
  try {
    await setSubdomain(
      clientOf(client),
      scopeOf(inputs),
      inputs.scriptName,
      wireOf(FIELDS, inputs, { cleared: true }) as { enabled: boolean; previews_enabled: boolean },
    );
  } catch (error) {
    explainNoWorkersDev(error, `WorkerSubdomain of ${describeWorker(scopeOf(inputs), inputs.scriptName)}:`, "enabled", inputs.accountId);
  }
}

export function makeWorkerSubdomainProvider(
  client: ClientSource = getDefaultClient,
): ProviderOf<WorkerSubdomainInputs, WorkerSubdomainOutputs> {
  return {
    check: checkWith("WorkerSubdomain", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const scope = scopeOf(inputs);
      // Taking over a subdomain already as wanted: nothing to write.
      const same = inputs.adopt === true && sameWire(FIELDS, inputs, await getSubdomain(clientOf(client), scope, inputs.scriptName));
      if (!same) await write(client, inputs);
      return { id: scriptResourceId(scope, inputs.scriptName, "subdomain"), outs: await withUrl(client, inputs) };
    },

    async read(id, props) {
      if (!props) return {};
      try {
        const live = await getSubdomain(clientOf(client), scopeOf(props), props.scriptName);
        // Unset means off (see previewsEnabled): a live value the same as the stored one keeps its stored form.
        const fresh = keepStoredWhenSame(FIELDS, props, compact({ ...props, ...inputsFromWire(FIELDS, live, { stored: props }) }));
        return { id, props: await withUrl(client, fresh) };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id, _olds, news) {
      await write(client, news);
      return { outs: await withUrl(client, news) };
    },

    async delete(_id, props) {
      try {
        await deleteSubdomain(clientOf(client), scopeOf(props), props.scriptName);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerSubdomainInputs, WorkerSubdomainOutputs>;
}

export const workerSubdomainProvider = makeWorkerSubdomainProvider();
