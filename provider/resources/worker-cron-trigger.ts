/**
 * WorkerCronTrigger: the cron triggers of a Worker (its `scheduled()` handler runs on each).
 *
 * Lifecycle → endpoints:
 *   create   GET …/scripts/{name}/schedules (refuses to overwrite crons set elsewhere unless adopt), then
 *            PUT …/schedules [{cron}, …] (skipped when adopting crons already as wanted)
 *   read     GET …/schedules
 *   update   PUT …/schedules with the whole list
 *   delete   PUT …/schedules []
 *
 * Check parses every expression as Cloudflare does (provider/cloudflare/schemas/cron.ts) and refuses
 * duplicates, including two spellings of one schedule; the order of `crons` never matters.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  describeWorker,
  getDefaultClient,
  getSchedules,
  isNotFound,
  putSchedules,
  type CloudflareApiError,
  type SchedulesResult,
} from "../cloudflare";
import { cronKey, cronProblem } from "../cloudflare/schemas";
import { compact, scriptResourceId } from "./common";
import {
  ADOPT_FIELD,
  SCRIPT_SCOPE_FIELDS,
  checkWith,
  clientOf,
  defineFields,
  diffWith,
  inputsFromWire,
  keepStoredWhenSame,
  type ClientSource,
  type InputsOf,
} from "./fields";
import { journaled, mayBeOurs, RECOVER_ENV, settle, type JournalKey } from "./journal";
import { cloudflareSays, refusalCode, ResourceInputError } from "./refusals";
import { explainNoWorkersDev } from "./urls";

/** Cloudflare's codes for a refused schedule list: unparsable or duplicate (10100), plan limit (10072). */
const CRON_REFUSALS = [10100, 10072] as const;

/** Every expression valid for Cloudflare, no schedule twice (in any spelling). */
export const cronListSchema = z.array(z.string({ error: "expected a cron expression string" })).superRefine((crons, ctx) => {
  const seen = new Map<string, string>();
  crons.forEach((cron, i) => {
    const problem = cronProblem(cron);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", path: [i], message: problem });
      return;
    }
    const key = cronKey(cron);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const how = earlier === cron ? "is listed twice" : `is the same schedule as ${JSON.stringify(earlier)}`;
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: `cron ${JSON.stringify(cron)} ${how}; Cloudflare refuses duplicates: remove one`,
      });
    }
    seen.set(key, cron);
  });
});

/** Order never matters: compare as a sorted list. */
const sortedCrons = (value: unknown): unknown => (Array.isArray(value) ? [...value].map(String).sort() : value);

export const WORKER_CRON_TRIGGER_FIELDS = defineFields(
  {
    accountId: SCRIPT_SCOPE_FIELDS.accountId,
    // Not an input: named so that check says why.
    dispatchNamespace: {
      schema: z.undefined(),
      diff: "ignore",
      reason:
        "cron triggers belong to Workers of the account; Workers in a dispatch namespace have none (the official SDK has no schedules under a namespace): remove it",
    },
    scriptName: SCRIPT_SCOPE_FIELDS.scriptName,
    /**
     * Cron expressions (UTC), read as Cloudflare's parser reads them, e.g. "*\/5 * * * *", "0 18 * * FRIL".
     * Exactly five fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 1-7
     * with 1 = Sunday (so `0` is refused) or SUN-SAT; names in any case; no seconds, year or `?`. Each field
     * takes `*`, a value, a range `a-b` (which may wrap: `FRI-SUN`), a step (`*\/s`, `a/s`, `a-b/s`) or a
     * comma list of those. Alone in its field, day of month also takes `L` (the last day), `LW` (the last
     * weekday), `L-n`, `L-nW` (n days before the last) and `nW` (the weekday nearest the nth); day of week
     * takes `L` (Saturday), `dL` (the last d of the month: `6L`, `FRIL`) and `d#n` (the nth d: `6#3`); `L`
     * and `W` in upper case. A schedule listed twice is refused, as Cloudflare refuses it, even in another
     * spelling (`*\/30 * * * *` and `0,30 * * * *`). Order never matters; `[]` manages "no cron triggers".
     */
    crons: {
      schema: cronListSchema,
      diff: "update",
      wire: "schedules",
      normalise: sortedCrons,
      required: 'required: a list of cron expressions, e.g. ["*/5 * * * *"]',
      fromWire: (value) => (Array.isArray(value) ? (value as { cron: string }[]).map((s) => s.cron) : undefined),
    },
    /** Take over cron triggers already on the Worker (set by wrangler or the dashboard) instead of failing. */
    adopt: ADOPT_FIELD,
  },
  "WorkerCronTrigger",
);
const FIELDS = WORKER_CRON_TRIGGER_FIELDS;

