/**
 * WorkerScript: a Worker's code and versioned configuration (bindings, compatibility, placement, limits,
 * usage model, migrations, annotations). Script-level settings (logpush, tail consumers, observability, tags)
 * belong to WorkerScriptSettings and secrets to WorkerSecret; this resource never resets either.
 *
 * Lifecycle → endpoints:
 *   create  the account listing (does it exist? its migration tag) then PUT …/scripts/{name} (full upload); with
 *           `adopt` and an existing Worker: only what differs, as one write (see update)
 *   read    GET …/settings + the account listing (etag, handlers, dates, migration tag); in a namespace
 *           GET …/scripts/{name}; with `firstVersionOnly` the listing only
 *   update  one deployed change (script-writes.ts): code only → PUT …/content; configuration only → PATCH
 *           …/settings (GET …/settings first when the bindings change, to carry secrets over with `inherit`);
 *           code and configuration, or assets → one full upload (GET …/script-settings first, to send logpush
 *           and tail consumers back). Migrations: only the steps after the live tag (migrations.ts)
 *   delete  DELETE …/scripts/{name}[?force=true]
 *
 * With `firstVersionOnly`, the resource creates the Worker and its first version and then leaves code and
 * configuration to WorkerVersion and WorkerDeployment: it neither writes them again nor reads them as drift.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  CloudflareApiError,
  deleteScript,
  describeWorker,
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
import { dashedVersionId } from "../cloudflare/schemas";
import { fromWire } from "./case";
import { compact, scopeOf, scriptResourceId } from "./common";
import {
  ADOPT_FIELD,
  SCRIPT_SCOPE_FIELDS,
  booleanSchema,
  changedFields,
  checkWith,
  clientOf,
  defineFields,
  diffTable,
  diffWith,
  flag,
  inputsFromWire,
  keepStoredWhenSame,
  storedOutputs,
  outputsAfterUpdate,
  type ClientSource,
  type ProviderOf,
  type InputsOf,
  type ProgramInputsOf,
} from "./fields";
import { contentHash } from "./modules";
import { bindingInProgramForm, isSecretBinding } from "./normalise";
import { forgetScript, freshScript, listedScript, markCreatedHere, rememberScript } from "./script-cache";
import { liveMigrationTag, migrationsAsLive, migrationsToSend, type WireMigrations } from "./migrations";
import { isLatestNotDeployed, latestNotDeployedError, rolloutState } from "./rollout";
import { scriptWrite } from "./script-writes";
import { journaled, mayBeOurs, RECOVER_ENV, settle, type JournalKey } from "./journal";
import { ResourceInputError } from "./refusals";
import { assetsAfterRead, assetsDiffKey, assetsInputSchema, deployAssets, loadAssets, type AssetsState } from "./assets";
import {
  WORKER_CODE_FIELDS,
  WORKER_CONFIG_FIELDS,
  checkCode,
  codeToDeploy,
  isConfigKey,
  keepTypes,
  settingsPatch,
  uploadMetadata,
  wireBindings,
  type ConfigKey,
} from "./worker-config";

/**
 * Every input of WorkerScript, once: where the Worker lives, its code and versioned configuration
 * (worker-config.ts, shared with WorkerVersion), and what only this resource does.
 */
export const WORKER_SCRIPT_FIELDS = defineFields(
  {
    ...SCRIPT_SCOPE_FIELDS,
    ...WORKER_CODE_FIELDS,
    ...WORKER_CONFIG_FIELDS,
    /** Take over a Worker that already exists instead of failing. Its secrets and script-level settings are kept. */
    adopt: ADOPT_FIELD,
    /** Delete even when other Workers still bind to this one. */
    force: { schema: booleanSchema.optional(), diff: "update", normalise: flag },
    /** Read the newest version after each write to report versionNumber (one more API call per change). */
    trackVersion: { schema: booleanSchema.optional(), diff: "update", normalise: flag },
    /**
     * Create the Worker and its first version only: later versions belong to WorkerVersion and what serves to
     * WorkerDeployment, so code and configuration are neither written again nor read back as drift.
     */
    firstVersionOnly: { schema: booleanSchema.optional(), diff: "update", normalise: flag },
    /** Static assets: a directory uploaded beside (or instead of) the code. */
    assets: { schema: assetsInputSchema.optional(), diff: "ignore", ownCheck: true },
    /** Set by check: the assets' hash and per-file map (the diff decides on the hash). */
    assetsState: { schema: z.custom<AssetsState>().optional(), diff: "update", computed: true, normalise: assetsDiffKey },
    /** Set by check: "2 added, 1 changed, 0 removed (…)" against the previous deployment, for the preview. */
    assetsChanges: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerScript",
);
const FIELDS = WORKER_SCRIPT_FIELDS;

export type WorkerScriptInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk derives its Args from it). */
export type WorkerScriptProgramInputs = ProgramInputsOf<typeof FIELDS>;

