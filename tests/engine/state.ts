import { makeCiphertextMarker, markSecrets, type PropertyMap, type SecretPath } from "./secrets";

/** One resource as the engine keeps it in a checkpoint. */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  /** false for component resources (never sent to a provider). */
  custom: boolean;
  parent: string;
  id: string;
  /** The inputs Check returned (what the next Check gets as olds). */
  inputs: PropertyMap;
  inputSecretPaths: SecretPath[];
  /** Create/Update/Read results; for dynamic resources they include `__provider`. */
  outputs: PropertyMap;
  outputSecretPaths: SecretPath[];
  /** Output keys the engine marks secret ("a" for a whole key, "a.b" inside an object). */
  secretOutputKeys: string[];
  dependencies: string[];
  /** Input key → the URNs its value came from (what the engine unknowns when those are replaced first). */
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
  protect: boolean;
}

export function secretKeysOf(paths: SecretPath[]): string[] {
  return paths.map((p) => p.join("."));
}

/**
 * Orders resources for deletion: a resource goes before everything it depends on (its dependencies and
 * its parent), and otherwise newest first — the reverse of the order they were created in.
 */
export function deletionOrder(resources: ResourceState[]): ResourceState[] {
  const remaining = [...resources];
  const ordered: ResourceState[] = [];
  const needs = (r: ResourceState): string[] => (r.parent ? [...r.dependencies, r.parent] : r.dependencies);
  while (remaining.length > 0) {
    let index = remaining.length - 1;
    while (index >= 0 && remaining.some((other) => other !== remaining[index] && needs(other).includes(remaining[index]!.urn))) {
      index--;
    }
    // A dependency cycle cannot come from a program; fall back to newest first rather than loop.
    const [next] = remaining.splice(index >= 0 ? index : remaining.length - 1, 1);
    ordered.push(next!);
  }
  return ordered;
}

/**
 * A checkpoint like `pulumi stack export` writes (version 3), with every secret replaced by the secret
 * marker and an opaque `ciphertext`, so the text can be searched for leaked values.
 */
export function checkpointText(
  stackUrn: string,
  resources: ResourceState[],
  pendingDeletes: ResourceState[],
  ciphertextKey: Buffer,
): string {
  const mark = makeCiphertextMarker(ciphertextKey);
  const entry = (r: ResourceState, pendingDelete: boolean): Record<string, unknown> => ({
    urn: r.urn,
    custom: r.custom,
    ...(pendingDelete ? { delete: true } : {}),
    id: r.id,
    type: r.type,
    inputs: markSecrets(r.inputs, r.inputSecretPaths, mark),
    outputs: markSecrets(r.outputs, r.outputSecretPaths, mark),
    ...(r.parent ? { parent: r.parent } : {}),
    ...(r.protect ? { protect: true } : {}),
    dependencies: r.dependencies,
    ...(r.additionalSecretOutputs.length > 0 ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
    ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
  });
  return JSON.stringify(
    {
      version: 3,
      checkpoint: {
        stack: stackUrn,
        latest: {
          manifest: { magic: "engine-harness", version: "engine-harness" },
          secrets_providers: { type: "engine-harness", state: {} },
          resources: [...resources.map((r) => entry(r, false)), ...pendingDeletes.map((r) => entry(r, true))],
        },
      },
    },
    null,
    2,
  );
}
