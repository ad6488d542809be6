import { versionDetailSchema, versionListSchema } from "../../provider/cloudflare/schemas";
import { deploy, settingsForm, TestApi, uploadForm, WORKER_JS } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

describe("versions", () => {
  it("lists versions newest first with paging and result_info", async () => {
    await deploy(api, "v");
    await api.call("PATCH", "/workers/scripts/v/settings", { form: settingsForm({ logpush: true }) });
    await api.call("PUT", "/workers/scripts/v/secrets", { json: { name: "S", text: "x", type: "secret_text" } });
    const all = await api.call("GET", "/workers/scripts/v/versions");
    expect(versionListSchema.safeParse(all.json.result).success).toBe(true);
    expect(all.json.result.items.map((i: { number: number }) => i.number)).toEqual([3, 2, 1]);
    expect(all.json.result.items.map((i: { annotations: Record<string, string> }) => i.annotations["workers/triggered_by"])).toEqual([
      "secret",
      "update_settings",
      "upload",
    ]);
    // As recorded: no total_pages.
    expect(all.json.result_info).toEqual({ page: 1, per_page: 10, count: 3, total_count: 3 });
    const page2 = await api.call("GET", "/workers/scripts/v/versions?page=2&per_page=2");
    expect(page2.json.result.items.map((i: { number: number }) => i.number)).toEqual([1]);
    expect(page2.json.result_info).toEqual({ page: 2, per_page: 2, count: 1, total_count: 3 });
    const bad = await api.call("GET", "/workers/scripts/v/versions?per_page=101");
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10021]);
  });

  it("reads one version in the shape of seed 001, secrets without values", async () => {
    const up = await deploy(api, "v", {
      bindings: [{ type: "plain_text", name: "A", text: "1" }],
      compatibility_flags: ["nodejs_compat"],
      limits: { cpu_ms: 50 },
      migrations: { new_tag: "v1", new_classes: ["Counter"] },
    });
    await api.call("PUT", "/workers/scripts/v/secrets", { json: { name: "S", text: "hidden-value", type: "secret_text" } });
    const list = await api.call("GET", "/workers/scripts/v/versions");
    const id = list.json.result.items[0].id;
    const res = await api.call("GET", `/workers/scripts/v/versions/${id}`);
    expect(res.status).toBe(200);
    expect(versionDetailSchema.safeParse(res.json.result).success).toBe(true);
    expect(res.json.result).toMatchObject({
      id,
      number: 2,
      metadata: { source: "api" },
      resources: {
        bindings: [
          { type: "plain_text", name: "A", text: "1" },
          { name: "S", type: "secret_text" },
        ],
        script: { etag: up.json.result.etag, handlers: ["fetch", "scheduled"] },
        script_runtime: {
          compatibility_date: "2025-01-01",
          compatibility_flags: ["nodejs_compat"],
          limits: { cpu_ms: 50 },
          migration_tag: "v1",
          usage_model: "standard",
        },
      },
    });
    expect(res.raw.toString()).not.toContain("hidden-value");
    const missing = await api.call("GET", "/workers/scripts/v/versions/00000000-0000-0000-0000-000000000000");
    expect([missing.status, missing.json.errors[0].code]).toEqual([404, 100146]);
  });

  it("refuses a migration whose old_tag does not match the Worker's tag", async () => {
    await deploy(api, "m", { migrations: { new_tag: "v1" } });
    const res = await api.call("PUT", "/workers/scripts/m", { form: uploadForm({ migrations: { old_tag: "v7", new_tag: "v8" } }) });
    expect([res.status, res.json.errors[0].code]).toEqual([412, 10079]);
    const ok = await api.call("PUT", "/workers/scripts/m", { form: uploadForm({ migrations: { old_tag: "v1", new_tag: "v2" } }) });
    expect(ok.json.result.migration_tag).toBe("v2");
  });
});

