import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import type { WorkerBinding } from "./types";

/** A module of a Worker: inline source, or a file relative to the Pulumi project folder. */
export interface WorkerModuleArgs {
  content?: pulumi.Input<string>;
  path?: pulumi.Input<string>;
  /** Inferred from the extension when omitted (.js/.mjs esm, .cjs commonjs, .py python, .wasm wasm, .txt/.html/.css/.json text, .bin data, .map sourcemap). */
  type?: pulumi.Input<"esm" | "commonjs" | "text" | "data" | "wasm" | "python" | "sourcemap">;
}

export interface WorkerScriptArgs {
  /** Defaults to the stack config `cloudflare:accountId`, then CLOUDFLARE_ACCOUNT_ID. */
  accountId?: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  /** Upload into this Workers for Platforms dispatch namespace instead of the account. */
  dispatchNamespace?: pulumi.Input<string>;
  /** The Worker as a single ES module (uploaded as `worker.js`, or as `mainModule` when given). */
  content?: pulumi.Input<string>;
  /** The Worker as several modules, keyed by module name; `mainModule` names the entry point. */
  modules?: pulumi.Input<Record<string, pulumi.Input<WorkerModuleArgs>>>;
  mainModule?: pulumi.Input<string>;
  /** Bindings; secret values here are stored as Pulumi secrets, but prefer WorkerSecret for secrets. */
  bindings?: pulumi.Input<pulumi.Input<WorkerBinding>[]>;
  compatibilityDate?: pulumi.Input<string>;
  compatibilityFlags?: pulumi.Input<pulumi.Input<string>[]>;
  placement?: pulumi.Input<{ mode?: "smart" | "targeted"; region?: string; hostname?: string; host?: string }>;
  limits?: pulumi.Input<{ cpuMs?: pulumi.Input<number> }>;
  usageModel?: pulumi.Input<"standard" | "bundled" | "unbound">;
  /**
   * Durable Object migrations: the ordered history of tagged steps, as wrangler's `[[migrations]]`. Only the
   * steps after the Worker's live migration tag are sent. (The single object of earlier releases still works.)
   */
  migrations?: pulumi.Input<pulumi.Input<WorkerMigrationStepArgs>[] | Record<string, unknown>>;
  /** Annotations of the versions this resource creates (`workers/message`, `workers/tag`). */
  annotations?: pulumi.Input<{ workersMessage?: pulumi.Input<string>; workersTag?: pulumi.Input<string> }>;
  /** Binding types carried over from the previous version on every change. Default: ["secret_text", "secret_key"], so WorkerSecrets survive code changes. */
  keepBindings?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over a Worker that already exists instead of failing. Its secrets and script-level settings are kept. */
  adopt?: pulumi.Input<boolean>;
  /** Delete even when other Workers still bind to this one. */
  force?: pulumi.Input<boolean>;
  /**
   * Report `versionNumber` (and `versionId` after every kind of change) by reading the newest version after each
   * write: one more API call per change. Without it, `versionId` comes from full uploads only.
   */
  trackVersion?: pulumi.Input<boolean>;
  /**
   * Create the Worker and its first version only; later versions belong to WorkerVersion and what serves to
   * WorkerDeployment. Code and configuration are then neither written again (a change is an error saying so)
   * nor read back as drift.
   */
  firstVersionOnly?: pulumi.Input<boolean>;
  /** Static assets: the files of `directory` served by the Worker (only changed files are uploaded). */
  assets?: pulumi.Input<{
    directory: pulumi.Input<string>;
    config?: pulumi.Input<{
      htmlHandling?: pulumi.Input<"auto-trailing-slash" | "force-trailing-slash" | "drop-trailing-slash" | "none">;
      notFoundHandling?: pulumi.Input<"none" | "404-page" | "single-page-application">;
      runWorkerFirst?: pulumi.Input<boolean | pulumi.Input<string>[]>;
    }>;
    /** File-count limit; default 20,000 (Workers Free), up to 100,000 (Workers Paid). */
    maxFiles?: pulumi.Input<number>;
  }>;
}

/** One tagged step of a Durable Object migration history. */
export interface WorkerMigrationStepArgs {
  tag: string;
  newClasses?: string[];
  newSqliteClasses?: string[];
  deletedClasses?: string[];
  renamedClasses?: { from: string; to: string }[];
  transferredClasses?: { from: string; fromScript: string; to: string }[];
}

const SECRET_TYPES = ["secret_text", "secret_key"];

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
        : pulumi.output(args.bindings).apply((list) => (list.some((b) => SECRET_TYPES.includes(b.type)) ? pulumi.secret(list) : list));
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
