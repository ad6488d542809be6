/**
 * WorkerScriptSettings: the script-level settings of a Worker (logpush, observability, tags, tail consumers),
 * which are not versioned and which a code deploy must not reset. Works for a Worker whose code is deployed
 * by another tool (wrangler in CI): it needs no WorkerScript in the stack.
 *
 * Only the fields the program sets are managed: others are neither read for drift nor written.
 *
 * Lifecycle → endpoints:
 *   create  PATCH …/script-settings with the managed fields (in a dispatch namespace, which has no
 *           …/script-settings: PATCH …/settings, and PUT …/tags for tags)
 *   read    the account listing shared by the process (listed-settings.ts), else GET …/script-settings
 *           (in a namespace GET …/settings)
 *   update  PATCH …/script-settings with the changed fields (a field no longer set goes back to the API default)
 *   delete  PATCH …/script-settings putting back the API defaults of the fields it managed
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import { getDefaultClient, isNotFound, readScriptLevelSettings, type ScriptLevelSettings } from "../cloudflare";
import { observabilityInputSchema, tagSchema, tailConsumerSchema, TAGS_MAX_COUNT } from "../cloudflare/schemas";
import { fromWire, toWire } from "./case";
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
import { liveScriptLevelSettings, writeListedScriptLevelSettings } from "./listed-settings";
import { normaliseOptionalObject, normaliseStringSet, normaliseTailConsumers, projectOntoProgram, withoutNulls } from "./normalise";

type Json = Record<string, unknown>;

export interface WorkerScriptSettingsInputs extends ScopeInputs {
  logpush?: boolean;
  observability?: Json;
  tags?: string[];
  tailConsumers?: Json[];
  /** Read the live settings first and write only the fields that differ (nothing for a Worker taken over as it is). */
  adopt?: boolean;
}
export type WorkerScriptSettingsOutputs = WorkerScriptSettingsInputs;

/** The managed fields, their wire names and the API defaults that delete puts back. */
export const SCRIPT_SETTINGS_FIELDS = {
  logpush: { wire: "logpush", default: false },
  observability: { wire: "observability", default: { enabled: false } },
  tags: { wire: "tags", default: [] as string[] },
  tailConsumers: { wire: "tail_consumers", default: [] as Json[] },
} as const;
type Field = keyof typeof SCRIPT_SETTINGS_FIELDS;
const FIELDS = Object.keys(SCRIPT_SETTINGS_FIELDS) as Field[];

const INPUT_KEYS = new Set(["accountId", "scriptName", "dispatchNamespace", ...FIELDS, "adopt", "__provider"]);

export const WORKER_SCRIPT_SETTINGS_DIFF: Record<string, DiffField> = {
  accountId: { kind: "replace" },
  dispatchNamespace: { kind: "replace" },
  scriptName: { kind: "replace" },
  logpush: { kind: "update" },
  observability: { kind: "update", normalise: (v) => normaliseOptionalObject(withoutNulls(toWire(v))) },
  tags: { kind: "update", normalise: normaliseStringSet },
  tailConsumers: { kind: "update", normalise: (v) => normaliseTailConsumers(toWire(v)) },
  adopt: { kind: "update", normalise: (v) => v === true },
};

/** PATCH body for `fields`: the program's value, or the API default when the program stopped setting it. Pure. */
export function scriptSettingsPatch(inputs: WorkerScriptSettingsInputs, fields: Field[]): Partial<ScriptLevelSettings> {
  const patch: Json = {};
  for (const field of fields) {
    const value = inputs[field];
    patch[SCRIPT_SETTINGS_FIELDS[field].wire] = value === undefined ? SCRIPT_SETTINGS_FIELDS[field].default : toWire(value);
  }
  return patch as Partial<ScriptLevelSettings>;
}

function managed(inputs: WorkerScriptSettingsInputs): Field[] {
  return FIELDS.filter((f) => inputs[f] !== undefined);
}

/** The live settings mapped onto the fields the program manages. Pure. */
export function liveScriptSettings(props: WorkerScriptSettingsOutputs, live: ScriptLevelSettings): WorkerScriptSettingsOutputs {
  const out: Json = { ...props };
  for (const field of managed(props)) {
    const answered = (live as Json)[SCRIPT_SETTINGS_FIELDS[field].wire];
    // Observability is seen through the keys the program wrote: the server fills defaults and nulls around them.
    const value = field === "observability" ? projectOntoProgram(answered, toWire(props.observability)) : answered;
    out[field] = value === null || value === undefined ? SCRIPT_SETTINGS_FIELDS[field].default : fromWire(value);
  }
  return out as WorkerScriptSettingsOutputs;
}

