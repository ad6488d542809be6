/**
 * The provider object a resource hands to Pulumi. Pulumi serializes it, with everything its methods close
 * over, into the resource's state; so it holds nothing but the name of the implementation and requires the
 * implementation from the installed package when the engine calls it. No credentials, no inputs, no
 * class instances end up in state, and state written today keeps working with the next version.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One object per implementation: Pulumi caches a provider's serialization per object, so a fleet of N resources serializes it once, not N times. */
const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

export function lazyProvider(implementation: string): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(implementation);
  if (provider === undefined) providers.set(implementation, (provider = newLazyProvider(implementation)));
  return provider;
}

function newLazyProvider(implementation: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      require("pulumi-cloudflare-workers/provider").configure(req.config);
    },
    async check(olds, news) {
      return require("pulumi-cloudflare-workers/provider")[implementation].check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-cloudflare-workers/provider")[implementation].diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-cloudflare-workers/provider")[implementation].create(inputs);
    },
    async read(id, props) {
      return require("pulumi-cloudflare-workers/provider")[implementation].read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-cloudflare-workers/provider")[implementation].update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-cloudflare-workers/provider")[implementation].delete(id, props);
    },
  };
}
