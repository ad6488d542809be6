import { deploy, settingsForm, TestApi } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const KV = { type: "kv_namespace", name: "KV", namespace_id: "0123456789abcdef0123456789abcdef" };

describe("GET and PATCH settings", () => {
  it("reads the versioned settings with the defaults the API fills in", async () => {
    await deploy(api, "s", { bindings: [KV] });
    const res = await api.call("GET", "/workers/scripts/s/settings");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: {
        bindings: [KV],
        compatibility_date: "2025-01-01",
        compatibility_flags: [],
        logpush: false,
        tags: [],
        tail_consumers: [],
        usage_model: "standard",
      },
    });
  });

  it("changes only the fields a PATCH carries and makes a new version", async () => {
    await deploy(api, "s", { bindings: [KV], compatibility_flags: ["nodejs_compat"], tags: ["t1"] });
    const res = await api.call("PATCH", "/workers/scripts/s/settings", {
      form: settingsForm({ logpush: true, observability: { enabled: true } }),
    });
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({
      bindings: [KV],
      compatibility_flags: ["nodejs_compat"],
      tags: ["t1"],
      logpush: true,
      observability: { enabled: true },
    });
    const versions = await api.call("GET", "/workers/scripts/s/versions");
    expect(versions.json.result.items.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const got = await api.call("GET", "/workers/scripts/s/settings");
    expect(got.json.result).toEqual(res.json.result);
  });

  it("replaces the whole binding list, secrets included, except inherit bindings", async () => {
    await deploy(api, "s", { bindings: [KV, { type: "plain_text", name: "P", text: "x" }] });
    await api.call("PUT", "/workers/scripts/s/secrets", { json: { name: "SECRET", text: "hidden", type: "secret_text" } });
    await api.call("PUT", "/workers/scripts/s/secrets", { json: { name: "OTHER", text: "hidden2", type: "secret_text" } });
    const res = await api.call("PATCH", "/workers/scripts/s/settings", {
      form: settingsForm({
        bindings: [
          { type: "plain_text", name: "NEW", text: "n" },
          { type: "inherit", name: "SECRET" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.json.result.bindings).toEqual([
      { type: "plain_text", name: "NEW", text: "n" },
      { name: "SECRET", type: "secret_text" },
    ]);
    expect((await api.call("GET", "/workers/scripts/s/secrets")).json.result).toEqual([{ name: "SECRET", type: "secret_text" }]);
    expect(JSON.stringify((await api.call("GET", "/workers/scripts/s/settings")).json)).not.toContain("hidden");
  });

  it("leaves bindings as they are when the PATCH has no bindings", async () => {
    await deploy(api, "s", { bindings: [KV] });
    await api.call("PUT", "/workers/scripts/s/secrets", { json: { name: "SECRET", text: "hidden", type: "secret_text" } });
    const res = await api.call("PATCH", "/workers/scripts/s/settings", { form: settingsForm({ compatibility_date: "2025-06-01" }) });
    expect(res.json.result.bindings).toEqual([KV, { name: "SECRET", type: "secret_text" }]);
    expect(res.json.result.compatibility_date).toBe("2025-06-01");
  });

  it("refuses an unresolvable inherit binding with bindings_inherit=strict (10057)", async () => {
    await deploy(api, "s");
    const res = await api.call("PATCH", "/workers/scripts/s/settings?bindings_inherit=strict", {
      form: settingsForm({ bindings: [{ type: "inherit", name: "MISSING" }] }),
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].code).toBe(10057);
  });

  it("keeps annotations only on the version that carried them", async () => {
    await deploy(api, "s");
    const a = await api.call("PATCH", "/workers/scripts/s/settings", { form: settingsForm({ annotations: { "workers/message": "m1" } }) });
    expect(a.json.result.annotations).toEqual({ "workers/message": "m1" });
    const b = await api.call("PATCH", "/workers/scripts/s/settings", { form: settingsForm({ logpush: true }) });
    expect(b.json.result.annotations).toBeUndefined();
  });

  it("refuses a PATCH without a settings part (10021), a JSON body (10026), and a missing Worker (10007)", async () => {
    await deploy(api, "s");
    const { FormData } = require("undici") as typeof import("undici");
    const form = new FormData();
    form.set("other", "{}");
    expect((await api.call("PATCH", "/workers/scripts/s/settings", { form })).json.errors[0].code).toBe(10021);
    expect((await api.call("PATCH", "/workers/scripts/s/settings", { json: { logpush: true } })).json.errors[0].code).toBe(10026);
    const missing = await api.call("PATCH", "/workers/scripts/none/settings", { form: settingsForm({}) });
    expect([missing.status, missing.json.errors[0].code]).toEqual([404, 10007]);
  });

  it("refuses an unknown usage model and invalid tags in a PATCH", async () => {
    await deploy(api, "s");
    expect(
      (await api.call("PATCH", "/workers/scripts/s/settings", { form: settingsForm({ usage_model: "free" }) })).json.errors[0].code,
    ).toBe(10021);
    expect((await api.call("PATCH", "/workers/scripts/s/settings", { form: settingsForm({ tags: ["a,b"] }) })).json.errors[0].code).toBe(
      100134,
    );
  });
});

describe("script-settings", () => {
  it("reads and patches the script-level settings without making a version", async () => {
    await deploy(api, "s", { tags: ["a"], tail_consumers: [{ service: "t" }] });
    const before = await api.call("GET", "/workers/scripts/s/script-settings");
    expect(before.json.result).toEqual({ logpush: false, tags: ["a"], tail_consumers: [{ service: "t" }] });
    const res = await api.call("PATCH", "/workers/scripts/s/script-settings", {
      json: { logpush: true, observability: { enabled: true, head_sampling_rate: 0.5 } },
    });
    expect(res.status).toBe(200);
    expect(res.json.result).toEqual({
      logpush: true,
      tags: ["a"],
      tail_consumers: [{ service: "t" }],
      observability: { enabled: true, head_sampling_rate: 0.5 },
    });
    const versions = await api.call("GET", "/workers/scripts/s/versions");
    expect(versions.json.result.items).toHaveLength(1);
    const settings = await api.call("GET", "/workers/scripts/s/settings");
    expect(settings.json.result).toMatchObject({ logpush: true, observability: { enabled: true, head_sampling_rate: 0.5 } });
  });

  it("survives a redeploy that uses keep_bindings but resets logpush and tail consumers on a plain upload", async () => {
    await deploy(api, "s");
    await api.call("PATCH", "/workers/scripts/s/script-settings", {
      json: { logpush: true, tail_consumers: [{ service: "t" }], tags: ["keep"] },
    });
    await deploy(api, "s");
    const res = await api.call("GET", "/workers/scripts/s/script-settings");
    expect(res.json.result).toEqual({ logpush: false, tail_consumers: [], tags: ["keep"] });
  });

  it("refuses invalid JSON with 10026 and invalid fields with 10021", async () => {
    await deploy(api, "s");
    const bad = await api.call("PATCH", "/workers/scripts/s/script-settings", {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10026]);
    const wrong = await api.call("PATCH", "/workers/scripts/s/script-settings", { json: { logpush: "yes" } });
    expect(wrong.json.errors[0]).toMatchObject({ code: 10021, source: { pointer: "/logpush" } });
  });
});

describe("usage-model", () => {
  it("reads the default and changes it with PUT", async () => {
    await deploy(api, "u");
    expect((await api.call("GET", "/workers/scripts/u/usage-model")).json.result).toEqual({ usage_model: "standard" });
    const put = await api.call("PUT", "/workers/scripts/u/usage-model", { json: { usage_model: "bundled", user_limits: { cpu_ms: 50 } } });
    expect(put.json.result).toEqual({ usage_model: "bundled", user_limits: { cpu_ms: 50 } });
    expect((await api.call("GET", "/workers/scripts/u/settings")).json.result.usage_model).toBe("bundled");
    const bad = await api.call("PUT", "/workers/scripts/u/usage-model", { json: { usage_model: "nope" } });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10021]);
  });
});
