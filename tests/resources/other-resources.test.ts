/**
 * WorkerSecret, WorkerScriptSettings and WorkerSubdomain against the emulator: the exact API calls of each
 * lifecycle step, and drift made outside Pulumi.
 */
import {
  CloudflareClient,
  deleteScript,
  deleteSecret,
  getScriptSettings,
  getSubdomain,
  listSecrets,
  patchScriptSettings,
  putSecret,
  setSubdomain,
  uploadScript,
} from "../../provider/cloudflare";
import { listingAnswers } from "../../provider/resources/listed-settings";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { workerSecretProvider, type WorkerSecretInputs } from "../../provider/resources/worker-secret";
import { workerScriptSettingsProvider, type WorkerScriptSettingsInputs } from "../../provider/resources/worker-script-settings";
import {
  makeWorkerSubdomainProvider,
  workerSubdomainProvider,
  type WorkerSubdomainInputs,
} from "../../provider/resources/worker-subdomain";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();
beforeEach(async () => {
  // A Worker deployed by another tool (wrangler in CI): these resources need no WorkerScript.
  await uploadScript(client(), scope, "api", {
    metadata: { main_module: "w.js" },
    modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default { fetch() {} }") }],
  });
  takeCalls(emulator);
});

const SECRET_VALUE = "first-value-0001";

describe("WorkerSecret against the emulator", () => {
  const base: WorkerSecretInputs = { accountId: ACCOUNT, scriptName: "api", name: "API_TOKEN", text: SECRET_VALUE };

  it("creates with one existence check and one PUT, rotates with one PUT, reads, and deletes", async () => {
    const { id, outs } = await workerSecretProvider.create(base);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets", "PUT /workers/scripts/api/secrets"]);
    expect(id).toBe(`${ACCOUNT}/api/secrets/API_TOKEN`);
    expect(outs).toEqual({ ...base, type: "secret_text" });

    newRun(); // a refresh is a command of its own
    const read = await workerSecretProvider.read(id, outs!);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets"]);
    expect(await workerSecretProvider.diff(id, read.props!, base)).toEqual({ changes: false, replaces: [] });

    const rotated = { ...base, text: "second-value-0002" };
    await workerSecretProvider.update(id, outs!, rotated);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/api/secrets"]);

    await workerSecretProvider.delete(id, outs!);
    expect(takeCalls(emulator)).toEqual(["DELETE /workers/scripts/api/secrets/API_TOKEN?url_encoded=true"]);
    expect(await listSecrets(client(), scope, "api")).toEqual([]);
  });

  it("never sends or returns the value anywhere but the PUT body", async () => {
    const { outs } = await workerSecretProvider.create(base);
    expect(JSON.stringify(emulator.requests)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(await listSecrets(client(), scope, "api"))).not.toContain(SECRET_VALUE);
    expect(outs!.text).toBe(SECRET_VALUE); // kept only under the secret input key, which the engine encrypts
  });

  it("reads a secret deleted outside Pulumi as gone, and one of another kind as changed", async () => {
    const { id, outs } = await workerSecretProvider.create(base);
    await deleteSecret(client(), scope, "api", "API_TOKEN");
    newRun();
    expect((await workerSecretProvider.read(id, outs!)).id).toBeUndefined();
    await putSecret(client(), scope, "api", {
      name: "API_TOKEN",
      type: "secret_key",
      format: "raw",
      algorithm: { name: "HMAC", hash: "SHA-256" },
      usages: ["sign"],
      key_base64: "AA==",
    });
    newRun();
    const read = await workerSecretProvider.read(id, outs!);
    expect((await workerSecretProvider.diff(id, read.props!, base)).changes).toBe(true);
  });

  it("refuses to overwrite a secret someone else set, unless adopted", async () => {
    await putSecret(client(), scope, "api", { name: "API_TOKEN", type: "secret_text", text: "from-wrangler" });
    const refused = workerSecretProvider.create(base);
    await expect(refused).rejects.toThrow(/Secret "API_TOKEN" of Worker "api" in account \w+ already exists\. Set adopt: true/);
    // The same kind of error as every refusal that names the input to change.
    await expect(refused).rejects.toMatchObject({ name: "ResourceInputError", property: "name" });
    takeCalls(emulator);
    newRun();
    await workerSecretProvider.create({ ...base, adopt: true });
    // Taken over as it is: the API cannot show the value, so the deployed one is kept until the program's changes.
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets"]);
  });

  it("reads every secret of a Worker with one list, shared by its WorkerSecrets in one run, and keeps it true after our writes", async () => {
    const names = ["API_TOKEN", "DB_PASSWORD", "SIGNING_KEY"];
    const created = [];
    for (const name of names) created.push(await workerSecretProvider.create({ ...base, name }));
    // One list answers the three existence checks.
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets", ...names.map(() => "PUT /workers/scripts/api/secrets")]);
    newRun();
    const reads = await Promise.all(created.map(({ id, outs }) => workerSecretProvider.read(id, outs!)));
    expect(reads.map((r) => r.id)).toEqual(created.map((c) => c.id));
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/secrets"]);
    // Our own delete updates the list this run holds: the secret reads as gone without another call.
    await workerSecretProvider.delete(created[0]!.id, created[0]!.outs!);
    expect((await workerSecretProvider.read(created[0]!.id, created[0]!.outs!)).id).toBeUndefined();
    expect(takeCalls(emulator)).toEqual(["DELETE /workers/scripts/api/secrets/API_TOKEN?url_encoded=true"]);
  });

  it("skips the existence check for a Worker this run has just uploaded, which has no other secrets", async () => {
    const worker = await workerScriptProvider.check({}, { accountId: ACCOUNT, scriptName: "fresh", content: "export default {}" });
    await workerScriptProvider.create(worker.inputs!);
    takeCalls(emulator);
    await workerSecretProvider.create({ ...base, scriptName: "fresh" });
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/fresh/secrets"]);
    newRun(); // the next run checks again
    await expect(workerSecretProvider.create({ ...base, scriptName: "fresh" })).rejects.toThrow(/already exists/);
  });

  it("reports a missing Worker clearly", async () => {
    await deleteScript(client(), scope, "api");
    await expect(workerSecretProvider.create(base)).rejects.toThrow(/"api" does not exist/);
  });
});

