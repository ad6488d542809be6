/**
 * WorkerScript: a Worker's code and versioned configuration (bindings, compatibility, placement, limits,
 * usage model, migrations, annotations). Script-level settings (logpush, tail consumers, observability, tags)
 * belong to WorkerScriptSettings and secrets to WorkerSecret; this resource never resets either.
 *
 * Lifecycle → endpoints:
 *   create  GET …/settings (does it exist?) then PUT …/scripts/{name} (full upload); with `adopt` and an
 *           existing Worker: PUT …/content + PATCH …/settings instead, so its script-level settings survive
 *   read    GET …/settings + the account listing (etag, handlers, dates); in a namespace GET …/scripts/{name}
 *   update  code only → PUT …/content; configuration only → PATCH …/settings (GET …/settings first when the
 *           bindings change, to carry secrets over with `inherit`); both → both; never a full upload
 *   delete  DELETE …/scripts/{name}[?force=true]
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  CloudflareApiError,
  deleteScript,
  getDefaultClient,
  getDispatchScript,
  getScriptContent,
  getSettings,
  isNotFound,
  getNewestVersion,
  patchSettings,
  putScriptContent,
  readScriptLevelSettings,
  uploadScript,
  type Scope,
  type Script,
  type ScriptSettings,
  type UploadMetadata,
  type WorkerModule,
} from "../cloudflare";
import {
  BINDING_TYPES,
  SECRET_BINDING_TYPES,
  compatibilityDateSchema,
  migrationsInputSchema,
  placementSchema,
  programBindingListSchema,
  usageModelSchema,
  withoutOpaqueMarker,
} from "../cloudflare/schemas";
import { annotationsToWire, fromWire, toWire } from "./case";
import {
  checkScope,
  compact,
  diffByTable,
  diffResult,
  failuresFrom,
  keepStoredWhenSame,
  scopeOf,
  scriptResourceId,
  type CheckFailure,
  type DiffField,
  type ScopeInputs,
} from "./common";
import { contentHash, loadModules, type CodeInputs } from "./modules";
import {
  bindingInProgramForm,
  normaliseBindings,
  normaliseOptionalObject,
  normalisePlacement,
  normaliseStringSet,
  normaliseUsageModel,
} from "./normalise";
import { forgetScript, freshScript, listedScript, markCreatedHere, rememberScript } from "./script-cache";
import {
  assetsAfterRead,
  assetsChange,
  assetsDiffKey,
  assetsState,
  checkAssets,
  deployAssets,
  describeAssetsChange,
  loadAssets,
  type AssetsInput,
  type AssetsState,
} from "./assets";

type Json = Record<string, unknown>;

export interface WorkerScriptInputs extends ScopeInputs, CodeInputs {
  bindings?: Json[];
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  placement?: Json;
  limits?: { cpuMs?: number };
  usageModel?: string;
  migrations?: Json;
  annotations?: { workersMessage?: string; workersTag?: string };
  keepBindings?: string[];
  adopt?: boolean;
  force?: boolean;
  /** Read the newest version after each write to report versionNumber (one more API call per change). */
  trackVersion?: boolean;
  /** Set by check: the hash of the code, so the diff sees a change in a module file. */
  contentHash?: string;
  /** Static assets: a directory uploaded beside (or instead of) the code. */
  assets?: AssetsInput;
  /** Set by check: the assets' hash and per-file map (the diff decides on the hash). */
  assetsState?: AssetsState;
  /** Set by check: "2 added, 1 changed, 0 removed (…)" against the previous deployment, for the preview. */
  assetsChanges?: string;
}

export interface WorkerScriptOutputs extends WorkerScriptInputs {
  etag?: string;
  versionId?: string;
  versionNumber?: number;
  handlers?: string[];
  createdOn?: string;
  modifiedOn?: string;
}

/** By default, secrets set through the secrets endpoints (WorkerSecret, `wrangler secret put`) survive code changes. */
export const DEFAULT_KEEP_BINDINGS: readonly string[] = SECRET_BINDING_TYPES;

const INPUT_KEYS = new Set([
  "accountId", "scriptName", "dispatchNamespace", "content", "modules", "mainModule", "bindings",
  "compatibilityDate", "compatibilityFlags", "placement", "limits", "usageModel", "migrations", "annotations",
  "keepBindings", "adopt", "force", "trackVersion", "contentHash", "assets", "assetsState", "assetsChanges", "__provider",
]);

