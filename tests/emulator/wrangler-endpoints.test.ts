import { deploy, TestApi } from "./helpers";
import { ACCOUNT, useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

describe("the endpoints wrangler calls besides the script ones", () => {
  it("answers the service view of a Worker, and 10090 for a missing one (wrangler's 'new Worker' signal)", async () => {
    const missing = await api.call("GET", "/workers/services/svc");
    expect([missing.status, missing.json.errors[0].code]).toEqual([404, 10090]);
    const up = await deploy(api, "svc", { tags: ["t"] });
    const res = await api.call("GET", "/workers/services/svc");
    expect(res.json.result).toMatchObject({
      id: "svc",
      default_environment: {
        environment: "production",
        script: { id: "svc", tag: up.json.result.tag, tags: ["t"], last_deployed_from: "api" },
      },
    });
  });

  it("answers the Worker view with its workers.dev subdomain", async () => {
    await deploy(api, "wk");
    await api.call("POST", "/workers/scripts/wk/subdomain", { json: { enabled: true, previews_enabled: false } });
    const res = await api.call("GET", "/workers/workers/wk");
    expect(res.json.result).toMatchObject({ name: "wk", subdomain: { enabled: true, previews_enabled: false } });
    expect((await api.call("GET", "/workers/workers/none")).json.errors[0].code).toBe(10007);
  });

  it("reports incoming service bindings and tail producers, which wrangler delete checks", async () => {
    await deploy(api, "target");
    await deploy(api, "caller", { bindings: [{ type: "service", name: "T", service: "target" }], tail_consumers: [{ service: "target" }] });
    const refs = await api.call("GET", "/workers/scripts/target/references");
    expect(refs.json.result.services.incoming).toEqual([{ service: "caller", environment: "production" }]);
    const tails = await api.call("GET", "/workers/tails/by-consumer/target");
    expect(tails.json.result).toEqual([{ producer: { service: "caller", environment: "production" } }]);
  });

  it("deletes through the service path, with force when the Worker is bound", async () => {
    await deploy(api, "target");
    await deploy(api, "caller", { bindings: [{ type: "service", name: "T", service: "target" }] });
    const refused = await api.call("DELETE", "/workers/services/target?force=false");
    expect([refused.status, refused.json.errors[0].code]).toEqual([400, 10064]);
    expect((await api.call("DELETE", "/workers/services/target?force=true")).status).toBe(200);
    expect((await api.call("GET", "/workers/services/target")).json.errors[0].code).toBe(10090);
  });

  it("stores cron schedules", async () => {
    await deploy(api, "cron");
    expect((await api.call("GET", "/workers/scripts/cron/schedules")).json.result).toEqual({ schedules: [] });
    const put = await api.call("PUT", "/workers/scripts/cron/schedules", { json: [{ cron: "*/5 * * * *" }] });
    expect(put.json.result.schedules).toEqual([expect.objectContaining({ cron: "*/5 * * * *" })]);
    expect((await api.call("GET", "/workers/scripts/cron/schedules")).json.result.schedules).toHaveLength(1);
    expect((await api.call("PUT", "/workers/scripts/cron/schedules", { json: { cron: "x" } })).status).toBe(400);
  });

  it("answers the account and user lookups and the empty KV and Durable Object namespace lists", async () => {
    await deploy(api, "any");
    expect((await api.call("GET", "//memberships")).json.result).toEqual([
      expect.objectContaining({ account: expect.objectContaining({ id: ACCOUNT }) }),
    ]);
    expect((await api.call("GET", "//accounts")).json.result).toEqual([expect.objectContaining({ id: ACCOUNT })]);
    expect((await api.call("GET", "//user")).json.result.email).toBe("emulator@example.com");
    expect((await api.call("GET", "//user/tokens/verify")).json.result.status).toBe("active");
    const kv = await api.call("GET", "/storage/kv/namespaces?per_page=100");
    expect(kv.json).toMatchObject({ success: true, result: [], result_info: { per_page: 100, total_count: 0 } });
    expect((await api.call("GET", "/workers/durable_objects/namespaces")).json.result).toEqual([]);
  });

  it("records wrangler's User-Agent as the source of a version", async () => {
    const { FormData } = require("undici") as typeof import("undici");
    const form = new FormData();
    form.set("metadata", JSON.stringify({ main_module: "index.js" }));
    form.set("index.js", new Blob(["export default {}"], { type: "application/javascript+module" }), "index.js");
    const res = await api.call("PUT", "/workers/scripts/from-wrangler", { form, headers: { "user-agent": "wrangler/4.50.0" } });
    expect(res.json.result.last_deployed_from).toBe("wrangler");
    const versions = await api.call("GET", "/workers/scripts/from-wrangler/versions");
    expect(versions.json.result.items[0].metadata.source).toBe("wrangler");
  });
});
