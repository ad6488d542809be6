import * as pulumi from "@pulumi/pulumi";
import { SECRET_BINDING_TYPES } from "../provider/cloudflare/schemas/bindings";
import type { ModuleInput } from "../provider/resources/modules";
import type { WorkerScriptProgramInputs } from "../provider/resources/worker-script";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOf, WorkerBinding } from "./types";

/** A module of a Worker: inline source, or a file relative to the Pulumi project folder; its type is inferred from the extension when omitted. */
export type WorkerModuleArgs = ArgsOf<ModuleInput>;

/**
 * The inputs of a WorkerScript (derived from the provider's field table): `scriptName`, the code (`content`,
 * or `modules` plus `mainModule`, or `build`: TypeScript or JavaScript sources bundled with esbuild at check), `bindings`, `compatibilityDate`/`compatibilityFlags`, `placement`,
 * `limits`, `usageModel`, `migrations`, `annotations`, `keepBindings`, `adopt`, `force`, `trackVersion`,
 * `assets`; `accountId` defaults to the stack config `cloudflare-workers:accountId`, then CLOUDFLARE_ACCOUNT_ID.
 */
export type WorkerScriptArgs = ArgsOf<WorkerScriptProgramInputs>;

const SECRET_TYPES: readonly unknown[] = SECRET_BINDING_TYPES;

function hasSecretBinding(list: unknown): boolean {
  return (
    Array.isArray(list) && list.some((b: unknown) => typeof b === "object" && b !== null && "type" in b && SECRET_TYPES.includes(b.type))
  );
}

/** A Cloudflare Worker: code and versioned configuration. */
export class WorkerScript extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly dispatchNamespace: pulumi.Output<string | undefined>;
  declare public readonly mainModule: pulumi.Output<string | undefined>;
  declare public readonly bindings: pulumi.Output<WorkerBinding[] | undefined>;
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
    // Inline secret bindings make the whole list a secret, so their values are never stored in plain text.
    const bindings =
      args.bindings === undefined
        ? undefined
        : pulumi.output(args.bindings as pulumi.Input<unknown[]>).apply((list) => (hasSecretBinding(list) ? pulumi.secret(list) : list));
    const props = {
      ...args,
      bindings,
      contentHash: undefined,
      assetsState: undefined,
      assetsChanges: undefined,
      etag: undefined,
      versionId: undefined,
      versionNumber: undefined,
      handlers: undefined,
      createdOn: undefined,
      modifiedOn: undefined,
    };
    super(lazyProvider("workerScriptProvider"), name, props, opts, "cloudflare-workers", "WorkerScript");
  }
}
