/**
 * Users write camelCase (the Pulumi convention); the wire is snake_case. One function per direction.
 *
 * Some values are data rather than structure and keep their keys as given: the `json` of a json binding,
 * the WebCrypto `algorithm` and `key_jwk` of a secret key. Annotations map their two known keys explicitly.
 */

/** Keys whose values are passed through untouched, in both directions (wire spelling). */
const OPAQUE_WIRE_KEYS = new Set(["json", "algorithm", "key_jwk"]);

const ANNOTATION_TO_WIRE: Record<string, string> = {
  workersMessage: "workers/message",
  workersTag: "workers/tag",
  workersTriggeredBy: "workers/triggered_by",
};
const ANNOTATION_FROM_WIRE = Object.fromEntries(Object.entries(ANNOTATION_TO_WIRE).map(([k, v]) => [v, k]));

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function mapKeys(value: unknown, rename: (key: string) => string, annotations: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename, annotations));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const renamed = rename(key);
    const wireKey = camelToSnake(key);
    if (OPAQUE_WIRE_KEYS.has(wireKey)) {
      out[renamed] = inner;
    } else if (wireKey === "annotations" && inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
      out[renamed] = Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([k, v]) => [annotations[k] ?? k, v]));
    } else {
      out[renamed] = mapKeys(inner, rename, annotations);
    }
  }
  return out;
}

/** camelCase user input → snake_case wire shape. Keys already in snake_case pass unchanged. */
export function toWire<T = unknown>(value: unknown): T {
  return mapKeys(value, camelToSnake, ANNOTATION_TO_WIRE) as T;
}

/** snake_case wire shape → camelCase, the inverse of `toWire` for every camelCase input. */
export function fromWire<T = unknown>(value: unknown): T {
  return mapKeys(value, snakeToCamel, ANNOTATION_FROM_WIRE) as T;
}

/** Version annotations: `{ workersMessage, workersTag }` ↔ `{ "workers/message", "workers/tag" }`. */
export function annotationsToWire(value: unknown): Record<string, unknown> | undefined {
  return toWire<{ annotations?: Record<string, unknown> }>({ annotations: value }).annotations;
}

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/**
 * The camelCase view of a wire type, as `fromWire` maps values: object keys camelCased recursively; records of
 * arbitrary keys (JSON data, JWKs) left as they are.
 */
export type CamelKeys<T> = T extends readonly (infer U)[]
  ? CamelKeys<U>[]
  : T extends Record<string, unknown>
    ? string extends keyof T
      ? T
      : { [K in keyof T as CamelCase<K & string>]: CamelKeys<T[K]> }
    : T;
