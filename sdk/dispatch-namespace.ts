import * as pulumi from "@pulumi/pulumi";
import type { DISPATCH_NAMESPACE_FIELDS } from "../provider/resources/dispatch-namespace";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/** The inputs of a DispatchNamespace: `name` (changing it replaces the namespace), `adopt`, `accountId`. */
export type DispatchNamespaceArgs = ArgsOfFields<typeof DISPATCH_NAMESPACE_FIELDS>;

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
    const props = {
      accountId: undefined,
      ...args,
      namespaceId: undefined,
      createdOn: undefined,
      trustedWorkers: undefined,
    } satisfies PropsOf<DispatchNamespace>;
    super(lazyProvider("dispatchNamespaceProvider"), name, props, opts, "cloudflare-workers", "DispatchNamespace");
  }
}