describe("POST versions and deployments", () => {
  it("uploads a version without deploying it, then deploys it", async () => {
    await deploy(api, "d");
    const form = uploadForm({ compatibility_date: "2025-01-01", annotations: { "workers/message": "second" } }, [
      { name: "index.js", content: WORKER_JS + "//v2\n" },
    ]);
    const up = await api.call("POST", "/workers/scripts/d/versions", { form });
    expect(up.status).toBe(200);
    expect(up.json.result).toMatchObject({
      number: 2,
      annotations: { "workers/message": "second", "workers/triggered_by": "version_upload" },
    });
    const before = await api.call("GET", "/workers/scripts/d/content/v2");
    expect(before.raw.toString()).not.toContain("//v2");

    const secretWhileUndeployed = await api.call("PUT", "/workers/scripts/d/secrets", {
      json: { name: "S", text: "x", type: "secret_text" },
    });
    expect([secretWhileUndeployed.status, secretWhileUndeployed.json.errors[0].code]).toEqual([400, 10215]);

    const dep = await api.call("POST", "/workers/scripts/d/deployments", {
      json: { strategy: "percentage", versions: [{ version_id: up.json.result.id, percentage: 100 }] },
    });
    expect(dep.status).toBe(200);
    expect(dep.json.result).toEqual({ id: expect.any(String) });
    const after = await api.call("GET", "/workers/scripts/d/content/v2");
    expect(after.raw.toString()).toContain("//v2");
    const list = await api.call("GET", "/workers/scripts/d/deployments");
    expect(list.json.result.deployments).toHaveLength(2);
    expect(list.json.result.deployments[0]).toMatchObject({
      id: dep.json.result.id,
      strategy: "percentage",
      versions: [{ version_id: up.json.result.id, percentage: 100 }],
    });
    // The upload's own deployment, as recorded.
    expect(list.json.result.deployments[1].annotations).toEqual({
      "workers/message": "Automatic deployment on upload.",
      "workers/triggered_by": "upload",
    });
  });

  it("refuses secret and settings edits during a split, even when the latest version holds the larger share", async () => {
    await deploy(api, "split");
    const first = (await api.call("GET", "/workers/scripts/split/versions")).json.result.items[0].id;
    const up = await api.call("POST", "/workers/scripts/split/versions", { form: uploadForm({ compatibility_date: "2025-01-01" }) });
    const latest = up.json.result.id;
    const split = await api.call("POST", "/workers/scripts/split/deployments", {
      json: {
        strategy: "percentage",
        versions: [
          { version_id: latest, percentage: 90 },
          { version_id: first, percentage: 10 },
        ],
      },
    });
    expect(split.status).toBe(200);
    const secret = await api.call("PUT", "/workers/scripts/split/secrets", { json: { name: "S", text: "x", type: "secret_text" } });
    expect([secret.status, secret.json.errors[0].code]).toEqual([400, 10215]);
    const settings = await api.call("PATCH", "/workers/scripts/split/settings", {
      form: settingsForm({ compatibility_date: "2025-02-01" }),
    });
    expect([settings.status, settings.json.errors[0].code]).toEqual([400, 10214]);
    await api.call("POST", "/workers/scripts/split/deployments", {
      json: { strategy: "percentage", versions: [{ version_id: latest, percentage: 100 }] },
    });
    const after = await api.call("PUT", "/workers/scripts/split/secrets", { json: { name: "S", text: "x", type: "secret_text" } });
    expect(after.status).toBe(200);
  });

  it("refuses deployments whose percentages do not add up to 100 or that name an unknown version", async () => {
    const up = await deploy(api, "d");
    const versions = await api.call("GET", "/workers/scripts/d/versions");
    const id = versions.json.result.items[0].id;
    const half = await api.call("POST", "/workers/scripts/d/deployments", {
      json: { strategy: "percentage", versions: [{ version_id: id, percentage: 50 }] },
    });
    expect([half.status, half.json.errors[0].code]).toEqual([400, 10021]);
    const unknown = await api.call("POST", "/workers/scripts/d/deployments", {
      json: { strategy: "percentage", versions: [{ version_id: "nope", percentage: 100 }] },
    });
    expect(unknown.status).toBe(404);
    expect(up.status).toBe(200);
  });

  it("creates the Worker on a first POST versions and serves that version", async () => {
    const up = await api.call("POST", "/workers/scripts/fresh/versions", { form: uploadForm({ compatibility_date: "2025-01-01" }) });
    expect(up.status).toBe(200);
    const settings = await api.call("GET", "/workers/scripts/fresh/settings");
    expect(settings.status).toBe(200);
  });
});

