import * as pulumi from "@pulumi/pulumi";
import type { WORKFLOW_FIELDS } from "../provider/resources/workflow";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/** The inputs of a Workflow: `workflowName`, the `scriptName` of the Worker exporting `className`, `adopt`. */
export type WorkflowArgs = ArgsOfFields<typeof WORKFLOW_FIELDS>;

/**
 * A Workflow whose steps a Worker defines (`export class X extends WorkflowEntrypoint`). Pass
 * `WorkerScript.scriptName` so it is created after the Worker that exports the class.
 */
export class Workflow extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly workflowName: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly className: pulumi.Output<string>;
  /** The Workflow's id. */
  declare public readonly workflowId: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkflowArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { accountId: undefined, workflowId: undefined, ...args } satisfies PropsOf<Workflow>;
    super(lazyProvider("workflowProvider"), name, props, opts, "cloudflare-workers", "Workflow");
  }
}
