/**
 * Queues (`/accounts/{a}/queues`) and their Worker consumers (`…/queues/{queue_id}/consumers`).
 *
 * Codes (emulator/README.md, "Queue consumers and Workflows"): 10104 for a queue that does not exist and 10107
 * for a malformed queue id (https://developers.cloudflare.com/queues/reference/error-codes/); 10207 for a body
 * that does not match the schema, settings out of the documented limits included (same reference,
 * "JSONRequestBodyInvalid"); 10007 for a consumer Worker that does not exist; 11001 "queue handler is missing"
 * and 11004 "consumer_exists" as clients that run against the live API read them; 11009 for a queue name taken;
 * the code of an unknown consumer id is chosen (QUEUE_ERROR).
 */
import { z } from "zod";
import { CONSUMER_LIMITS, QUEUE_ID_PATTERN, QUEUE_NAME_PATTERN, queueCreateInputSchema } from "../../provider/cloudflare/schemas";
import { ApiError, notFound, ok, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, type Route, type RouteContext } from "../router";
import { hasOwn } from "../scope";
import { nameMap, type StoredAccount, type StoredQueue, type StoredQueueConsumer } from "../state";
import { readJson } from "../upload-form";
import { currentVersion, nowIso } from "../worker-model";
import { serialId } from "../zone-model";

export const QUEUE_ERROR = {
  QUEUE_NOT_FOUND: 10104,
  QUEUE_ID_MALFORMED: 10107,
  BODY_INVALID: 10207,
  /** The consumer Worker's deployed version has no `queue` handler (alchemy-run/distilled#273: 11001, HTTP 400). */
  QUEUE_HANDLER_MISSING: 11001,
  /** The queue already has a Worker consumer (workers-sdk#5347 shows 11004 "workers.api.error.consumer_exists"). */
  CONSUMER_EXISTS: 11004,
  /** A queue of that name exists already (Trailgenic/workers#59 treats 11009 "already taken" as that). */
  QUEUE_NAME_TAKEN: 11009,
  /** chosen: the consumer id in the path is not a consumer of the queue. */
  CONSUMER_NOT_FOUND: 11003,
} as const;

/** What a consumer gets for the settings it leaves out (the defaults of the Queues configuration page). */
export const CONSUMER_DEFAULTS = { batch_size: 10, max_retries: 3, max_wait_time_ms: 5000, max_concurrency: null, retry_delay: 0 } as const;

export function queuesOf(account: StoredAccount): Record<string, StoredQueue> {
  account.queues ??= nameMap();
  return account.queues;
}

/** Makes a queue, as POST /queues does (also for tests and demos that need one). */
export function addQueue(account: StoredAccount, name: string): StoredQueue {
  account.queues_created = (account.queues_created ?? 0) + 1;
  const now = nowIso();
  const queue: StoredQueue = {
    queue_id: serialId("queue", account.id, account.queues_created),
    queue_name: name,
    created_on: now,
    modified_on: now,
    consumers: [],
  };
  queuesOf(account)[queue.queue_id] = queue;
  return queue;
}

function consumerObject(queue: StoredQueue, c: StoredQueueConsumer): Record<string, unknown> {
  // `script`, not the SDK's `script_name`: terraform-provider-cloudflare reads the Worker from `script`.
  return {
    consumer_id: c.consumer_id,
    type: "worker",
    script: c.script,
    queue_name: queue.queue_name,
    dead_letter_queue: c.dead_letter_queue,
    settings: { ...c.settings },
    created_on: c.created_on,
  };
}

function queueObject(queue: StoredQueue): Record<string, unknown> {
  return {
    queue_id: queue.queue_id,
    queue_name: queue.queue_name,
    created_on: queue.created_on,
    modified_on: queue.modified_on,
    producers: [],
    producers_total_count: 0,
    consumers: queue.consumers.map((c) => consumerObject(queue, c)),
    consumers_total_count: queue.consumers.length,
    settings: { delivery_delay: 0, delivery_paused: false, message_retention_period: 345600 },
  };
}

