import * as pulumi from "@pulumi/pulumi";
import type { WORKER_SCRIPT_SETTINGS_FIELDS, WorkerScriptSettingsProgramInputs } from "../provider/resources/worker-script-settings";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOf, ArgsOfFields, PropsOf } from "./types";

type Settings = WorkerScriptSettingsProgramInputs;
export type WorkerObservabilityArgs = ArgsOf<NonNullable<Settings["observability"]>>;
export type WorkerTailConsumerArgs = ArgsOf<NonNullable<Settings["tailConsumers"]>[number]>;

/** The inputs of a WorkerScriptSettings: `scriptName`, any of `logpush`, `observability`, `tags`, `tailConsumers`, and `adopt`. */
export type WorkerScriptSettingsArgs = ArgsOfFields<typeof WORKER_SCRIPT_SETTINGS_FIELDS>;

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
    const props = { accountId: undefined, logpush: undefined, tags: undefined, ...args } satisfies PropsOf<WorkerScriptSettings>;
    super(lazyProvider("workerScriptSettingsProvider"), name, props, opts, "cloudflare-workers", "WorkerScriptSettings");
  }
}
