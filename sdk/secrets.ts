/**
 * Secret values a program passes reach Pulumi's state only as Pulumi secrets (encrypted, shown as
 * `[secret]`): the inputs a field table marks `secret`, and a bindings list holding an inline secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_BINDING_TYPES } from "../provider/cloudflare/schemas/bindings";

const SECRET_TYPES: readonly unknown[] = SECRET_BINDING_TYPES;

function hasSecretBinding(list: unknown): boolean {
  return (
    Array.isArray(list) && list.some((b: unknown) => typeof b === "object" && b !== null && "type" in b && SECRET_TYPES.includes(b.type))
  );
}

/**
 * Bindings as they go to state: the whole list a secret when any binding is of a secret type
 * (`secret_text`, `secret_key`), since Pulumi marks a value secret as a whole, not a member of a list.
 */
export function secretBindings(bindings: pulumi.Input<unknown[]> | undefined): pulumi.Output<unknown> | undefined {
  if (bindings === undefined) return undefined;
  return pulumi.output(bindings).apply((list): unknown => (hasSecretBinding(list) ? pulumi.secret(list) : list));
}

/**
 * The `keys` of `args` as Pulumi secrets (an unset one stays unset). `keys` is written
 * `satisfies Record<SecretKeysOf<typeof FIELDS>, true>`, so a secret field of the table cannot be missed.
 */
export function secretInputs<A extends object, K extends keyof A>(args: A, keys: Readonly<Record<K, true>>): { [P in K]: unknown } {
  const out = {} as { [P in K]: unknown };
  for (const key of Object.keys(keys) as K[]) out[key] = args[key] === undefined ? undefined : pulumi.secret(args[key]);
  return out;
}
