import * as pulumi from "@pulumi/pulumi";
import type { WORKER_DEPLOYMENT_FIELDS, WorkerDeploymentProgramInputs } from "../provider/resources/worker-deployment";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, InputOf, PropsOf } from "./types";

/**
 * The inputs of a WorkerDeployment (derived from the provider's field table): `scriptName`, `versions` (one or
 * two `{ versionId, percentage }`, adding up to 100: a WorkerVersion's or WorkerScript's `versionId`),
 * `message` (at most 100 bytes), `force` (deploy even a rollback over changed secrets); `accountId` as everywhere.
 */
export type WorkerDeploymentArgs = ArgsOfFields<typeof WORKER_DEPLOYMENT_FIELDS>;
export type WorkerDeploymentVersionArgs = InputOf<WorkerDeploymentProgramInputs["versions"][number]>;

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
    const props = { accountId: undefined, ...args, deploymentId: undefined, createdOn: undefined } satisfies PropsOf<WorkerDeployment>;
    super(lazyProvider("workerDeploymentProvider"), name, props, opts, "cloudflare-workers", "WorkerDeployment");
  }
}