export const workerScriptSettingsProvider = {
  async check(_olds: WorkerScriptSettingsInputs, news: WorkerScriptSettingsInputs): Promise<dynamic.CheckResult<WorkerScriptSettingsInputs>> {
    const failures: CheckFailure[] = [];
    for (const key of Object.keys(news)) {
      if (!INPUT_KEYS.has(key)) failures.push({ property: key, reason: `${key}: not an input of WorkerScriptSettings; check the spelling` });
    }
    const scope = checkScope(news, failures);
    const field = (property: string, schema: z.ZodType, value: unknown) => {
      if (value === undefined) return;
      const parsed = schema.safeParse(toWire(value));
      if (!parsed.success) failures.push(...failuresFrom(parsed.error, [property]));
    };
    field("logpush", z.boolean(), news.logpush);
    field("observability", observabilityInputSchema, news.observability);
    field("tags", z.array(tagSchema).max(TAGS_MAX_COUNT, `at most ${TAGS_MAX_COUNT} tags`), news.tags);
    field("tailConsumers", z.array(tailConsumerSchema.strict()), news.tailConsumers);
    field("adopt", z.boolean(), news.adopt);
    if (failures.length === 0 && managed(news).length === 0) {
      failures.push({ property: "logpush", reason: "set at least one of logpush, observability, tags or tailConsumers" });
    }
    return failures.length > 0 ? { inputs: news, failures } : { inputs: { ...news, ...scope } };
  },

  async diff(_id: string, olds: WorkerScriptSettingsOutputs, news: WorkerScriptSettingsInputs): Promise<dynamic.DiffResult> {
    return diffResult(diffByTable(WORKER_SCRIPT_SETTINGS_DIFF, olds as Json, news as Json));
  },

  async create(inputs: WorkerScriptSettingsInputs): Promise<dynamic.CreateResult<WorkerScriptSettingsOutputs>> {
    const scope = scopeOf(inputs);
    let fields = managed(inputs);
    if (inputs.adopt) {
      // Taking over settings as they are: only the fields whose live value differs are written.
      const live = liveScriptSettings(inputs, await readScriptLevelSettings(getDefaultClient(), scope, inputs.scriptName!));
      fields = diffByTable(WORKER_SCRIPT_SETTINGS_DIFF, live as Json, inputs as Json).changed.filter((f): f is Field => (FIELDS as string[]).includes(f));
    }
    if (fields.length > 0) await writeListedScriptLevelSettings(getDefaultClient(), scope, inputs.scriptName!, scriptSettingsPatch(inputs, fields));
    return { id: scriptResourceId(scope, inputs.scriptName!, "script-settings"), outs: compact(inputs as Json) };
  },

  async read(id: string, props: WorkerScriptSettingsOutputs): Promise<dynamic.ReadResult<WorkerScriptSettingsOutputs>> {
    try {
      const live = await liveScriptLevelSettings(getDefaultClient(), scopeOf(props), props.scriptName!, scriptSettingsPatch(props, managed(props)));
      return { id, props: keepStoredWhenSame(WORKER_SCRIPT_SETTINGS_DIFF, props as Json, liveScriptSettings(props, live) as Json) };
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
  },

  async update(_id: string, olds: WorkerScriptSettingsOutputs, news: WorkerScriptSettingsInputs): Promise<dynamic.UpdateResult<WorkerScriptSettingsOutputs>> {
    const { changed } = diffByTable(WORKER_SCRIPT_SETTINGS_DIFF, olds as Json, news as Json);
    const fields = changed.filter((f): f is Field => (FIELDS as string[]).includes(f));
    if (fields.length > 0) await writeListedScriptLevelSettings(getDefaultClient(), scopeOf(news), news.scriptName!, scriptSettingsPatch(news, fields));
    return { outs: compact(news as Json) };
  },

  async delete(_id: string, props: WorkerScriptSettingsOutputs): Promise<void> {
    const restore = Object.fromEntries(managed(props).map((f) => [SCRIPT_SETTINGS_FIELDS[f].wire, SCRIPT_SETTINGS_FIELDS[f].default]));
    try {
      await writeListedScriptLevelSettings(getDefaultClient(), scopeOf(props), props.scriptName!, restore);
    } catch (error) {
      // The Worker is gone, and its settings with it.
      if (!isNotFound(error)) throw error;
    }
  },
};
