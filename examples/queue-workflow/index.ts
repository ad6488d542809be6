/**
 * Everything that starts a Worker beyond HTTP: a producer Worker sends orders to a queue, a consumer Worker
 * drains the queue in batches and starts a Workflow (defined by a class the consumer exports) per order. The
 * stack exports the producer's URL, ready for the next stack or a smoke test.
 *
 * The queue itself is not made here: in a real stack it is a `cloudflare.Queue` of @pulumi/cloudflare v6 in
 * the same program (pass its `queueName`, or its `queueId` as WorkerQueueConsumer's `queueId`), or one made once
 * with `wrangler queues create jobs`. This example takes its name from the stack config.
 *
 * Config: `queueName` (default "jobs"), `deadLetterQueue` (optional, a queue name), `producerName` (default
 * "orders-api"), `consumerName` (default "orders-consumer").
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WorkerQueueConsumer, WorkerScript, WorkerSubdomain, Workflow } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const queueName = config.get("queueName") ?? "jobs";
const workflowName = "fulfil-order";

// The consumer Worker exports the Workflow's class and binds the Workflow to start instances of it.
const consumer = new WorkerScript("consumer", {
  scriptName: config.get("consumerName") ?? "orders-consumer",
  modules: { "consumer.js": { path: path.join(__dirname, "src", "consumer.js") } },
  mainModule: "consumer.js",
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "workflow", name: "FULFIL", workflowName, className: "FulfilWorkflow" }],
});

// Created after the Worker that exports the class (its scriptName output orders them).
const workflow = new Workflow("fulfil", { workflowName, scriptName: consumer.scriptName, className: "FulfilWorkflow" });

new WorkerQueueConsumer("jobs-consumer", {
  queueName,
  scriptName: consumer.scriptName,
  deadLetterQueue: config.get("deadLetterQueue"),
  batchSize: 10,
  maxWaitTimeMs: 2000,
  maxRetries: 3,
  retryDelay: 30,
});

const producer = new WorkerScript("producer", {
  scriptName: config.get("producerName") ?? "orders-api",
  modules: { "producer.js": { path: path.join(__dirname, "src", "producer.js") } },
  mainModule: "producer.js",
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "queue", name: "JOBS", queueName }],
});

const site = new WorkerSubdomain("producer-workers-dev", { scriptName: producer.scriptName, enabled: true });

export const url = site.url;
export const workflowId = workflow.workflowId;
