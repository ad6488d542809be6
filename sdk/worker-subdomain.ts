import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";

export interface WorkerSubdomainArgs {
  accountId?: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  /** Serve the Worker on <script>.<account subdomain>.workers.dev. */
  enabled: pulumi.Input<boolean>;
  /** Serve preview URLs there too; left to the API when unset. */
  previewsEnabled?: pulumi.Input<boolean>;
  /** Read the live state first and write only if it differs (nothing for a Worker taken over as it is). */
  adopt?: pulumi.Input<boolean>;
}

/** The workers.dev subdomain of a Worker. Removing the resource disables it. */
export class WorkerSubdomain extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly enabled: pulumi.Output<boolean>;
  declare public readonly previewsEnabled: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: WorkerSubdomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(lazyProvider("workerSubdomainProvider"), name, { ...args }, opts, "cloudflare-workers", "WorkerSubdomain");
  }
}
