import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import type { WorkerBinding } from "./types";
import type { WorkerModuleArgs } from "./worker-script";

export interface WorkerVersionArgs {
  /** Defaults to the stack config `cloudflare:accountId`, then CLOUDFLARE_ACCOUNT_ID. */
  accountId?: pulumi.Input<string>;
  /** The Worker, created by a WorkerScript (pass `script.scriptName`, so the Worker exists first). */
  scriptName: pulumi.Input<string>;
  /** The version's code as a single ES module (uploaded as `worker.js`, or as `mainModule` when given). */
  content?: pulumi.Input<string>;
  /** The version's code as several modules, keyed by module name; `mainModule` names the entry point. */
  modules?: pulumi.Input<Record<string, pulumi.Input<WorkerModuleArgs>>>;
  mainModule?: pulumi.Input<string>;
  /** The version's bindings. Secret values here are Pulumi secrets; secrets set by WorkerSecret are carried over (keepBindings). */
  bindings?: pulumi.Input<pulumi.Input<WorkerBinding>[]>;
  compatibilityDate?: pulumi.Input<string>;
  compatibilityFlags?: pulumi.Input<pulumi.Input<string>[]>;
  placement?: pulumi.Input<{ mode?: "smart" | "targeted"; region?: string; hostname?: string; host?: string }>;
  limits?: pulumi.Input<{ cpuMs?: pulumi.Input<number> }>;
  usageModel?: pulumi.Input<"standard" | "bundled" | "unbound">;
  /** `workers/message` and `workers/tag` of the version (shown by `wrangler versions list`). */
  annotations?: pulumi.Input<{ workersMessage?: pulumi.Input<string>; workersTag?: pulumi.Input<string> }>;
  /** Binding types copied from the Worker's latest version. Default: ["secret_text", "secret_key"]. */
  keepBindings?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * One version of a Worker, uploaded and not deployed (`POST …/versions`, as `wrangler versions upload`).
 * WorkerDeployment decides which versions serve. A version cannot change: any change of its inputs uploads a
 * new version (a replace); deleting it only forgets it (the API keeps every version).
 */
export class WorkerVersion extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  /** The version's id: what WorkerDeployment's `versions[].versionId` takes. */
  declare public readonly versionId: pulumi.Output<string>;
  /** The version's number on the Worker (1, 2, …). */
  declare public readonly versionNumber: pulumi.Output<number | undefined>;
  declare public readonly contentHash: pulumi.Output<string>;

  constructor(name: string, args: WorkerVersionArgs, opts?: pulumi.CustomResourceOptions) {
    const bindings =
      args.bindings === undefined
        ? undefined
        : pulumi.output(args.bindings).apply((list) => (list.some((b) => b.type === "secret_text" || b.type === "secret_key") ? pulumi.secret(list) : list));
    const props = { ...args, bindings, versionId: undefined, versionNumber: undefined, contentHash: undefined, createdOn: undefined };
    super(lazyProvider("workerVersionProvider"), name, props, opts, "cloudflare-workers", "WorkerVersion");
  }
}
