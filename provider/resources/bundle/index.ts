/**
 * A Worker given as its sources (`build`), bundled with esbuild into the modules + main module that the rest of
 * WorkerScript and WorkerVersion already upload, diff and hash. The build runs in `check`, so a preview shows a
 * code change exactly when the bundle's bytes change, and a build error is a check failure that sends nothing.
 *
 * Wrangler's defaults (cloudflare/workers-sdk packages/wrangler/src/deployment-bundle/bundle.ts), so a Worker
 * that deploys with `wrangler deploy` deploys the same here: an ES module bundle targeting es2024, the
 * `workerd`, `worker`, `browser` conditions, names kept (`keep_names` defaults to true), `process.env.NODE_ENV`
 * as "production", `navigator.userAgent` defined when the runtime has `navigator`, `node:*` imports left to the
 * runtime under `nodejs_compat`, and the module rules of rules.ts. Departures, each harder on the program:
 * an import of a Node.js built-in without `nodejs_compat` fails check (wrangler warns), an entry point that
 * exports nothing fails check (wrangler falls back to the service-worker format), NODE_ENV never comes from
 * the environment of the machine that runs the build (the bytes would then depend on it), and no unenv
 * polyfills are injected for the Node.js APIs workerd lacks (wrangler's `nodejs_compat` v2 mode does).
 *
 * Determinism: the output names every source relative to the project folder (esbuild's path comments and
 * the source map's `sources`), never absolutely, so the same sources give the same bytes on any machine.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { basename, isAbsolute, parse, relative, resolve } from "node:path";
import type * as esbuild from "esbuild";
import type { WorkerModule } from "../../cloudflare";
import { MODULE_TYPES } from "../../cloudflare/schemas/modules";
import { failuresFrom, stableStringify, type CheckFailure } from "../common";
import { MAX_TOTAL_MODULE_BYTES, loadModules, type CodeInputs } from "../modules";
import { MODULE_TYPE_OF_RULE, ruleFor, ruleMatchers } from "./rules";
import { buildInputSchema, type BuildInput } from "./schema";

export { buildInputSchema, type BuildInput } from "./schema";

/** Wrangler's default export conditions (`getBuildConditions`). */
export const DEFAULT_CONDITIONS: readonly string[] = ["workerd", "worker", "browser"];
/** The JavaScript wrangler targets: workerd's V8 (`COMMON_ESBUILD_OPTIONS`). */
const TARGET = "es2024";
/** Imports the runtime provides and wrangler never bundles. */
const ALWAYS_EXTERNAL = ["__STATIC_CONTENT_MANIFEST"];
/** Bundles kept per provider process: a command checks each resource a few times, with the same sources. */
const CACHE_ENTRIES = 32;
const NODE_DOCS = "https://developers.cloudflare.com/workers/runtime-apis/nodejs/";

/** What besides `build` shapes the bundle: the Worker's compatibility settings, and the project folder. */
export interface BundleContext {
  compatibilityDate?: string;
  compatibilityFlags?: readonly string[];
  /** Where relative paths resolve: the Pulumi project folder, which is the provider's working directory. */
  cwd?: string;
}

export interface Bundle {
  /** The main module first, then the additional modules by name, then the source map. */
  modules: WorkerModule[];
  mainModule: string;
  /** The files read, relative to the project folder (sources, additional modules, tsconfig). */
  inputs: string[];
}

export type BundleOutcome = { bundle: Bundle; failures: [] } | { bundle?: undefined; failures: CheckFailure[] };

interface Compat {
  nodejsCompat: boolean;
  asyncLocalStorage: boolean;
  navigator: boolean;
}

/** Wrangler's reading of the flags that change a bundle (`getNodeJSCompatMode`, `isNavigatorDefined`). */
function compatOf(context: BundleContext): Compat {
  const flags = context.compatibilityFlags ?? [];
  const navigator = flags.includes("global_navigator")
    ? true
    : flags.includes("no_global_navigator")
      ? false
      : (context.compatibilityDate ?? "") >= "2022-03-21";
  return {
    nodejsCompat: flags.includes("nodejs_compat") || flags.includes("nodejs_compat_v2"),
    asyncLocalStorage: flags.includes("nodejs_als"),
    navigator,
  };
}

