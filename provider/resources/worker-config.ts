/**
 * A Worker's code and versioned configuration, declared once: the fields that WorkerScript and WorkerVersion
 * spread into their tables, and what is derived from them (the rules of check that span fields, the upload
 * metadata, the settings PATCH, the read-back and the import generator's reading of a live Worker).
 *
 * The versioned configuration is every field with a wire name. Each is:
 *   - sent in a full upload (PUT …/scripts/{name}, POST …/versions) under its wire name: `uploadMetadata`
 *     (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/update/);
 *   - patched one by one through PATCH …/settings, `cleared` restoring the API default of a removed one:
 *     `settingsPatch`
 *     (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/script_and_version_settings/methods/edit/);
 *   - read back from GET …/settings as its entry says (`read`, `fromWire`): `inputsFromWire` for a refresh,
 *     `configurationOf` for the import generator.
 * Adding a versioned input is one entry here (and its test row): WorkerScript, WorkerVersion, the import
 * generator and the sdk's Args follow.
 */
import { z } from "zod";
import type { ScriptSettings, UploadMetadata, WireBinding, WorkerModule } from "../cloudflare";
import {
  BINDING_TYPES,
  PART_BINDING_TYPES,
  SECRET_BINDING_TYPES,
  compatibilityDateSchema,
  migrationListInputSchema,
  migrationsInputSchema,
  placementSchema,
  programBindingListSchema,
  usageModelSchema,
  withoutOpaqueMarker,
  type BindingType,
} from "../cloudflare/schemas";
import { assetsChange, assetsState, checkAssets, describeAssetsChange, type AssetsState } from "./assets";
import { buildInputSchema, loadWorkerCode, type BuildableCodeInputs } from "./bundle";
import { annotationsToWire, fromWire } from "./case";
import { printable, type CheckFailure } from "./common";
import {
  booleanSchema,
  defineFields,
  isWireKey,
  programFromWire,
  wireKeys,
  wireNormalised,
  wireOf,
  wireValue,
  type Field,
  type Fields,
  type InputsOf,
  type RawInputs,
  type WireKeysOf,
} from "./fields";
import { checkMigrations, type WireMigrations } from "./migrations";
import { contentHash, moduleInputSchema } from "./modules";
import { ResourceInputError } from "./refusals";
import {
  DEFAULT_USAGE_MODEL,
  normaliseBindings,
  normaliseOffByDefault,
  normaliseOptionalObject,
  normalisePlacement,
  normaliseStringSet,
  normaliseUsageModel,
} from "./normalise";

/** By default, secrets set through the secrets endpoints (WorkerSecret, `wrangler secret put`) survive code changes. */
export const DEFAULT_KEEP_BINDINGS: readonly string[] = SECRET_BINDING_TYPES;

const limitsInputSchema = z.strictObject({ cpuMs: z.number().int().positive().optional() });
const annotationsInputSchema = z.strictObject({
  workersMessage: z.string().max(100).optional(),
  workersTag: z.string().max(25).optional(),
});
const flagsSchema = z.array(
  z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9_]+$/, "a compatibility flag uses letters, digits and '_'"),
);
const keepBindingsSchema = z.array(z.enum(BINDING_TYPES as [BindingType, ...BindingType[]]));
/** The Worker's cache configuration as a program writes it (the wire's `cache_options`, camelCase). */
const cacheOptionsInputSchema = z.strictObject({ enabled: booleanSchema, crossVersionCache: booleanSchema.optional() });
/** Placement as a program writes it: what the server measures (`last_analyzed_at`, `status`) is not an input. */
const placementInputSchema = placementSchema.omit({ last_analyzed_at: true, status: true }).strict();

