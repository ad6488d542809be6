import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";

export interface WorkerDeploymentVersionArgs {
  /** A WorkerVersion's `versionId` (or WorkerScript's `versionId`, its first version). */
  versionId: pulumi.Input<string>;
  /** Share of requests, 0–100; the shares of a deployment add up to 100. */
  percentage: pulumi.Input<number>;
}

export interface WorkerDeploymentArgs {
  /** Defaults to the stack config `cloudflare:accountId`, then CLOUDFLARE_ACCOUNT_ID. */
  accountId?: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  /** One or two versions by percentage (a gradual rollout), adding up to 100. */
  versions: pulumi.Input<pulumi.Input<WorkerDeploymentVersionArgs>[]>;
  /** `workers/message` of the deployment, at most 100 bytes. */
  message?: pulumi.Input<string>;
  /** Deploy even where the API would block it: a rollback to a version whose secrets have changed since. */
  force?: pulumi.Input<boolean>;
}

/**
 * Which versions of a Worker serve, by percentage (`POST …/deployments`, as `wrangler versions deploy`). A
 * change is a new deployment, a rollback is a deployment of an older version; deleting it leaves the Worker
 * serving what it serves.
 */
export class WorkerDeployment extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly versions: pulumi.Output<{ versionId: string; percentage: number }[]>;
  /** The id of the deployment this resource made last. */
  declare public readonly deploymentId: pulumi.Output<string>;
  declare public readonly createdOn: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkerDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, deploymentId: undefined, createdOn: undefined };
    super(lazyProvider("workerDeploymentProvider"), name, props, opts, "cloudflare-workers", "WorkerDeployment");
  }
}