export interface WorkerScriptOutputs extends WorkerScriptInputs {
  etag?: string;
  versionId?: string;
  versionNumber?: number;
  handlers?: string[];
  createdOn?: string;
  modifiedOn?: string;
}

/** What each input does to the resource when it changes, derived from the field table. */
export const WORKER_SCRIPT_DIFF = diffTable(FIELDS);

function scriptOutputs(script: Partial<Script> | null | undefined): Partial<WorkerScriptOutputs> {
  if (!script) return {};
  return compact({
    etag: script.etag,
    handlers: script.handlers,
    createdOn: script.created_on,
    modifiedOn: script.modified_on,
    versionId: typeof script.deployment_id === "string" ? dashedVersionId(script.deployment_id) : undefined,
  });
}

function alreadyExists(scope: Scope, name: string): Error {
  return new ResourceInputError(
    "scriptName",
    `${describeWorker(scope, name)} already exists. This program would replace its code and configuration. ` +
      `To take it over, set adopt: true (its secrets and script-level settings such as logpush and tail consumers are kept); ` +
      `otherwise choose another scriptName. If an earlier \`pulumi up\` of this stack was interrupted while uploading it, ` +
      `run \`${RECOVER_ENV}=1 pulumi up\` once instead.`,
  );
}

async function codeOf(
  inputs: WorkerScriptInputs,
): Promise<{ modules: WorkerModule[]; mainModule: string | undefined; hash: string | undefined }> {
  if (inputs.assets !== undefined && inputs.content === undefined && inputs.modules === undefined && inputs.build === undefined) {
    return { modules: [], mainModule: undefined, hash: undefined };
  }
  return codeToDeploy(inputs, `WorkerScript ${JSON.stringify(inputs.scriptName)}`);
}

async function remember(client: ClientSource, scope: Scope, name: string, script: Partial<Script>): Promise<void> {
  if (scope.dispatchNamespace === undefined) await rememberScript(clientOf(client), scope.accountId, name, script);
}