/** The Worker's code: one of content, modules or build (the bundle/ rules), and the hash check computes. */
export const WORKER_CODE_FIELDS = defineFields(
  {
    /** The Worker as a single ES module (uploaded as `worker.js`, or as `mainModule` when given). */
    content: { schema: z.string().optional(), diff: "ignore", ownCheck: true, inputOnly: true },
    /** The Worker as several modules, keyed by module name; `mainModule` names the entry point. */
    modules: { schema: z.record(z.string(), moduleInputSchema).optional(), diff: "ignore", ownCheck: true, inputOnly: true },
    mainModule: { schema: z.string().optional(), diff: "ignore", ownCheck: true },
    /** The Worker as its sources, bundled with esbuild at check (bundle/): exclusive with content and modules. */
    build: { schema: buildInputSchema.optional(), diff: "ignore", ownCheck: true },
    /** Set by check: the hash of the code (modules and main module), so the diff sees a change in a module file. */
    contentHash: { schema: z.string().optional(), diff: "update", computed: true },
  },
  "WorkerCode",
);

/** The versioned configuration: every field carries its wire name, the name of the upload metadata and of …/settings. */
export const WORKER_CONFIG_FIELDS = defineFields(
  {
    /** Bindings; secret values here are stored as Pulumi secrets, but prefer WorkerSecret for secrets. */
    bindings: {
      schema: programBindingListSchema.optional(),
      shape: "wire",
      diff: "update",
      wire: "bindings",
      cleared: [],
      normalise: wireNormalised(normaliseBindings),
      read: "own",
    },
    compatibilityDate: { schema: compatibilityDateSchema.optional(), diff: "update", wire: "compatibility_date", read: "whenSet" },
    compatibilityFlags: {
      schema: flagsSchema.optional(),
      diff: "update",
      wire: "compatibility_flags",
      cleared: [],
      normalise: normaliseStringSet,
    },
    placement: {
      schema: placementInputSchema.optional(),
      shape: "wire",
      diff: "update",
      wire: "placement",
      cleared: {},
      normalise: wireNormalised(normalisePlacement),
      fromWire: (value) => fromWire(normalisePlacement(value) ?? {}),
    },
    limits: {
      schema: limitsInputSchema.optional(),
      diff: "update",
      wire: "limits",
      cleared: {},
      normalise: wireNormalised(normaliseOptionalObject),
      fromWire: (value) => fromWire(value ?? {}),
      read: "whenSet",
    },
    usageModel: {
      schema: usageModelSchema.optional(),
      diff: "update",
      wire: "usage_model",
      cleared: DEFAULT_USAGE_MODEL,
      normalise: normaliseUsageModel,
    },
    /**
     * The Worker's cache (`cache_options`): `enabled` turns caching on, `crossVersionCache` shares cached
     * responses across version uploads. Both default to false, so `{ enabled: false }` equals leaving it unset
     * (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/update/).
     */
    cacheOptions: {
      schema: cacheOptionsInputSchema.optional(),
      diff: "update",
      wire: "cache_options",
      cleared: { enabled: false, cross_version_cache: false },
      normalise: wireNormalised(normaliseOffByDefault),
    },
    /**
     * Durable Object migrations: the ordered list of tagged steps (`[{ tag, newClasses?, … }]`), or a single
     * object (`{ newTag, newClasses?, … }`). Only the steps after the live tag are sent (migrations.ts), so the
     * wire value is computed per write; a refresh shows the steps the live Worker has applied.
     */
    migrations: {
      schema: z.union([migrationListInputSchema, migrationsInputSchema]).optional(),
      shape: "wire",
      diff: "update",
      wire: "migrations",
      normalise: wireNormalised(normaliseOptionalObject),
      ownCheck: true,
      read: "own",
    },
    /** Annotations of the versions this resource creates (`workers/message`, `workers/tag`). */
    annotations: {
      schema: annotationsInputSchema.optional(),
      diff: "update",
      wire: "annotations",
      toWire: annotationsToWire,
      normalise: (v) => normaliseOptionalObject(annotationsToWire(v)),
      read: "never",
    },
    /** Binding types carried over from the previous version on every change. Default: the secret types, so WorkerSecrets survive code changes. */
    keepBindings: {
      schema: keepBindingsSchema.optional(),
      diff: "update",
      normalise: (v) => normaliseStringSet(v ?? DEFAULT_KEEP_BINDINGS),
    },
  },
  "WorkerConfig",
);
const CONFIG = WORKER_CONFIG_FIELDS;

