import * as pulumi from "@pulumi/pulumi";
import type { ModuleInput } from "../provider/resources/modules";
import type { WORKER_SCRIPT_FIELDS, WorkerScriptProgramInputs } from "../provider/resources/worker-script";
import { lazyProvider } from "./lazy-provider";
import { secretBindings } from "./secrets";
import type { ArgsOf, ArgsOfFields, PropsOf } from "./types";

/** A module of a Worker: inline source, or a file relative to the Pulumi project folder; its type is inferred from the extension when omitted. */
export type WorkerModuleArgs = ArgsOf<ModuleInput>;

/**
 * The inputs of a WorkerScript (derived from the provider's field table): `scriptName`, the code (`content`,
 * or `modules` plus `mainModule`, or `build`: TypeScript or JavaScript sources bundled with esbuild at check), `bindings`, `compatibilityDate`/`compatibilityFlags`, `placement`,
 * `limits`, `usageModel`, `migrations`, `annotations`, `keepBindings`, `adopt`, `force`, `trackVersion`,
 * `assets`; `accountId` defaults to the stack config `cloudflare-workers:accountId`, then CLOUDFLARE_ACCOUNT_ID.
 */
export type WorkerScriptArgs = ArgsOfFields<typeof WORKER_SCRIPT_FIELDS>;

/** A Cloudflare Worker: code and versioned configuration. */
export class WorkerScript extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly dispatchNamespace: pulumi.Output<string | undefined>;
  declare public readonly mainModule: pulumi.Output<string | undefined>;
  /** As the program gave them: a binding of a type this package does not know is kept as written (`opaque: true`). */
  declare public readonly bindings: pulumi.Output<WorkerScriptProgramInputs["bindings"]>;
  declare public readonly compatibilityDate: pulumi.Output<string | undefined>;
  declare public readonly compatibilityFlags: pulumi.Output<string[] | undefined>;
  declare public readonly usageModel: pulumi.Output<string | undefined>;
  /** SHA-256 of the uploaded modules; changes when the code changes, here or outside Pulumi. */
  declare public readonly contentHash: pulumi.Output<string>;
  /** The API's hash of the deployed content. */
  declare public readonly etag: pulumi.Output<string | undefined>;
  declare public readonly versionId: pulumi.Output<string | undefined>;
  declare public readonly versionNumber: pulumi.Output<number | undefined>;
  declare public readonly handlers: pulumi.Output<string[] | undefined>;
  declare public readonly createdOn: pulumi.Output<string | undefined>;
  declare public readonly modifiedOn: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkerScriptArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      accountId: undefined,
      dispatchNamespace: undefined,
      mainModule: undefined,
      compatibilityDate: undefined,
      compatibilityFlags: undefined,
      usageModel: undefined,
      ...args,
      bindings: secretBindings(args.bindings as pulumi.Input<unknown[]> | undefined),
      contentHash: undefined,
      assetsState: undefined,
      assetsChanges: undefined,
      etag: undefined,
      versionId: undefined,
      versionNumber: undefined,
      handlers: undefined,
      createdOn: undefined,
      modifiedOn: undefined,
    } satisfies PropsOf<WorkerScript>;
    super(lazyProvider("workerScriptProvider"), name, props, opts, "cloudflare-workers", "WorkerScript");
  }
}