export function makeWorkerScriptProvider(client: ClientSource = getDefaultClient): ProviderOf<WorkerScriptInputs, WorkerScriptOutputs> {
  /**
   * The Worker's newest version, read only with `trackVersion`: writes other than a full upload do not report
   * the version they create, and reading it costs one call per change. The versions endpoints exist at account
   * scope only, not in dispatch namespaces.
   */
  async function latestVersion(scope: Scope, inputs: WorkerScriptInputs): Promise<Partial<WorkerScriptOutputs>> {
    if (!inputs.trackVersion || scope.dispatchNamespace !== undefined) return {};
    const newest = await getNewestVersion(clientOf(client), scope, inputs.scriptName);
    return newest ? compact({ versionId: dashedVersionId(newest.id), versionNumber: newest.number ?? undefined }) : {};
  }

  /** The live Worker (etag, handlers, dates), or undefined when it does not exist. */
  async function liveScript(scope: Scope, name: string): Promise<Script | undefined> {
    const api = clientOf(client);
    if (scope.dispatchNamespace === undefined) return listedScript(api, scope.accountId, name);
    try {
      const detail = await getDispatchScript(api, scope, name);
      return {
        ...(detail.script ?? {}),
        created_on: detail.created_on ?? detail.script?.created_on,
        modified_on: detail.modified_on ?? detail.script?.modified_on,
      };
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
    if (scope.dispatchNamespace === undefined) return freshScript(clientOf(client), scope.accountId, name);
    const script = await liveScript(scope, name);
    return script === undefined ? undefined : { script };
  }

  /**
   * The one write of a change (script-writes.ts): PUT …/content, PATCH …/settings, or a full upload. A PATCH
   * refused because a rollout is under way (10214) is explained with the versions that serve.
   */
  async function writeChange(
    scope: Scope,
    inputs: WorkerScriptInputs,
    change: { codeChanged: boolean; fields: ConfigKey[]; assetsChanged: boolean; hasAssets: boolean },
    migrations: WireMigrations | undefined,
    knownSettings?: ScriptSettings,
  ): Promise<Partial<Script> | undefined> {
    const api = clientOf(client);
    const name = inputs.scriptName;
    const write = scriptWrite({
      codeChanged: change.codeChanged,
      configFields: change.fields,
      assetsChanged: change.assetsChanged,
      hasAssets: change.hasAssets,
    });
    switch (write.kind) {
      case "none":
        return undefined;
      case "upload": {
        const { modules, mainModule } = await codeOf(inputs);
        return fullUpload(scope, inputs, mainModule, modules, true, migrations);
      }
      case "content": {
        const { modules, mainModule } = await codeOf(inputs);
        // Without an etag in the answer the old one is stale: leave it unknown and let the next read take the live one.
        return { etag: undefined, ...((await putScriptContent(api, scope, name, { mainModule, modules })) ?? {}) };
      }
      case "settings": {
        const live = change.fields.includes("bindings") ? (knownSettings ?? (await getSettings(api, scope, name))) : undefined;
        try {
          await patchSettings(api, scope, name, settingsPatch(inputs, change.fields, live, migrations));
        } catch (error) {
          if (!isLatestNotDeployed(error) || scope.dispatchNamespace !== undefined) throw error;
          throw latestNotDeployedError(
            `The configuration of ${describeWorker(scope, name)}`,
            await rolloutState(api, scope, name),
            error,
            "or, to roll a configuration change out gradually, put it in a new WorkerVersion (and give this WorkerScript firstVersionOnly: true).",
          );
        }
        return migrations === undefined ? {} : { migration_tag: migrations.new_tag };
      }
    }
  }

  /** The migrations to send to the live Worker: the steps after its tag (read from the account listing). */
  async function migrationsFor(scope: Scope, inputs: WorkerScriptInputs, liveTag?: string | null): Promise<WireMigrations | undefined> {
    if (inputs.migrations === undefined) return undefined;
    const tag = liveTag !== undefined ? liveTag : liveMigrationTag(await liveScript(scope, inputs.scriptName));
    return migrationsToSend(inputs.migrations, tag ?? undefined, `WorkerScript ${JSON.stringify(inputs.scriptName)}`);
  }

  /**
   * A full upload (PUT …/scripts/{name}): the only write that carries assets. The assets go first (only what
   * the API lacks); an existing Worker's script-level settings are read and sent back, since a full upload is
   * authoritative for them.
   */
  async function fullUpload(
    scope: Scope,
    inputs: WorkerScriptInputs,
    mainModule: string | undefined,
    modules: WorkerModule[],
    exists: boolean,
    migrations: WireMigrations | undefined,
  ): Promise<Script> {
    const api = clientOf(client);
    const name = inputs.scriptName;
    const metadata: UploadMetadata = uploadMetadata(inputs, mainModule ?? "", migrations);
    if (mainModule === undefined) delete metadata.main_module;
    if (inputs.assets !== undefined) {
      const local = await loadAssets(inputs.assets, inputs.assetsState?.hash);
      const deployed = await deployAssets(scope, name, local, { client: api });
      metadata.assets = { jwt: deployed.jwt, config: deployed.config };
    }
    if (exists) {
      const live = await readScriptLevelSettings(api, scope, name);
      if (live.logpush !== undefined) metadata.logpush = live.logpush;
      if (live.tail_consumers) metadata.tail_consumers = live.tail_consumers;
    }
    return uploadScript(api, scope, name, { metadata, modules });
  }

  return {
    check: checkWith("WorkerScript", FIELDS, checkCode),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const scope = scopeOf(inputs);
      const name = inputs.scriptName;
      const { modules, mainModule, hash } = await codeOf(inputs);
      // The one read before the write: nobody's Worker is overwritten by surprise. It also gives the migration tag.
      const before = await liveScriptBeforeCreate(scope, name);
      const existing = before?.script;
      // Our own upload whose answer never came (this process or one that died) may have made it: take it as adopt does.
      const key: JournalKey = { kind: "script", scope, names: [name] };
      const adopt = inputs.adopt === true || (existing !== undefined && mayBeOurs(clientOf(client), key));
      const migrations = await migrationsFor(scope, inputs, liveMigrationTag(existing) ?? null);
      let script: Partial<Script>;
      if (existing && inputs.assets === undefined) {
        // Compare with the live Worker: adopting writes only what differs; without adopt, a Worker identical to this
        // program (our own earlier upload whose answer was lost, say) is taken as it is, and any other is refused.
        const api = clientOf(client);
        const [settings, live] = await Promise.all([before?.settings ?? getSettings(api, scope, name), getScriptContent(api, scope, name)]);
        const sameCode = contentHash(live.modules, live.mainModule) === hash;
        const asLive = liveOutputs({ ...inputs, etag: existing.etag }, settings, existing);
        const { changed } = changedFields(FIELDS, asLive, inputs);
        const fields = changed.filter(isConfigKey).filter((f) => f === "bindings" || inputs[f] !== undefined);
        if (!adopt && !(sameCode && fields.length === 0)) throw alreadyExists(scope, name);
        const change = {
          codeChanged: !sameCode,
          fields: migrations === undefined ? fields.filter((f) => f !== "migrations") : fields,
          assetsChanged: false,
          hasAssets: false,
        };
        script = { ...existing, ...(await writeChange(scope, inputs, change, migrations, settings)) };
      } else if (existing && !adopt) {
        throw alreadyExists(scope, name);
      } else {
        script = await journaled(clientOf(client), key, () =>
          fullUpload(scope, inputs, mainModule, modules, existing !== undefined, migrations),
        );
        if (!existing) markCreatedHere(clientOf(client), scope, name);
      }
      settle(clientOf(client), key);
      await remember(client, scope, name, script);
      const outs: WorkerScriptOutputs = { ...inputs, contentHash: hash, ...scriptOutputs(script), ...(await latestVersion(scope, inputs)) };
      return { id: scriptResourceId(scope, name), outs: storedOutputs(FIELDS, outs) };
    },

    async read(id, props) {
      if (!props) return {};
      const scope = scopeOf(props);
      if (props.firstVersionOnly) {
        // Other versions serve by design: only the Worker's existence is this resource's to check.
        return (await liveScript(scope, props.scriptName)) === undefined ? {} : { id, props };
      }
      let settings: ScriptSettings;
      try {
        settings = await getSettings(clientOf(client), scope, props.scriptName);
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
      const script = await liveScript(scope, props.scriptName);
      if (!script) return {};
      return { id, props: keepStoredWhenSame(FIELDS, props, liveOutputs(props, settings, script)) };
    },

    async update(_id, olds, news) {
      const scope = scopeOf(news);
      const { changed } = changedFields(FIELDS, olds, news);
      // The content hash covers the modules and the main module: any code change shows there.
      const codeChanged = changed.includes("contentHash");
      let fields = changed.filter(isConfigKey);
      const assetsChanged = changed.includes("assetsState");
      if (news.firstVersionOnly && (codeChanged || fields.length > 0 || assetsChanged)) {
        throw new ResourceInputError(
          "firstVersionOnly",
          `WorkerScript ${JSON.stringify(news.scriptName)} has firstVersionOnly: it wrote the Worker's first version, and its code and configuration ` +
            `now belong to WorkerVersion. Put this change (${[...(codeChanged ? ["code"] : []), ...fields, ...(assetsChanged ? ["assets"] : [])].join(", ")}) ` +
            `in a new WorkerVersion and deploy it with WorkerDeployment, or remove firstVersionOnly to deploy it from here at 100%.`,
        );
      }
      const hasAssets = news.assets !== undefined || olds.assetsState !== undefined;
      const fullUploadComing = assetsChanged || (codeChanged && (hasAssets || fields.length > 0));
      // Migrations go out only when there are steps after the live tag (read from the listing only then).
      const migrations = fields.includes("migrations") || fullUploadComing ? await migrationsFor(scope, news) : undefined;
      if (migrations === undefined) fields = fields.filter((f) => f !== "migrations");
      const script = await writeChange(scope, news, { codeChanged, fields, assetsChanged, hasAssets }, migrations);
      if (script === undefined) return { outs: storedOutputs(FIELDS, outputsAfterUpdate(FIELDS, olds, news)) };
      await remember(client, scope, news.scriptName, script);
      const code = codeChanged || assetsChanged ? await codeOf(news) : undefined;
      const hash = code ? code.hash : news.contentHash;
      const carried = {
        etag: codeChanged ? undefined : olds.etag,
        handlers: olds.handlers,
        createdOn: olds.createdOn,
        modifiedOn: olds.modifiedOn,
      };
      const outs: WorkerScriptOutputs = {
        ...news,
        contentHash: hash,
        ...carried,
        ...scriptOutputs(script),
        ...(await latestVersion(scope, news)),
      };
      return { outs: storedOutputs(FIELDS, outs) };
    },

    async delete(_id, props) {
      const scope = scopeOf(props);
      const name = props.scriptName;
      try {
        await deleteScript(clientOf(client), scope, name, { force: props.force === true });
      } catch (error) {
        if (isNotFound(error)) return;
        if (error instanceof CloudflareApiError && error.status >= 400 && error.status < 500 && !props.force) {
          throw new ResourceInputError(
            "force",
            `Cannot delete ${describeWorker(scope, name)}: ${error.errors.map((e) => e.message).join("; ") || error.message}. ` +
              `If other Workers still bind to it, remove those bindings first, or set force: true on this WorkerScript to delete it anyway.`,
            { cause: error },
          );
        }
        throw error;
      } finally {
        if (scope.dispatchNamespace === undefined) await forgetScript(clientOf(client), scope.accountId, name);
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerScriptInputs, WorkerScriptOutputs>;
}

export const workerScriptProvider = makeWorkerScriptProvider();

/**
 * Maps the live Worker onto the input keys, so that a refresh followed by a diff shows exactly what drifted.
 * Each configuration field is read back as its table entry says (fields the API cannot report back, such as
 * migrations and annotations, and fields the program leaves to the API keep their stored value). Bindings of
 * kept types that the program does not declare belong to WorkerSecret (or wrangler) and are left out; declared
 * secret bindings keep their stored value, which the API never returns. Changed code shows as a changed
 * contentHash. The etag, handlers and dates are taken from the live Worker only when its code changed. Pure.
 */
export function liveOutputs(props: WorkerScriptOutputs, settings: ScriptSettings, script: Script): WorkerScriptOutputs {
  const declared = new Map(wireBindings(props).map((b) => [b.name, b]));
  const liveBindings = (settings.bindings ?? [])
    .filter((b) => declared.has(b.name) || !keepTypes(props).includes(b.type))
    .map((b) => {
      const mine = declared.get(b.name);
      return mine && mine.type === b.type && isSecretBinding(b) ? mine : bindingInProgramForm(b, mine);
    });
  const out: WorkerScriptOutputs = {
    ...props,
    ...inputsFromWire(FIELDS, settings, { stored: props }),
    bindings:
      props.bindings === undefined && liveBindings.length === 0 ? undefined : (fromWire(liveBindings) as WorkerScriptInputs["bindings"]),
    // What the API measures is refreshed only with the code it describes, so a refresh of an unchanged
    // Worker changes no output at all (`pulumi preview --refresh --expect-no-changes` stays quiet).
    ...(props.etag === undefined || script.etag !== props.etag ? scriptOutputs(script) : {}),
  };
  if (props.migrations !== undefined)
    out.migrations = migrationsAsLive(props.migrations, liveMigrationTag(script)) as WorkerScriptInputs["migrations"];
  const assets = assetsAfterRead(props.assetsState, script.has_assets);
  if (assets !== undefined) out.assetsState = assets;
  if (props.etag !== undefined && script.etag !== undefined && script.etag !== props.etag) {
    out.contentHash = `changed-outside-pulumi:${script.etag}`;
  }
  return compact(out);
}
