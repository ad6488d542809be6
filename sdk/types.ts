/**
 * User-facing types derived from the provider's input types (themselves derived from the field tables and
 * the wire schemas): the same shapes, camelCase, each value a `pulumi.Input`. No hand-kept copy.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BindingInput } from "../provider/cloudflare/schemas";
import type { CamelKeys } from "../provider/resources/case";

export type { CamelKeys };

/** A value a program may give as itself, a promise, or an output of another resource, at every level. */
export type InputOf<T> = pulumi.Input<Inputs<T>>;
type Inputs<T> = T extends readonly (infer U)[]
  ? InputOf<U>[]
  : T extends Record<string, unknown>
    ? string extends keyof T
      ? { [key: string]: InputOf<T[string]> }
      : { [K in keyof T]: InputOf<Exclude<T[K], undefined>> }
    : T;

/** A resource's Args from what its program writes: the same keys (required stay required), each an input. */
export type ArgsOf<ProgramInputs> = { [K in keyof ProgramInputs]: InputOf<Exclude<ProgramInputs[K], undefined>> };

/** A binding as users write it: `{ type: "kv_namespace", name: "CACHE", namespaceId: "…" }`. */
export type WorkerBinding = CamelKeys<BindingInput>;
