/**
 * WorkerQueueConsumer and Workflow against the emulator: check, and each lifecycle with the exact API calls
 * (create → read → no-op diff → update → a change made outside Pulumi → delete), and the errors a person gets.
 */
import {
  getWorkflow,
  listQueueConsumers,
  putWorkflow,
  queueSchema,
  updateQueueConsumer,
  uploadScript,
  type QueueWire,
} from "../../provider/cloudflare";
import { diffTable, type Fields } from "../../provider/resources/fields";
import {
  WORKER_QUEUE_CONSUMER_FIELDS,
  workerQueueConsumerProvider,
  type WorkerQueueConsumerInputs,
} from "../../provider/resources/worker-queue-consumer";
import { WORKFLOW_FIELDS, workflowProvider, type WorkflowInputs } from "../../provider/resources/workflow";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();

async function deployWorker(name: string, code: string): Promise<void> {
  await uploadScript(client(), scope, name, {
    metadata: { main_module: "w.js" },
    modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from(code) }],
  });
}

/** A queue made as the dashboard or a cloudflare.Queue makes it: POST /queues. */
async function createQueue(name: string): Promise<QueueWire> {
  return client().request({ method: "POST", path: `/accounts/${ACCOUNT}/queues`, json: { queue_name: name }, schema: queueSchema });
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { property?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { property?: string };
  }
  throw new Error("expected the call to fail");
}

/** check, then the inputs a fresh check gives (what the engine passes on). */
async function checked<T>(provider: { check(olds: never, news: never): Promise<{ inputs?: unknown; failures?: unknown[] }> }, news: T) {
  const result = await provider.check({} as never, news as never);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as T;
}

/** The compared fields of a table: a test table keyed by them cannot forget one. */
type ComparedKeys<F extends Fields> = { [K in keyof F]: F[K]["diff"] extends "ignore" ? never : K }[keyof F];

/** One change per compared field, and what the diff must say of it. */
const CONSUMER_CHANGES = {
  accountId: [{ accountId: "f".repeat(32) }, "replace"],
  queueId: [{ queueId: "e".repeat(32) }, "replace"],
  queueName: [{ queueName: "payments" }, "replace"],
  scriptName: [{ scriptName: "other" }, "update"],
  deadLetterQueue: [{ deadLetterQueue: "orders-dlq" }, "update"],
  batchSize: [{ batchSize: 1 }, "update"],
  maxRetries: [{ maxRetries: 0 }, "update"],
  maxWaitTimeMs: [{ maxWaitTimeMs: 60_000 }, "update"],
  maxConcurrency: [{ maxConcurrency: 2 }, "update"],
  retryDelay: [{ retryDelay: 30 }, "update"],
  adopt: [{ adopt: true }, "update"],
} satisfies Record<ComparedKeys<typeof WORKER_QUEUE_CONSUMER_FIELDS>, [Partial<WorkerQueueConsumerInputs>, "replace" | "update"]>;

const WORKFLOW_CHANGES = {
  accountId: [{ accountId: "f".repeat(32) }, "replace"],
  workflowName: [{ workflowName: "orders-v2" }, "replace"],
  scriptName: [{ scriptName: "legacy" }, "update"],
  className: [{ className: "RefundWorkflow" }, "update"],
  adopt: [{ adopt: true }, "update"],
} satisfies Record<ComparedKeys<typeof WORKFLOW_FIELDS>, [Partial<WorkflowInputs>, "replace" | "update"]>;