describe("scripts-search", () => {
  it("filters by partial name and id, orders, pages and reports result_info", async () => {
    for (const name of ["alpha-api", "beta-api", "gamma-web"]) await deploy(api, name);
    const byName = await api.call("GET", "/workers/scripts-search?name=api&order_by=name");
    expect(byName.json.result.map((r: { script_name: string }) => r.script_name)).toEqual(["alpha-api", "beta-api"]);
    expect(byName.json.result_info).toEqual({ page: 1, per_page: 50, count: 2, total_count: 2, total_pages: 1 });
    const row = byName.json.result[0];
    expect(row).toMatchObject({ script_name: "alpha-api", service_name: "alpha-api", environment_is_default: true });
    const byId = await api.call("GET", `/workers/scripts-search?id=${row.id}`);
    expect(byId.json.result.map((r: { script_name: string }) => r.script_name)).toEqual(["alpha-api"]);
    const paged = await api.call("GET", "/workers/scripts-search?order_by=name&per_page=2&page=2");
    expect(paged.json.result.map((r: { script_name: string }) => r.script_name)).toEqual(["gamma-web"]);
    expect(paged.json.result_info).toMatchObject({ page: 2, per_page: 2, count: 1, total_count: 3, total_pages: 2 });
    expect((await api.call("GET", "/workers/scripts-search?order_by=size")).json.errors[0].code).toBe(10021);
    expect((await api.call("GET", "/workers/scripts-search?per_page=500")).status).toBe(400);
  });
});

describe("workers.dev subdomain", () => {
  it("is off by default, enabled by POST, and disabled by DELETE", async () => {
    await deploy(api, "sd");
    expect((await api.call("GET", "/workers/scripts/sd/subdomain")).json.result).toEqual({ enabled: false, previews_enabled: false });
    const on = await api.call("POST", "/workers/scripts/sd/subdomain", { json: { enabled: true } });
    expect(on.json.result).toEqual({ enabled: true, previews_enabled: true });
    const partial = await api.call("POST", "/workers/scripts/sd/subdomain", { json: { enabled: true, previews_enabled: false } });
    expect(partial.json.result).toEqual({ enabled: true, previews_enabled: false });
    expect((await api.call("GET", "/workers/scripts/sd/subdomain")).json.result).toEqual({ enabled: true, previews_enabled: false });
    const off = await api.call("DELETE", "/workers/scripts/sd/subdomain");
    expect(off.json.result).toEqual({ enabled: false, previews_enabled: false });
  });

  it("answers 10007 for a missing Worker and 10021 for a bad body", async () => {
    const missing = await api.call("POST", "/workers/scripts/none/subdomain", { json: { enabled: true } });
    expect([missing.status, missing.json.errors[0].code]).toEqual([404, 10007]);
    await deploy(api, "sd");
    const bad = await api.call("POST", "/workers/scripts/sd/subdomain", { json: { enabled: "yes" } });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10021]);
  });

  it("reads and sets the account's workers.dev subdomain", async () => {
    const got = await api.call("GET", "/workers/subdomain");
    expect(got.json.result.subdomain).toMatch(/^emulator-/);
    const put = await api.call("PUT", "/workers/subdomain", { json: { subdomain: "my-team" } });
    expect(put.json.result).toEqual({ subdomain: "my-team" });
    expect((await api.call("GET", "/workers/subdomain")).json.result).toEqual({ subdomain: "my-team" });
  });
});