let bundlesBuilt = 0;
/** How many times esbuild ran in this process (the benchmark and the tests read it). */
export function bundleRuns(): number {
  return bundlesBuilt;
}

interface CacheEntry {
  /** SHA-256 of each input file when the bundle was made, by absolute path. */
  files: Map<string, string>;
  outcome: BundleOutcome;
}
const cache = new Map<string, Promise<CacheEntry>>();

/** Forgets every bundle (a new provider process starts with none). */
export function clearBundleCache(): void {
  cache.clear();
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function unchanged(files: Map<string, string>): boolean {
  for (const [file, hash] of files) {
    try {
      if (sha256(readFileSync(file)) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The bundle of `build`, made once per command for the same inputs and the same bytes of every file it read
 * (check is called more than once per resource, and create or update follows it in the same process).
 */
export async function bundleWorker(build: BuildInput, context: BundleContext = {}): Promise<BundleOutcome> {
  const cwd = context.cwd ?? process.cwd();
  const key = stableStringify({ build, cwd, compat: compatOf(context) });
  const cached = cache.get(key);
  if (cached) {
    const entry = await cached;
    if (unchanged(entry.files)) return entry.outcome;
  }
  const made = runBuild(build, cwd, compatOf(context));
  cache.set(key, made);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  try {
    return (await made).outcome;
  } catch (error) {
    cache.delete(key);
    throw error;
  }
}

async function runBuild(build: BuildInput, cwd: string, compat: Compat): Promise<CacheEntry> {
  const entryPoint = resolve(cwd, build.entryPoint);
  const fail = (reason: string): CacheEntry => ({ files: new Map(), outcome: { failures: [{ property: "build", reason }] } });
  try {
    if (!statSync(entryPoint).isFile()) return fail(`build.entryPoint: ${build.entryPoint} is not a file`);
  } catch (error) {
    return fail(
      `build.entryPoint: cannot read ${build.entryPoint} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); paths are relative to the Pulumi project folder`,
    );
  }
  // Loaded on the first build only: a provider process without a `build` input never pays for it.
  const esbuildApi = require("esbuild") as typeof esbuild;
  const mainName = parse(entryPoint).name;
  const mainModule = `${mainName}.js`;
  const additional = new Map<string, WorkerModule>();
  const files = new Map<string, string>();
  const options: esbuild.BuildOptions = {
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    absWorkingDir: cwd,
    outdir: cwd,
    entryNames: mainName,
    format: "esm",
    target: TARGET,
    platform: "browser",
    conditions: [...(build.conditions ?? DEFAULT_CONDITIONS)],
    loader: { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" },
    keepNames: true,
    minify: build.minify === true,
    sourcemap: build.sourcemap === true ? "linked" : false,
    metafile: true,
    external: [...ALWAYS_EXTERNAL, ...(build.external ?? [])],
    define: {
      ...(compat.navigator ? { "navigator.userAgent": JSON.stringify("Cloudflare-Workers") } : {}),
      "process.env.NODE_ENV": JSON.stringify("production"),
      "global.process.env.NODE_ENV": JSON.stringify("production"),
      "globalThis.process.env.NODE_ENV": JSON.stringify("production"),
      ...build.define,
    },
    ...(build.tsconfig === undefined ? {} : { tsconfig: resolve(cwd, build.tsconfig) }),
    logLevel: "silent",
    plugins: [aliasPlugin(build.alias, cwd), moduleRulesPlugin(build, additional, files), nodeBuiltinsPlugin(compat)],
  };
  bundlesBuilt++;
  let result: esbuild.BuildResult;
  try {
    result = await esbuildApi.build(options);
  } catch (error) {
    const messages = (error as Partial<esbuild.BuildFailure>).errors;
    if (!Array.isArray(messages)) return fail(`build: ${(error as Error).message}`);
    return { files, outcome: { failures: messages.map((m) => ({ property: "build", reason: `build: ${describeMessage(m)}` })) } };
  }
  const metafile = result.metafile!;
  const output = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint !== undefined);
  if (output && output[1].exports.length === 0) {
    return fail(
      `build.entryPoint: ${build.entryPoint} exports nothing; a Worker is an ES module with a default export (export default { fetch(request, env, ctx) { … } })`,
    );
  }
  for (const input of Object.keys(metafile.inputs)) {
    if (input.includes(":")) continue; // virtual modules of plugins, never files
    const file = resolve(cwd, input);
    files.set(file, sha256(readFileSync(file)));
  }
  if (build.tsconfig !== undefined) files.set(resolve(cwd, build.tsconfig), sha256(readFileSync(resolve(cwd, build.tsconfig))));

  const main = result.outputFiles!.find((f) => basename(f.path) === mainModule)!;
  const map = result.outputFiles!.find((f) => basename(f.path) === `${mainModule}.map`);
  const modules: WorkerModule[] = [
    { name: mainModule, contentType: MODULE_TYPES.esm, content: main.contents },
    ...[...additional.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    ...(map ? [{ name: `${mainModule}.map`, contentType: MODULE_TYPES.sourcemap, content: sourceMapFor(map.text, mainModule) }] : []),
  ];
  const total = modules.reduce((sum, m) => sum + m.content.byteLength, 0);
  if (total > MAX_TOTAL_MODULE_BYTES) {
    return fail(`build: the bundle adds up to ${total} bytes; the limit checked here is ${MAX_TOTAL_MODULE_BYTES} bytes`);
  }
  const inputs = [...files.keys()].map((f) => relative(cwd, f)).sort();
  return { files, outcome: { bundle: { modules, mainModule, inputs }, failures: [] } };
}

/**
 * The source map as wrangler uploads it (`loadSourceMap` in its source-maps.ts): a `<main>.map` module of type
 * `application/source-map` whose `file` names the main module. Its `sources` are relative to the project
 * folder already (the output folder is the project folder), so no absolute path reaches the bytes.
 */
function sourceMapFor(text: string, mainModule: string): Uint8Array {
  const map = JSON.parse(text) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...map, file: mainModule }), "utf8");
}

/** `src/index.ts:3:7: Expected ";" but found "x"`: the column 1-based and in characters, as editors count. */
function describeMessage(message: esbuild.Message): string {
  const at = message.location;
  if (!at) return message.text;
  const column = Buffer.from(at.lineText, "utf8").subarray(0, at.column).toString("utf8").length + 1;
  return `${at.file}:${at.line}:${column}: ${message.text}`;
}

/**
 * `alias` as a plugin ahead of the others, so a program's alias wins over the built-in handling (wrangler's
 * alias plugin, for the same reason); the target resolves from the project folder, as esbuild's own `alias`.
 */
function aliasPlugin(alias: Record<string, string> | undefined, cwd: string): esbuild.Plugin {
  return {
    name: "cloudflare-workers-alias",
    setup(build) {
      if (!alias || Object.keys(alias).length === 0) return;
      const filter = new RegExp(`^(${Object.keys(alias).map(escapeRegExp).join("|")})$`);
      build.onResolve({ filter }, async (args) => {
        const target = alias[args.path];
        if (target === undefined) return undefined;
        const resolved = await build.resolve(target, { kind: args.kind, resolveDir: cwd, importer: args.importer });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : resolvedResult(resolved);
      });
    },
  };
}

/**
 * The module rules: an import a rule matches becomes a module of its own, named `<sha1 of its bytes>-<file
 * name>` as wrangler names it (wrangler writes `./` before the name; the API resolves both alike, and this
 * package's module names have no `.` segments), and the bundle imports it by that name.
 */
function moduleRulesPlugin(build: BuildInput, additional: Map<string, WorkerModule>, files: Map<string, string>): esbuild.Plugin {
  const matchers = ruleMatchers(build.rules);
  return {
    name: "cloudflare-workers-module-rules",
    setup(esb) {
      if (matchers.length === 0) return;
      esb.onResolve({ filter: new RegExp(matchers.map((m) => m.pattern.source).join("|")) }, async (args) => {
        if ((args.pluginData as { skipRules?: boolean } | undefined)?.skipRules) return undefined;
        const type = ruleFor(matchers, args.path);
        if (type === undefined) return undefined;
        const specifier = args.path.split("?")[0]!;
        let file = resolve(args.resolveDir, specifier);
        if (!specifier.startsWith(".") && !isAbsolute(specifier)) {
          const found = await esb.resolve(specifier, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: { skipRules: true },
          });
          if (found.errors.length > 0) return { errors: found.errors };
          file = found.path;
        }
        let bytes: Uint8Array;
        try {
          bytes = await readFile(file);
        } catch (error) {
          return { errors: [{ text: `cannot read ${args.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }] };
        }
        files.set(file, sha256(bytes));
        const name = `${createHash("sha1").update(bytes).digest("hex")}-${basename(specifier)}`;
        additional.set(name, { name, contentType: MODULE_TYPES[MODULE_TYPE_OF_RULE[type]], content: bytes });
        return { path: `./${name}`, external: true };
      });
    },
  };
}

/** Node's built-in module names, bare (`fs`, `fs/promises`), as an import may spell them without `node:`. */
const BARE_BUILTINS = new RegExp(
  `^(${builtinModules
    .filter((m) => !m.startsWith("_") && !m.includes(":"))
    .map(escapeRegExp)
    .join("|")})$`,
);

/**
 * Node.js built-ins: left to the runtime (as `node:…`) under `nodejs_compat`; without it, a check failure at
 * the import. A package of a built-in's bare name in node_modules (a polyfill) is bundled, as in wrangler.
 */
function nodeBuiltinsPlugin(compat: Compat): esbuild.Plugin {
  const refusal = (specifier: string) => ({
    errors: [
      {
        text: `"${specifier}" is a Node.js built-in module; add "nodejs_compat" to compatibilityFlags so the Workers runtime provides it (${NODE_DOCS})`,
      },
    ],
  });
  const allowed = (specifier: string) => compat.nodejsCompat || (compat.asyncLocalStorage && specifier === "node:async_hooks");
  return {
    name: "cloudflare-workers-node-builtins",
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => (allowed(args.path) ? { path: args.path, external: true } : refusal(args.path)));
      build.onResolve({ filter: BARE_BUILTINS }, async (args) => {
        if ((args.pluginData as { skipBuiltins?: boolean } | undefined)?.skipBuiltins) return undefined;
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { skipBuiltins: true },
        });
        if (found.errors.length === 0) return resolvedResult(found);
        return allowed(`node:${args.path}`) ? { path: `node:${args.path}`, external: true } : refusal(args.path);
      });
    },
  };
}

function resolvedResult(resolved: esbuild.ResolveResult): esbuild.OnResolveResult {
  return {
    path: resolved.path,
    external: resolved.external,
    namespace: resolved.namespace,
    sideEffects: resolved.sideEffects,
    suffix: resolved.suffix,
    pluginData: resolved.pluginData,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
}

/** The code inputs of a Worker that may be built: `build` with what shapes its bundle, or the modules as given. */
export interface BuildableCodeInputs extends CodeInputs {
  build?: unknown;
  compatibilityDate?: unknown;
  compatibilityFlags?: unknown;
}

/**
 * The Worker's modules from whichever code input the program gave: bundled from `build`, or read from
 * `content`/`modules` (modules.ts). Failures name the property; nothing is sent anywhere.
 */
export async function loadWorkerCode(code: BuildableCodeInputs): Promise<ReturnType<typeof loadModules>> {
  if (code.build === undefined) return loadModules(code);
  const failures: CheckFailure[] = [];
  if (code.content !== undefined || code.modules !== undefined) {
    failures.push({
      property: "build",
      reason: `build and ${code.content !== undefined ? "content" : "modules"} are mutually exclusive: give the Worker's sources in build, or its built code in content or modules`,
    });
  }
  if (code.mainModule !== undefined) {
    failures.push({
      property: "mainModule",
      reason: "mainModule: a bundle's main module is named after build.entryPoint (src/index.ts → index.js); remove mainModule",
    });
  }
  const parsed = buildInputSchema.safeParse(code.build);
  if (!parsed.success) failures.push(...failuresFrom(parsed.error, ["build"]));
  if (failures.length > 0 || !parsed.success) return { failures };
  const outcome = await bundleWorker(parsed.data, {
    compatibilityDate: typeof code.compatibilityDate === "string" ? code.compatibilityDate : undefined,
    compatibilityFlags: Array.isArray(code.compatibilityFlags) ? code.compatibilityFlags.filter((f) => typeof f === "string") : [],
  });
  return outcome.bundle
    ? { modules: outcome.bundle.modules, mainModule: outcome.bundle.mainModule, failures: [] }
    : { failures: outcome.failures };
}