describe("WorkerScriptSettings against the emulator", () => {
  const base: WorkerScriptSettingsInputs = {
    accountId: ACCOUNT,
    scriptName: "api",
    logpush: true,
    tags: ["team-a", "public"],
    tailConsumers: [{ service: "log-sink" }],
  };

  it("creates with one PATCH, reads back with no diff, updates one field, and restores defaults on delete", async () => {
    const { id, outs } = await workerScriptSettingsProvider.create(base);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/script-settings"]);
    expect(await getScriptSettings(client(), scope, "api")).toMatchObject({ logpush: true, tail_consumers: [{ service: "log-sink" }] });
    takeCalls(emulator);

    newRun(); // a refresh is a command of its own
    const read = await workerScriptSettingsProvider.read(id, outs!);
    // The account listing carries the script-level settings: no GET …/script-settings.
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts"]);
    expect(await workerScriptSettingsProvider.diff(id, read.props!, base)).toEqual({ changes: false, replaces: [] });

    const news = { ...base, logpush: false };
    expect(await workerScriptSettingsProvider.diff(id, outs!, news)).toEqual({ changes: true, replaces: [] });
    await workerScriptSettingsProvider.update(id, outs!, news);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/script-settings"]);
    expect(await getScriptSettings(client(), scope, "api")).toMatchObject({ logpush: false, tail_consumers: [{ service: "log-sink" }] });

    await workerScriptSettingsProvider.delete(id, news);
    const restored = await getScriptSettings(client(), scope, "api");
    expect(restored.logpush).toBe(false);
    expect(restored.tags ?? []).toEqual([]);
    expect(restored.tail_consumers ?? []).toEqual([]);
  });

  it("a refresh of many Workers' settings reads the one account listing, which our own PATCHes keep true", async () => {
    const names = ["w-1", "w-2", "w-3"];
    for (const name of names) {
      await uploadScript(client(), scope, name, {
        metadata: { main_module: "w.js" },
        modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default { fetch() {} }") }],
      });
    }
    const created = [];
    for (const name of names)
      created.push(
        await workerScriptSettingsProvider.create({ ...base, scriptName: name, observability: { enabled: true, headSamplingRate: 0.5 } }),
      );
    newRun();
    takeCalls(emulator);
    const reads = await Promise.all(created.map(({ id, outs }) => workerScriptSettingsProvider.read(id, outs!)));
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts"]);
    for (const [i, read] of reads.entries())
      expect(await workerScriptSettingsProvider.diff(created[i]!.id, read.props!, created[i]!.outs!)).toEqual({
        changes: false,
        replaces: [],
      });
    // An update in this run goes into the listing it holds: a read after it sees the new value, with no call.
    const changed = { ...created[0]!.outs!, logpush: false };
    await workerScriptSettingsProvider.update(created[0]!.id, created[0]!.outs!, changed);
    takeCalls(emulator);
    expect((await workerScriptSettingsProvider.read(created[0]!.id, changed)).props).toMatchObject({ logpush: false });
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("asks …/script-settings when the listing does not hold every managed field or key", () => {
    const row = { logpush: true, tags: [], tail_consumers: null, observability: { enabled: true, head_sampling_rate: 1 } };
    expect(listingAnswers(row, { logpush: false, tags: ["a"] })).toBe(true);
    expect(listingAnswers(row, { observability: { enabled: true } })).toBe(true);
    expect(listingAnswers(row, { observability: { enabled: true, traces: { enabled: true } } })).toBe(false);
    expect(listingAnswers(row, { tail_consumers: [] })).toBe(false);
    expect(listingAnswers({}, { logpush: true })).toBe(false);
  });

  it("detects settings changed outside Pulumi on the fields it manages only", async () => {
    const { id, outs } = await workerScriptSettingsProvider.create({ accountId: ACCOUNT, scriptName: "api", logpush: true });
    await patchScriptSettings(client(), scope, "api", { logpush: false, tags: ["someone-else"] });
    const read = await workerScriptSettingsProvider.read(id, outs!);
    expect(read.props).toMatchObject({ logpush: false });
    expect(read.props!.tags).toBeUndefined();
    expect(await workerScriptSettingsProvider.diff(id, read.props!, outs!)).toEqual({ changes: true, replaces: [] });
  });

  it("reads settings of a deleted Worker as gone", async () => {
    const { id, outs } = await workerScriptSettingsProvider.create(base);
    await deleteScript(client(), scope, "api");
    expect((await workerScriptSettingsProvider.read(id, outs!)).id).toBeUndefined();
  });
});

describe("WorkerSubdomain against the emulator", () => {
  const base: WorkerSubdomainInputs = { accountId: ACCOUNT, scriptName: "api", enabled: true, previewsEnabled: false };

  it("creates and updates with POST, reads with GET, and disables with DELETE", async () => {
    const { id, outs } = await workerSubdomainProvider.create(base);
    expect(takeCalls(emulator)).toEqual(["POST /workers/scripts/api/subdomain", "GET /workers/subdomain"]);
    expect(await getSubdomain(client(), scope, "api")).toEqual({ enabled: true, previews_enabled: false });
    takeCalls(emulator);

    const read = await workerSubdomainProvider.read(id, outs!);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/subdomain"]);
    expect(await workerSubdomainProvider.diff(id, read.props!, base)).toEqual({ changes: false, replaces: [] });

    await workerSubdomainProvider.update(id, outs!, { ...base, previewsEnabled: true });
    expect(takeCalls(emulator)).toEqual(["POST /workers/scripts/api/subdomain"]);

    await workerSubdomainProvider.delete(id, outs!);
    expect(takeCalls(emulator)).toEqual(["DELETE /workers/scripts/api/subdomain"]);
    expect((await getSubdomain(client(), scope, "api")).enabled).toBe(false);
  });

  it("detects a subdomain disabled outside Pulumi", async () => {
    const { id, outs } = await workerSubdomainProvider.create(base);
    await setSubdomain(client(), scope, "api", { enabled: false, previews_enabled: false });
    const read = await workerSubdomainProvider.read(id, outs!);
    expect(read.props!.enabled).toBe(false);
    expect(await workerSubdomainProvider.diff(id, read.props!, base)).toEqual({ changes: true, replaces: [] });
  });

  it("sends its requests through the client it is given", async () => {
    const seen: string[] = [];
    const own = new CloudflareClient({ onRequest: (event) => seen.push(`${event.method} ${event.path}`) });
    await makeWorkerSubdomainProvider(own).create(base);
    expect(seen).toEqual([`POST /accounts/${ACCOUNT}/workers/scripts/api/subdomain`, `GET /accounts/${ACCOUNT}/workers/subdomain`]);
  });
});
