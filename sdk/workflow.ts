import * as pulumi from "@pulumi/pulumi";
import type { WorkflowProgramInputs } from "../provider/resources/workflow";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOf } from "./types";

/** The inputs of a Workflow: `workflowName`, the `scriptName` of the Worker exporting `className`, `adopt`. */
export type WorkflowArgs = ArgsOf<WorkflowProgramInputs>;

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
    super(lazyProvider("workflowProvider"), name, { workflowId: undefined, ...args }, opts, "cloudflare-workers", "Workflow");
  }
}
