import type { z } from "zod";
import {
  assetsUploadSessionSchema,
  dispatchNamespaceListSchema,
  dispatchScriptSchema,
  envelopeSchema,
  scriptLevelSettingsSchema,
  scriptListSchema,
  scriptSchema,
  scriptSearchResultSchema,
  scriptSettingsSchema,
  secretListSchema,
  secretSchema,
  subdomainSchema,
  usageModelResultSchema,
  versionDetailSchema,
  versionListSchema,
  wireBindingListSchema,
} from "../../provider/cloudflare/schemas";
import { deploy, settingsForm, TestApi, uploadForm } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator({ keepState: true });
const api = new TestApi(emulator);

/** Calls an endpoint and parses its envelope and result with the shared wire schemas (what the client does). */
async function parsed<S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  options: Parameters<TestApi["call"]>[2] = {},
): Promise<z.infer<S>> {
  const res = await api.call(method, path, options);
  const envelope = envelopeSchema.parse(res.json);
  expect(envelope.success).toBe(true);
  const result = schema.safeParse(envelope.result);
  if (!result.success) throw new Error(`${method} ${path}: ${result.error.message}`);
  return result.data;
}

describe("every answer parses with the shared wire schemas", () => {
  it("script, settings, secrets, subdomain, usage model, search and versions", async () => {
    const bindings = [
      { type: "kv_namespace", name: "KV", namespace_id: "abc" },
      { type: "d1", name: "DB", id: "db-id" },
      { type: "service", name: "SVC", service: "other" },
      { type: "json", name: "CONF", json: { a: [1, 2] } },
      { type: "ratelimit", name: "RL", namespace_id: "1001", simple: { limit: 10, period: 60 } },
    ];
    const upload = await api.call("PUT", "/workers/scripts/wire", {
      form: uploadForm({
        compatibility_date: "2025-01-01",
        bindings,
        observability: { enabled: true, head_sampling_rate: 0.5 },
        placement: { mode: "smart" },
        tail_consumers: [{ service: "tail" }],
        tags: ["a"],
        limits: { cpu_ms: 100 },
      }),
    });
    expect(scriptSchema.safeParse(upload.json.result).success).toBe(true);
    await api.call("PUT", "/workers/scripts/wire/secrets", { json: { name: "S", text: "x", type: "secret_text" } });

    expect((await parsed(scriptListSchema, "GET", "/workers/scripts"))[0]!.placement_mode).toBe("smart");
    expect((await parsed(scriptSettingsSchema, "GET", "/workers/scripts/wire/settings")).bindings).toHaveLength(6);
    await parsed(scriptSettingsSchema, "PATCH", "/workers/scripts/wire/settings", { form: settingsForm({ logpush: true }) });
    await parsed(scriptLevelSettingsSchema, "GET", "/workers/scripts/wire/script-settings");
    await parsed(scriptLevelSettingsSchema, "PATCH", "/workers/scripts/wire/script-settings", { json: { tags: ["b"] } });
    await parsed(secretListSchema, "GET", "/workers/scripts/wire/secrets");
    await parsed(secretSchema, "GET", "/workers/scripts/wire/secrets/S");
    await parsed(subdomainSchema, "POST", "/workers/scripts/wire/subdomain", { json: { enabled: true } });
    await parsed(subdomainSchema, "GET", "/workers/scripts/wire/subdomain");
    await parsed(usageModelResultSchema, "GET", "/workers/scripts/wire/usage-model");
    await parsed(scriptSearchResultSchema, "GET", "/workers/scripts-search?name=wi");
    const versions = await parsed(versionListSchema, "GET", "/workers/scripts/wire/versions");
    const detail = await parsed(versionDetailSchema, "GET", `/workers/scripts/wire/versions/${versions.items[0]!.id}`);
    expect(detail.resources.script_runtime?.limits).toEqual({ cpu_ms: 100 });
    await parsed(assetsUploadSessionSchema, "POST", "/workers/scripts/wire/assets-upload-session", {
      json: { manifest: { "/a.html": { hash: "0123456789abcdef0123456789abcdef", size: 1 } } },
    });
  });

  it("dispatch namespaces and their Workers", async () => {
    await api.call("POST", "/workers/dispatch/namespaces", { json: { name: "wire-ns" } });
    await deploy(
      api,
      "t",
      { bindings: [{ type: "plain_text", name: "P", text: "x" }] },
      undefined,
      "/workers/dispatch/namespaces/wire-ns/scripts",
    );
    await parsed(dispatchNamespaceListSchema, "GET", "/workers/dispatch/namespaces");
    await parsed(dispatchScriptSchema, "GET", "/workers/dispatch/namespaces/wire-ns/scripts/t");
    await parsed(wireBindingListSchema, "GET", "/workers/dispatch/namespaces/wire-ns/scripts/t/bindings");
  });

  it("failures too: the envelope with errors[] and result null", async () => {
    const res = await api.call("GET", "/workers/scripts/nope/settings");
    const envelope = envelopeSchema.parse(res.json);
    expect(envelope).toMatchObject({ success: false, result: null, errors: [{ code: 10007 }] });
  });
});