describe("the diff tables", () => {
  const consumer = { accountId: ACCOUNT, queueId: "d".repeat(32), queueName: "orders", scriptName: "consumer", batchSize: 10 };
  it.each(Object.entries(CONSUMER_CHANGES))("WorkerQueueConsumer shows a change of %s as a %s", async (key, [change, kind]) => {
    expect(diffTable(WORKER_QUEUE_CONSUMER_FIELDS)[key]!.kind).toBe(kind);
    const diff = await workerQueueConsumerProvider.diff("", { ...consumer, consumerId: "c" } as never, { ...consumer, ...change } as never);
    expect(diff).toMatchObject({ changes: true, replaces: kind === "replace" ? [key] : [] });
  });
  const workflow = { accountId: ACCOUNT, workflowName: "orders", scriptName: "shop", className: "OrderWorkflow" };
  it.each(Object.entries(WORKFLOW_CHANGES))("Workflow shows a change of %s as a %s", async (key, [change, kind]) => {
    expect(diffTable(WORKFLOW_FIELDS)[key]!.kind).toBe(kind);
    const diff = await workflowProvider.diff("", workflow as never, { ...workflow, ...change } as never);
    expect(diff).toMatchObject({ changes: true, replaces: kind === "replace" ? [key] : [] });
  });
});

