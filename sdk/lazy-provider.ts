/**
 * The provider object a resource hands to Pulumi. Pulumi serializes it, with everything its methods close
 * over, into the resource's state; so it holds nothing but the name of the implementation, inherits its
 * methods from `./lazy-methods` (serialized as one `require` of that module when the package is installed),
 * and requires the implementation from the installed package when the engine calls it. No credentials, no
 * inputs, no class instances end up in state, and state written today keeps working with the next version.
 */
import type * as pulumi from "@pulumi/pulumi";
import methods = require("./lazy-methods");
import type { ImplementationName } from "./types";

/** One object per implementation: Pulumi caches a provider's serialization per object, so a fleet of N resources serializes it once, not N times. */
const providers = new Map<ImplementationName, pulumi.dynamic.ResourceProvider>();

/** The provider object of `implementation`, an export of `pulumi-cloudflare-workers/provider` (a misspelt name fails to compile). */
export function lazyProvider(implementation: ImplementationName): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(implementation);
  if (provider === undefined) {
    const own: methods.LazyProvider = { implementation };
    provider = Object.assign(Object.create(methods) as pulumi.dynamic.ResourceProvider, own);
    providers.set(implementation, provider);
  }
  return provider;
}
