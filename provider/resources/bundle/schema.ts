/**
 * The `build` input of WorkerScript and WorkerVersion: a Worker given as its sources, bundled by esbuild at
 * check. The options follow wrangler's configuration keys of the same meaning (`main`, `tsconfig`, `define`,
 * `alias`, `minify`, `upload_source_maps`, `rules`; wrangler's `--external` for `external`, and
 * `WRANGLER_BUILD_CONDITIONS` for `conditions`): https://developers.cloudflare.com/workers/wrangler/configuration/
 */
import { z } from "zod";

/**
 * Wrangler's module rule types that make an import an additional module of the upload (its other types,
 * `ESModule` and `CommonJS`, only matter for unbundled Workers: here every JavaScript import is bundled).
 */
export const RULE_TYPES = ["CompiledWasm", "Text", "Data"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const moduleRuleSchema = z.strictObject({
  type: z.enum(RULE_TYPES, { error: `expected one of ${RULE_TYPES.join(", ")} (JavaScript imports are always bundled)` }),
  globs: z.array(z.string().min(1)).min(1, "give at least one glob, such as **/*.txt"),
  /** As in wrangler: a rule whose type a later rule repeats ends the matching for that type unless this is true. */
  fallthrough: z.boolean().optional(),
});
export type ModuleRule = z.infer<typeof moduleRuleSchema>;

const nonEmpty = z.string().min(1, "cannot be empty");

export const buildInputSchema = z.strictObject({
  /** The Worker's entry source (TypeScript or JavaScript), relative to the Pulumi project folder. */
  entryPoint: nonEmpty,
  /** A tsconfig.json for esbuild's TypeScript settings (paths, JSX); types are never checked. */
  tsconfig: nonEmpty.optional(),
  /** Replace global identifiers by expressions (esbuild `define`): `{ "DEBUG": "false" }`. */
  define: z.record(z.string(), z.string()).optional(),
  /** Imports left to the runtime, not bundled. */
  external: z.array(nonEmpty).optional(),
  /** Replace one package by another: `{ "fs": "./src/fs-shim.ts" }` (resolved from the project folder). */
  alias: z.record(nonEmpty, nonEmpty).optional(),
  minify: z.boolean().optional(),
  /** Upload a source map beside the bundle, so stack traces in Workers logs point at the sources. */
  sourcemap: z.boolean().optional(),
  /** Package export conditions; default wrangler's `workerd`, `worker`, `browser`. */
  conditions: z.array(nonEmpty).optional(),
  /** Module rules before wrangler's defaults (.wasm CompiledWasm; .txt, .html, .sql Text; .bin Data). */
  rules: z.array(moduleRuleSchema).optional(),
});
export type BuildInput = z.infer<typeof buildInputSchema>;
