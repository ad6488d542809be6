/** Queues (`/accounts/{a}/queues`) and their consumers (`…/queues/{queue_id}/consumers`). */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import {
  queueConsumerDeleteSchema,
  queueConsumerInputSchema,
  queueConsumerListSchema,
  queueConsumerSchema,
  queueListSchema,
  queueSchema,
  type QueueConsumerInput,
  type QueueConsumerWire,
  type QueueWire,
} from "../schemas";

/** GET `/queues?name=`: the account's queues of that name (wrangler's `getQueue` looks a queue up this way). */
export async function findQueuesByName(client: CloudflareClient, accountId: string, name: string): Promise<QueueWire[]> {
  const rows = await client.request({ method: "GET", path: path`/accounts/${accountId}/queues`, query: { name }, schema: queueListSchema });
  // The filter is the server's; a server that ignores it must not hand us another queue.
  return rows.filter((q) => q.queue_name === name);
}

export async function getQueue(client: CloudflareClient, accountId: string, queueId: string): Promise<QueueWire> {
  return client.request({ method: "GET", path: path`/accounts/${accountId}/queues/${queueId}`, schema: queueSchema });
}

export async function listQueueConsumers(client: CloudflareClient, accountId: string, queueId: string): Promise<QueueConsumerWire[]> {
  return client.request({ method: "GET", path: path`/accounts/${accountId}/queues/${queueId}/consumers`, schema: queueConsumerListSchema });
}

export async function getQueueConsumer(
  client: CloudflareClient,
  accountId: string,
  queueId: string,
  consumerId: string,
): Promise<QueueConsumerWire> {
  return client.request({
    method: "GET",
    path: path`/accounts/${accountId}/queues/${queueId}/consumers/${consumerId}`,
    schema: queueConsumerSchema,
  });
}

/** POST: a new consumer. Not idempotent (a repeat is refused: the queue has its consumer), so never retried blindly. */
export async function createQueueConsumer(
  client: CloudflareClient,
  accountId: string,
  queueId: string,
  body: QueueConsumerInput,
): Promise<QueueConsumerWire> {
  return client.request({
    method: "POST",
    path: path`/accounts/${accountId}/queues/${queueId}/consumers`,
    json: queueConsumerInputSchema.parse(body),
    schema: queueConsumerSchema,
  });
}

/** PUT: replaces the consumer's Worker, dead-letter queue and settings. Idempotent. */
export async function updateQueueConsumer(
  client: CloudflareClient,
  accountId: string,
  queueId: string,
  consumerId: string,
  body: QueueConsumerInput,
): Promise<QueueConsumerWire> {
  return client.request({
    method: "PUT",
    path: path`/accounts/${accountId}/queues/${queueId}/consumers/${consumerId}`,
    json: queueConsumerInputSchema.parse(body),
    schema: queueConsumerSchema,
    retrySafe: true,
  });
}

export async function deleteQueueConsumer(client: CloudflareClient, accountId: string, queueId: string, consumerId: string): Promise<void> {
  await client.request({
    method: "DELETE",
    path: path`/accounts/${accountId}/queues/${queueId}/consumers/${consumerId}`,
    schema: queueConsumerDeleteSchema,
  });
}

/** GET `/queues`: every queue of the account, consumers included (a single page, the SDK's `SinglePage`). */
export async function listQueues(client: CloudflareClient, accountId: string): Promise<QueueWire[]> {
  return client.request({ method: "GET", path: path`/accounts/${accountId}/queues`, schema: queueListSchema });
}