function queueOf(ctx: RouteContext): StoredQueue {
  const id = ctx.params.queue!;
  if (!QUEUE_ID_PATTERN.test(id))
    throw new ApiError(400, QUEUE_ERROR.QUEUE_ID_MALFORMED, "The queue ID in the request URL is not a valid queue identifier");
  const queues = queuesOf(ctx.account);
  const queue = hasOwn(queues, id) ? queues[id] : undefined;
  if (queue === undefined) throw new ApiError(404, QUEUE_ERROR.QUEUE_NOT_FOUND, "Queue does not exist");
  return queue;
}

function listQueues(ctx: RouteContext): Reply {
  const names = ctx.query.getAll("name");
  const rows = Object.values(queuesOf(ctx.account))
    .filter((q) => names.length === 0 || names.includes(q.queue_name))
    .sort((a, b) => a.created_on.localeCompare(b.created_on));
  return ok(rows.map(queueObject));
}

function createQueue(ctx: RouteContext): Reply {
  const parsed = queueCreateInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success || !QUEUE_NAME_PATTERN.test(parsed.data.queue_name)) {
    throw new ApiError(400, QUEUE_ERROR.BODY_INVALID, "queue_name: lower-case letters, digits and dashes, at most 63 characters");
  }
  const name = parsed.data.queue_name;
  if (Object.values(queuesOf(ctx.account)).some((q) => q.queue_name === name)) {
    throw new ApiError(409, QUEUE_ERROR.QUEUE_NAME_TAKEN, `A queue with name '${name}' is already taken`);
  }
  return ok(queueObject(addQueue(ctx.account, name)));
}

function getQueue(ctx: RouteContext): Reply {
  return ok(queueObject(queueOf(ctx)));
}

function deleteQueue(ctx: RouteContext): Reply {
  const queue = queueOf(ctx);
  delete queuesOf(ctx.account)[queue.queue_id];
  return ok(null);
}

const bounded = (key: keyof typeof CONSUMER_LIMITS) =>
  z
    .number()
    .int()
    .min(CONSUMER_LIMITS[key].min, `${key} must be at least ${CONSUMER_LIMITS[key].min}`)
    .max(CONSUMER_LIMITS[key].max, `${key} must be at most ${CONSUMER_LIMITS[key].max}`);

/** What the API accepts for a Worker consumer (the SDK's `MqWorkerConsumerRequest`), limits checked. */
const consumerRequestSchema = z.looseObject({
  type: z.literal("worker", { error: "type: only 'worker' consumers are emulated" }),
  script_name: z.string().min(1),
  dead_letter_queue: z.string().optional(),
  settings: z
    .looseObject({
      batch_size: bounded("batch_size").optional(),
      max_retries: bounded("max_retries").optional(),
      max_wait_time_ms: bounded("max_wait_time_ms").optional(),
      max_concurrency: bounded("max_concurrency").nullable().optional(),
      retry_delay: bounded("retry_delay").optional(),
    })
    .optional(),
});

