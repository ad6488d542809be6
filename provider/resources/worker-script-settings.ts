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
  inputsFromWire,
  isWireKey,
  keepStoredWhenSame,
  wireKeys,
  wireNormalised,
  wireOf,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
  type ProviderOf,
  type WireKeysOf,
} from "./fields";
import { toWire } from "./case";
import { liveScriptLevelSettings, writeListedScriptLevelSettings } from "./listed-settings";
import { normaliseOptionalObject, normaliseStringSet, normaliseTailConsumers, projectOntoProgram, withoutNulls } from "./normalise";

/** The inputs; the managed settings are those with a wire name, and `cleared` is the API default delete puts back. */
export const WORKER_SCRIPT_SETTINGS_FIELDS = defineFields(
  {
    ...SCRIPT_SCOPE_FIELDS,
    logpush: { schema: booleanSchema.optional(), diff: "update", wire: "logpush", cleared: false },
    observability: {
      schema: observabilityInputSchema.optional(),
      shape: "wire",
      diff: "update",
      wire: "observability",
      cleared: { enabled: false },
      normalise: (v) => normaliseOptionalObject(withoutNulls(toWire(v))),
    },
    tags: {
      schema: z.array(tagSchema).max(TAGS_MAX_COUNT, `at most ${TAGS_MAX_COUNT} tags`).optional(),
      diff: "update",
      wire: "tags",
      cleared: [],
      normalise: normaliseStringSet,
    },
    tailConsumers: {
      schema: z.array(tailConsumerSchema.strict()).optional(),
      shape: "wire",
      diff: "update",
      wire: "tail_consumers",
      cleared: [],
      normalise: wireNormalised(normaliseTailConsumers),
    },
    /** Read the live settings first and write only the fields that differ (nothing for a Worker taken over as it is). */
    adopt: ADOPT_FIELD,
  },
  "WorkerScriptSettings",
);
const FIELDS = WORKER_SCRIPT_SETTINGS_FIELDS;

export type WorkerScriptSettingsInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk derives its Args from it). */
export type WorkerScriptSettingsProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type WorkerScriptSettingsOutputs = WorkerScriptSettingsInputs;

/** The managed settings: the fields with a wire name. */
type Setting = WireKeysOf<typeof FIELDS>;
const SETTINGS = wireKeys(FIELDS);
const isSetting = (field: string): field is Setting => isWireKey(FIELDS, field);

/** What each input does to the resource when it changes, derived from the field table. */
export const WORKER_SCRIPT_SETTINGS_DIFF = diffTable(FIELDS);

/** PATCH body for `fields`: the program's value, or the API default when the program stopped setting it. Pure. */
export function scriptSettingsPatch(inputs: Partial<WorkerScriptSettingsInputs>, fields: Setting[]): Partial<ScriptLevelSettings> {
  return wireOf(FIELDS, inputs, { keys: fields, cleared: true });
}

function managed(inputs: Partial<WorkerScriptSettingsInputs>): Setting[] {
  return SETTINGS.filter((f) => inputs[f] !== undefined);
}

/** The live settings mapped onto the fields the program manages. Pure. */
export function liveScriptSettings(props: WorkerScriptSettingsOutputs, live: ScriptLevelSettings): WorkerScriptSettingsOutputs {
  // Observability is seen through the keys the program wrote: the server fills defaults and nulls around them.
  const seen = { ...live, observability: projectOntoProgram(live.observability, toWire(props.observability)) };
  return { ...props, ...inputsFromWire(FIELDS, seen, { keys: managed(props) }) };
}

export function makeWorkerScriptSettingsProvider(
  client: ClientSource = getDefaultClient,
): ProviderOf<WorkerScriptSettingsInputs, WorkerScriptSettingsOutputs> {
  return {
    check: checkWith("WorkerScriptSettings", FIELDS, (inputs, { failures }) => {
      if (failures.length === 0 && managed(inputs).length === 0) {
        failures.push({ property: SETTINGS[0]!, reason: `set at least one of ${SETTINGS.slice(0, -1).join(", ")} or ${SETTINGS.at(-1)}` });
      }
    }),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const scope = scopeOf(inputs);
      let fields = managed(inputs);
      if (inputs.adopt) {
        // Taking over settings as they are: only the fields whose live value differs are written.
        const live = liveScriptSettings(inputs, await readScriptLevelSettings(clientOf(client), scope, inputs.scriptName));
        fields = changedFields(FIELDS, live, inputs).changed.filter(isSetting);
      }
      if (fields.length > 0)
        await writeListedScriptLevelSettings(clientOf(client), scope, inputs.scriptName, scriptSettingsPatch(inputs, fields));
      return { id: scriptResourceId(scope, inputs.scriptName, "script-settings"), outs: compact(inputs) };
    },

    async read(id, props) {
      if (!props) return {};
      try {
        const live = await liveScriptLevelSettings(
          clientOf(client),
          scopeOf(props),
          props.scriptName,
          scriptSettingsPatch(props, managed(props)),
        );
        return { id, props: keepStoredWhenSame(FIELDS, props, liveScriptSettings(props, live)) };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id, olds, news) {
      const fields = changedFields(FIELDS, olds, news).changed.filter(isSetting);
      if (fields.length > 0)
        await writeListedScriptLevelSettings(clientOf(client), scopeOf(news), news.scriptName, scriptSettingsPatch(news, fields));
      return { outs: compact(news) };
    },

    async delete(_id, props) {
      try {
        await writeListedScriptLevelSettings(clientOf(client), scopeOf(props), props.scriptName, scriptSettingsPatch({}, managed(props)));
      } catch (error) {
        // The Worker is gone, and its settings with it.
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerScriptSettingsInputs, WorkerScriptSettingsOutputs>;
}

export const workerScriptSettingsProvider = makeWorkerScriptSettingsProvider();
