/**
 * User-facing types derived from the wire schemas: the same shapes with camelCase keys, so there is one
 * source of truth and no hand-kept copy of the bindings union.
 */
import type { BindingInput } from "../provider/cloudflare/schemas";

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** Recursively camelCases object keys; records of arbitrary keys (JSON data, JWKs) are left as they are. */
export type CamelKeys<T> = T extends readonly (infer U)[]
  ? CamelKeys<U>[]
  : T extends Record<string, unknown>
    ? string extends keyof T
      ? T
      : { [K in keyof T as CamelCase<K & string>]: CamelKeys<T[K]> }
    : T;

/** A binding as users write it: `{ type: "kv_namespace", name: "CACHE", namespaceId: "…" }`. */
export type WorkerBinding = CamelKeys<BindingInput>;