export type WorkerCronTriggerInputs = InputsOf<typeof FIELDS>;
export type WorkerCronTriggerOutputs = WorkerCronTriggerInputs;

function liveCrons(live: SchedulesResult): string[] {
  return live.schedules.map((s) => s.cron);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify(sortedCrons(a)) === JSON.stringify(sortedCrons(b));
}

/** PUT the list; a refusal names the property and what Cloudflare said. */
async function write(client: ClientSource, inputs: WorkerCronTriggerInputs, crons: readonly string[]): Promise<void> {
  try {
    await putSchedules(clientOf(client), inputs.accountId, inputs.scriptName, crons);
  } catch (error) {
    const code = refusalCode(error, CRON_REFUSALS);
    if (code === undefined)
      explainNoWorkersDev(error, `WorkerCronTrigger of ${describeWorker(inputs, inputs.scriptName)}:`, "crons", inputs.accountId);
    const fix =
      code === 10072
        ? "remove cron triggers (here or on other Workers of the account), or upgrade the plan (5 per account on Workers Free, 250 on Paid)"
        : "correct the expression";
    throw new ResourceInputError(
      "crons",
      `WorkerCronTrigger crons of ${describeWorker(inputs, inputs.scriptName)}: Cloudflare refused ${JSON.stringify(crons)}: ${cloudflareSays(error as CloudflareApiError)}; ${fix}`,
      { cause: error },
    );
  }
}

export function makeWorkerCronTriggerProvider(client: ClientSource = getDefaultClient) {
  return {
    check: checkWith("WorkerCronTrigger", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const api = clientOf(client);
      const live = liveCrons(await getSchedules(api, inputs.accountId, inputs.scriptName));
      const same = sameSet(live, inputs.crons);
      // Crons our own earlier PUT set (its answer lost, its process perhaps gone) are ours to replace.
      const key: JournalKey = { kind: "schedules", scope: { accountId: inputs.accountId }, names: [inputs.scriptName] };
      if (!inputs.adopt && live.length > 0 && !same && !mayBeOurs(api, key)) {
        throw new ResourceInputError(
          "crons",
          `WorkerCronTrigger: ${describeWorker(inputs, inputs.scriptName)} already has cron triggers ${JSON.stringify(live)} set outside this program; set adopt: true to replace them with ${JSON.stringify(inputs.crons)}, or list them in crons ` +
            `(if an earlier \`pulumi up\` of this stack was interrupted while setting them, run \`${RECOVER_ENV}=1 pulumi up\` once instead)`,
        );
      }
      if (same) settle(api, key);
      else await journaled(api, key, () => write(client, inputs, inputs.crons));
      return { id: scriptResourceId({ accountId: inputs.accountId }, inputs.scriptName, "schedules"), outs: compact({ ...inputs }) };
    },

    async read(id, props) {
      if (!props) return {};
      try {
        const live = await getSchedules(clientOf(client), props.accountId, props.scriptName);
        const fresh = compact({ ...props, ...inputsFromWire(FIELDS, live) }) as WorkerCronTriggerOutputs;
        return { id, props: keepStoredWhenSame(FIELDS, props, fresh) };
      } catch (error) {
        // The Worker is gone, and its cron triggers with it.
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id, _olds, news) {
      await write(client, news, news.crons);
      return { outs: compact({ ...news }) };
    },

    async delete(_id, props) {
      try {
        await putSchedules(clientOf(client), props.accountId, props.scriptName, []);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerCronTriggerInputs, WorkerCronTriggerOutputs>;
}

export const workerCronTriggerProvider = makeWorkerCronTriggerProvider();
