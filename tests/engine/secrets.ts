import { createHmac } from "node:crypto";

/**
 * How the engine keeps secrets, reproduced for the harness. Values travel to and from the host in plain
 * text (the dynamic provider answers Configure with acceptSecrets=false); the engine remembers WHERE the
 * secrets are as paths into the property map and re-marks outputs after every call.
 */

/** A path into a property map: object keys, and array indexes as decimal strings. */
export type SecretPath = string[];

/** Pulumi's wire markers (runtime/rpc.js `specialSigKey` / `specialSecretSig`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type PropertyMap = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSecretWrapper(value: unknown): value is { value?: unknown } {
  return isPlainObject(value) && value[SIG_KEY] === SECRET_SIG;
}

/** Removes secret wrappers from a serialized property value, returning the plain value and the secret paths. */
export function unwrapSecrets(value: unknown, at: SecretPath = []): { plain: unknown; paths: SecretPath[] } {
  if (isSecretWrapper(value)) {
    const inner = unwrapSecrets(value.value, at);
    return { plain: inner.plain, paths: [at] };
  }
  if (Array.isArray(value)) {
    const paths: SecretPath[] = [];
    const plain = value.map((item, index) => {
      const inner = unwrapSecrets(item, [...at, String(index)]);
      paths.push(...inner.paths);
      return inner.plain;
    });
    return { plain, paths };
  }
  if (isPlainObject(value)) {
    const paths: SecretPath[] = [];
    const plain: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const inner = unwrapSecrets(item, [...at, key]);
      paths.push(...inner.paths);
      plain[key] = inner.plain;
    }
    return { plain, paths };
  }
  return { plain: value, paths: [] };
}

/** Replaces the value at every secret path with `mark(value)` (used for secret wrappers and ciphertexts). */
export function markSecrets(value: unknown, paths: SecretPath[], mark: (secret: unknown) => unknown): unknown {
  if (paths.some((p) => p.length === 0)) return mark(value);
  if (paths.length === 0) return value;
  const byHead = new Map<string, SecretPath[]>();
  for (const [head, ...rest] of paths) {
    if (head === undefined) continue;
    byHead.set(head, [...(byHead.get(head) ?? []), rest]);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => markSecrets(item, byHead.get(String(index)) ?? [], mark));
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = markSecrets(item, byHead.get(key) ?? [], mark);
    return out;
  }
  return value;
}

/** Wraps the values at the given paths in Pulumi's secret marker, as the engine sends them to a program. */
export function wrapSecrets(value: unknown, paths: SecretPath[]): unknown {
  return markSecrets(value, paths, (secret) => ({ [SIG_KEY]: SECRET_SIG, value: secret }));
}

function startsWith(path: SecretPath, prefix: SecretPath): boolean {
  return prefix.every((part, i) => path[i] === part);
}

function childPaths(paths: SecretPath[], key: string): SecretPath[] {
  return paths.filter((p) => p[0] === key).map((p) => p.slice(1));
}

/**
 * The engine's `annotateSecrets` (provider_plugin.go) for providers that do not accept secrets: for every
 * key present in both maps, recurse when both values are objects; otherwise, if the input value contains a
 * secret, the whole output value becomes secret (so an array with one secret item is secret as a whole).
 * Returns the output secret paths (existing ones kept).
 */
export function annotateSecrets(outs: PropertyMap, outPaths: SecretPath[], ins: PropertyMap, inPaths: SecretPath[]): SecretPath[] {
  const result = [...outPaths];
  const walk = (out: PropertyMap, inn: PropertyMap, inSecret: SecretPath[], outSecret: SecretPath[], at: SecretPath): void => {
    for (const key of Object.keys(inn)) {
      if (!(key in out)) continue;
      const inKeyPaths = childPaths(inSecret, key);
      if (inKeyPaths.length === 0) continue;
      const outKeyPaths = childPaths(outSecret, key);
      const inWhole = inKeyPaths.some((p) => p.length === 0);
      const outWhole = outKeyPaths.some((p) => p.length === 0);
      if (!inWhole && isPlainObject(out[key]) && isPlainObject(inn[key])) {
        walk(out[key] as PropertyMap, inn[key] as PropertyMap, inKeyPaths, outKeyPaths, [...at, key]);
      } else if (!outWhole) {
        result.push([...at, key]);
      }
    }
  };
  walk(outs, ins, inPaths, outPaths, []);
  return normalisePaths(result);
}

/** Marks listed top-level output keys secret (the `additionalSecretOutputs` resource option). */
export function addSecretOutputs(outs: PropertyMap, paths: SecretPath[], keys: string[]): SecretPath[] {
  return normalisePaths([...paths, ...keys.filter((key) => key in outs).map((key) => [key])]);
}

/** Drops duplicates and paths inside an already secret path; sorted for stable output. */
export function normalisePaths(paths: SecretPath[]): SecretPath[] {
  const unique = new Map(paths.map((p) => [JSON.stringify(p), p]));
  const list = [...unique.values()];
  return list
    .filter((p) => !list.some((other) => other !== p && other.length < p.length && startsWith(p, other)))
    .sort((a, b) => a.join(".").localeCompare(b.join(".")));
}

/** Keeps only the paths that still point at something in `value` (e.g. after a key was dropped). */
export function pathsPresentIn(value: unknown, paths: SecretPath[]): SecretPath[] {
  return paths.filter((p) => {
    let at: unknown = value;
    for (const part of p) {
      if (Array.isArray(at) || isPlainObject(at)) at = (at as Record<string, unknown>)[part];
      else return false;
      if (at === undefined) return false;
    }
    return true;
  });
}

/**
 * Renders secret values as a checkpoint does: the secret marker with an opaque `ciphertext` in place of
 * the value. An HMAC under a per-engine random key stands in for encryption: it never contains the plain
 * value, and equal secrets give equal ciphertexts within one engine.
 */
export function makeCiphertextMarker(key: Buffer): (secret: unknown) => unknown {
  return (secret) => ({
    [SIG_KEY]: SECRET_SIG,
    ciphertext:
      "v1:" +
      createHmac("sha256", key)
        .update(JSON.stringify(secret) ?? "undefined")
        .digest("base64"),
  });
}