export type WorkerConfigInputs = InputsOf<typeof CONFIG>;
/** A versioned configuration field: one that travels on the wire. */
export type ConfigKey = WireKeysOf<typeof CONFIG>;
export const CONFIG_KEYS: readonly ConfigKey[] = wireKeys(CONFIG);
export const isConfigKey = (key: string): key is ConfigKey => isWireKey(CONFIG, key);

/** Each field of a table as a version's: the same schema and normaliser, and any change makes a new version. */
export function replacing<F extends Fields>(fields: F): { [K in keyof F]: Omit<F[K], "diff"> & { diff: "replace" } } {
  return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, { ...field, diff: "replace" } satisfies Field])) as {
    [K in keyof F]: Omit<F[K], "diff"> & { diff: "replace" };
  };
}

export function keepTypes(inputs: Pick<WorkerConfigInputs, "keepBindings">): readonly string[] {
  return inputs.keepBindings ?? DEFAULT_KEEP_BINDINGS;
}

/** The program's bindings on the wire: snake_case, the `opaque` marker removed. */
export function wireBindings(inputs: Pick<WorkerConfigInputs, "bindings">): WireBinding[] {
  return (wireValue(CONFIG.bindings, inputs.bindings ?? []) as WireBinding[]).map(withoutOpaqueMarker);
}

/** What check computes from the code and the assets. */
export interface CodeChecked {
  contentHash?: string;
  assetsState?: AssetsState;
  assetsChanges?: string;
}

/** The rules that span fields: the code, inherit bindings (ours to manage), the assets and their change. */
export async function checkCode(
  inputs: CodeChecked,
  { olds, news, failures }: { olds: object; news: RawInputs; failures: CheckFailure[] },
): Promise<void> {
  const previous = (olds as CodeChecked).assetsState;
  const assetsOnly = news.assets !== undefined && news.content === undefined && news.modules === undefined && news.build === undefined;
  const code = assetsOnly ? { failures: [] } : await loadWorkerCode(news);
  failures.push(...code.failures);
  const moduleNames = assetsOnly ? [] : code.modules?.map((m) => m.name);
  if (moduleNames !== undefined) failures.push(...bindingPartFailures(news.bindings, moduleNames));
  failures.push(...checkMigrations(news.migrations));
  if (Array.isArray(news.bindings)) {
    news.bindings.forEach((b, i) => {
      if (b && typeof b === "object" && "type" in b && b.type === "inherit") {
        failures.push({
          property: "bindings",
          reason: `bindings[${i}]: inherit bindings are managed by this provider (see keepBindings); declare the binding itself`,
        });
      }
    });
  }
  failures.push(...namespaceScopeFailures(news));
  if (code.modules) inputs.contentHash = contentHash(code.modules, code.mainModule);
  if (news.assets !== undefined) {
    const checked = await checkAssets(news.assets, "assets");
    failures.push(...checked.failures);
    if (checked.assets) {
      inputs.assetsState = assetsState(checked.assets);
      inputs.assetsChanges = describeAssetsChange(assetsChange(previous, inputs.assetsState), inputs.assetsState);
    }
  }
}

/**
 * The code to deploy, loaded again by create or update (check may have run in another process, minutes earlier).
 * A code input that no longer loads is refused naming its property; code that differs from what check hashed,
 * and so from what the preview showed, is refused rather than deployed. `who` names the resource.
 */
export async function codeToDeploy(
  inputs: BuildableCodeInputs & { contentHash?: string },
  who: string,
): Promise<{ modules: WorkerModule[]; mainModule: string; hash: string }> {
  const code = await loadWorkerCode(inputs);
  if (!code.modules) {
    throw new ResourceInputError(code.failures[0]?.property ?? "modules", `${who}: ${code.failures.map((f) => f.reason).join("; ")}`);
  }
  const hash = contentHash(code.modules, code.mainModule);
  if (inputs.contentHash !== undefined && hash !== inputs.contentHash) {
    throw new Error(`${who}: a module file changed between preview and deployment; run the update again`);
  }
  return { modules: code.modules, mainModule: code.mainModule!, hash };
}

