import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import { SECRET_BINDING_TYPES } from "../provider/cloudflare/schemas/bindings";
import type { WorkerVersionProgramInputs } from "../provider/resources/worker-version";
import type { ArgsOf } from "./types";

const SECRET_TYPES: readonly unknown[] = SECRET_BINDING_TYPES;

function hasSecretBinding(list: unknown): boolean {
  return (
    Array.isArray(list) && list.some((b: unknown) => typeof b === "object" && b !== null && "type" in b && SECRET_TYPES.includes(b.type))
  );
}

/**
 * The inputs of a WorkerVersion (derived from the provider's field table, WorkerScript's versioned entries):
 * `scriptName` (pass a WorkerScript's `scriptName` output, so the Worker exists first), the code (`content`, or
 * `modules` plus `mainModule`), `bindings` (secret values here are Pulumi secrets; secrets set by WorkerSecret
 * are carried over by `keepBindings`), `compatibilityDate`/`compatibilityFlags`, `placement`, `limits`,
 * `usageModel`, `annotations` (`workersMessage`, `workersTag`), `keepBindings`; `accountId` as everywhere.
 */
export type WorkerVersionArgs = ArgsOf<WorkerVersionProgramInputs>;

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
    const bindings =
      args.bindings === undefined
        ? undefined
        : pulumi.output(args.bindings as pulumi.Input<unknown[]>).apply((list) => (hasSecretBinding(list) ? pulumi.secret(list) : list));
    const props = {
      ...args,
      bindings,
      versionId: undefined,
      versionNumber: undefined,
      contentHash: undefined,
      createdOn: undefined,
      previewUrl: undefined,
      previewAliasUrl: undefined,
    };
    super(lazyProvider("workerVersionProvider"), name, props, opts, "cloudflare-workers", "WorkerVersion");
  }
}
