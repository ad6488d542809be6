/**
 * Wire shapes of Queues (`/accounts/{a}/queues`) and their consumers (`…/queues/{queue_id}/consumers`), from
 * the official SDK (cloudflare-typescript `resources/queues/queues.ts`, `resources/queues/consumers.ts`) and
 * wrangler's client (workers-sdk `packages/deploy-helpers/src/triggers/queue-consumers.ts`). Answer schemas
 * are liberal (nulls, absent optionals, unknown fields kept); the input schema is strict.
 *
 * A Worker consumer's answer names its Worker `script_name` in the SDK's types, but terraform-provider-cloudflare
 * (`internal/services/queue_consumer/custom.go`) copies it from `script`, which the API answers: both are read.
 */
import { z } from "zod";
import { lenientList } from "./lenient";

/** The settings of a Worker consumer: what the API answers (any may be absent or null). */
export const consumerSettingsSchema = z.looseObject({
  batch_size: z.number().nullish(),
  max_retries: z.number().nullish(),
  max_wait_time_ms: z.number().nullish(),
  /** `null`: the platform's maximum, scaled automatically (the SDK's "recommended"). */
  max_concurrency: z.number().nullish(),
  retry_delay: z.number().nullish(),
  visibility_timeout_ms: z.number().nullish(),
});
export type ConsumerSettingsWire = z.infer<typeof consumerSettingsSchema>;

export const queueConsumerSchema = z.looseObject({
  consumer_id: z.string(),
  type: z.string().nullish(),
  script: z.string().nullish(),
  script_name: z.string().nullish(),
  service: z.string().nullish(),
  queue_name: z.string().nullish(),
  /** The dead-letter queue's name, or "" when none. */
  dead_letter_queue: z.string().nullish(),
  settings: consumerSettingsSchema.nullish(),
  created_on: z.string().nullish(),
});
export type QueueConsumerWire = z.infer<typeof queueConsumerSchema>;
export const queueConsumerListSchema = lenientList(queueConsumerSchema);

/** The Worker a consumer runs, whichever field the answer names it in. */
export function consumerScript(consumer: QueueConsumerWire): string | undefined {
  return consumer.script ?? consumer.script_name ?? consumer.service ?? undefined;
}

export const queueSchema = z.looseObject({
  queue_id: z.string(),
  queue_name: z.string(),
  created_on: z.string().nullish(),
  modified_on: z.string().nullish(),
  consumers: z.array(queueConsumerSchema.partial()).nullish(),
  consumers_total_count: z.number().nullish(),
  producers: z.array(z.unknown()).nullish(),
  settings: z.looseObject({}).nullish(),
});
export type QueueWire = z.infer<typeof queueSchema>;
export const queueListSchema = lenientList(queueSchema);

/** `POST /queues` body (what the emulator accepts; the resources never create queues). */
export const queueCreateInputSchema = z.looseObject({ queue_name: z.string().min(1) });

/** `POST/PUT …/consumers[/{id}]` body of a Worker consumer, as we send it. */
export const queueConsumerInputSchema = z.strictObject({
  type: z.literal("worker"),
  script_name: z.string().min(1),
  dead_letter_queue: z.string().optional(),
  settings: z
    .strictObject({
      batch_size: z.number().int().optional(),
      max_retries: z.number().int().optional(),
      max_wait_time_ms: z.number().int().optional(),
      max_concurrency: z.number().int().nullable().optional(),
      retry_delay: z.number().int().optional(),
    })
    .optional(),
});
export type QueueConsumerInput = z.infer<typeof queueConsumerInputSchema>;
/** DELETE answers the bare envelope (the SDK's `ConsumerDeleteResponse`). */
export const queueConsumerDeleteSchema = z.unknown();

/**
 * The limits of a Worker consumer's settings, as the Queues documentation gives them
 * (https://developers.cloudflare.com/queues/configuration/configure-queues/ and
 * https://developers.cloudflare.com/queues/platform/limits/): batch size 1-100, retries 0-100, batch
 * timeout up to 60 seconds, concurrency 1-250, retry delay up to 12 hours.
 */
export const CONSUMER_LIMITS = {
  batch_size: { min: 1, max: 100 },
  max_retries: { min: 0, max: 100 },
  max_wait_time_ms: { min: 0, max: 60_000 },
  max_concurrency: { min: 1, max: 250 },
  retry_delay: { min: 0, max: 43_200 },
} as const;

/** Queue names: lower-case letters, digits and dashes, at most 63 (wrangler's `queues create` and the dashboard). */
export const QUEUE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Queue ids are 32 lower-case hexadecimal characters, like every Cloudflare resource identifier. */
export const QUEUE_ID_PATTERN = /^[0-9a-f]{32}$/;
