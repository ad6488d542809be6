/**
 * Discovery functions against the emulator: what they call on the wire and what they hand back (camelCase,
 * typed), through the provider implementations and through the sdk functions a stack program calls.
 */
import * as pulumi from "@pulumi/pulumi";
import { createNamespace, listVersions, patchScriptSettings, putSecret, uploadScript, type Scope } from "../../provider/cloudflare";
import { getWorkerSettings, getWorkerVersion, listWorkers, searchWorkers, tagFilter } from "../../provider/discovery";
import * as sdk from "../../sdk/discovery";
import { ACCOUNT, client, scope, useEmulator, takeCalls } from "../support";

const emulator = useEmulator();

function esm(source: string) {
  return [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from(source) }];
}

async function deploy(name: string, options: { tags?: string[]; at?: Scope } = {}) {
  await uploadScript(client(), options.at ?? scope, name, {
    metadata: {
      main_module: "index.js",
      compatibility_date: "2025-09-01",
      compatibility_flags: ["nodejs_compat"],
      bindings: [
        { type: "kv_namespace", name: "CACHE", namespace_id: "0123456789abcdef0123456789abcdef" },
        { type: "plain_text", name: "MODE", text: "production" },
      ],
      ...(options.tags ? { tags: options.tags } : {}),
    },
    modules: esm(`export default { fetch() { return new Response(${JSON.stringify(name)}) } }`),
  });
}

describe("listWorkers", () => {
  it("lists every Worker of the account with one GET /workers/scripts, camelCase", async () => {
    await deploy("alpha");
    await deploy("beta");
    takeCalls(emulator);
    const workers = await listWorkers();
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts"]);
    expect(workers.map((w) => w.scriptName)).toEqual(["alpha", "beta"]);
    expect(workers[0]).toMatchObject({ scriptName: "alpha", compatibilityDate: "2025-09-01", hasModules: true, handlers: ["fetch"] });
    expect(workers[0]!.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(workers[0]!).filter((k) => k.includes("_"))).toEqual([]);
  });

  it("sends tags as the API's filter: a bare tag must be present, tag:no must be absent", async () => {
    await deploy("alpha", { tags: ["payments", "prod"] });
    await deploy("beta", { tags: ["payments"] });
    await deploy("gamma");
    takeCalls(emulator);
    expect((await listWorkers({ tags: ["payments"] })).map((w) => w.scriptName)).toEqual(["alpha", "beta"]);
    expect((await listWorkers({ tags: ["payments", "prod:no"] })).map((w) => w.scriptName)).toEqual(["beta"]);
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts?tags=payments%3Ayes",
      "GET /workers/scripts?tags=payments%3Ayes%2Cprod%3Ano",
    ]);
  });

  it("refuses a tag holding a comma before any call, and reads a comma-separated string as several tags", async () => {
    await expect(listWorkers({ tags: ["a,b"] })).rejects.toThrow(`tags: "a,b": a tag cannot contain ','`);
    expect(takeCalls(emulator)).toEqual([]);
    expect(tagFilter("team:yes, env:no,plain")).toBe("team:yes,env:no,plain:yes");
    expect(tagFilter([])).toBeUndefined();
  });

  it("reads the named Workers of a dispatch namespace one GET each and leaves out those that do not exist", async () => {
    await createNamespace(client(), ACCOUNT, { name: "customers" });
    await deploy("acme", { at: { accountId: ACCOUNT, dispatchNamespace: "customers" } });
    takeCalls(emulator);
    const workers = await listWorkers({ dispatchNamespace: "customers", scriptNames: ["acme", "missing"] });
    expect(workers.map((w) => [w.scriptName, w.dispatchNamespace])).toEqual([["acme", "customers"]]);
    expect(workers[0]!.createdOn).toEqual(expect.any(String));
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/dispatch/namespaces/customers/scripts/acme",
      "GET /workers/dispatch/namespaces/customers/scripts/missing",
    ]);
  });

  it("says why a dispatch namespace needs scriptNames, without calling the API", async () => {
    await expect(listWorkers({ dispatchNamespace: "customers" })).rejects.toThrow(
      /scriptNames: required.*cannot list the Workers of a dispatch namespace/,
    );
    await expect(listWorkers({ scriptNames: ["a"] })).rejects.toThrow(/scriptNames: only with dispatchNamespace/);
    await expect(listWorkers({ dispatchNamespace: "Bad Name", scriptNames: ["a"] })).rejects.toThrow(/^dispatchNamespace: /);
    await expect(listWorkers({ accountId: "not-an-account" })).rejects.toThrow(/^accountId: an account id is 32/);
    expect(takeCalls(emulator)).toEqual([]);
  });
});