/**
 * A wasm_module, text_blob or data_blob binding carries one module of the upload, named by `part`; the API
 * refuses an upload whose binding names a part it does not hold (10021, a validation error on the metadata). Pure.
 */
export function bindingPartFailures(bindings: unknown, moduleNames: readonly string[]): CheckFailure[] {
  if (!Array.isArray(bindings)) return [];
  const failures: CheckFailure[] = [];
  bindings.forEach((binding: unknown, i) => {
    if (typeof binding !== "object" || binding === null) return;
    const { type, part } = binding as { type?: unknown; part?: unknown };
    if (!PART_BINDING_TYPES.includes(type as BindingType) || typeof part !== "string" || moduleNames.includes(part)) return;
    const held =
      moduleNames.length > 0 ? `the modules are ${moduleNames.map((n) => JSON.stringify(n)).join(", ")}` : "this Worker has no modules";
    failures.push({
      property: "bindings",
      reason: `bindings[${i}].part "${printable(part)}": not a module of this Worker (${held}); add the file to modules under that name, or name one of them`,
    });
  });
  return failures;
}

/** What a Worker in a dispatch namespace cannot have, as check failures. Pure. */
export function namespaceScopeFailures(news: { dispatchNamespace?: unknown; annotations?: unknown }): CheckFailure[] {
  if (news.dispatchNamespace === undefined) return [];
  const failures: CheckFailure[] = [];
  if (news.annotations !== undefined) {
    failures.push({
      property: "annotations",
      reason: "annotations: not supported for Workers in a dispatch namespace (dispatchNamespace is set); remove annotations",
    });
  }
  return failures;
}

/**
 * The upload metadata for a full PUT or a new version: every configuration field of the inputs, and
 * `migrations` only as given (the steps after the live tag, from migrationsToSend). Pure.
 */
export function uploadMetadata(
  inputs: Omit<WorkerConfigInputs, "migrations">,
  mainModule: string,
  migrations?: WireMigrations,
): UploadMetadata {
  const { migrations: _all, ...config } = wireOf(CONFIG, inputs);
  return {
    main_module: mainModule,
    ...config,
    bindings: wireBindings(inputs),
    keep_bindings: [...keepTypes(inputs)],
    ...(migrations === undefined ? {} : { migrations }),
  };
}

/**
 * The body of a settings PATCH carrying `fields`: given values, or the API default for a removed one.
 * Bindings replace the whole list on the server, so bindings of the kept types that this program does not
 * declare (secrets managed by WorkerSecret or wrangler) are carried over with `inherit`. Pure.
 */
export function settingsPatch(
  inputs: Partial<WorkerConfigInputs>,
  fields: readonly ConfigKey[],
  live?: ScriptSettings,
  migrations?: WireMigrations,
): Partial<ScriptSettings> {
  const patch: Partial<ScriptSettings> = wireOf(CONFIG, inputs, {
    keys: fields.filter((f) => f !== "bindings" && f !== "migrations"),
    cleared: true,
  });
  if (fields.includes("migrations") && migrations !== undefined) patch.migrations = migrations;
  if (fields.includes("bindings")) {
    const declared = wireBindings(inputs);
    const names = new Set(declared.map((b) => b.name));
    const kept = (live?.bindings ?? [])
      .filter((b) => keepTypes(inputs).includes(b.type) && !names.has(b.name))
      .map((b) => ({ type: "inherit" as const, name: b.name }));
    patch.bindings = [...declared, ...kept];
  }
  return patch;
}

/**
 * The configuration of a live Worker (GET …/settings) as a program writes it, for the import generator: every
 * field a read takes back, left out where it is what the API assumes when unset, so the read of the program's
 * first `pulumi up` diffs to nothing. Bindings (secrets left to WorkerSecret), migrations (not readable) and
 * annotations (per version) are the import generator's own. Pure.
 */
export function configurationOf(settings: ScriptSettings): Partial<WorkerConfigInputs> {
  return programFromWire(CONFIG, settings);
}
