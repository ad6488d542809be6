/**
 * examples/queue-workflow through Pulumi's own dynamic-provider host: a producer Worker, a consumer Worker
 * draining a queue into a Workflow, and the producer's URL; up, a no-op up, a consumer setting changed in the
 * dashboard seen by refresh and put back, destroy.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import {
  CloudflareClient,
  getWorkflow,
  listQueueConsumers,
  queueSchema,
  updateQueueConsumer,
  type QueueWire,
} from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const PROGRAM = path.join(__dirname, "../../examples/queue-workflow/index.ts");

const emulator = useEmulator({ keepState: true });
let engine: Engine;
let client: CloudflareClient;
let jobs: QueueWire;

function ops(report: StepReport): Record<string, string> {
  expect(report.programErrors).toEqual([]);
  for (const o of report.outcomes) expect(o.error ?? "").toBe("");
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.op]));
}

function writes(): string[] {
  const out = emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out;
}

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
  // The queue, as a cloudflare.Queue (or `wrangler queues create jobs`) would have made it.
  jobs = await client.request({ method: "POST", path: `/accounts/${ACCOUNT}/queues`, json: { queue_name: "jobs" }, schema: queueSchema });
  engine = await Engine.start({
    env: emulatorEnv(emulator),
  });
  emulator.clearRequests();
}, 60_000);

afterAll(async () => {
  await engine?.close();
});

describe("examples/queue-workflow through the engine", () => {
  it("up deploys both Workers, the Workflow after its Worker, the queue consumer, and outputs the producer's URL", async () => {
    const report = await engine.up(PROGRAM);
    expect(ops(report)).toEqual({
      consumer: "create",
      fulfil: "create",
      "jobs-consumer": "create",
      producer: "create",
      "producer-workers-dev": "create",
    });
    const order = report.outcomes.map((o) => o.name);
    expect(order.indexOf("fulfil")).toBeGreaterThan(order.indexOf("consumer"));
    expect(writes().sort()).toEqual([
      `POST /queues/${jobs.queue_id}/consumers`,
      "POST /workers/scripts/orders-api/subdomain",
      "PUT /workers/scripts/orders-api",
      "PUT /workers/scripts/orders-consumer",
      "PUT /workflows/fulfil-order",
    ]);
    expect(await getWorkflow(client, ACCOUNT, "fulfil-order")).toMatchObject({
      script_name: "orders-consumer",
      class_name: "FulfilWorkflow",
    });
    expect(await listQueueConsumers(client, ACCOUNT, jobs.queue_id)).toEqual([
      expect.objectContaining({
        script: "orders-consumer",
        settings: expect.objectContaining({ batch_size: 10, max_wait_time_ms: 2000, retry_delay: 30 }),
      }),
    ]);
    const site = [...engine.state.values()].find((r) => r.name === "producer-workers-dev")!;
    expect(site.outputs.url).toBe(`https://orders-api.emulator-${ACCOUNT.slice(0, 8)}.workers.dev`);
  }, 120_000);

  it("a second up writes nothing; refresh sees a batch size changed in the dashboard and the next up puts it back with one PUT", async () => {
    expect(Object.values(ops(await engine.up(PROGRAM))).every((op) => op === "same")).toBe(true);
    expect(writes()).toEqual([]);
    const [live] = await listQueueConsumers(client, ACCOUNT, jobs.queue_id);
    await updateQueueConsumer(client, ACCOUNT, jobs.queue_id, live!.consumer_id, {
      type: "worker",
      script_name: "orders-consumer",
      settings: { batch_size: 100, max_wait_time_ms: 2000, max_retries: 3, retry_delay: 30 },
    });
    emulator.clearRequests();
    const refresh = await engine.refresh();
    expect(refresh.outcomes.find((o) => o.name === "jobs-consumer")!.changedKeys).toEqual(["batchSize"]);
    expect(ops(await engine.up(PROGRAM))).toMatchObject({ "jobs-consumer": "update", consumer: "same", fulfil: "same" });
    expect(writes()).toEqual([`PUT /queues/${jobs.queue_id}/consumers/${live!.consumer_id}`]);
  }, 120_000);

  it("destroy removes the consumer and the Workflow before their Worker", async () => {
    const report = await engine.destroy();
    expect(report.outcomes.every((o) => o.op === "delete")).toBe(true);
    const order = report.outcomes.map((o) => o.name);
    expect(order.indexOf("consumer")).toBeGreaterThan(order.indexOf("fulfil"));
    expect(order.indexOf("consumer")).toBeGreaterThan(order.indexOf("jobs-consumer"));
    expect(await listQueueConsumers(client, ACCOUNT, jobs.queue_id)).toEqual([]);
    await expect(getWorkflow(client, ACCOUNT, "fulfil-order")).rejects.toMatchObject({ status: 404 });
  }, 120_000);
});
