/**
 * WorkerScript against the emulator: each lifecycle step, the exact API calls it makes, and drift made
 * outside Pulumi through the API.
 */
import {
  createNamespace,
  getScriptContent,
  getScriptSettings,
  getSettings,
  listSecrets,
  patchScriptSettings,
  patchSettings,
  putScriptContent,
  putSecret,
  uploadScript,
} from "../../provider/cloudflare";
import { workerScriptProvider, type WorkerScriptInputs, type WorkerScriptOutputs } from "../../provider/resources/worker-script";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();

const CODE_V1 = "export default { async fetch() { return new Response('v1') } }";
const CODE_V2 = "export default { async fetch() { return new Response('v2') }, async scheduled() {} }";

async function checked(inputs: WorkerScriptInputs): Promise<WorkerScriptInputs> {
  const result = await workerScriptProvider.check({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

async function created(inputs: WorkerScriptInputs) {
  const checkedInputs = await checked(inputs);
  const result = await workerScriptProvider.create(checkedInputs);
  return { id: result.id, outs: result.outs!, inputs: checkedInputs };
}

async function refreshed(id: string, outs: WorkerScriptOutputs): Promise<WorkerScriptOutputs | undefined> {
  newRun();
  const result = await workerScriptProvider.read(id, outs);
  return result.id ? result.props : undefined;
}

const base: WorkerScriptInputs = {
  accountId: ACCOUNT,
  scriptName: "api",
  content: CODE_V1,
  compatibilityDate: "2025-01-01",
  bindings: [
    { type: "plain_text", name: "GREETING", text: "hello" },
    { type: "kv_namespace", name: "CACHE", namespaceId: "0123456789abcdef0123456789abcdef" },
  ],
};

describe("WorkerScript lifecycle against the emulator", () => {
  it("creates with one existence check and one upload, then reads back with no diff", async () => {
    const { id, outs, inputs } = await created(base);
    // The existence check is fresh (never a cached listing): the name is free at the moment of the write.
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/settings", "PUT /workers/scripts/api"]);
    expect(id).toBe(`${ACCOUNT}/api`);
    expect(outs).toMatchObject({ scriptName: "api", handlers: ["fetch"] });
    expect(outs.versionId).toEqual(expect.any(String)); // the upload's deployment_id
    expect(outs.versionNumber).toBeUndefined();
    expect(outs.etag).toEqual(expect.any(String));
    expect(outs.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // The module text stays in the inputs only: its hash stands for it in the outputs (the snapshot is rewritten per step).
    expect(outs).not.toHaveProperty("content");

    const live = await refreshed(id, outs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/settings", "GET /workers/scripts"]);
    expect(await workerScriptProvider.diff(id, live!, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("updates only the code with PUT /content when only the code changes", async () => {
    const { id, outs } = await created(base);
    takeCalls(emulator);
    const news = await checked({ ...base, content: CODE_V2 });
    expect((await workerScriptProvider.diff(id, outs, news)).changes).toBe(true);
    const { outs: updated } = await workerScriptProvider.update(id, outs, news);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/api/content"]);
    expect(updated).toMatchObject({ contentHash: news.contentHash });
    expect(updated).not.toHaveProperty("content");
    const content = await getScriptContent(client(), scope, "api");
    expect(Buffer.from(content.modules[0]!.content).toString()).toBe(CODE_V2);
    const live = await refreshed(id, updated!);
    expect(await workerScriptProvider.diff(id, live!, news)).toEqual({ changes: false, replaces: [] });
  });

  it("updates only the configuration with one PATCH /settings when the flags change", async () => {
    const { id, outs } = await created(base);
    takeCalls(emulator);
    const news = await checked({ ...base, compatibilityFlags: ["nodejs_compat"] });
    const { outs: updated } = await workerScriptProvider.update(id, outs, news);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/settings"]);
    expect((await getSettings(client(), scope, "api")).compatibility_flags).toEqual(["nodejs_compat"]);
    const live = await refreshed(id, updated!);
    expect(await workerScriptProvider.diff(id, live!, news)).toEqual({ changes: false, replaces: [] });
  });

  it("keeps secrets set outside this resource when the bindings change", async () => {
    const { id, outs } = await created(base);
    await putSecret(client(), scope, "api", { name: "API_TOKEN", type: "secret_text", text: "t0ken" });
    takeCalls(emulator);
    const news = await checked({ ...base, bindings: [{ type: "plain_text", name: "GREETING", text: "bonjour" }] });
    await workerScriptProvider.update(id, outs, news);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/settings", "PATCH /workers/scripts/api/settings"]);
    const settings = await getSettings(client(), scope, "api");
    expect(settings.bindings).toEqual(
      expect.arrayContaining([
        { type: "plain_text", name: "GREETING", text: "bonjour" },
        { type: "secret_text", name: "API_TOKEN" },
      ]),
    );
    expect(settings.bindings!.map((b) => b.name)).not.toContain("CACHE");
  });

  it("changes code and configuration together as one full upload that sends script-level settings back", async () => {
    const { id, outs } = await created(base);
    await patchScriptSettings(client(), scope, "api", { logpush: true, tail_consumers: [{ service: "logs" }] });
    takeCalls(emulator);
    const news = await checked({ ...base, content: CODE_V2, compatibilityDate: "2025-06-01" });
    await workerScriptProvider.update(id, outs, news);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/script-settings", "PUT /workers/scripts/api"]);
    expect(await getScriptSettings(client(), scope, "api")).toMatchObject({ logpush: true, tail_consumers: [{ service: "logs" }] });
  });

  it("detects code changed outside Pulumi and repairs it on the next update", async () => {
    const { id, outs, inputs } = await created(base);
    await putScriptContent(client(), scope, "api", {
      mainModule: "worker.js",
      modules: [{ name: "worker.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
    });
    const live = await refreshed(id, outs);
    expect(live!.contentHash).toMatch(/^changed-outside-pulumi:/);
    expect(await workerScriptProvider.diff(id, live!, inputs)).toEqual({ changes: true, replaces: [] });
    takeCalls(emulator);
    const { outs: repaired } = await workerScriptProvider.update(id, live!, inputs);
    expect(takeCalls(emulator)[0]).toBe("PUT /workers/scripts/api/content");
    const content = await getScriptContent(client(), scope, "api");
    expect(Buffer.from(content.modules[0]!.content).toString()).toBe(CODE_V1);
    const after = await refreshed(id, repaired!);
    expect(await workerScriptProvider.diff(id, after!, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("detects bindings and flags changed outside Pulumi on the properties that changed", async () => {
    const { id, outs, inputs } = await created(base);
    await patchSettings(client(), scope, "api", {
      bindings: [{ type: "plain_text", name: "GREETING", text: "hacked" }],
      compatibility_flags: ["nodejs_compat"],
    });
    const live = await refreshed(id, outs);
    expect(live!.bindings).toEqual([{ type: "plain_text", name: "GREETING", text: "hacked" }]);
    expect(live!.compatibilityFlags).toEqual(["nodejs_compat"]);
    expect(await workerScriptProvider.diff(id, live!, inputs)).toEqual({ changes: true, replaces: [] });
  });

  it("reports the version number with trackVersion, at one more read per change", async () => {
    const { id, outs } = await created({ ...base, trackVersion: true });
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts/api/settings",
      "PUT /workers/scripts/api",
      "GET /workers/scripts/api/versions?page=1&per_page=100",
    ]);
    expect(outs).toMatchObject({ versionNumber: 1 });
    const news = await checked({ ...base, trackVersion: true, compatibilityFlags: ["nodejs_compat"] });
    const { outs: updated } = await workerScriptProvider.update(id, outs, news);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/settings", "GET /workers/scripts/api/versions?page=1&per_page=100"]);
    expect(updated).toMatchObject({ versionNumber: 2 });
    expect(updated!.versionId).not.toBe(outs.versionId);
  });

  it("reads a deleted Worker as gone", async () => {
    const { id, outs } = await created(base);
    await workerScriptProvider.delete(id, outs);
    expect(await refreshed(id, outs)).toBeUndefined();
  });

  it("refuses to overwrite a Worker that already exists, and adopts it when asked without losing its settings", async () => {
    await uploadScript(client(), scope, "api", {
      metadata: { main_module: "w.js", bindings: [] },
      modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
    });
    await putSecret(client(), scope, "api", { name: "KEPT", type: "secret_text", text: "x" });
    await patchScriptSettings(client(), scope, "api", { logpush: true });
    const refusal = workerScriptProvider.create(await checked(base));
    await expect(refusal).rejects.toThrow(/Worker "api" in account 0123456789abcdef0123456789abcdef already exists.*set adopt: true/);
    await expect(refusal).rejects.toMatchObject({ name: "ResourceInputError", property: "scriptName" });
    newRun(); // the next `pulumi up`, with adopt set
    takeCalls(emulator);
    const { id, outs, inputs } = await created({ ...base, adopt: true });
    // Adopting compares with the live Worker and writes only what differs: here the code and the bindings, as
    // one deployed change (a full upload that sends the script-level settings back).
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts/api/settings",
      "GET /workers/scripts",
      "GET /workers/scripts/api/content/v2",
      "GET /workers/scripts/api/script-settings",
      "PUT /workers/scripts/api",
    ]);
    expect(await getScriptSettings(client(), scope, "api")).toMatchObject({ logpush: true });
    expect((await listSecrets(client(), scope, "api")).map((s) => s.name)).toEqual(["KEPT"]);
    const live = await refreshed(id, outs);
    expect(await workerScriptProvider.diff(id, live!, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("explains a Worker still bound by another, and deletes it with force", async () => {
    const { id, outs } = await created(base);
    await created({ ...base, scriptName: "front", bindings: [{ type: "service", name: "API", service: "api" }] });
    await expect(workerScriptProvider.delete(id, outs)).rejects.toThrow(/remove those bindings first, or set force: true/);
    await workerScriptProvider.delete(id, { ...outs, force: true });
    expect(takeCalls(emulator).slice(-1)).toEqual(["DELETE /workers/scripts/api?force=true"]);
  });

  it("works the same inside a dispatch namespace", async () => {
    await createNamespace(client(), ACCOUNT, { name: "customers" });
    takeCalls(emulator);
    const { id, outs, inputs } = await created({ ...base, scriptName: "tenant-1", dispatchNamespace: "customers" });
    expect(id).toBe(`${ACCOUNT}/customers/tenant-1`);
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/dispatch/namespaces/customers/scripts/tenant-1",
      "PUT /workers/dispatch/namespaces/customers/scripts/tenant-1",
    ]);
    const live = await refreshed(id, outs);
    expect(await workerScriptProvider.diff(id, live!, inputs)).toEqual({ changes: false, replaces: [] });
    await workerScriptProvider.delete(id, outs);
    expect(await refreshed(id, outs)).toBeUndefined();
  });
});
