/**
 * The secret values a request body carries, for `RequestSpec.redact`: the text of a secret_text, the key
 * material of a secret_key (base64, or the JWK as JSON and its private members). Should the API quote
 * one of them in an error, the client removes it before the error leaves it.
 */

/** JWK members that hold private or symmetric key material (RFC 7518). */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

/** Secret values of one secret or binding (`{type: "secret_text" | "secret_key", …}`); none for any other type. */
export function secretValuesOf(item: unknown): string[] {
  if (typeof item !== "object" || item === null) return [];
  const { type, text, key_base64: keyBase64, key_jwk: keyJwk } = item as Record<string, unknown>;
  if (type === "secret_text") return typeof text === "string" ? [text] : [];
  if (type !== "secret_key") return [];
  const values: string[] = [];
  if (typeof keyBase64 === "string") values.push(keyBase64);
  if (typeof keyJwk === "object" && keyJwk !== null) {
    values.push(JSON.stringify(keyJwk));
    for (const member of PRIVATE_JWK_MEMBERS) {
      const value = (keyJwk as Record<string, unknown>)[member];
      if (typeof value === "string") values.push(value);
    }
  }
  return values;
}

/** Secret values of every secret binding in a list (upload metadata, settings). */
export function bindingSecretValues(bindings: readonly unknown[] | undefined): string[] {
  return (bindings ?? []).flatMap(secretValuesOf);
}
