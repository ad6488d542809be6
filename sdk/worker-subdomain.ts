import * as pulumi from "@pulumi/pulumi";
import type { WORKER_SUBDOMAIN_FIELDS } from "../provider/resources/worker-subdomain";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/** The inputs of a WorkerSubdomain: `scriptName`, `enabled`, `previewsEnabled` (left to the API when unset), `adopt`. */
export type WorkerSubdomainArgs = ArgsOfFields<typeof WORKER_SUBDOMAIN_FIELDS>;

/** The workers.dev subdomain of a Worker. Removing the resource disables it. */
export class WorkerSubdomain extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly enabled: pulumi.Output<boolean>;
  declare public readonly previewsEnabled: pulumi.Output<boolean | undefined>;
  /** `https://<script>.<account subdomain>.workers.dev` while enabled: export it, or feed it to a smoke test. */
  declare public readonly url: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkerSubdomainArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { accountId: undefined, previewsEnabled: undefined, url: undefined, ...args } satisfies PropsOf<WorkerSubdomain>;
    super(lazyProvider("workerSubdomainProvider"), name, props, opts, "cloudflare-workers", "WorkerSubdomain");
  }
}
