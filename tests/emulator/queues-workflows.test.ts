/**
 * Queues, queue consumers, Workflows and the account's workers.dev subdomain in the emulator: the real API's
 * envelope, codes and conflicts (evidence in emulator/README.md, "Queue consumers, Workflows and workers.dev").
 */
import { deploy, TestApi } from "./helpers";
import { ACCOUNT, useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const failure = (status: number, code: number, message: RegExp | string) => ({
  status,
  json: {
    success: false,
    errors: [{ code, message: typeof message === "string" ? message : expect.stringMatching(message) }],
    messages: [],
    result: null,
  },
});

/** A Worker with a `queue` handler: the API refuses a consumer Worker without one (11001). */
const QUEUE_WORKER = [{ name: "index.js", content: "export default {\n  async fetch() {},\n  async queue(batch, env) {}\n};\n" }];

async function queue(name: string): Promise<string> {
  const res = await api.call("POST", "/queues", { json: { queue_name: name } });
  expect(res.status).toBe(200);
  return res.json.result.queue_id as string;
}

describe("queues and their consumers", () => {
  it("creates a queue, lists it by name with its consumers, and refuses a name taken", async () => {
    const id = await queue("orders");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const listed = await api.call("GET", "/queues?name=orders");
    expect(listed.json.result).toEqual([
      expect.objectContaining({ queue_id: id, queue_name: "orders", consumers: [], consumers_total_count: 0 }),
    ]);
    expect((await api.call("GET", "/queues?name=other")).json.result).toEqual([]);
    expect(await api.call("POST", "/queues", { json: { queue_name: "orders" } })).toMatchObject(failure(409, 11009, /already taken/));
  });

  it("answers 10104 for a queue that does not exist and 10107 for a malformed queue id", async () => {
    expect(await api.call("GET", `/queues/${"e".repeat(32)}`)).toMatchObject(failure(404, 10104, "Queue does not exist"));
    expect(await api.call("GET", "/queues/orders/consumers")).toMatchObject(failure(400, 10107, /not a valid queue identifier/));
  });

  it("adds a Worker consumer with the default settings, answers it with `script`, updates it with PUT and deletes it", async () => {
    await deploy(api, "consumer", {}, QUEUE_WORKER);
    const id = await queue("orders");
    const created = await api.call("POST", `/queues/${id}/consumers`, {
      json: { type: "worker", script_name: "consumer", settings: { batch_size: 50 } },
    });
    expect(created.status).toBe(200);
    const consumer = created.json.result;
    expect(consumer).toEqual({
      consumer_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      type: "worker",
      script: "consumer",
      queue_name: "orders",
      dead_letter_queue: "",
      settings: { batch_size: 50, max_retries: 3, max_wait_time_ms: 5000, max_concurrency: null, retry_delay: 0 },
      created_on: expect.any(String),
    });
    const path = `/queues/${id}/consumers/${consumer.consumer_id}`;
    const updated = await api.call("PUT", path, {
      json: { type: "worker", script_name: "consumer", dead_letter_queue: "dlq", settings: { max_retries: 0 } },
    });
    expect(updated.json.result).toMatchObject({ dead_letter_queue: "dlq", settings: { batch_size: 10, max_retries: 0 } });
    expect((await api.call("GET", `/queues/${id}`)).json.result.consumers).toHaveLength(1);
    expect((await api.call("DELETE", path)).status).toBe(200);
    expect(await api.call("GET", path)).toMatchObject(failure(404, 11003, "Consumer not found"));
  });

  it("refuses a second consumer on a queue (409), settings out of the documented limits (10207) and a Worker that does not exist (10007)", async () => {
    await deploy(api, "a", {}, QUEUE_WORKER);
    await deploy(api, "b", {}, QUEUE_WORKER);
    const id = await queue("orders");
    await api.call("POST", `/queues/${id}/consumers`, { json: { type: "worker", script_name: "a" } });
    expect(await api.call("POST", `/queues/${id}/consumers`, { json: { type: "worker", script_name: "b" } })).toMatchObject(
      failure(409, 11004, /consumer_exists: queue '.+' already has a consumer \(Worker 'a'\)/),
    );
    const other = await queue("payments");
    for (const settings of [
      { batch_size: 0 },
      { batch_size: 101 },
      { max_retries: 101 },
      { max_wait_time_ms: 60_001 },
      { retry_delay: 43_201 },
    ]) {
      expect(await api.call("POST", `/queues/${other}/consumers`, { json: { type: "worker", script_name: "b", settings } })).toMatchObject(
        failure(400, 10207, /Request JSON body does not match expected schema: settings\./),
      );
    }
    expect(await api.call("POST", `/queues/${other}/consumers`, { json: { type: "worker", script_name: "ghost" } })).toMatchObject(
      failure(404, 10007, /Worker 'ghost' does not exist/),
    );
  });
  it("refuses a consumer Worker that exports no queue handler (400, 11001), on create and on update", async () => {
    await deploy(api, "web"); // fetch and scheduled only
    await deploy(api, "worker", {}, QUEUE_WORKER);
    const id = await queue("orders");
    expect(await api.call("POST", `/queues/${id}/consumers`, { json: { type: "worker", script_name: "web" } })).toMatchObject(
      failure(400, 11001, /^queue handler is missing/),
    );
    const created = await api.call("POST", `/queues/${id}/consumers`, { json: { type: "worker", script_name: "worker" } });
    expect(created.status).toBe(200);
    const path = `/queues/${id}/consumers/${created.json.result.consumer_id}`;
    expect(await api.call("PUT", path, { json: { type: "worker", script_name: "web" } })).toMatchObject(
      failure(400, 11001, /^queue handler is missing/),
    );
  });
});

describe("Workflows", () => {
  const SHOP = [{ name: "index.js", content: "export class Flow {}\nexport default { fetch() {} };\n" }];

  it("creates with PUT, reads, points at another class, lists and deletes; an unknown one is 10200", async () => {
    await deploy(api, "shop", {}, [
      { name: "index.js", content: "export class Flow {}\nexport class Other {}\nexport default { fetch() {} };\n" },
    ]);
    const put = await api.call("PUT", "/workflows/orders", { json: { script_name: "shop", class_name: "Flow" } });
    expect(put.json.result).toMatchObject({
      name: "orders",
      script_name: "shop",
      class_name: "Flow",
      script_deleted: false,
      id: expect.any(String),
    });
    await api.call("PUT", "/workflows/orders", { json: { script_name: "shop", class_name: "Other" } });
    expect((await api.call("GET", "/workflows/orders")).json.result).toMatchObject({ class_name: "Other", id: put.json.result.id });
    expect((await api.call("GET", "/workflows")).json.result.map((w: { name: string }) => w.name)).toEqual(["orders"]);
    expect((await api.call("DELETE", "/workflows/orders")).json.result).toEqual({ status: "ok", success: true });
    expect(await api.call("GET", "/workflows/orders")).toMatchObject(failure(404, 10200, "Workflow not found"));
    expect(await api.call("DELETE", "/workflows/orders")).toMatchObject(failure(404, 10200, "Workflow not found"));
  });

  it("refuses a class the Worker does not export, a Worker that does not exist, and a name with a space", async () => {
    await deploy(api, "shop", {}, SHOP);
    expect(await api.call("PUT", "/workflows/orders", { json: { script_name: "shop", class_name: "Missing" } })).toMatchObject(
      failure(400, 10201, "Worker 'shop' does not export a class named 'Missing' (it exports Flow)."),
    );
    expect(await api.call("PUT", "/workflows/orders", { json: { script_name: "ghost", class_name: "Flow" } })).toMatchObject(
      failure(404, 10007, /ghost/),
    );
    expect(await api.call("PUT", "/workflows/order%20flow", { json: { script_name: "shop", class_name: "Flow" } })).toMatchObject(
      failure(400, 10021, /Workflow names must be 1-64 characters/),
    );
  });

  it("keeps a Workflow whose Worker is deleted, answering script_deleted: true", async () => {
    await deploy(api, "shop", {}, SHOP);
    await api.call("PUT", "/workflows/orders", { json: { script_name: "shop", class_name: "Flow" } });
    await api.call("DELETE", "/workers/scripts/shop");
    expect((await api.call("GET", "/workflows/orders")).json.result).toMatchObject({ script_name: "shop", script_deleted: true });
  });
});

describe("an account without a workers.dev subdomain", () => {
  it("answers 10007 for its subdomain, and 10063 (403) to cron triggers and to enabling a Worker's subdomain; clearing needs none", async () => {
    await deploy(api, "api");
    expect((await api.call("GET", "/workers/subdomain")).json.result).toEqual({ subdomain: `emulator-${ACCOUNT.slice(0, 8)}` });
    expect((await api.call("DELETE", "/workers/subdomain")).status).toBe(200);
    expect(await api.call("GET", "/workers/subdomain")).toMatchObject(failure(404, 10007, /no workers.dev subdomain/));
    const needs = failure(
      403,
      10063,
      "You need a workers.dev subdomain in order to proceed. Please go to the dashboard and open the Workers menu.",
    );
    expect(await api.call("PUT", "/workers/scripts/api/schedules", { json: [{ cron: "* * * * *" }] })).toMatchObject(needs);
    expect(await api.call("POST", "/workers/scripts/api/subdomain", { json: { enabled: true } })).toMatchObject(needs);
    expect((await api.call("PUT", "/workers/scripts/api/schedules", { json: [] })).status).toBe(200);
    expect((await api.call("POST", "/workers/scripts/api/subdomain", { json: { enabled: false, previews_enabled: false } })).status).toBe(
      200,
    );
    await api.call("PUT", "/workers/subdomain", { json: { subdomain: "acme" } });
    expect((await api.call("PUT", "/workers/scripts/api/schedules", { json: [{ cron: "* * * * *" }] })).status).toBe(200);
  });

  it("answers has_preview on a version, except for a Worker implementing a Durable Object", async () => {
    const plain = await deploy(api, "api");
    expect(plain.status).toBe(200);
    const versions = await api.call("GET", "/workers/scripts/api/versions");
    expect(versions.json.result.items[0].metadata.has_preview).toBe(true);
    await deploy(
      api,
      "counter",
      { bindings: [{ type: "durable_object_namespace", name: "C", class_name: "Counter" }], migrations: { new_classes: ["Counter"] } },
      [{ name: "index.js", content: "export class Counter {}\nexport default { fetch() {} };\n" }],
    );
    expect((await api.call("GET", "/workers/scripts/counter/versions")).json.result.items[0].metadata.has_preview).toBe(false);
  });
});
