import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import type { WORKER_VERSION_FIELDS } from "../provider/resources/worker-version";
import { secretBindings } from "./secrets";
import type { ArgsOfFields, PropsOf } from "./types";

/**
 * The inputs of a WorkerVersion (derived from the provider's field table, WorkerScript's versioned entries):
 * `scriptName` (pass a WorkerScript's `scriptName` output, so the Worker exists first), the code (`content`, or
 * `modules` plus `mainModule`), `bindings` (secret values here are Pulumi secrets; secrets set by WorkerSecret
 * are carried over by `keepBindings`), `compatibilityDate`/`compatibilityFlags`, `placement`, `limits`,
 * `usageModel`, `annotations` (`workersMessage`, `workersTag`), `keepBindings`; `accountId` as everywhere.
 */
export type WorkerVersionArgs = ArgsOfFields<typeof WORKER_VERSION_FIELDS>;

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
  /** Where this version answers before it is deployed (`https://<id prefix>-<script>.<subdomain>.workers.dev`), while preview URLs are on. */
  declare public readonly previewUrl: pulumi.Output<string | undefined>;
  /** Where `previewAlias` answers (`https://<alias>-<script>.<subdomain>.workers.dev`), while preview URLs are on. */
  declare public readonly previewAliasUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkerVersionArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      accountId: undefined,
      ...args,
      bindings: secretBindings(args.bindings as pulumi.Input<unknown[]> | undefined),
      versionId: undefined,
      versionNumber: undefined,
      contentHash: undefined,
      createdOn: undefined,
      previewUrl: undefined,
      previewAliasUrl: undefined,
    } satisfies PropsOf<WorkerVersion>;
    super(lazyProvider("workerVersionProvider"), name, props, opts, "cloudflare-workers", "WorkerVersion");
  }
}