const limitsInputSchema = z.strictObject({ cpuMs: z.number().int().positive().optional() });
const annotationsInputSchema = z.strictObject({
  workersMessage: z.string().max(100).optional(),
  workersTag: z.string().max(25).optional(),
});
const flagsSchema = z.array(z.string().min(1).regex(/^[A-Za-z0-9_]+$/, "a compatibility flag uses letters, digits and '_'"));
const keepBindingsSchema = z.array(z.enum(BINDING_TYPES as [string, ...string[]]));

function keepTypes(inputs: WorkerScriptInputs): readonly string[] {
  return inputs.keepBindings ?? DEFAULT_KEEP_BINDINGS;
}

/** The program's bindings on the wire: snake_case, the `opaque` marker removed. */
function wireBindings(inputs: WorkerScriptInputs): Json[] {
  return toWire<Json[]>(inputs.bindings ?? []).map(withoutOpaqueMarker);
}

/** Configuration fields, their wire names, and the value that restores the API default when a field is removed. */
const CONFIG_FIELDS = {
  bindings: { wire: "bindings", cleared: [] as unknown },
  compatibilityDate: { wire: "compatibility_date", cleared: undefined },
  compatibilityFlags: { wire: "compatibility_flags", cleared: [] },
  placement: { wire: "placement", cleared: {} },
  limits: { wire: "limits", cleared: {} },
  usageModel: { wire: "usage_model", cleared: "standard" },
  migrations: { wire: "migrations", cleared: undefined },
  annotations: { wire: "annotations", cleared: undefined },
} as const;
type ConfigField = keyof typeof CONFIG_FIELDS;

const wireNormalised = (normalise: (v: unknown) => unknown) => (value: unknown) => normalise(toWire(value));

/** What each input does to the resource when it changes. Fields not listed (outputs the API measures) never diff. */
export const WORKER_SCRIPT_DIFF: Record<string, DiffField> = {
  accountId: { kind: "replace" },
  dispatchNamespace: { kind: "replace" },
  scriptName: { kind: "replace" },
  contentHash: { kind: "update" },
  bindings: { kind: "update", normalise: wireNormalised(normaliseBindings) },
  compatibilityDate: { kind: "update" },
  compatibilityFlags: { kind: "update", normalise: normaliseStringSet },
  placement: { kind: "update", normalise: wireNormalised(normalisePlacement) },
  limits: { kind: "update", normalise: wireNormalised(normaliseOptionalObject) },
  usageModel: { kind: "update", normalise: normaliseUsageModel },
  migrations: { kind: "update", normalise: wireNormalised(normaliseOptionalObject) },
  annotations: { kind: "update", normalise: (v) => normaliseOptionalObject(annotationsToWire(v)) },
  keepBindings: { kind: "update", normalise: (v) => normaliseStringSet(v ?? DEFAULT_KEEP_BINDINGS) },
  adopt: { kind: "update", normalise: (v) => v === true },
  force: { kind: "update", normalise: (v) => v === true },
  trackVersion: { kind: "update", normalise: (v) => v === true },
  assetsState: { kind: "update", normalise: assetsDiffKey },
};

async function checkInputs(olds: WorkerScriptInputs, news: WorkerScriptInputs): Promise<{ inputs: WorkerScriptInputs; failures: CheckFailure[] }> {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!INPUT_KEYS.has(key)) failures.push({ property: key, reason: `${key}: not an input of WorkerScript; check the spelling` });
  }
  const scope = checkScope(news, failures);
  const assetsOnly = news.assets !== undefined && news.content === undefined && news.modules === undefined;
  const code: ReturnType<typeof loadModules> = assetsOnly ? { failures: [] } : loadModules(news);
  failures.push(...code.failures);

  const field = <T>(property: string, schema: z.ZodType<T>, value: unknown, wire = false) => {
    if (value === undefined) return;
    const parsed = schema.safeParse(wire ? toWire(value) : value);
    if (!parsed.success) failures.push(...failuresFrom(parsed.error, [property]));
  };
  field("bindings", programBindingListSchema, news.bindings, true);
  field("compatibilityDate", compatibilityDateSchema, news.compatibilityDate);
  field("compatibilityFlags", flagsSchema, news.compatibilityFlags);
  field("placement", placementSchema.omit({ last_analyzed_at: true, status: true }).strict(), news.placement, true);
  field("limits", limitsInputSchema, news.limits);
  field("usageModel", usageModelSchema, news.usageModel);
  field("migrations", migrationsInputSchema, news.migrations, true);
  field("annotations", annotationsInputSchema, news.annotations);
  field("keepBindings", keepBindingsSchema, news.keepBindings);
  field("adopt", z.boolean(), news.adopt);
  field("force", z.boolean(), news.force);
  field("trackVersion", z.boolean(), news.trackVersion);
  if (Array.isArray(news.bindings)) {
    news.bindings.forEach((b, i) => {
      if (b && typeof b === "object" && "type" in b && b.type === "inherit") {
        failures.push({ property: "bindings", reason: `bindings[${i}]: inherit bindings are managed by this provider (see keepBindings); declare the binding itself` });
      }
    });
  }

  failures.push(...namespaceScopeFailures(news));

  const inputs: WorkerScriptInputs = { ...news, ...scope };
  if (code.modules) inputs.contentHash = contentHash(code.modules, code.mainModule);
  delete inputs.assetsState;
  delete inputs.assetsChanges;
  if (news.assets !== undefined) {
    const checked = await checkAssets(news.assets, "assets");
    failures.push(...checked.failures);
    if (checked.assets) {
      inputs.assetsState = assetsState(checked.assets);
      inputs.assetsChanges = describeAssetsChange(assetsChange(olds.assetsState, inputs.assetsState), inputs.assetsState);
    }
  }
  return { inputs, failures };
}

