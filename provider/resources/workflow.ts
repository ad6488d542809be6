/**
 * Workflow: a Workflow whose steps a Worker defines (a class extending `WorkflowEntrypoint` that the Worker
 * exports); its instances run that class.
 *
 * Lifecycle → endpoints:
 *   create   GET /workflows/{workflow_name} (a Workflow of that name defined by another Worker is an error
 *            unless adopt, as wrangler's deploy checks: deploy-helpers `check-workflow-conflicts.ts`), then
 *            PUT /workflows/{workflow_name} {script_name, class_name}
 *   read     GET /workflows/{workflow_name}
 *   update   PUT /workflows/{workflow_name} (another Worker or class, in place)
 *   delete   DELETE /workflows/{workflow_name} (the Worker stays)
 *   another name replaces the resource.
 *
 * Create it after the Worker that exports the class (pass WorkerScript.scriptName, so the engine orders them).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  CloudflareApiError,
  deleteWorkflow,
  describeWorker,
  getDefaultClient,
  getWorkflow,
  isNotFound,
  putWorkflow,
  type WorkflowWire,
} from "../cloudflare";
import { CLASS_NAME_PATTERN, scriptNameSchema, WORKFLOW_NAME_PATTERN } from "../cloudflare/schemas";
import { compact } from "./common";
import {
  ACCOUNT_FIELD,
  ADOPT_FIELD,
  checkWith,
  clientOf,
  defineFields,
  diffWith,
  inputsFromWire,
  keepStoredWhenSame,
  wireOf,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
} from "./fields";
import { cloudflareSays, ResourceInputError } from "./refusals";

export const WORKFLOW_FIELDS = defineFields(
  {
    accountId: ACCOUNT_FIELD,
    /** The Workflow's name (what a `workflows` binding's `workflow_name` names). */
    workflowName: {
      schema: z
        .string()
        .max(64, "at most 64 characters")
        .regex(
          WORKFLOW_NAME_PATTERN,
          "a Workflow name is 1-64 letters, digits, '_' and '-', starting with a letter, digit or '_' (no spaces)",
        ),
      diff: "replace",
      quote: true,
    },
    /** The Worker that exports the class. */
    scriptName: { schema: scriptNameSchema, diff: "update", wire: "script_name", quote: true },
    /** The exported class that extends WorkflowEntrypoint, e.g. "OrderWorkflow". */
    className: {
      schema: z.string().regex(CLASS_NAME_PATTERN, "a JavaScript class name, as the Worker exports it (e.g. OrderWorkflow)"),
      diff: "update",
      wire: "class_name",
      quote: true,
    },
    /** Take over a Workflow of this name that another Worker defines, instead of failing. */
    adopt: ADOPT_FIELD,
    /** Output: the Workflow's id. */
    workflowId: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "Workflow",
);
const FIELDS = WORKFLOW_FIELDS;

export type WorkflowInputs = InputsOf<typeof FIELDS>;
export type WorkflowProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type WorkflowOutputs = WorkflowInputs;

function outputs(inputs: WorkflowInputs, live: WorkflowWire): WorkflowOutputs {
  return compact({ ...inputs, workflowId: live.id ?? undefined });
}

/** Rethrows a refused PUT as an error naming the property: the Worker missing, or the class not exported. */
function explain(error: unknown, inputs: WorkflowInputs): never {
  if (!(error instanceof CloudflareApiError) || error.status >= 500 || error.code === "CF_AUTH" || error.code === "CF_RATE_LIMITED")
    throw error;
  const says = cloudflareSays(error);
  if (error.codes.includes(10007)) {
    throw new ResourceInputError(
      "scriptName",
      `Workflow "${inputs.workflowName}" scriptName: ${describeWorker(inputs, inputs.scriptName)} does not exist (${says}); deploy it first (pass WorkerScript.scriptName)`,
      { cause: error },
    );
  }
  if (error.status === 400 && /class/i.test(says)) {
    throw new ResourceInputError(
      "className",
      `Workflow "${inputs.workflowName}" className ${JSON.stringify(inputs.className)}: Cloudflare refused it (${says}); export the class from ${describeWorker(inputs, inputs.scriptName)} (export class ${inputs.className} extends WorkflowEntrypoint) and deploy that first`,
      { cause: error },
    );
  }
  if (error.status === 400) {
    throw new ResourceInputError("workflowName", `Workflow "${inputs.workflowName}": Cloudflare refused it (${says})`, { cause: error });
  }
  throw error;
}

export function makeWorkflowProvider(source: ClientSource = getDefaultClient) {
  const client = () => clientOf(source);
  const write = async (inputs: WorkflowInputs): Promise<WorkflowWire> => {
    try {
      return await putWorkflow(
        client(),
        inputs.accountId,
        inputs.workflowName,
        wireOf(FIELDS, inputs) as { script_name: string; class_name: string },
      );
    } catch (error) {
      explain(error, inputs);
    }
  };
  return {
    check: checkWith("Workflow", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs: WorkflowInputs): Promise<dynamic.CreateResult<WorkflowOutputs>> {
      let live: WorkflowWire | undefined;
      try {
        live = await getWorkflow(client(), inputs.accountId, inputs.workflowName);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      if (live !== undefined && live.script_name !== inputs.scriptName && !inputs.adopt && live.script_deleted !== true) {
        throw new ResourceInputError(
          "workflowName",
          `Workflow "${inputs.workflowName}" already exists on account ${inputs.accountId}, defined by Worker ${JSON.stringify(live.script_name)} (class ${live.class_name}); set adopt: true to move it to ${JSON.stringify(inputs.scriptName)}, or choose another workflowName`,
        );
      }
      const same = live !== undefined && live.script_name === inputs.scriptName && live.class_name === inputs.className;
      const result = same ? live! : await write(inputs);
      return { id: `${inputs.accountId}/${inputs.workflowName}`, outs: outputs(inputs, result) };
    },

    async read(id: string, props?: WorkflowOutputs): Promise<dynamic.ReadResult<WorkflowOutputs>> {
      if (!props) return {};
      try {
        const live = await getWorkflow(client(), props.accountId, props.workflowName);
        const fresh = compact({ ...props, ...inputsFromWire(FIELDS, live), workflowId: live.id ?? props.workflowId });
        return { id, props: keepStoredWhenSame(FIELDS, props, fresh) };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id: string, _olds: WorkflowOutputs, news: WorkflowInputs) {
      return { outs: outputs(news, await write(news)) };
    },

    async delete(_id: string, props: WorkflowOutputs): Promise<void> {
      try {
        await deleteWorkflow(client(), props.accountId, props.workflowName);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkflowInputs, WorkflowOutputs>;
}

export const workflowProvider = makeWorkflowProvider();
