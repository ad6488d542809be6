import * as pulumi from "@pulumi/pulumi";
import type { WorkerCronTriggerInputs } from "../provider/resources/worker-cron-trigger";
import { lazyProvider } from "./lazy-provider";

export interface WorkerCronTriggerArgs {
  accountId?: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  /**
   * Cron expressions, UTC, five fields as Cloudflare reads them: `"*\/5 * * * *"`, `"10 7 * * mon-fri"`,
   * `"0 18 * * FRIL"` (last Friday), `"59 23 LW * *"`; weekdays are 1-7 with 1 = Sunday. Order does not matter.
   * `[]` keeps the Worker without cron triggers.
   */
  crons: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over cron triggers already on the Worker (from wrangler or the dashboard) instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

/** Runs a Worker's `scheduled()` handler on each cron expression. Removing the resource removes them all. */
export class WorkerCronTrigger extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly crons: pulumi.Output<string[]>;

  constructor(name: string, args: WorkerCronTriggerArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("workerCronTriggerProvider"), name, { ...args }, opts, "cloudflare-workers", "WorkerCronTrigger");
  }
}

/** Every argument is an input of the provider (a compile-time check: a renamed input fails the build). */
export type WorkerCronTriggerArgsAreInputs = keyof WorkerCronTriggerArgs extends keyof WorkerCronTriggerInputs ? true : never;
