import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";

export interface WorkerObservabilityArgs {
  enabled: pulumi.Input<boolean>;
  headSamplingRate?: pulumi.Input<number>;
  logs?: pulumi.Input<{
    enabled: pulumi.Input<boolean>;
    invocationLogs: pulumi.Input<boolean>;
    destinations?: pulumi.Input<pulumi.Input<string>[]>;
    headSamplingRate?: pulumi.Input<number>;
    persist?: pulumi.Input<boolean>;
  }>;
  traces?: pulumi.Input<{
    enabled?: pulumi.Input<boolean>;
    destinations?: pulumi.Input<pulumi.Input<string>[]>;
    headSamplingRate?: pulumi.Input<number>;
    persist?: pulumi.Input<boolean>;
  }>;
}

export interface WorkerTailConsumerArgs {
  service: pulumi.Input<string>;
  environment?: pulumi.Input<string>;
  namespace?: pulumi.Input<string>;
}

export interface WorkerScriptSettingsArgs {
  accountId?: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  dispatchNamespace?: pulumi.Input<string>;
  logpush?: pulumi.Input<boolean>;
  observability?: pulumi.Input<WorkerObservabilityArgs>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  tailConsumers?: pulumi.Input<pulumi.Input<WorkerTailConsumerArgs>[]>;
  /** Read the live settings first and write only the fields that differ (nothing for a Worker taken over as it is). */
  adopt?: pulumi.Input<boolean>;
}

/**
 * Script-level settings of a Worker (not versioned, kept across code deploys). Only the fields set here are
 * managed; removing the resource puts back the API defaults for them. Needs no WorkerScript in the stack.
 */
export class WorkerScriptSettings extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly logpush: pulumi.Output<boolean | undefined>;
  declare public readonly tags: pulumi.Output<string[] | undefined>;

  constructor(name: string, args: WorkerScriptSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("workerScriptSettingsProvider"), name, { ...args }, opts, "cloudflare-workers", "WorkerScriptSettings");
  }
}