/** The upload metadata for a full PUT: every configuration field of the inputs. Pure. */
export function uploadMetadata(inputs: WorkerScriptInputs, mainModule: string): UploadMetadata {
  return compact({
    main_module: mainModule,
    bindings: wireBindings(inputs),
    compatibility_date: inputs.compatibilityDate,
    compatibility_flags: inputs.compatibilityFlags,
    keep_bindings: [...keepTypes(inputs)],
    placement: toWire<Json | undefined>(inputs.placement),
    limits: toWire<Json | undefined>(inputs.limits),
    usage_model: inputs.usageModel,
    migrations: toWire<UploadMetadata["migrations"]>(inputs.migrations),
    annotations: annotationsToWire(inputs.annotations),
  }) as UploadMetadata;
}

/**
 * The body of a settings PATCH carrying `fields`: given values, or the API default for a removed one.
 * Bindings replace the whole list on the server, so bindings of the kept types that this program does not
 * declare (secrets managed by WorkerSecret or wrangler) are carried over with `inherit`. Pure.
 */
export function settingsPatch(inputs: WorkerScriptInputs, fields: ConfigField[], live?: ScriptSettings): Partial<ScriptSettings> {
  const patch: Json = {};
  for (const field of fields) {
    const { wire, cleared } = CONFIG_FIELDS[field];
    const value = field === "bindings" ? undefined : (inputs as Json)[field];
    patch[wire] = value === undefined ? cleared : field === "annotations" ? annotationsToWire(value) : field === "compatibilityFlags" ? value : toWire(value);
  }
  if (fields.includes("bindings")) {
    const declared = wireBindings(inputs);
    const names = new Set(declared.map((b) => String(b.name)));
    const kept = (live?.bindings ?? [])
      .filter((b) => keepTypes(inputs).includes(b.type) && !names.has(b.name))
      .map((b) => ({ type: "inherit", name: b.name }));
    patch.bindings = [...declared, ...kept];
  }
  return compact(patch) as Partial<ScriptSettings>;
}

function scriptOutputs(script: Script | null | undefined): Partial<WorkerScriptOutputs> {
  if (!script) return {};
  return compact({
    etag: script.etag,
    handlers: script.handlers,
    createdOn: script.created_on,
    modifiedOn: script.modified_on,
    versionId: script.deployment_id,
  });
}

/**
 * The Worker's newest version, read only with `trackVersion`: writes other than a full upload do not report
 * the version they create, and reading it costs one call per change. The versions endpoints exist at account
 * scope only, not in dispatch namespaces.
 */
async function latestVersion(scope: Scope, name: string, inputs: WorkerScriptInputs): Promise<Partial<WorkerScriptOutputs>> {
  if (!inputs.trackVersion || scope.dispatchNamespace !== undefined) return {};
  const newest = await getNewestVersion(getDefaultClient(), scope, name);
  return newest ? compact({ versionId: newest.id, versionNumber: newest.number }) : {};
}

