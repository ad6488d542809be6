import { dispatchNamespaceSchema, dispatchScriptSchema, wireBindingListSchema } from "../../provider/cloudflare/schemas";
import { multipartBoundary, parseMultipart } from "../../emulator/multipart";
import { deploy, settingsForm, TestApi, uploadForm, WORKER_JS } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const NS = "/workers/dispatch/namespaces/tenants";

async function createNamespace(name = "tenants") {
  const res = await api.call("POST", "/workers/dispatch/namespaces", { json: { name } });
  expect(res.status).toBe(200);
  return res;
}

describe("dispatch namespaces", () => {
  it("creates, lists, reads and deletes namespaces", async () => {
    const created = await createNamespace();
    expect(dispatchNamespaceSchema.safeParse(created.json.result).success).toBe(true);
    expect(created.json.result).toMatchObject({ namespace_name: "tenants", script_count: 0, trusted_workers: false });
    const dup = await api.call("POST", "/workers/dispatch/namespaces", { json: { name: "tenants" } });
    expect([dup.status, dup.json.errors[0].code]).toEqual([409, 100120]);
    const bad = await api.call("POST", "/workers/dispatch/namespaces", { json: { name: "Not Valid" } });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10021]);

    await deploy(api, "customer-1", {}, undefined, `${NS}/scripts`);
    const one = await api.call("GET", NS);
    expect(one.json.result).toMatchObject({ namespace_name: "tenants", script_count: 1 });
    const list = await api.call("GET", "/workers/dispatch/namespaces");
    expect(list.json.result.map((n: { namespace_name: string }) => n.namespace_name)).toEqual(["tenants"]);

    expect((await api.call("DELETE", NS)).json.result).toBeNull();
    const gone = await api.call("GET", NS);
    expect([gone.status, gone.json.errors[0].code]).toEqual([404, 100119]);
  });

  it("answers 100119 for every script endpoint of an unknown namespace", async () => {
    for (const [method, path] of [
      ["GET", "/workers/dispatch/namespaces/nope/scripts/x"],
      ["GET", "/workers/dispatch/namespaces/nope/scripts/x/settings"],
      ["GET", "/workers/dispatch/namespaces/nope/scripts/x/bindings"],
      ["GET", "/workers/dispatch/namespaces/nope/scripts/x/secrets"],
    ] as const) {
      const res = await api.call(method, path);
      expect([path, res.status, res.json.errors[0].code]).toEqual([path, 404, 100119]);
    }
    const up = await api.call("PUT", "/workers/dispatch/namespaces/nope/scripts/x", { form: uploadForm({}) });
    expect([up.status, up.json.errors[0].code]).toEqual([404, 100119]);
  });
});

describe("Workers in a dispatch namespace", () => {
  beforeEach(() => createNamespace());

  it("keeps them apart from the account's Workers", async () => {
    await deploy(api, "same-name", { bindings: [{ type: "plain_text", name: "WHERE", text: "namespace" }] }, undefined, `${NS}/scripts`);
    expect((await api.call("GET", "/workers/scripts")).json.result).toEqual([]);
    expect((await api.call("GET", "/workers/scripts/same-name/settings")).status).toBe(404);
    await deploy(api, "same-name", { bindings: [{ type: "plain_text", name: "WHERE", text: "account" }] });
    const nsSettings = await api.call("GET", `${NS}/scripts/same-name/settings`);
    expect(nsSettings.json.result.bindings).toEqual([{ type: "plain_text", name: "WHERE", text: "namespace" }]);
  });

  it("answers GET script as JSON with the namespace, and content as multipart", async () => {
    await deploy(api, "tenant-a", {}, undefined, `${NS}/scripts`);
    const res = await api.call("GET", `${NS}/scripts/tenant-a`);
    expect(dispatchScriptSchema.safeParse(res.json.result).success).toBe(true);
    expect(res.json.result).toMatchObject({ dispatch_namespace: "tenants", script: { id: "tenant-a", has_modules: true } });
    const content = await api.call("GET", `${NS}/scripts/tenant-a/content`);
    expect(content.headers["cf-entrypoint"]).toBe("index.js");
    const parts = parseMultipart(content.raw, multipartBoundary(String(content.headers["content-type"]))!);
    expect(parts[0]!.data.toString()).toBe(WORKER_JS);
  });

  it("accepts names the account scope refuses", async () => {
    const res = await api.call("PUT", `${NS}/scripts/Tenant.Upper_1`, { form: uploadForm({ compatibility_date: "2025-01-01" }) });
    expect(res.status).toBe(200);
    expect((await api.call("PUT", "/workers/scripts/Tenant.Upper_1", { form: uploadForm({}) })).json.errors[0].code).toBe(10016);
  });

  it("serves bindings (seed 003), settings, secrets and deletion in the namespace", async () => {
    await deploy(api, "t", { bindings: [{ type: "kv_namespace", name: "KV", namespace_id: "abc" }] }, undefined, `${NS}/scripts`);
    await api.call("PUT", `${NS}/scripts/t/secrets`, { json: { name: "TOKEN", text: "very-secret", type: "secret_text" } });
    const bindings = await api.call("GET", `${NS}/scripts/t/bindings`);
    expect(wireBindingListSchema.safeParse(bindings.json.result).success).toBe(true);
    expect(bindings.json.result).toEqual([
      { type: "kv_namespace", name: "KV", namespace_id: "abc" },
      { name: "TOKEN", type: "secret_text" },
    ]);
    expect(bindings.raw.toString()).not.toContain("very-secret");

    const patched = await api.call("PATCH", `${NS}/scripts/t/settings`, { form: settingsForm({ compatibility_flags: ["nodejs_compat"] }) });
    expect(patched.json.result.compatibility_flags).toEqual(["nodejs_compat"]);
    expect((await api.call("GET", `${NS}/scripts/t/secrets`)).json.result).toEqual([{ name: "TOKEN", type: "secret_text" }]);

    expect((await api.call("DELETE", `${NS}/scripts/t`)).status).toBe(200);
    const gone = await api.call("GET", `${NS}/scripts/t/bindings`);
    expect([gone.status, gone.json.errors[0].code]).toEqual([404, 10007]);
  });
});