describe("WorkerQueueConsumer", () => {
  let orders: QueueWire;
  beforeEach(async () => {
    await deployWorker("consumer", "export default { async queue(batch) {} }");
    await deployWorker("other", "export default { async queue(batch) {} }");
    orders = await createQueue("orders");
    await createQueue("orders-dlq");
    takeCalls(emulator);
  });
  const base = {
    accountId: ACCOUNT,
    queueName: "orders",
    scriptName: "consumer",
    batchSize: 50,
    maxRetries: 5,
  } satisfies WorkerQueueConsumerInputs;
  const consumers = () => `/queues/${orders.queue_id}/consumers`;

  it("refuses at check a batch size of 0, a retry delay past 12 hours, a bad queue name and no queue at all, naming each property", async () => {
    const bad = await workerQueueConsumerProvider.check({}, { ...base, queueName: "Orders Queue", batchSize: 0, retryDelay: 50_000 });
    expect(bad.failures).toEqual([
      { property: "queueName", reason: expect.stringMatching(/^queueName "Orders Queue": a queue name is lower-case letters/) },
      { property: "batchSize", reason: "batchSize: must be a whole number of messages from 1 to 100 (Cloudflare's limit)" },
      { property: "retryDelay", reason: "retryDelay: must be a whole number of seconds from 0 to 43200 (Cloudflare's limit)" },
    ]);
    const none = await workerQueueConsumerProvider.check({}, { accountId: ACCOUNT, scriptName: "consumer" });
    expect(none.failures).toEqual([{ property: "queueName", reason: expect.stringContaining("give the queue by name or by id") }]);
    expect((await workerQueueConsumerProvider.check({}, { ...base, queueName: undefined, queueId: "orders" })).failures).toEqual([
      { property: "queueId", reason: expect.stringMatching(/^queueId "orders": a queue id is 32 lower-case hexadecimal/) },
    ]);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("creates, reads, diffs without a call, updates in place, sees a change made outside Pulumi, and deletes", async () => {
    const inputs = await checked(workerQueueConsumerProvider, base);
    const { id, outs } = await workerQueueConsumerProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual(["GET /queues?name=orders", `GET ${consumers()}`, `POST ${consumers()}`]);
    const consumerId = outs!.consumerId;
    expect(id).toBe(`${ACCOUNT}/${orders.queue_id}/${consumerId}`);
    expect(outs).toEqual({ ...base, queueId: orders.queue_id, consumerId });
    const [live] = await listQueueConsumers(client(), ACCOUNT, orders.queue_id);
    expect(live).toMatchObject({ script: "consumer", settings: { batch_size: 50, max_retries: 5, max_wait_time_ms: 5000 } });
    takeCalls(emulator);

    newRun();
    const read = await workerQueueConsumerProvider.read(id, outs);
    expect(takeCalls(emulator)).toEqual([`GET ${consumers()}/${consumerId}`]);
    expect(read.props).toEqual(outs);
    expect(await workerQueueConsumerProvider.diff(id, read.props!, inputs)).toMatchObject({ changes: false, replaces: [] });
    expect(takeCalls(emulator)).toEqual([]);

    const changed = { ...inputs, batchSize: 100, deadLetterQueue: "orders-dlq", scriptName: "other" };
    expect(await workerQueueConsumerProvider.diff(id, outs!, changed)).toMatchObject({ changes: true, replaces: [] });
    expect(await workerQueueConsumerProvider.diff(id, outs!, { ...changed, queueName: "orders-dlq" })).toMatchObject({
      replaces: ["queueName"],
    });
    const updated = await workerQueueConsumerProvider.update(id, outs!, changed);
    expect(takeCalls(emulator)).toEqual([`PUT ${consumers()}/${consumerId}`]);
    expect(updated.outs).toEqual({ ...changed, queueId: orders.queue_id, consumerId });
    expect((await listQueueConsumers(client(), ACCOUNT, orders.queue_id))[0]).toMatchObject({
      script: "other",
      dead_letter_queue: "orders-dlq",
      settings: { batch_size: 100, max_retries: 5 },
    });
    takeCalls(emulator);

    // The dashboard: fewer retries, no dead-letter queue.
    await updateQueueConsumer(client(), ACCOUNT, orders.queue_id, consumerId, {
      type: "worker",
      script_name: "other",
      settings: { batch_size: 100, max_retries: 1 },
    });
    takeCalls(emulator);
    newRun();
    const drifted = await workerQueueConsumerProvider.read(id, updated.outs!);
    expect(takeCalls(emulator)).toEqual([`GET ${consumers()}/${consumerId}`]);
    expect(drifted.props).toMatchObject({ maxRetries: 1, batchSize: 100 });
    expect(drifted.props!.deadLetterQueue).toBeUndefined();
    expect(await workerQueueConsumerProvider.diff(id, drifted.props!, changed)).toMatchObject({ changes: true, replaces: [] });

    await workerQueueConsumerProvider.delete(id, updated.outs!);
    expect(takeCalls(emulator)).toEqual([`DELETE ${consumers()}/${consumerId}`]);
    expect(await listQueueConsumers(client(), ACCOUNT, orders.queue_id)).toEqual([]);
    expect(await workerQueueConsumerProvider.read(id, updated.outs!)).toEqual({});
    await expect(workerQueueConsumerProvider.delete(id, updated.outs!)).resolves.toBeUndefined();
  });

  it("takes the queue by id without a lookup, and leaves settings it does not set to Cloudflare", async () => {
    const inputs = { accountId: ACCOUNT, queueId: orders.queue_id, scriptName: "consumer" };
    const { outs } = await workerQueueConsumerProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual([`GET /queues/${orders.queue_id}`, `GET ${consumers()}`, `POST ${consumers()}`]);
    expect(outs).toEqual({ ...inputs, queueName: "orders", consumerId: expect.any(String) });
    // Settings left unset are not compared, whatever Cloudflare holds.
    expect((await workerQueueConsumerProvider.diff("", { ...outs!, batchSize: 10 }, inputs)).changes).toBe(false);
  });

  it("names the property of a queue that does not exist, by name and by id", async () => {
    const byName = await rejection(workerQueueConsumerProvider.create({ ...base, queueName: "missing" }));
    expect(byName).toMatchObject({ property: "queueName" });
    expect(byName.message).toMatch(/queueName "missing": no such queue on account .*create it first \(a cloudflare\.Queue/);
    const byId = await rejection(
      workerQueueConsumerProvider.create({ accountId: ACCOUNT, queueId: "f".repeat(32), scriptName: "consumer" }),
    );
    expect(byId).toMatchObject({ property: "queueId" });
    expect(byId.message).toMatch(/queueId "f{32}": no such queue/);
  });

  it("refuses a second Worker consumer on a queue, naming the Worker holding it; adopt takes it over in place", async () => {
    const first = await workerQueueConsumerProvider.create({ ...base, scriptName: "other" });
    takeCalls(emulator);
    const error = await rejection(workerQueueConsumerProvider.create(base));
    expect(error).toMatchObject({ property: "scriptName" });
    expect(error.message).toMatch(
      /queueName "orders": the queue already has a consumer, Worker "other" in account \w+; a queue has one Worker consumer: set adopt: true to move it to "consumer"/,
    );
    expect(takeCalls(emulator)).toEqual(["GET /queues?name=orders", `GET ${consumers()}`]);

    const adopted = await workerQueueConsumerProvider.create({ ...base, adopt: true });
    expect(takeCalls(emulator)).toEqual(["GET /queues?name=orders", `GET ${consumers()}`, `PUT ${consumers()}/${first.outs!.consumerId}`]);
    expect(adopted.outs!.consumerId).toBe(first.outs!.consumerId);
    expect((await listQueueConsumers(client(), ACCOUNT, orders.queue_id)).map((c) => c.script)).toEqual(["consumer"]);
  });

  it("names scriptName when the consuming Worker does not exist", async () => {
    const error = await rejection(workerQueueConsumerProvider.create({ ...base, scriptName: "ghost" }));
    expect(error).toMatchObject({ property: "scriptName" });
    expect(error.message).toMatch(/scriptName: Worker "ghost" in account \w+ does not exist .*deploy it first/);
  });

  it("names scriptName and the missing handler when the consuming Worker exports no queue handler", async () => {
    await deployWorker("web", "export default { async fetch() { return new Response('ok'); } }");
    takeCalls(emulator);
    const error = await rejection(workerQueueConsumerProvider.create({ ...base, scriptName: "web" }));
    expect(error).toMatchObject({ property: "scriptName" });
    expect(error.message).toMatch(
      /Worker "web" in account \w+ has no queue handler \(.*11001.*\); export `async queue\(batch, env, ctx\)`/,
    );
    expect(takeCalls(emulator)).toEqual(["GET /queues?name=orders", `GET ${consumers()}`, `POST ${consumers()}`]);
  });
});

describe("Workflow", () => {
  const SHOP = `import { WorkflowEntrypoint } from "cloudflare:workers";
export class OrderWorkflow extends WorkflowEntrypoint { async run(event, step) {} }
export class RefundWorkflow extends WorkflowEntrypoint { async run(event, step) {} }
export default { async fetch() { return new Response("ok"); } }`;
  beforeEach(async () => {
    await deployWorker("shop", SHOP);
    await deployWorker("legacy", "export class OrderWorkflow {} export default { fetch() {} }");
    takeCalls(emulator);
  });
  const base = { accountId: ACCOUNT, workflowName: "orders", scriptName: "shop", className: "OrderWorkflow" } satisfies WorkflowInputs;

  it("refuses at check a name with a space and a class name that is not one, naming each property", async () => {
    const bad = await workflowProvider.check({}, { ...base, workflowName: "order flow", className: "order-workflow" });
    expect(bad.failures).toEqual([
      {
        property: "workflowName",
        reason: expect.stringMatching(/^workflowName "order flow": a Workflow name is 1-64 letters.*\(no spaces\)/),
      },
      { property: "className", reason: expect.stringMatching(/^className "order-workflow": a JavaScript class name/) },
    ]);
    expect((await workflowProvider.check({}, { accountId: ACCOUNT, workflowName: "orders", scriptName: "shop" })).failures).toEqual([
      { property: "className", reason: "className: required" },
    ]);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("creates, reads, diffs without a call, updates in place, sees a change made outside Pulumi, and deletes", async () => {
    const inputs = await checked(workflowProvider, base);
    const { id, outs } = await workflowProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual(["GET /workflows/orders", "PUT /workflows/orders"]);
    expect(id).toBe(`${ACCOUNT}/orders`);
    expect(outs).toEqual({ ...base, workflowId: expect.any(String) });
    expect(await getWorkflow(client(), ACCOUNT, "orders")).toMatchObject({ script_name: "shop", class_name: "OrderWorkflow" });
    takeCalls(emulator);

    newRun();
    const read = await workflowProvider.read(id, outs);
    expect(takeCalls(emulator)).toEqual(["GET /workflows/orders"]);
    expect(read.props).toEqual(outs);
    expect(await workflowProvider.diff(id, read.props!, inputs)).toMatchObject({ changes: false, replaces: [] });
    expect(await workflowProvider.diff(id, read.props!, { ...inputs, workflowName: "orders-v2" })).toMatchObject({
      replaces: ["workflowName"],
    });
    expect(takeCalls(emulator)).toEqual([]);

    const changed = { ...inputs, className: "RefundWorkflow" };
    expect(await workflowProvider.diff(id, outs!, changed)).toMatchObject({ changes: true, replaces: [] });
    const updated = await workflowProvider.update(id, outs!, changed);
    expect(takeCalls(emulator)).toEqual(["PUT /workflows/orders"]);
    expect(updated.outs).toEqual({ ...changed, workflowId: outs!.workflowId });

    await putWorkflow(client(), ACCOUNT, "orders", { script_name: "shop", class_name: "OrderWorkflow" }); // wrangler deploy elsewhere
    takeCalls(emulator);
    newRun();
    const drifted = await workflowProvider.read(id, updated.outs!);
    expect(drifted.props!.className).toBe("OrderWorkflow");
    expect(await workflowProvider.diff(id, drifted.props!, changed)).toMatchObject({ changes: true, replaces: [] });
    expect(takeCalls(emulator)).toEqual(["GET /workflows/orders"]);

    await workflowProvider.delete(id, updated.outs!);
    expect(takeCalls(emulator)).toEqual(["DELETE /workflows/orders"]);
    expect(await workflowProvider.read(id, updated.outs!)).toEqual({});
    await expect(workflowProvider.delete(id, updated.outs!)).resolves.toBeUndefined();
  });

  it("names className when the Worker does not export that class, and scriptName when the Worker does not exist", async () => {
    const error = await rejection(workflowProvider.create({ ...base, className: "ShippingWorkflow" }));
    expect(error).toMatchObject({ property: "className" });
    expect(error.message).toMatch(
      /className "ShippingWorkflow": Cloudflare refused it \(Worker 'shop' does not export a class named 'ShippingWorkflow' \(it exports OrderWorkflow, RefundWorkflow\)\..*; export the class from Worker "shop" in account \w+ \(export class ShippingWorkflow extends WorkflowEntrypoint/,
    );
    const missing = await rejection(workflowProvider.create({ ...base, scriptName: "ghost" }));
    expect(missing).toMatchObject({ property: "scriptName" });
    expect(missing.message).toMatch(/scriptName: Worker "ghost" in account \w+ does not exist/);
  });

  it("refuses a Workflow another Worker defines; adopt moves it", async () => {
    await putWorkflow(client(), ACCOUNT, "orders", { script_name: "legacy", class_name: "OrderWorkflow" });
    takeCalls(emulator);
    const error = await rejection(workflowProvider.create(base));
    expect(error).toMatchObject({ property: "workflowName" });
    expect(error.message).toMatch(/Workflow "orders" already exists .*defined by Worker "legacy".*set adopt: true to move it to "shop"/);
    expect(takeCalls(emulator)).toEqual(["GET /workflows/orders"]);
    await workflowProvider.create({ ...base, adopt: true });
    expect(takeCalls(emulator)).toEqual(["GET /workflows/orders", "PUT /workflows/orders"]);
    expect((await getWorkflow(client(), ACCOUNT, "orders")).script_name).toBe("shop");
  });

  it("writes nothing when the Workflow is already as wanted (its own earlier write)", async () => {
    await putWorkflow(client(), ACCOUNT, "orders", { script_name: "shop", class_name: "OrderWorkflow" });
    takeCalls(emulator);
    await workflowProvider.create(base);
    expect(takeCalls(emulator)).toEqual(["GET /workflows/orders"]);
  });
});
