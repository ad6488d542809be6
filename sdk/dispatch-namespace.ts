import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";

export interface DispatchNamespaceArgs {
  /** Defaults to the stack config `cloudflare:accountId`, then CLOUDFLARE_ACCOUNT_ID. */
  accountId?: pulumi.Input<string>;
  /** The namespace's name (a-z, 0-9, '-' and '_'). Changing it replaces the namespace. */
  name: pulumi.Input<string>;
  /** Take over a namespace that already exists (nothing is written) instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A Workers for Platforms dispatch namespace. Upload Workers into it with `WorkerScript({ dispatchNamespace })`.
 *
 * WARNING: deleting this resource (removing it from the program, `pulumi destroy`, or a replacement after a
 * change of `name` or `accountId`) deletes the namespace AND EVERY WORKER IN IT, including Workers uploaded
 * by other tools. Consider `protect: true`.
 */
export class DispatchNamespace extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  /** The API's identifier of the namespace. */
  declare public readonly namespaceId: pulumi.Output<string | undefined>;
  declare public readonly createdOn: pulumi.Output<string | undefined>;
  declare public readonly trustedWorkers: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: DispatchNamespaceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, namespaceId: undefined, createdOn: undefined, trustedWorkers: undefined };
    super(lazyProvider("dispatchNamespaceProvider"), name, props, opts, "cloudflare-workers", "DispatchNamespace");
  }
}
