/**
 * The methods of every resource's provider object, shared through the prototype: a provider object is
 * `Object.create(<this module's exports>)` with one own property, the name of its implementation, and each
 * method requires that implementation from the installed package when the engine calls it.
 *
 * Why a module of its own: Pulumi's closure serialization writes an object that is the exports of a module
 * installed under node_modules as `require("<the package's export path>")` (`findNormalizedModuleNameAsync`
 * and `captureModuleAsync` in @pulumi/pulumi's runtime/closure/createClosure.ts), so each resource's
 * `__provider`, stored in its inputs and again in its outputs, is about 350 bytes instead of a copy of every
 * method. The engine rewrites the whole snapshot after every step, so those bytes are paid per step.
 *
 * The export path `pulumi-cloudflare-workers/dist/sdk/lazy-methods.js` (the file's own path, so the text is the same
 * whether or not the serializer finds the package's "exports") and the method names are read back from state:
 * keep both stable. Where the package is not under node_modules (a linked checkout), the serializer copies
 * these functions by value instead, which works the same, only larger.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ImplementationName } from "./types";

/** What a provider object holds of its own: the export of `pulumi-cloudflare-workers/provider` that implements it. */
export interface LazyProvider {
  implementation: ImplementationName;
}

type Implementation = Required<Omit<dynamic.ResourceProvider, "configure">>;

function implementationOf(self: LazyProvider): Implementation {
  return require("pulumi-cloudflare-workers/provider")[self.implementation];
}

export async function configure(this: LazyProvider, req: dynamic.ConfigureRequest): Promise<void> {
  require("pulumi-cloudflare-workers/provider").configure(req.config);
}

export function check(this: LazyProvider, olds: unknown, news: unknown) {
  return implementationOf(this).check(olds, news);
}

export function diff(this: LazyProvider, id: string, olds: unknown, news: unknown) {
  return implementationOf(this).diff(id, olds, news);
}

export function create(this: LazyProvider, inputs: unknown) {
  return implementationOf(this).create(inputs);
}

export function read(this: LazyProvider, id: string, props?: unknown) {
  return implementationOf(this).read(id, props);
}

export function update(this: LazyProvider, id: string, olds: unknown, news: unknown) {
  return implementationOf(this).update(id, olds, news);
}

function remove(this: LazyProvider, id: string, props: unknown) {
  return implementationOf(this).delete(id, props);
}
export { remove as delete };
