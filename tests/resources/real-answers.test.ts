/**
 * Every resource lifecycle against an emulator answering as the real API does (observability nulls, server-
 * filled DO namespace ids, tail_consumers null, versions lists with null errors/messages, 204 content, routes a
 * dispatch namespace lacks answering 404/7003), plus answers injected from recordings: nothing fails, nothing
 * diffs after a refresh, and nothing calls a route the namespace scope lacks.
 */
import { z } from "zod";
import { createNamespace, getSettings, uploadScript, type Scope } from "../../provider/cloudflare";
import { workerScriptProvider, type WorkerScriptInputs, type WorkerScriptOutputs } from "../../provider/resources/worker-script";
import { workerScriptSettingsProvider, type WorkerScriptSettingsInputs } from "../../provider/resources/worker-script-settings";
import { workerSubdomainProvider } from "../../provider/resources/worker-subdomain";
import { collectAccount } from "../../cli/import/collect";
import { tempTree, type TempTree } from "../assets/fixtures";
import { ACCOUNT, client, newRun, scope, useEmulator, takeCalls } from "../support";

const emulator = useEmulator();

const CODE = "export default { async fetch() { return new Response('ok') } }";
const CODE_V2 = "export default { async fetch() { return new Response('v2') } }";
const encoder = new TextEncoder();
/** Paths the API does not route under a dispatch namespace script. */
const ABSENT_IN_NAMESPACE = /\/dispatch\/namespaces\/[^/]+\/scripts\/[^/]+\/(script-settings|usage-model|versions|deployments)\b/;

