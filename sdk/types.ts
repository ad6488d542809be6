/**
 * User-facing types derived from the provider's field tables and input types (themselves derived from the
 * wire schemas): the same shapes, camelCase, each value a `pulumi.Input`. No hand-kept copy.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BindingInput } from "../provider/cloudflare/schemas";
import type { CamelKeys } from "../provider/resources/case";
import type { Fields, ProgramInputsOf } from "../provider/resources/fields";
import type * as provider from "../provider";

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

type Program<F extends Fields> = ProgramInputsOf<F>;
type ProgramKey<F extends Fields> = keyof Program<F> & PropertyKey;
type RequiredKey<F extends Fields> = { [K in ProgramKey<F>]-?: object extends Pick<Program<F>, K> ? never : K }[ProgramKey<F>];

/**
 * `ProgramInputsOf<F>` mapped over the table's own keys, so each key keeps the doc comment written on its
 * table entry (a mapped type keeps declarations only when it maps `keyof` the table itself): the words an
 * editor shows on hover are the table's.
 */
type DocumentedProgramInputs<F extends Fields> = {
  -readonly [K in keyof F as K extends RequiredKey<F> ? K : never]: Program<F>[K & ProgramKey<F>];
} & {
  -readonly [K in keyof F as K extends Exclude<ProgramKey<F>, RequiredKey<F>> ? K : never]?: Program<F>[K & ProgramKey<F>];
};

/** A resource's Args from its field table: `ArgsOf<ProgramInputsOf<F>>`, with the table's doc comments. */
export type ArgsOfFields<F extends Fields> = ArgsOf<DocumentedProgramInputs<F>>;

/** The inputs the table marks `secret: true`: the sdk makes them Pulumi secrets before they reach state. */
export type SecretKeysOf<F extends Fields> = { [K in keyof F]: F[K] extends { secret: true } ? K : never }[keyof F];

/** The exports of `pulumi-cloudflare-workers/provider` that implement a resource: what `lazyProvider` takes. */
export type ImplementationName = { [K in keyof typeof provider]: K extends `${string}Provider` ? K : never }[keyof typeof provider];

/** The outputs a resource class declares (beyond `id` and `urn`). */
export type OutputKeysOf<R> = {
  [K in Exclude<keyof R, keyof pulumi.CustomResource>]-?: R[K] extends pulumi.Output<unknown> ? K : never;
}[Exclude<keyof R, keyof pulumi.CustomResource>];

/**
 * What a resource class passes to `super` as props: every output it declares present, if only as
 * `undefined`. Pulumi makes an output of each key of the props and of nothing else (`transferProperties` in
 * @pulumi/pulumi's runtime/rpc.ts), so a declared output missing from them is `undefined` at run time.
 */
export type PropsOf<R> = Record<OutputKeysOf<R>, unknown> & { [key: string]: unknown };

/** A binding as users write it: `{ type: "kv_namespace", name: "CACHE", namespaceId: "…" }`. */
export type WorkerBinding = CamelKeys<BindingInput>;
