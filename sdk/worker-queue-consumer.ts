import * as pulumi from "@pulumi/pulumi";
import type { WORKER_QUEUE_CONSUMER_FIELDS } from "../provider/resources/worker-queue-consumer";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/**
 * The inputs of a WorkerQueueConsumer: the queue (`queueName` or `queueId`, e.g. a `cloudflare.Queue`'s), the
 * consuming `scriptName`, `deadLetterQueue`, and the settings `batchSize` (1-100), `maxRetries` (0-100),
 * `maxWaitTimeMs` (0-60000), `maxConcurrency` (1-250), `retryDelay` (seconds, 0-43200); unset settings stay
 * Cloudflare's. `adopt` takes over the queue's existing Worker consumer.
 */
export type WorkerQueueConsumerArgs = ArgsOfFields<typeof WORKER_QUEUE_CONSUMER_FIELDS>;

/** A Worker consuming a queue: its `queue()` handler receives the messages in batches. One per queue. */
export class WorkerQueueConsumer extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly queueId: pulumi.Output<string>;
  declare public readonly queueName: pulumi.Output<string | undefined>;
  declare public readonly scriptName: pulumi.Output<string>;
  /** The consumer's id. */
  declare public readonly consumerId: pulumi.Output<string>;

  constructor(name: string, args: WorkerQueueConsumerArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      accountId: undefined,
      queueId: undefined,
      queueName: undefined,
      consumerId: undefined,
      ...args,
    } satisfies PropsOf<WorkerQueueConsumer>;
    super(lazyProvider("workerQueueConsumerProvider"), name, props, opts, "cloudflare-workers", "WorkerQueueConsumer");
  }
}
