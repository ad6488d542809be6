/**
 * WorkerQueueConsumer: a Worker consuming a queue (its `queue()` handler receives the queue's messages in
 * batches).
 *
 * Lifecycle → endpoints:
 *   create   the queue by id (GET /queues/{queue_id}) or by name (GET /queues?name=, as wrangler looks it up),
 *            then POST /queues/{queue_id}/consumers {type: "worker", script_name, dead_letter_queue?, settings};
 *            a queue that already has a Worker consumer is an error (Cloudflare allows one per queue), unless
 *            adopt, which takes it over with PUT …/consumers/{consumer_id} (nothing written when it is as wanted)
 *   read     GET /queues/{queue_id}/consumers/{consumer_id}
 *   update   PUT …/consumers/{consumer_id} (Worker, dead-letter queue and settings change in place)
 *   delete   DELETE …/consumers/{consumer_id}
 *   another queue replaces the resource.
 *
 * Settings the program leaves unset are the API's (its defaults, or what the dashboard set): not compared, and
 * a PUT leaves them out. Check refuses values outside the documented limits (CONSUMER_LIMITS).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  CloudflareApiError,
  createQueueConsumer,
  deleteQueueConsumer,
  findQueuesByName,
  describeWorker,
  getDefaultClient,
  getQueue,
  getQueueConsumer,
  isNotFound,
  listQueueConsumers,
  updateQueueConsumer,
  type CloudflareClient,
  type QueueConsumerInput,
  type QueueConsumerWire,
  type QueueWire,
} from "../cloudflare";
import { CONSUMER_LIMITS, consumerScript, QUEUE_ID_PATTERN, QUEUE_NAME_PATTERN, scriptNameSchema } from "../cloudflare/schemas";
import { compact } from "./common";
import {
  ACCOUNT_FIELD,
  ADOPT_FIELD,
  checkWith,
  clientOf,
  defineFields,
  diffWith,
  inputsFromWire,
  keepStoredWhenSame,
  wireKeys,
  wireOf,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
} from "./fields";
import { cloudflareSays, ResourceInputError } from "./refusals";

/** An integer setting within Cloudflare's limit, the failure saying the range and the unit. */
function setting(key: keyof typeof CONSUMER_LIMITS, unit: string) {
  const { min, max } = CONSUMER_LIMITS[key];
  const reason = `must be a whole number of ${unit} from ${min} to ${max} (Cloudflare's limit)`;
  return z.number({ error: reason }).int(reason).min(min, reason).max(max, reason);
}

const queueNameSchema = z
  .string()
  .regex(
    QUEUE_NAME_PATTERN,
    "a queue name is lower-case letters, digits and '-', at most 63 characters (the name of the cloudflare.Queue)",
  );

/** The consumer's settings: on the wire inside its `settings` object, each left to Cloudflare while unset. */
const CONSUMER_SETTINGS_FIELDS = defineFields(
  {
    /** Messages per batch, 1-100 (Cloudflare's default 10). */
    batchSize: { schema: setting("batch_size", "messages").optional(), diff: "update", wire: "batch_size", unmanagedWhenUnset: true },
    /** Retries of a failing message, 0-100 (default 3). */
    maxRetries: { schema: setting("max_retries", "retries").optional(), diff: "update", wire: "max_retries", unmanagedWhenUnset: true },
    /** How long a batch may wait to fill, 0-60000 ms (default 5000). */
    maxWaitTimeMs: {
      schema: setting("max_wait_time_ms", "milliseconds").optional(),
      diff: "update",
      wire: "max_wait_time_ms",
      unmanagedWhenUnset: true,
    },
    /** Concurrent invocations, 1-250; unset lets Cloudflare scale up to its maximum (its recommendation). */
    maxConcurrency: {
      schema: setting("max_concurrency", "invocations").optional(),
      diff: "update",
      wire: "max_concurrency",
      unmanagedWhenUnset: true,
    },
    /** Seconds before a retried message is delivered again, 0-43200 (default 0). */
    retryDelay: { schema: setting("retry_delay", "seconds").optional(), diff: "update", wire: "retry_delay", unmanagedWhenUnset: true },
  },
  "WorkerQueueConsumer settings",
);

