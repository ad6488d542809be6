/**
 * WorkerScript updates as one deployed change each, migrations as a tagged history, and `firstVersionOnly`
 * beside WorkerVersion / WorkerDeployment: the calls on the wire and what the Worker holds after each step.
 */
import {
  getScriptSettings,
  getSettings,
  listScripts,
  listSecrets,
  listVersions,
  patchScriptSettings,
  putSecret,
  uploadScript,
} from "../../provider/cloudflare";
import { workerScriptProvider, type WorkerScriptInputs, type WorkerScriptOutputs } from "../../provider/resources/worker-script";
import { clearAssetHashCache } from "../../provider/resources/assets";
import { tempTree, type TempTree } from "../assets/fixtures";
import { ACCOUNT, client, newRun, scope, useEmulator, takeCalls } from "../support";

const emulator = useEmulator();

const code = (n: number) =>
  `export class Counter {}\nexport class Room {}\nexport class Tally {}\nexport default { async fetch() { return new Response('v${n}') } }`;

async function checked(inputs: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<WorkerScriptInputs> {
  const result = await workerScriptProvider.check(olds, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

/** One `pulumi up` of `inputs` over `outs` (create when there is none), in a fresh provider process. */
async function up(inputs: Record<string, unknown>, outs?: WorkerScriptOutputs): Promise<WorkerScriptOutputs> {
  newRun();
  const news = await checked(inputs, (outs ?? {}) as Record<string, unknown>);
  if (outs === undefined) return (await workerScriptProvider.create(news)).outs!;
  const diff = await workerScriptProvider.diff("id", outs, news);
  if (!diff.changes) return { ...outs, ...news };
  return (await workerScriptProvider.update("id", outs, news)).outs!;
}

async function deployedVersions(): Promise<number> {
  return (await listVersions(client(), scope, "api")).items.length;
}

async function liveTag(): Promise<string | undefined> {
  return (await listScripts(client(), ACCOUNT)).find((s) => s.id === "api")?.migration_tag ?? undefined;
}

const base = {
  accountId: ACCOUNT,
  scriptName: "api",
  content: code(1),
  compatibilityDate: "2025-01-01",
  bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }] as Record<string, unknown>[],
};

describe("one deployed change per update", () => {
  it("sends code + flags + a binding as one full upload that keeps logpush, tail consumers and secrets", async () => {
    const outs = await up(base);
    await patchScriptSettings(client(), scope, "api", { logpush: true, tail_consumers: [{ service: "logs" }] });
    await putSecret(client(), scope, "api", { name: "API_TOKEN", type: "secret_text", text: "t0ken" });
    const before = await deployedVersions();
    takeCalls(emulator);
    const changed = await up(
      {
        ...base,
        content: code(2),
        compatibilityFlags: ["nodejs_compat"],
        bindings: [...base.bindings!, { type: "plain_text", name: "MODE", text: "fast" }],
      },
      outs,
    );
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/script-settings", "PUT /workers/scripts/api"]);
    expect(await deployedVersions()).toBe(before + 1); // exactly one new version: never new code with old flags
    const settings = await getSettings(client(), scope, "api");
    expect(settings.compatibility_flags).toEqual(["nodejs_compat"]);
    expect(settings.bindings).toEqual(
      expect.arrayContaining([
        { type: "plain_text", name: "MODE", text: "fast" },
        { type: "secret_text", name: "API_TOKEN" },
      ]),
    );
    expect(await getScriptSettings(client(), scope, "api")).toMatchObject({ logpush: true, tail_consumers: [{ service: "logs" }] });
    expect((await listSecrets(client(), scope, "api")).map((s) => s.name)).toEqual(["API_TOKEN"]);
    expect(changed.versionId).toEqual(expect.any(String));
    // and it reads back with no diff
    newRun();
    const live = (await workerScriptProvider.read("id", changed)).props!;
    expect(
      await workerScriptProvider.diff(
        "id",
        live,
        await checked({
          ...base,
          content: code(2),
          compatibilityFlags: ["nodejs_compat"],
          bindings: [...base.bindings!, { type: "plain_text", name: "MODE", text: "fast" }],
        }),
      ),
    ).toMatchObject({ changes: false });
  });

  it("keeps a single PUT …/content for code and a single PATCH …/settings for configuration", async () => {
    const outs = await up(base);
    takeCalls(emulator);
    const coded = await up({ ...base, content: code(2) }, outs);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/api/content"]);
    await up({ ...base, content: code(2), compatibilityFlags: ["nodejs_compat"] }, coded);
    expect(takeCalls(emulator)).toEqual(["PATCH /workers/scripts/api/settings"]);
  });
});

describe("migrations as a tagged history", () => {
  const STEPS = [
    { tag: "v1", newClasses: ["Counter"] },
    { tag: "v2", newSqliteClasses: ["Room"] },
    { tag: "v3", renamedClasses: [{ from: "Counter", to: "Tally" }] },
  ];
  let tree: TempTree | undefined;
  afterEach(() => {
    tree?.cleanup();
    tree = undefined;
    clearAssetHashCache();
  });

  it.each([
    ["without static assets", false],
    ["with static assets (every code change is a full upload)", true],
  ])("applies each of three steps once, %s, and a later code change works", async (_label, withAssets) => {
    const assets = () => {
      tree ??= tempTree({ "index.html": "<h1>hi</h1>" });
      return { assets: { directory: tree.dir } };
    };
    const extra = withAssets ? assets() : {};
    const withBinding = { ...base, ...extra, bindings: [{ type: "durable_object_namespace", name: "COUNTER", className: "Counter" }] };
    let outs = await up({ ...withBinding, migrations: STEPS.slice(0, 1) });
    expect(await liveTag()).toBe("v1");
    outs = await up({ ...withBinding, migrations: STEPS.slice(0, 2) }, outs);
    expect(await liveTag()).toBe("v2");
    const tallied = {
      ...withBinding,
      bindings: [{ type: "durable_object_namespace", name: "COUNTER", className: "Tally" }],
      migrations: STEPS,
    };
    outs = await up(tallied, outs);
    expect(await liveTag()).toBe("v3");
    takeCalls(emulator);
    // A later code change: no step is sent again (the API would refuse a resend with 412 / 10079, so success says so).
    outs = await up({ ...tallied, content: code(9) }, outs);
    expect(takeCalls(emulator).filter((c) => !c.startsWith("GET"))).toEqual(
      withAssets ? ["POST /workers/scripts/api/assets-upload-session", "PUT /workers/scripts/api"] : ["PUT /workers/scripts/api/content"],
    );
    expect(await liveTag()).toBe("v3");
    newRun();
    const live = (await workerScriptProvider.read("id", outs)).props!;
    expect(await workerScriptProvider.diff("id", live, await checked({ ...tallied, content: code(9) }))).toMatchObject({ changes: false });
  });

  it("sends only the new steps, and stops with a clear error at a live tag the list does not have", async () => {
    await uploadScript(client(), scope, "api", {
      metadata: { main_module: "worker.js", migrations: { new_tag: "elsewhere", new_classes: ["Counter"] } },
      modules: [{ name: "worker.js", contentType: "application/javascript+module", content: Buffer.from(code(0)) }],
    });
    newRun();
    const inputs = await checked({ ...base, adopt: true, migrations: STEPS });
    await expect(workerScriptProvider.create(inputs)).rejects.toThrow(
      /the live Worker has migration tag "elsewhere", which is not in migrations \(tags "v1", "v2", "v3"\)/,
    );
    expect(await liveTag()).toBe("elsewhere");
  });

  it("shows a live tag that moved as drift of migrations, and the next update sends the missing steps", async () => {
    let outs = await up({ ...base, migrations: STEPS.slice(0, 2) });
    // Someone resets the Worker to v1 outside Pulumi (an old CI job).
    await uploadScript(client(), scope, "api", {
      metadata: { main_module: "worker.js", migrations: { old_tag: "v2", new_tag: "v1", steps: [] } },
      modules: [{ name: "worker.js", contentType: "application/javascript+module", content: Buffer.from(code(1)) }],
    });
    newRun();
    const live = (await workerScriptProvider.read("id", outs)).props!;
    expect(live.migrations).toEqual(STEPS.slice(0, 1));
    const news = await checked({ ...base, migrations: STEPS.slice(0, 2) });
    expect(await workerScriptProvider.diff("id", live, news)).toMatchObject({ changes: true });
    outs = (await workerScriptProvider.update("id", live, news)).outs!;
    expect(await liveTag()).toBe("v2");
  });

  it("keeps the old single-object form working", async () => {
    const old = { newTag: "v1", newClasses: ["Counter"] };
    const outs = await up({ ...base, migrations: old });
    expect(await liveTag()).toBe("v1");
    takeCalls(emulator);
    await up({ ...base, content: code(2), compatibilityFlags: ["nodejs_compat"], migrations: old }, outs);
    expect(takeCalls(emulator).filter((c) => !c.startsWith("GET"))).toEqual(["PUT /workers/scripts/api"]);
    expect(await liveTag()).toBe("v1");
  });
});

describe("firstVersionOnly", () => {
  it("creates the Worker, then neither writes nor reads back code and configuration as drift", async () => {
    const outs = await up({ ...base, firstVersionOnly: true });
    // Another version serves now (a WorkerDeployment's doing).
    await uploadScript(client(), scope, "api", {
      metadata: { main_module: "worker.js", compatibility_flags: ["nodejs_compat"], keep_bindings: ["secret_text"] },
      modules: [{ name: "worker.js", contentType: "application/javascript+module", content: Buffer.from(code(5)) }],
    });
    newRun();
    takeCalls(emulator);
    const live = (await workerScriptProvider.read("id", outs)).props!;
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts"]);
    expect(await workerScriptProvider.diff("id", live, await checked({ ...base, firstVersionOnly: true }))).toMatchObject({
      changes: false,
    });
    const changed = await checked({ ...base, content: code(2), firstVersionOnly: true });
    await expect(workerScriptProvider.update("id", live, changed)).rejects.toThrow(/firstVersionOnly.*new WorkerVersion/);
    expect(takeCalls(emulator)).toEqual([]);
  });
});