/** The live Worker (etag, handlers, dates), or undefined when it does not exist. */
async function liveScript(scope: Scope, name: string): Promise<Script | undefined> {
  const client = getDefaultClient();
  if (scope.dispatchNamespace === undefined) return listedScript(client, scope.accountId, name);
  try {
    const detail = await getDispatchScript(client, scope, name);
    return { ...(detail.script ?? {}), created_on: detail.created_on ?? detail.script?.created_on, modified_on: detail.modified_on ?? detail.script?.modified_on };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Whether the Worker exists, read just before a create: a "no" must be as fresh as the write it allows, so it
 * never comes from a cached account listing (someone may have created the Worker since). Account scope:
 * one GET …/settings; a namespace: GET …/scripts/{name}.
 */
async function liveScriptBeforeCreate(scope: Scope, name: string): Promise<{ script: Script; settings?: ScriptSettings } | undefined> {
  if (scope.dispatchNamespace === undefined) return freshScript(getDefaultClient(), scope.accountId, name);
  const script = await liveScript(scope, name);
  return script === undefined ? undefined : { script };
}

/** What WorkerScript cannot do for a Worker in a dispatch namespace, as check failures. Pure. */
export function namespaceScopeFailures(news: WorkerScriptInputs): CheckFailure[] {
  if (news.dispatchNamespace === undefined) return [];
  const failures: CheckFailure[] = [];
  if (news.annotations !== undefined) {
    failures.push({ property: "annotations", reason: "annotations: not supported for Workers in a dispatch namespace (dispatchNamespace is set); remove annotations" });
  }
  return failures;
}

async function remember(scope: Scope, name: string, script: Partial<Script>): Promise<void> {
  if (scope.dispatchNamespace === undefined) await rememberScript(scope.accountId, name, script);
}

function describeWorker(scope: Scope, name: string): string {
  return `Worker "${name}" in account ${scope.accountId}${scope.dispatchNamespace ? ` (dispatch namespace "${scope.dispatchNamespace}")` : ""}`;
}

function alreadyExists(scope: Scope, name: string): Error {
  return new Error(
    `${describeWorker(scope, name)} already exists. This program would replace its code and configuration. ` +
      `To take it over, set adopt: true (its secrets and script-level settings such as logpush and tail consumers are kept); ` +
      `otherwise choose another scriptName.`,
  );
}

function codeOf(inputs: WorkerScriptInputs): { modules: WorkerModule[]; mainModule: string | undefined; hash: string | undefined } {
  if (inputs.assets !== undefined && inputs.content === undefined && inputs.modules === undefined) {
    return { modules: [], mainModule: undefined, hash: undefined };
  }
  const code = loadModules(inputs);
  if (!code.modules) throw new Error(`WorkerScript ${inputs.scriptName}: ${code.failures.map((f) => f.reason).join("; ")}`);
  const hash = contentHash(code.modules, code.mainModule);
  if (inputs.contentHash !== undefined && hash !== inputs.contentHash) {
    throw new Error(`WorkerScript ${inputs.scriptName}: a module file changed between preview and deployment; run the update again`);
  }
  return { modules: code.modules, mainModule: code.mainModule!, hash };
}

async function writeCodeAndSettings(scope: Scope, inputs: WorkerScriptInputs, fields: ConfigField[], writeCode: boolean, knownSettings?: ScriptSettings) {
  const client = getDefaultClient();
  const name = inputs.scriptName!;
  let script: Partial<Script> = {};
  if (writeCode) {
    const { modules, mainModule } = codeOf(inputs);
    // Without an etag in the answer the old one is stale: leave it unknown and let the next read take the live one.
    script = { etag: undefined, ...((await putScriptContent(client, scope, name, { mainModule, modules })) ?? {}) };
  }
  if (fields.length > 0) {
    const live = fields.includes("bindings") ? (knownSettings ?? (await getSettings(client, scope, name))) : undefined;
    await patchSettings(client, scope, name, settingsPatch(inputs, fields, live));
  }
  return script;
}

/**
 * A full upload (PUT …/scripts/{name}): the only write that carries assets. The assets go first (only what
 * the API lacks); an existing Worker's script-level settings are read and sent back, since a full upload is
 * authoritative for them.
 */
async function fullUpload(scope: Scope, inputs: WorkerScriptInputs, mainModule: string | undefined, modules: WorkerModule[], exists: boolean): Promise<Script> {
  const client = getDefaultClient();
  const name = inputs.scriptName!;
  const metadata: UploadMetadata = { ...uploadMetadata(inputs, mainModule ?? "") };
  if (mainModule === undefined) delete metadata.main_module;
  if (inputs.assets !== undefined) {
    const local = await loadAssets(inputs.assets, inputs.assetsState?.hash);
    const deployed = await deployAssets(scope, name, local);
    metadata.assets = { jwt: deployed.jwt, config: deployed.config };
  }
  if (exists) {
    const live = await readScriptLevelSettings(client, scope, name);
    if (live.logpush !== undefined) metadata.logpush = live.logpush;
    if (live.tail_consumers) metadata.tail_consumers = live.tail_consumers;
  }
  return uploadScript(client, scope, name, { metadata, modules });
}

export const workerScriptProvider = {
  async check(olds: WorkerScriptInputs, news: WorkerScriptInputs): Promise<dynamic.CheckResult<WorkerScriptInputs>> {
    const { inputs, failures } = await checkInputs(olds ?? {}, news);
    return failures.length > 0 ? { inputs: news, failures } : { inputs };
  },

  async diff(_id: string, olds: WorkerScriptOutputs, news: WorkerScriptInputs): Promise<dynamic.DiffResult> {
    return diffResult(diffByTable(WORKER_SCRIPT_DIFF, olds as Json, news as Json));
  },

  async create(inputs: WorkerScriptInputs): Promise<dynamic.CreateResult<WorkerScriptOutputs>> {
    const scope = scopeOf(inputs);
    const name = inputs.scriptName!;
    const { modules, mainModule, hash } = codeOf(inputs);
    // The one read before the write: nobody's Worker is overwritten by surprise.
    const before = await liveScriptBeforeCreate(scope, name);
    const existing = before?.script;
    let script: Partial<Script>;
    if (existing && inputs.assets === undefined) {
      // Compare with the live Worker: adopting writes only what differs; without adopt, a Worker identical to this
      // program (our own earlier upload whose answer was lost, say) is taken as it is, and any other is refused.
      const client = getDefaultClient();
      const [settings, live] = await Promise.all([before?.settings ?? getSettings(client, scope, name), getScriptContent(client, scope, name)]);
      const sameCode = contentHash(live.modules, live.mainModule) === hash;
      const asLive = liveOutputs({ ...inputs, etag: existing.etag }, settings, existing);
      const { changed } = diffByTable(WORKER_SCRIPT_DIFF, asLive as Json, inputs as Json);
      const fields = changed.filter((f): f is ConfigField => f in CONFIG_FIELDS && (f === "bindings" || (inputs as Json)[f] !== undefined));
      if (!inputs.adopt && !(sameCode && fields.length === 0)) throw alreadyExists(scope, name);
      script = { ...existing, ...(await writeCodeAndSettings(scope, inputs, fields, !sameCode, settings)) };
    } else if (existing && !inputs.adopt) {
      throw alreadyExists(scope, name);
    } else {
      script = await fullUpload(scope, inputs, mainModule, modules, existing !== undefined);
      if (!existing) markCreatedHere(scope.accountId, scope.dispatchNamespace, name);
    }
    await remember(scope, name, script);
    const outs = { ...inputs, contentHash: hash, ...scriptOutputs(script as Script), ...(await latestVersion(scope, name, inputs)) };
    return { id: scriptResourceId(scope, name), outs: compact(outs as Json) as WorkerScriptOutputs };
  },

  async read(id: string, props: WorkerScriptOutputs): Promise<dynamic.ReadResult<WorkerScriptOutputs>> {
    const scope = scopeOf(props);
    const name = props.scriptName!;
    let settings: ScriptSettings;
    try {
      settings = await getSettings(getDefaultClient(), scope, name);
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
    const script = await liveScript(scope, name);
    if (!script) return {};
    return { id, props: keepStoredWhenSame(WORKER_SCRIPT_DIFF, props as Json, liveOutputs(props, settings, script) as Json) as WorkerScriptOutputs };
  },

  async update(_id: string, olds: WorkerScriptOutputs, news: WorkerScriptInputs): Promise<dynamic.UpdateResult<WorkerScriptOutputs>> {
    const scope = scopeOf(news);
    const name = news.scriptName!;
    const { changed } = diffByTable(WORKER_SCRIPT_DIFF, olds as Json, news as Json);
    // The content hash covers the modules and the main module: any code change shows there.
    const codeChanged = changed.includes("contentHash");
    const fields = changed.filter((f): f is ConfigField => f in CONFIG_FIELDS);
    const assetsChanged = changed.includes("assetsState");
    if (!codeChanged && fields.length === 0 && !assetsChanged) {
      return { outs: { ...olds, ...news } };
    }
    const code = codeChanged || assetsChanged ? codeOf(news) : undefined;
    // Assets travel only in a full upload: when they change (or the code of a Worker with assets does), upload it all.
    const script =
      code && (assetsChanged || news.assets !== undefined || olds.assetsState !== undefined)
        ? await fullUpload(scope, news, code.mainModule, code.modules, true)
        : await writeCodeAndSettings(scope, news, fields, codeChanged);
    await remember(scope, name, script);
    const hash = code ? code.hash : news.contentHash;
    const carried = { etag: codeChanged ? undefined : olds.etag, handlers: olds.handlers, createdOn: olds.createdOn, modifiedOn: olds.modifiedOn };
    const outs = { ...news, contentHash: hash, ...carried, ...scriptOutputs(script as Script), ...(await latestVersion(scope, name, news)) };
    return { outs: compact(outs as Json) as WorkerScriptOutputs };
  },

  async delete(_id: string, props: WorkerScriptOutputs): Promise<void> {
    const scope = scopeOf(props);
    const name = props.scriptName!;
    try {
      await deleteScript(getDefaultClient(), scope, name, { force: props.force === true });
    } catch (error) {
      if (isNotFound(error)) return;
      if (error instanceof CloudflareApiError && error.status >= 400 && error.status < 500 && !props.force) {
        throw new Error(
          `Cannot delete ${describeWorker(scope, name)}: ${error.errors.map((e) => e.message).join("; ") || error.message}. ` +
            `If other Workers still bind to it, remove those bindings first, or set force: true on this WorkerScript to delete it anyway.`,
        );
      }
      throw error;
    } finally {
      if (scope.dispatchNamespace === undefined) await forgetScript(scope.accountId, name);
    }
  },
};

/**
 * Maps the live Worker onto the input keys, so that a refresh followed by a diff shows exactly what drifted.
 * Bindings of kept types that the program does not declare belong to WorkerSecret (or wrangler) and are left
 * out; declared secret bindings keep their stored value, which the API never returns. Fields the API cannot
 * report back (migrations, annotations) and fields the program leaves to the API (an unset compatibility date
 * or limits) keep their stored value. Changed code shows as a changed contentHash. Pure.
 * The etag, handlers and dates are taken from the live Worker only when its code changed.
 */
export function liveOutputs(props: WorkerScriptOutputs, settings: ScriptSettings, script: Script): WorkerScriptOutputs {
  const declared = new Map(wireBindings(props).map((b) => [String(b.name), b]));
  const liveBindings = (settings.bindings ?? [])
    .filter((b) => declared.has(b.name) || !keepTypes(props).includes(b.type))
    .map((b) => {
      const mine = declared.get(b.name);
      if (mine && mine.type === b.type && (SECRET_BINDING_TYPES as readonly string[]).includes(b.type)) return mine;
      return bindingInProgramForm(b as Json, mine);
    });
  const out: WorkerScriptOutputs = {
    ...props,
    bindings: props.bindings === undefined && liveBindings.length === 0 ? undefined : fromWire<Json[]>(liveBindings),
    compatibilityFlags:
      props.compatibilityFlags === undefined && (settings.compatibility_flags ?? []).length === 0 ? undefined : settings.compatibility_flags,
    placement: props.placement === undefined && normalisePlacement(settings.placement) === undefined ? undefined : fromWire<Json>(normalisePlacement(settings.placement) ?? {}),
    usageModel: props.usageModel === undefined && normaliseUsageModel(settings.usage_model) === undefined ? undefined : settings.usage_model,
    // What the API measures is refreshed only with the code it describes, so a refresh of an unchanged
    // Worker changes no output at all (`pulumi preview --refresh --expect-no-changes` stays quiet).
    ...(props.etag === undefined || script.etag !== props.etag ? scriptOutputs(script) : {}),
  };
  if (props.compatibilityDate !== undefined) out.compatibilityDate = settings.compatibility_date;
  if (props.limits !== undefined) out.limits = fromWire(settings.limits ?? {});
  const assets = assetsAfterRead(props.assetsState, script.has_assets);
  if (assets !== undefined) out.assetsState = assets;
  if (props.etag !== undefined && script.etag !== undefined && script.etag !== props.etag) {
    out.contentHash = `changed-outside-pulumi:${script.etag}`;
  }
  return compact(out as Json) as WorkerScriptOutputs;
}
