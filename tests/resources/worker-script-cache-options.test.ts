/**
 * `cacheOptions`, a versioned input added as one entry of worker-config.ts: every path that reads the table
 * follows it (check, diff, the upload metadata, the settings PATCH, the read-back, WorkerVersion and the import
 * generator), shown against the emulator as a user would see it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createDeployment, getSettings, patchSettings, uploadScript } from "../../provider/cloudflare";
import { runImport } from "../../cli/import";
import { workerScriptProvider, type WorkerScriptInputs, type WorkerScriptOutputs } from "../../provider/resources/worker-script";
import { workerVersionProvider } from "../../provider/resources/worker-version";
import type { WorkerScriptArgs, WorkerVersionArgs } from "../../sdk";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();

const CODE = "export default { async fetch() { return new Response('ok') } }";
const base: WorkerScriptInputs = { accountId: ACCOUNT, scriptName: "api", content: CODE, compatibilityDate: "2025-01-01" };

async function checked(inputs: Record<string, unknown>): Promise<WorkerScriptInputs> {
  const result = await workerScriptProvider.check({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

async function refreshed(id: string, outs: WorkerScriptOutputs): Promise<WorkerScriptOutputs> {
  newRun();
  return (await workerScriptProvider.read(id, outs)).props!;
}

describe("cacheOptions", () => {
  it("is an argument of the sdk's WorkerScript and WorkerVersion, typed as check takes it (typecheck fails otherwise)", () => {
    const script: WorkerScriptArgs = { scriptName: "api", content: CODE, cacheOptions: { enabled: true, crossVersionCache: false } };
    const version: WorkerVersionArgs = { scriptName: "api", content: CODE, cacheOptions: { enabled: false } };
    // @ts-expect-error enabled is a boolean
    const wrong: WorkerScriptArgs = { scriptName: "api", content: CODE, cacheOptions: { enabled: "yes" } };
    expect([script.cacheOptions, version.cacheOptions, wrong.scriptName]).toEqual([
      { enabled: true, crossVersionCache: false },
      { enabled: false },
      "api",
    ]);
  });

  it("is refused by check with the property and the member at fault", async () => {
    const result = await workerScriptProvider.check({}, { ...base, cacheOptions: { enabled: "yes", crossVersion: true } });
    expect(result.failures).toEqual([
      { property: "cacheOptions", reason: "cacheOptions.enabled: expected true or false" },
      { property: "cacheOptions", reason: "cacheOptions: unknown field crossVersion: remove or correct the spelling" },
    ]);
  });

  it("travels in the upload metadata of a create, and a refresh reads it back with no diff", async () => {
    const inputs = await checked({ ...base, cacheOptions: { enabled: true, crossVersionCache: true } });
    const { id, outs } = await workerScriptProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/settings", "PUT /workers/scripts/api"]);
    expect((await getSettings(client(), scope, "api")).cache_options).toEqual({ enabled: true, cross_version_cache: true });
    const live = await refreshed(id, outs!);
    expect(live.cacheOptions).toEqual({ enabled: true, crossVersionCache: true });
    expect(await workerScriptProvider.diff(id, live, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("is changed with one settings PATCH, and removing it PATCHes the API defaults back", async () => {
    const first = await checked({ ...base, cacheOptions: { enabled: true } });
    const { id, outs } = await workerScriptProvider.create(first);
    takeCalls(emulator);

    const off = await checked({ ...base, cacheOptions: { enabled: false } });
    expect(await workerScriptProvider.diff(id, outs!, off)).toEqual({ changes: true, replaces: [] });
    const { outs: updated } = await workerScriptProvider.update(id, outs!, off);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/settings"]);
    expect((await getSettings(client(), scope, "api")).cache_options).toEqual({ enabled: false });
    takeCalls(emulator);

    const on = await checked({ ...base, cacheOptions: { enabled: true, crossVersionCache: true } });
    const { outs: again } = await workerScriptProvider.update(id, updated!, on);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/settings"]);

    const removed = await checked(base);
    expect((await workerScriptProvider.diff(id, again!, removed)).changes).toBe(true);
    const { outs: cleared } = await workerScriptProvider.update(id, again!, removed);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/settings"]);
    expect((await getSettings(client(), scope, "api")).cache_options).toEqual({ enabled: false, cross_version_cache: false });
    // The API's defaults equal an unset input: the next refresh shows nothing.
    const live = await refreshed(id, cleared!);
    expect(live.cacheOptions).toBeUndefined();
    expect(await workerScriptProvider.diff(id, live, removed)).toEqual({ changes: false, replaces: [] });
  });

  it("shows caching turned on outside Pulumi as drift on a refresh", async () => {
    const inputs = await checked(base);
    const { id, outs } = await workerScriptProvider.create(inputs);
    await patchSettings(client(), scope, "api", { cache_options: { enabled: true } });
    const live = await refreshed(id, outs!);
    expect(live.cacheOptions).toEqual({ enabled: true });
    expect(await workerScriptProvider.diff(id, live, inputs)).toEqual({ changes: true, replaces: [] });
  });

  it("is uploaded by WorkerVersion, and a change of it makes a new version", async () => {
    await workerScriptProvider.create(await checked(base));
    const versionInputs = { accountId: ACCOUNT, scriptName: "api", content: CODE, cacheOptions: { enabled: true } };
    const result = await workerVersionProvider.check({}, versionInputs);
    expect(result.failures ?? []).toEqual([]);
    const { outs } = await workerVersionProvider.create(result.inputs!);
    // Not deployed yet: the Worker still serves without caching.
    expect((await getSettings(client(), scope, "api")).cache_options).toBeUndefined();
    await createDeployment(client(), scope, "api", { versions: [{ versionId: outs!.versionId!, percentage: 100 }] });
    expect((await getSettings(client(), scope, "api")).cache_options).toEqual({ enabled: true });

    const changed = await workerVersionProvider.check({}, { ...versionInputs, cacheOptions: { enabled: false } });
    expect(await workerVersionProvider.diff("v", outs!, changed.inputs!)).toMatchObject({ changes: true, replaces: ["cacheOptions"] });
  });

  it("is written by the import generator as the live Worker has it, and left out where it is the API's default", async () => {
    const upload = async (name: string, metadata: Record<string, unknown>) =>
      uploadScript(client(), scope, name, {
        metadata: { main_module: "index.js", ...metadata },
        modules: [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from(CODE) }],
      });
    await upload("cached", { cache_options: { enabled: true, cross_version_cache: false } });
    await upload("plain", { cache_options: { enabled: false } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-cache-import-"));
    try {
      await runImport({ accountId: ACCOUNT, out: dir, client: client() });
      const source = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
      const block = (name: string) => source.slice(source.indexOf(`new WorkerScript("${name}"`)).split("});")[0]!;
      expect(block("cached")).toContain("  cacheOptions: { enabled: true, crossVersionCache: false },\n");
      expect(block("plain")).not.toContain("cacheOptions");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