function consumerInput(ctx: RouteContext): z.infer<typeof consumerRequestSchema> {
  const parsed = consumerRequestSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(
      400,
      QUEUE_ERROR.BODY_INVALID,
      `Request JSON body does not match expected schema: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    );
  }
  if (!hasOwn(ctx.account.scripts, parsed.data.script_name))
    throw notFound(`Worker '${parsed.data.script_name}' does not exist on your account.`);
  // Refused only when the handlers were read from the source and `queue` is not among them: the emulator's
  // handler detection reads source text, and a Worker it cannot read (a bundle's `export { x as default }`) is
  // given the benefit of the doubt rather than a refusal the real API would not give.
  const handlers = currentVersion(ctx.account.scripts[parsed.data.script_name]!).handlers;
  if (handlers.length > 0 && !handlers.includes("queue")) {
    throw new ApiError(
      400,
      QUEUE_ERROR.QUEUE_HANDLER_MISSING,
      `queue handler is missing: Worker '${parsed.data.script_name}' does not export a queue handler`,
    );
  }
  return parsed.data;
}

function settingsOf(input: z.infer<typeof consumerRequestSchema>): Record<string, number | null> {
  const s = input.settings ?? {};
  return {
    batch_size: s.batch_size ?? CONSUMER_DEFAULTS.batch_size,
    max_retries: s.max_retries ?? CONSUMER_DEFAULTS.max_retries,
    max_wait_time_ms: s.max_wait_time_ms ?? CONSUMER_DEFAULTS.max_wait_time_ms,
    max_concurrency: s.max_concurrency ?? CONSUMER_DEFAULTS.max_concurrency,
    retry_delay: s.retry_delay ?? CONSUMER_DEFAULTS.retry_delay,
  };
}

function listConsumers(ctx: RouteContext): Reply {
  const queue = queueOf(ctx);
  return ok(queue.consumers.map((c) => consumerObject(queue, c)));
}

function createConsumer(ctx: RouteContext): Reply {
  const queue = queueOf(ctx);
  const input = consumerInput(ctx);
  const holder = queue.consumers[0];
  if (holder !== undefined) {
    throw new ApiError(
      409,
      QUEUE_ERROR.CONSUMER_EXISTS,
      `workers.api.error.consumer_exists: queue '${queue.queue_name}' already has a consumer (Worker '${holder.script}')`,
    );
  }
  ctx.account.consumers_created = (ctx.account.consumers_created ?? 0) + 1;
  const consumer: StoredQueueConsumer = {
    consumer_id: serialId("consumer", ctx.account.id, ctx.account.consumers_created),
    script: input.script_name,
    dead_letter_queue: input.dead_letter_queue ?? "",
    settings: settingsOf(input),
    created_on: nowIso(),
  };
  queue.consumers.push(consumer);
  return ok(consumerObject(queue, consumer));
}

function consumerOf(ctx: RouteContext, queue: StoredQueue): StoredQueueConsumer {
  const consumer = queue.consumers.find((c) => c.consumer_id === ctx.params.consumer);
  if (consumer === undefined) throw new ApiError(404, QUEUE_ERROR.CONSUMER_NOT_FOUND, "Consumer not found");
  return consumer;
}

function getConsumer(ctx: RouteContext): Reply {
  const queue = queueOf(ctx);
  return ok(consumerObject(queue, consumerOf(ctx, queue)));
}

/** PUT replaces the consumer's Worker, dead-letter queue and settings (left-out settings go back to their defaults). */
function updateConsumer(ctx: RouteContext): Reply {
  const queue = queueOf(ctx);
  const consumer = consumerOf(ctx, queue);
  const input = consumerInput(ctx);
  consumer.script = input.script_name;
  consumer.dead_letter_queue = input.dead_letter_queue ?? "";
  consumer.settings = settingsOf(input);
  return ok(consumerObject(queue, consumer));
}

function deleteConsumer(ctx: RouteContext): Reply {
  const queue = queueOf(ctx);
  const consumer = consumerOf(ctx, queue);
  queue.consumers = queue.consumers.filter((c) => c !== consumer);
  return ok(null);
}

const QUEUES = `${ACCOUNT_PREFIX}/queues`;
const CONSUMERS = `${QUEUES}/:queue/consumers`;

export const queueRoutes: Route[] = [
  { method: "GET", pattern: QUEUES, handler: listQueues },
  { method: "POST", pattern: QUEUES, handler: createQueue },
  { method: "GET", pattern: `${QUEUES}/:queue`, handler: getQueue },
  { method: "DELETE", pattern: `${QUEUES}/:queue`, handler: deleteQueue },
  { method: "GET", pattern: CONSUMERS, handler: listConsumers },
  { method: "POST", pattern: CONSUMERS, handler: createConsumer },
  { method: "GET", pattern: `${CONSUMERS}/:consumer`, handler: getConsumer },
  { method: "PUT", pattern: `${CONSUMERS}/:consumer`, handler: updateConsumer },
  { method: "DELETE", pattern: `${CONSUMERS}/:consumer`, handler: deleteConsumer },
];