async function checkedScript(inputs: WorkerScriptInputs): Promise<WorkerScriptInputs> {
  const result = await workerScriptProvider.check({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

/** create → refresh (no diff) → update → refresh (no diff) → delete, each step's answers real-shaped. */
async function scriptLifecycle(inputs: WorkerScriptInputs, change: Partial<WorkerScriptInputs>): Promise<void> {
  const checked = await checkedScript(inputs);
  const { id, outs } = await workerScriptProvider.create(checked);
  newRun();
  const read = await workerScriptProvider.read(id, outs!);
  expect(read.id).toBe(id);
  expect(await workerScriptProvider.diff(id, read.props!, checked)).toEqual({ changes: false, replaces: [] });
  const news = await checkedScript({ ...inputs, ...change });
  expect((await workerScriptProvider.diff(id, read.props!, news)).changes).toBe(true);
  const { outs: updated } = await workerScriptProvider.update(id, read.props!, news);
  newRun();
  const reread = await workerScriptProvider.read(id, updated as WorkerScriptOutputs);
  expect(await workerScriptProvider.diff(id, reread.props!, news)).toEqual({ changes: false, replaces: [] });
  await workerScriptProvider.delete(id, reread.props as WorkerScriptOutputs);
}

async function otherWorkerWithObservability(): Promise<void> {
  // As wrangler leaves a Worker: observability on; the API answers it with nulls in every listing.
  await uploadScript(client(), scope, "wrangler-made", {
    metadata: { main_module: "index.js", observability: { enabled: true, logs: { enabled: true, invocation_logs: true } } },
    modules: [{ name: "index.js", contentType: "application/javascript+module", content: encoder.encode(CODE) }],
  });
  takeCalls(emulator);
}

describe("WorkerScript with real-shaped answers", () => {
  const base: WorkerScriptInputs = { accountId: ACCOUNT, scriptName: "api", content: CODE, compatibilityDate: "2025-01-01" };

  it("goes through its lifecycle while another Worker of the account has observability nulls, and with trackVersion", async () => {
    await otherWorkerWithObservability();
    await scriptLifecycle({ ...base, trackVersion: true }, { content: CODE_V2 });
  });

  it("keeps the program's form of a durable_object_namespace binding whose namespace_id the server fills in", async () => {
    const inputs = {
      ...base,
      bindings: [{ type: "durable_object_namespace", name: "COUNTER", className: "Counter", scriptName: "counter-host" }],
    };
    const checked = await checkedScript(inputs);
    const { id, outs } = await workerScriptProvider.create(checked);
    const live = await getSettings(client(), scope, "api");
    expect(live.bindings?.[0]).toMatchObject({ namespace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    newRun();
    const read = await workerScriptProvider.read(id, outs!);
    expect(read.props!.bindings).toEqual(inputs.bindings);
    expect(await workerScriptProvider.diff(id, read.props!, checked)).toEqual({ changes: false, replaces: [] });
    await scriptLifecycle({ ...inputs, scriptName: "api-2" }, { compatibilityFlags: ["nodejs_compat"] });
  });

  it("declares, refreshes and updates a binding of a type this package does not know, marked opaque", async () => {
    const opaque = { type: "some_future_binding", name: "FUTURE", setting: 1, opaque: true };
    const checked = await checkedScript({ ...base, bindings: [opaque] });
    await workerScriptProvider.create(checked);
    expect((await getSettings(client(), scope, "api")).bindings).toEqual([{ type: "some_future_binding", name: "FUTURE", setting: 1 }]);
    emulator.reset();
    newRun();
    await scriptLifecycle({ ...base, bindings: [opaque] }, { bindings: [{ ...opaque, setting: 2 }] });
  });

  it("adopts a Worker carrying an unknown binding, declared opaque, without a write", async () => {
    await uploadScript(client(), scope, "api", {
      metadata: {
        main_module: "worker.js",
        compatibility_date: "2025-01-01",
        bindings: [{ type: "some_future_binding", name: "FUTURE", setting: 1 }],
      },
      modules: [{ name: "worker.js", contentType: "application/javascript+module", content: encoder.encode(CODE) }],
    });
    takeCalls(emulator);
    const checked = await checkedScript({
      ...base,
      adopt: true,
      bindings: [{ type: "some_future_binding", name: "FUTURE", setting: 1, opaque: true }],
    });
    await workerScriptProvider.create(checked);
    expect(takeCalls(emulator).filter((c) => !c.startsWith("GET"))).toEqual([]);
  });

  it("refuses an unknown binding type that is not marked opaque, naming the property", async () => {
    const result = await workerScriptProvider.check({}, { ...base, bindings: [{ type: "some_future_binding", name: "F" }] });
    expect(result.failures?.[0]?.property).toBe("bindings");
  });

  it("reads an account listing with unknown fields and one odd row without failing", async () => {
    await otherWorkerWithObservability();
    const checked = await checkedScript(base);
    const { id, outs } = await workerScriptProvider.create(checked);
    newRun();
    const etag = outs!.etag;
    emulator.injectFault({
      method: "GET",
      path: /^\/accounts\/[^/]+\/workers\/scripts$/,
      status: 200,
      body: {
        success: true,
        errors: null,
        messages: null,
        result: [
          { id: "odd", etag: 5, handlers: "fetch" },
          { id: "api", etag, brand_new: { x: 1 }, observability: { enabled: true, head_sampling_rate: null, logs: null, traces: null } },
        ],
      },
      times: 1,
    });
    const read = await workerScriptProvider.read(id, outs!);
    expect(await workerScriptProvider.diff(id, read.props!, checked)).toEqual({ changes: false, replaces: [] });
  });

  it("does not overwrite a Worker created outside Pulumi after this run listed the account", async () => {
    // This run reads the listing (a refresh of another Worker), then someone creates "api".
    await otherWorkerWithObservability();
    const other = await workerScriptProvider.create(await checkedScript({ ...base, scriptName: "listed-first" }));
    newRun();
    await workerScriptProvider.read(other.id, other.outs!);
    await uploadScript(client(), scope, "api", {
      metadata: { main_module: "index.js" },
      modules: [
        {
          name: "index.js",
          contentType: "application/javascript+module",
          content: encoder.encode("export default { fetch() { return new Response('theirs') } }"),
        },
      ],
    });
    takeCalls(emulator);
    await expect(workerScriptProvider.create(await checkedScript(base))).rejects.toThrow(/already exists.*adopt: true/);
    expect(takeCalls(emulator).filter((c) => c.startsWith("PUT") || c.startsWith("PATCH"))).toEqual([]);
  });

  it("refuses annotations for a Worker in a dispatch namespace, naming dispatchNamespace", async () => {
    const result = await workerScriptProvider.check({}, { ...base, dispatchNamespace: "customers", annotations: { workersMessage: "x" } });
    expect(result.failures).toEqual([
      expect.objectContaining({ property: "annotations", reason: expect.stringContaining("dispatchNamespace") }),
    ]);
  });
});

describe("WorkerScriptSettings with observability nulls", () => {
  const settings: WorkerScriptSettingsInputs = {
    accountId: ACCOUNT,
    scriptName: "api",
    observability: { enabled: true, logs: { enabled: true, invocationLogs: true } },
    logpush: true,
  };

  it("creates, refreshes without a diff, updates and deletes on the account", async () => {
    await otherWorkerWithObservability();
    await workerScriptProvider.create(await checkedScript({ accountId: ACCOUNT, scriptName: "api", content: CODE }));
    const checked = (await workerScriptSettingsProvider.check({}, settings)).inputs!;
    const { id, outs } = await workerScriptSettingsProvider.create(checked);
    const read = await workerScriptSettingsProvider.read(id, outs!);
    expect(await workerScriptSettingsProvider.diff(id, read.props!, checked)).toEqual({ changes: false, replaces: [] });
    const news = { ...checked, observability: { enabled: true, headSamplingRate: 0.5 } };
    await workerScriptSettingsProvider.update(id, read.props!, news);
    const reread = await workerScriptSettingsProvider.read(id, news);
    expect(await workerScriptSettingsProvider.diff(id, reread.props!, news)).toEqual({ changes: false, replaces: [] });
    await workerScriptSettingsProvider.delete(id, news);
  });
});

describe("Workers for Platforms: only the routes the namespace scope has", () => {
  const ns: Scope = { accountId: ACCOUNT, dispatchNamespace: "customers" };
  let tree: TempTree;
  beforeEach(async () => {
    await createNamespace(client(), ACCOUNT, { name: "customers" });
    tree = tempTree({ "index.html": "<h1>hi</h1>", "about.html": "about" });
  });
  afterEach(() => tree.cleanup());

  it("the emulator answers 404/7003 for a namespace route the API lacks", async () => {
    await uploadScript(client(), ns, "t", {
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: encoder.encode(CODE) }],
    });
    const error = await client()
      .request({
        method: "GET",
        path: `/accounts/${ACCOUNT}/workers/dispatch/namespaces/customers/scripts/t/script-settings`,
        schema: z.unknown(),
      })
      .catch((e: unknown) => e as { status: number; codes: number[] });
    expect(error).toMatchObject({ status: 404, codes: [7003] });
  });

  it("WorkerScriptSettings in a namespace: create, refresh, update, delete through …/settings and …/tags", async () => {
    await uploadScript(client(), ns, "t", {
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: encoder.encode(CODE) }],
    });
    takeCalls(emulator);
    const inputs: WorkerScriptSettingsInputs = {
      accountId: ACCOUNT,
      dispatchNamespace: "customers",
      scriptName: "t",
      logpush: true,
      tags: ["tenant:1"],
      tailConsumers: [{ service: "sink" }],
      observability: { enabled: true },
    };
    const checked = (await workerScriptSettingsProvider.check({}, inputs)).inputs!;
    const { id, outs } = await workerScriptSettingsProvider.create(checked);
    const read = await workerScriptSettingsProvider.read(id, outs!);
    expect(read.props).toMatchObject({
      logpush: true,
      tags: ["tenant:1"],
      tailConsumers: [{ service: "sink" }],
      observability: { enabled: true },
    });
    expect(await workerScriptSettingsProvider.diff(id, read.props!, checked)).toEqual({ changes: false, replaces: [] });
    const news = { ...checked, tags: ["tenant:2"], logpush: false };
    await workerScriptSettingsProvider.update(id, read.props!, news);
    const reread = await workerScriptSettingsProvider.read(id, news);
    expect(reread.props).toMatchObject({ logpush: false, tags: ["tenant:2"] });
    await workerScriptSettingsProvider.delete(id, news);
    const calls = emulator.requests;
    expect(calls.filter((r) => ABSENT_IN_NAMESPACE.test(r.path))).toEqual([]);
    expect(calls.filter((r) => r.status >= 400)).toEqual([]);
    expect(takeCalls(emulator)).toEqual(
      expect.arrayContaining([
        "PUT /workers/dispatch/namespaces/customers/scripts/t/tags",
        "PATCH /workers/dispatch/namespaces/customers/scripts/t/settings",
      ]),
    );
  });

  it("a namespaced Worker with assets: create, refresh, redeploy, delete without a route the namespace lacks", async () => {
    const inputs: WorkerScriptInputs = {
      accountId: ACCOUNT,
      dispatchNamespace: "customers",
      scriptName: "site",
      content: CODE,
      compatibilityDate: "2025-01-01",
      assets: { directory: tree.dir },
    };
    const checked = await checkedScript(inputs);
    const { id, outs } = await workerScriptProvider.create(checked);
    newRun();
    const read = await workerScriptProvider.read(id, outs!);
    expect(await workerScriptProvider.diff(id, read.props!, checked)).toEqual({ changes: false, replaces: [] });
    tree.write("about.html", "about, changed");
    const news = await workerScriptProvider.check(checked, { ...inputs, content: CODE_V2 });
    expect(news.failures ?? []).toEqual([]);
    expect(news.inputs!.assetsChanges).toMatch(/^files changed \(/);
    expect(emulator.requests.filter((r) => ABSENT_IN_NAMESPACE.test(r.path))).toEqual([]);
    takeCalls(emulator);
    const { outs: updated } = await workerScriptProvider.update(id, read.props!, news.inputs!);
    // Assets travel only in a full upload; its script-level settings are read from the namespace's …/settings.
    expect(takeCalls(emulator)).toEqual(
      expect.arrayContaining([
        "GET /workers/dispatch/namespaces/customers/scripts/site/settings",
        "PUT /workers/dispatch/namespaces/customers/scripts/site",
      ]),
    );
    newRun();
    await workerScriptProvider.read(id, updated as WorkerScriptOutputs);
    await workerScriptProvider.delete(id, updated as WorkerScriptOutputs);
    expect(emulator.requests.filter((r) => ABSENT_IN_NAMESPACE.test(r.path))).toEqual([]);
    expect(emulator.requests.filter((r) => r.status >= 400 && r.status !== 404)).toEqual([]);
  });
});

describe("the subdomain and the import with real-shaped answers", () => {
  it("WorkerSubdomain sends previews_enabled: false when the program leaves it unset", async () => {
    await workerScriptProvider.create(await checkedScript({ accountId: ACCOUNT, scriptName: "api", content: CODE }));
    const inputs = (await workerSubdomainProvider.check({}, { accountId: ACCOUNT, scriptName: "api", enabled: true })).inputs!;
    const { id, outs } = await workerSubdomainProvider.create(inputs);
    const read = await workerSubdomainProvider.read(id, outs!);
    expect(read.props).toMatchObject({ enabled: true });
    expect(read.props!.previewsEnabled).toBeUndefined();
    expect(await workerSubdomainProvider.diff(id, read.props!, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("imports an account whose Worker has no secrets (10007 on the list) and another with observability nulls", async () => {
    await otherWorkerWithObservability();
    emulator.injectFault({
      method: "GET",
      path: /\/secrets$/,
      status: 404,
      body: {
        success: false,
        errors: [{ code: 10007, message: "This Worker does not exist on your account." }],
        messages: null,
        result: null,
      },
      times: 1,
    });
    const account = await collectAccount(client(), { accountId: ACCOUNT });
    expect(account.workers.map((w) => w.secrets)).toEqual([[]]);
    expect(account.workers[0]!.scriptSettings?.observability).toEqual({ enabled: true, logs: { enabled: true, invocationLogs: true } });
  });
});