describe("searchWorkers", () => {
  it("reads every page of scripts-search (100 rows a page) and returns camelCase rows", async () => {
    for (let i = 0; i < 102; i++) await deploy(`svc-${String(i).padStart(3, "0")}`);
    await deploy("other");
    takeCalls(emulator);
    const rows = await searchWorkers({ name: "svc-", orderBy: "name" });
    expect(rows).toHaveLength(102);
    expect(rows[0]).toMatchObject({ scriptName: "svc-000", id: expect.any(String), environmentName: "production" });
    expect(rows[101]!.scriptName).toBe("svc-101");
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts-search?name=svc-&order_by=name&page=1&per_page=100",
      "GET /workers/scripts-search?name=svc-&order_by=name&page=2&per_page=100",
    ]);
  }, 60_000);

  it("refuses an unknown orderBy", async () => {
    await expect(searchWorkers({ orderBy: "size" as never })).rejects.toThrow("orderBy: one of created_on, modified_on, name");
    expect(takeCalls(emulator)).toEqual([]);
  });
});

describe("getWorkerSettings and getWorkerVersion", () => {
  it("returns the versioned configuration camelCase, secret bindings without a value", async () => {
    await deploy("alpha");
    await putSecret(client(), scope, "alpha", { name: "API_KEY", type: "secret_text", text: "never-returned-value" });
    takeCalls(emulator);
    const settings = await getWorkerSettings({ scriptName: "alpha" });
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/alpha/settings"]);
    expect(settings).toMatchObject({ compatibilityDate: "2025-09-01", compatibilityFlags: ["nodejs_compat"], usageModel: "standard" });
    expect(settings.bindings).toEqual(
      expect.arrayContaining([
        { type: "kv_namespace", name: "CACHE", namespaceId: "0123456789abcdef0123456789abcdef" },
        { type: "plain_text", name: "MODE", text: "production" },
        { type: "secret_text", name: "API_KEY" },
      ]),
    );
    expect(JSON.stringify(settings)).not.toContain("never-returned-value");
  });

  it("reads a Worker inside a dispatch namespace through the namespace's settings path", async () => {
    await createNamespace(client(), ACCOUNT, { name: "customers" });
    await deploy("acme", { at: { accountId: ACCOUNT, dispatchNamespace: "customers" } });
    takeCalls(emulator);
    const settings = await getWorkerSettings({ scriptName: "acme", dispatchNamespace: "customers" });
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/customers/scripts/acme/settings"]);
    expect(settings.bindings?.map((b) => b.name).sort()).toEqual(["CACHE", "MODE"]);
  });

  it("rejects with the API's not-found error for a Worker that does not exist", async () => {
    await expect(getWorkerSettings({ scriptName: "ghost" })).rejects.toMatchObject({ code: "CF_NOT_FOUND" });
  });

  it("returns one version's bindings, script and runtime camelCase (seed 001)", async () => {
    await deploy("alpha");
    await patchScriptSettings(client(), scope, "alpha", { logpush: true });
    const { items } = await listVersions(client(), scope, "alpha");
    const first = items.find((v) => v.number === 1)!;
    takeCalls(emulator);
    const version = await getWorkerVersion({ scriptName: "alpha", versionId: first.id! });
    expect(takeCalls(emulator)).toEqual([`GET /workers/scripts/alpha/versions/${first.id}`]);
    expect(version).toMatchObject({
      id: first.id,
      number: 1,
      resources: {
        scriptRuntime: { compatibilityDate: "2025-09-01", compatibilityFlags: ["nodejs_compat"], usageModel: "standard" },
        script: { handlers: ["fetch"], etag: expect.any(String) },
      },
    });
    expect(version.resources.bindings?.find((b) => b.name === "CACHE")).toEqual({
      type: "kv_namespace",
      name: "CACHE",
      namespaceId: "0123456789abcdef0123456789abcdef",
    });
    await expect(getWorkerVersion({ scriptName: "alpha", versionId: "" })).rejects.toThrow("versionId: required");
  });
});

describe("the sdk functions a stack program calls", () => {
  afterEach(() => pulumi.runtime.setConfig("cloudflare-workers:accountId", ""));

  it("call the provider implementations and return the same results", async () => {
    await deploy("alpha", { tags: ["edge"] });
    takeCalls(emulator);
    expect((await sdk.listWorkers({ tags: "edge" })).map((w) => w.scriptName)).toEqual(["alpha"]);
    expect((await sdk.searchWorkers({ name: "alp" })).map((r) => r.scriptName)).toEqual(["alpha"]);
    expect((await sdk.getWorkerSettings({ scriptName: "alpha" })).compatibilityDate).toBe("2025-09-01");
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts?tags=edge%3Ayes",
      "GET /workers/scripts-search?name=alp&page=1&per_page=100",
      "GET /workers/scripts/alpha/settings",
    ]);
  });

  it("take the account from the stack config cloudflare-workers:accountId before CLOUDFLARE_ACCOUNT_ID", async () => {
    const other = "fedcba9876543210fedcba9876543210";
    pulumi.runtime.setConfig("cloudflare-workers:accountId", other);
    await sdk.listWorkers();
    expect(emulator.requests.map((r) => r.path)).toEqual([`/accounts/${other}/workers/scripts`]);
  });
});
