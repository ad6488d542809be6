import * as pulumi from "@pulumi/pulumi";
import type { WORKER_CRON_TRIGGER_FIELDS } from "../provider/resources/worker-cron-trigger";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/**
 * The inputs of a WorkerCronTrigger (derived from the provider's field table): `scriptName`, `crons` (cron
 * expressions, UTC, as Cloudflare reads them; order does not matter; `[]` keeps the Worker without cron
 * triggers), `adopt`; `accountId` as everywhere.
 */
export type WorkerCronTriggerArgs = ArgsOfFields<typeof WORKER_CRON_TRIGGER_FIELDS>;

/** Runs a Worker's `scheduled()` handler on each cron expression. Removing the resource removes them all. */
export class WorkerCronTrigger extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly crons: pulumi.Output<string[]>;

  constructor(name: string, args: WorkerCronTriggerArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { accountId: undefined, ...args } satisfies PropsOf<WorkerCronTrigger>;
    super(lazyProvider("workerCronTriggerProvider"), name, props, opts, "cloudflare-workers", "WorkerCronTrigger");
  }
}