export const WORKER_QUEUE_CONSUMER_FIELDS = defineFields(
  {
    accountId: ACCOUNT_FIELD,
    /** The queue, by id (cloudflare.Queue's `queueId`, 32 hex characters); or give `queueName`. */
    queueId: {
      schema: z
        .string()
        .regex(QUEUE_ID_PATTERN, "a queue id is 32 lower-case hexadecimal characters (cloudflare.Queue's queueId)")
        .optional(),
      diff: "replace",
      quote: true,
      unmanagedWhenUnset: true,
    },
    /** The queue, by name (looked up at create); or give `queueId`. */
    queueName: { schema: queueNameSchema.optional(), diff: "replace", quote: true, unmanagedWhenUnset: true },
    /** The Worker whose `queue()` handler consumes the queue. */
    scriptName: { schema: scriptNameSchema, diff: "update", wire: "script_name", quote: true },
    /** The queue (by name) that receives the messages still failing after `maxRetries`. */
    deadLetterQueue: {
      schema: queueNameSchema.optional(),
      diff: "update",
      wire: "dead_letter_queue",
      quote: true,
      unmanagedWhenUnset: true,
    },
    ...CONSUMER_SETTINGS_FIELDS,
    /** Take over the queue's Worker consumer if it has one (even of another Worker) instead of failing. */
    adopt: ADOPT_FIELD,
    /** Outputs: the consumer's id (and the queue's id and name, whichever the program did not give). */
    consumerId: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerQueueConsumer",
);
const FIELDS = WORKER_QUEUE_CONSUMER_FIELDS;

export type WorkerQueueConsumerInputs = InputsOf<typeof FIELDS>;
export type WorkerQueueConsumerProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type WorkerQueueConsumerOutputs = WorkerQueueConsumerInputs & { consumerId: string; queueId: string };

const SETTINGS = wireKeys(CONSUMER_SETTINGS_FIELDS);

function body(inputs: WorkerQueueConsumerInputs): QueueConsumerInput {
  const top = wireOf(FIELDS, inputs, { keys: ["scriptName", "deadLetterQueue"] });
  const settings = wireOf(CONSUMER_SETTINGS_FIELDS, inputs);
  return { type: "worker", ...top, ...(Object.keys(settings).length > 0 ? { settings } : {}) } as QueueConsumerInput;
}

/** Whether a live consumer already is what the inputs ask for, in everything they set. */
function asWanted(inputs: WorkerQueueConsumerInputs, live: QueueConsumerWire): boolean {
  const settings = (live.settings ?? {}) as Record<string, unknown>;
  return (
    consumerScript(live) === inputs.scriptName &&
    (inputs.deadLetterQueue === undefined || live.dead_letter_queue === inputs.deadLetterQueue) &&
    SETTINGS.every((key) => inputs[key] === undefined || settings[FIELDS[key].wire] === inputs[key])
  );
}

function describe(inputs: WorkerQueueConsumerInputs): string {
  return inputs.queueName !== undefined ? `queueName ${JSON.stringify(inputs.queueName)}` : `queueId ${JSON.stringify(inputs.queueId)}`;
}

/** The queue the inputs name; a queue that does not exist is an error naming the property. */
async function resolveQueue(client: CloudflareClient, inputs: WorkerQueueConsumerInputs): Promise<QueueWire> {
  const property = inputs.queueName !== undefined ? "queueName" : "queueId";
  const missing = (cause?: unknown) =>
    new ResourceInputError(
      property,
      `WorkerQueueConsumer ${describe(inputs)}: no such queue on account ${inputs.accountId}; create it first (a cloudflare.Queue, or \`wrangler queues create\`) and pass its ${property === "queueName" ? "queueName" : "queueId"}`,
      { cause },
    );
  if (inputs.queueName !== undefined) {
    const [queue] = await findQueuesByName(client, inputs.accountId, inputs.queueName);
    if (queue === undefined) throw missing();
    if (inputs.queueId !== undefined && queue.queue_id !== inputs.queueId) {
      throw new ResourceInputError(
        "queueId",
        `WorkerQueueConsumer: queueId "${inputs.queueId}" is not the id of queue "${inputs.queueName}" (${queue.queue_id}); give one of them`,
      );
    }
    return queue;
  }
  try {
    return await getQueue(client, inputs.accountId, inputs.queueId!);
  } catch (error) {
    if (isNotFound(error)) throw missing(error);
    throw error;
  }
}

function outputs(inputs: WorkerQueueConsumerInputs, queue: { queue_id: string; queue_name?: string | null }, consumer: QueueConsumerWire) {
  return compact({
    ...inputs,
    queueId: queue.queue_id,
    queueName: inputs.queueName ?? queue.queue_name ?? undefined,
    consumerId: consumer.consumer_id,
  }) as WorkerQueueConsumerOutputs;
}

/** Rethrows a refused write as an error naming the property and what to change. */
function explain(error: unknown, inputs: WorkerQueueConsumerInputs): never {
  if (!(error instanceof CloudflareApiError) || error.status >= 500 || error.code === "CF_AUTH" || error.code === "CF_RATE_LIMITED")
    throw error;
  const says = cloudflareSays(error);
  if (error.codes.includes(10007)) {
    throw new ResourceInputError(
      "scriptName",
      `WorkerQueueConsumer scriptName: ${describeWorker(inputs, inputs.scriptName)} does not exist (${says}); deploy it first (pass WorkerScript.scriptName)`,
      { cause: error },
    );
  }
  if (error.codes.includes(11001)) {
    throw new ResourceInputError(
      "scriptName",
      `WorkerQueueConsumer ${describe(inputs)}: ${describeWorker(inputs, inputs.scriptName)} has no queue handler (${says}); export \`async queue(batch, env, ctx)\` from its default export, then run up again`,
      { cause: error },
    );
  }
  if (error.status === 409) {
    throw new ResourceInputError(
      "scriptName",
      `WorkerQueueConsumer ${describe(inputs)}: the queue already has a Worker consumer (${says}); a queue has one Worker consumer: set adopt: true to take it over, or remove it there`,
      { cause: error },
    );
  }
  if (error.status === 400) {
    // The setting Cloudflare names, when it names one.
    const property = [...SETTINGS, "deadLetterQueue" as const].find((key) => says.includes(FIELDS[key].wire)) ?? "scriptName";
    throw new ResourceInputError(property, `WorkerQueueConsumer ${describe(inputs)}: Cloudflare refused ${property} (${says})`, {
      cause: error,
    });
  }
  throw error;
}

export function makeWorkerQueueConsumerProvider(source: ClientSource = getDefaultClient) {
  const client = () => clientOf(source);
  return {
    check: checkWith("WorkerQueueConsumer", FIELDS, (inputs, { news, failures }) => {
      if (news.queueId === undefined && news.queueName === undefined) {
        failures.push({ property: "queueName", reason: "queueName: required, or queueId: give the queue by name or by id" });
      }
    }),
    diff: diffWith(FIELDS),

    async create(inputs: WorkerQueueConsumerInputs): Promise<dynamic.CreateResult<WorkerQueueConsumerOutputs>> {
      const c = client();
      const queue = await resolveQueue(c, inputs);
      const existing = (await listQueueConsumers(c, inputs.accountId, queue.queue_id)).find((k) => (k.type ?? "worker") === "worker");
      try {
        if (existing !== undefined) {
          const holder = consumerScript(existing);
          if (!inputs.adopt && holder !== inputs.scriptName) {
            throw new ResourceInputError(
              "scriptName",
              `WorkerQueueConsumer ${describe(inputs)}: the queue already has a consumer, ${holder ? describeWorker(inputs, holder) : "another Worker"}; a queue has one Worker consumer: set adopt: true to move it to ${JSON.stringify(inputs.scriptName)}, or remove that consumer`,
            );
          }
          // Our own consumer from an earlier attempt, or one taken over with adopt: made as wanted in place,
          // or left as it is when it already is (an imported program's first run writes nothing).
          if (asWanted(inputs, existing)) {
            return { id: `${inputs.accountId}/${queue.queue_id}/${existing.consumer_id}`, outs: outputs(inputs, queue, existing) };
          }
          const updated = await updateQueueConsumer(c, inputs.accountId, queue.queue_id, existing.consumer_id, body(inputs));
          return { id: `${inputs.accountId}/${queue.queue_id}/${updated.consumer_id}`, outs: outputs(inputs, queue, updated) };
        }
        const consumer = await createQueueConsumer(c, inputs.accountId, queue.queue_id, body(inputs));
        return { id: `${inputs.accountId}/${queue.queue_id}/${consumer.consumer_id}`, outs: outputs(inputs, queue, consumer) };
      } catch (error) {
        if (error instanceof ResourceInputError) throw error;
        explain(error, inputs);
      }
    },

    async read(id: string, props?: WorkerQueueConsumerOutputs): Promise<dynamic.ReadResult<WorkerQueueConsumerOutputs>> {
      if (!props) return {};
      try {
        const live = await getQueueConsumer(client(), props.accountId, props.queueId, props.consumerId);
        const fromSettings = inputsFromWire(FIELDS, live.settings ?? {}, { stored: props, keys: SETTINGS });
        const dlq = live.dead_letter_queue === "" ? undefined : (live.dead_letter_queue ?? undefined);
        const fresh = compact({
          ...props,
          ...fromSettings,
          scriptName: consumerScript(live) ?? props.scriptName,
          // Unset means "none" here: a dead-letter queue added outside the program shows only once the program sets one.
          deadLetterQueue: props.deadLetterQueue === undefined ? undefined : dlq,
        }) as WorkerQueueConsumerOutputs;
        return { id, props: keepStoredWhenSame(FIELDS, props, fresh) };
      } catch (error) {
        // The consumer, or its queue, is gone.
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id: string, olds: WorkerQueueConsumerOutputs, news: WorkerQueueConsumerInputs) {
      try {
        const updated = await updateQueueConsumer(client(), news.accountId, olds.queueId, olds.consumerId, body(news));
        return { outs: outputs(news, { queue_id: olds.queueId, queue_name: olds.queueName }, updated) };
      } catch (error) {
        explain(error, news);
      }
    },

    async delete(_id: string, props: WorkerQueueConsumerOutputs): Promise<void> {
      try {
        await deleteQueueConsumer(client(), props.accountId, props.queueId, props.consumerId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerQueueConsumerInputs, WorkerQueueConsumerOutputs>;
}

export const workerQueueConsumerProvider = makeWorkerQueueConsumerProvider();
