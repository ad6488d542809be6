/**
 * WorkerVersion and WorkerDeployment against the emulator: the calls each step makes, what serves after it,
 * drift, and the errors a user meets (with what to do).
 */
import { getScriptContent, getVersion, listDeployments, putSecret } from "../../provider/cloudflare";
import {
  workerDeploymentProvider,
  type WorkerDeploymentInputs,
  type WorkerDeploymentOutputs,
} from "../../provider/resources/worker-deployment";
import { workerScriptProvider, type WorkerScriptInputs } from "../../provider/resources/worker-script";
import { workerSecretProvider } from "../../provider/resources/worker-secret";
import {
  workerVersionProvider,
  WORKER_VERSION_FIELDS,
  type WorkerVersionInputs,
  type WorkerVersionOutputs,
} from "../../provider/resources/worker-version";
import type { DiffKeysOf } from "../../provider/resources/fields";
import { ACCOUNT, client, newRun, scope, useEmulator, takeCalls } from "../support";

const emulator = useEmulator();

/** Version ids as the API gives them (UUIDs). */
const A = "0b5ad1c2-53e8-4c4e-9a4b-5d2e8a1c7f3e";
const B = "5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const C = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
/** What the Pulumi SDK passes to check for a value unknown at preview (`unknownValue` in @pulumi/pulumi/runtime/rpc). */
const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const code = (n: number) => `export default { async fetch() { return new Response('v${n}') } }`;

async function served(): Promise<string> {
  const live = await getScriptContent(client(), scope, "api");
  return new TextDecoder().decode(live.modules[0]!.content);
}

async function script(inputs: Partial<WorkerScriptInputs> = {}) {
  const checked = await workerScriptProvider.check(
    {},
    { accountId: ACCOUNT, scriptName: "api", content: code(1), compatibilityDate: "2025-01-01", ...inputs },
  );
  expect(checked.failures ?? []).toEqual([]);
  return (await workerScriptProvider.create(checked.inputs!)).outs!;
}

async function version(n: number, extra: Partial<WorkerVersionInputs> = {}): Promise<WorkerVersionOutputs> {
  const checked = await workerVersionProvider.check(
    {},
    { accountId: ACCOUNT, scriptName: "api", content: code(n), compatibilityDate: "2025-01-01", ...extra },
  );
  expect(checked.failures ?? []).toEqual([]);
  return (await workerVersionProvider.create(checked.inputs!)).outs!;
}

async function checkedDeployment(inputs: Partial<WorkerDeploymentInputs>): Promise<WorkerDeploymentInputs> {
  const result = await workerDeploymentProvider.check({}, { accountId: ACCOUNT, scriptName: "api", ...inputs });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

describe("WorkerVersion", () => {
  it("uploads a version that is not deployed, keeping the Worker's secrets, in one POST after a look at the newest version (and a GET of whether previews are on)", async () => {
    await script();
    await putSecret(client(), scope, "api", { name: "TOKEN", type: "secret_text", text: "t0ken" });
    takeCalls(emulator);
    const v = await version(2, {
      bindings: [{ type: "plain_text", name: "MODE", text: "canary" }],
      annotations: { workersMessage: "canary" },
    });
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts/api/versions?page=1&per_page=100",
      "POST /workers/scripts/api/versions",
      "GET /workers/scripts/api/subdomain",
    ]);
    expect(v).toMatchObject({ versionNumber: 3, versionId: expect.any(String), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await served()).toContain("v1");
    const live = await getVersion(client(), scope, "api", v.versionId!);
    expect(live.resources.bindings).toEqual(
      expect.arrayContaining([
        { type: "plain_text", name: "MODE", text: "canary" },
        { name: "TOKEN", type: "secret_text" },
      ]),
    );
    const detail = await workerVersionProvider.read(`x`, v);
    expect(detail.props).toMatchObject({ versionId: v.versionId, versionNumber: 3 });
  });

  it("refuses to create a Worker by accident, naming WorkerScript as the way", async () => {
    const checked = await workerVersionProvider.check({}, { accountId: ACCOUNT, scriptName: "nobody", content: code(1) });
    await expect(workerVersionProvider.create(checked.inputs!)).rejects.toThrow(
      /the Worker does not exist\. Create it with a WorkerScript/,
    );
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts"]);
  });

  it("checks like WorkerScript and refuses what belongs to WorkerScript, saying where it goes", async () => {
    const result = await workerVersionProvider.check({}, {
      accountId: ACCOUNT,
      scriptName: "api",
      content: code(1),
      compatibilityDate: "2025-13-01",
      migrations: [{ tag: "v1", newClasses: ["A"] }],
      bindingz: [],
    } as never);
    const byProperty = Object.fromEntries((result.failures ?? []).map((f) => [f.property, f.reason]));
    expect(byProperty.compatibilityDate).toContain("not a real calendar date");
    expect(byProperty.migrations).toContain("keep them on the WorkerScript");
    expect(byProperty.bindingz).toContain("not an input of WorkerVersion");
  });

  it("replaces on any change (a version is immutable) and forgets on delete without a call", async () => {
    await script();
    const v = await version(2);
    const changed = await workerVersionProvider.check(v, {
      accountId: ACCOUNT,
      scriptName: "api",
      content: code(3),
      compatibilityDate: "2025-01-01",
    });
    expect(await workerVersionProvider.diff("id", v, changed.inputs!)).toMatchObject({ changes: true, replaces: ["contentHash"] });
    const same = await workerVersionProvider.check(v, {
      accountId: ACCOUNT,
      scriptName: "api",
      content: code(2),
      compatibilityDate: "2025-01-01",
    });
    expect(await workerVersionProvider.diff("id", v, same.inputs!)).toMatchObject({ changes: false });
    takeCalls(emulator);
    await workerVersionProvider.delete();
    expect(takeCalls(emulator)).toEqual([]);
  });
});

/**
 * One row per field WorkerVersion's diff compares, typed against its table: a versioned input added to
 * worker-config.ts without a row here does not compile. Every change uploads a new version (replace).
 */
const VERSION_CHANGES = {
  accountId: { accountId: "f".repeat(32) },
  scriptName: { scriptName: "api-2" },
  contentHash: { content: code(9) },
  bindings: { bindings: [{ type: "plain_text", name: "MODE", text: "canary" }] },
  compatibilityDate: { compatibilityDate: "2025-02-02" },
  compatibilityFlags: { compatibilityFlags: ["nodejs_compat"] },
  placement: { placement: { mode: "smart" } },
  limits: { limits: { cpuMs: 10 } },
  usageModel: { usageModel: "unbound" },
  cacheOptions: { cacheOptions: { enabled: true } },
  annotations: { annotations: { workersMessage: "canary" } },
  keepBindings: { keepBindings: [] },
  previewAlias: { previewAlias: "feature-x" },
} satisfies Record<DiffKeysOf<typeof WORKER_VERSION_FIELDS>, Partial<WorkerVersionInputs>>;

describe("WorkerVersion diff", () => {
  const versionBase = { accountId: ACCOUNT, scriptName: "api", content: code(1), compatibilityDate: "2025-01-01" };
  const checkedVersion = async (inputs: Record<string, unknown>) => {
    const result = await workerVersionProvider.check({}, inputs);
    expect(result.failures ?? []).toEqual([]);
    return result.inputs!;
  };

  it.each(Object.entries(VERSION_CHANGES))("uploads a new version when %s changes", async (field, change) => {
    const olds = await checkedVersion(versionBase);
    const news = await checkedVersion({ ...versionBase, ...change });
    expect(await workerVersionProvider.diff("v", olds, news)).toMatchObject({ changes: true, replaces: [field] });
  });
});

describe("WorkerDeployment", () => {
  it("rolls out 10/90, then 100, then rolls back, one POST …/deployments each; delete leaves what serves", async () => {
    const first = await script();
    const v2 = await version(2);
    takeCalls(emulator);
    const split = await checkedDeployment({
      versions: [
        { versionId: v2.versionId!, percentage: 10 },
        { versionId: first.versionId!, percentage: 90 },
      ],
      message: "canary",
    });
    const created = await workerDeploymentProvider.create(split);
    expect(takeCalls(emulator)).toEqual(["POST /workers/scripts/api/deployments"]);
    expect(created.outs).toMatchObject({ deploymentId: expect.any(String), versions: split.versions });
    expect(await served()).toContain("v1"); // the larger share

    const full = await checkedDeployment({ versions: [{ versionId: v2.versionId!, percentage: 100 }] });
    expect(await workerDeploymentProvider.diff("id", created.outs!, full)).toMatchObject({ changes: true, replaces: [] });
    takeCalls(emulator);
    const updated = await workerDeploymentProvider.update("id", created.outs!, full);
    expect(takeCalls(emulator)).toEqual(["POST /workers/scripts/api/deployments"]);
    expect(await served()).toContain("v2");

    const back = await checkedDeployment({ versions: [{ versionId: first.versionId!, percentage: 100 }] });
    const rolledBack = await workerDeploymentProvider.update("id", updated.outs!, back);
    expect(await served()).toContain("v1");
    newRun();
    expect((await workerDeploymentProvider.read("id", rolledBack.outs!)).props).toEqual(rolledBack.outs);
    takeCalls(emulator);
    await workerDeploymentProvider.delete();
    expect(takeCalls(emulator)).toEqual([]);
    expect(await served()).toContain("v1");
    expect((await listDeployments(client(), scope, "api")).map((d) => d.versions?.length)).toEqual([1, 1, 2, 1]);
  });

  it("shows a deployment made outside Pulumi as drift of versions, and a secret rotated on top of ours as none", async () => {
    const first = await script();
    const v2 = await version(2);
    const ours = (
      await workerDeploymentProvider.create(await checkedDeployment({ versions: [{ versionId: v2.versionId!, percentage: 100 }] }))
    ).outs!;
    await putSecret(client(), scope, "api", { name: "TOKEN", type: "secret_text", text: "rotated" });
    newRun();
    expect((await workerDeploymentProvider.read("id", ours)).props).toEqual(ours);
    // Someone rolls back by hand.
    await workerDeploymentProvider.create(
      await checkedDeployment({ versions: [{ versionId: first.versionId!, percentage: 100 }], force: true }),
    );
    const drifted = (await workerDeploymentProvider.read("id", ours)).props as WorkerDeploymentOutputs;
    expect(drifted.versions).toEqual([{ versionId: first.versionId, percentage: 100 }]);
    expect(await workerDeploymentProvider.diff("id", drifted, await checkedDeployment({ versions: ours.versions! }))).toMatchObject({
      changes: true,
    });
  });

  it("explains a rollback over changed secrets, and deploys it with force", async () => {
    await script();
    await putSecret(client(), scope, "api", { name: "TOKEN", type: "secret_text", text: "one" });
    const v3 = await version(3);
    await workerDeploymentProvider.create(await checkedDeployment({ versions: [{ versionId: v3.versionId!, percentage: 100 }] }));
    await putSecret(client(), scope, "api", { name: "TOKEN", type: "secret_text", text: "two" });
    // v3 was uploaded with TOKEN=one; the latest version (serving) has TOKEN=two.
    const back = await checkedDeployment({ versions: [{ versionId: v3.versionId!, percentage: 100 }] });
    await expect(workerDeploymentProvider.create(back)).rejects.toThrow(/secrets changed since it was uploaded .*TOKEN.*set force: true/);
    const forced = await workerDeploymentProvider.create({ ...back, force: true });
    expect(forced.outs).toMatchObject({ force: true, deploymentId: expect.any(String) });
  });

  it.each([
    [
      "percentages that do not add up to 100",
      [
        { versionId: A, percentage: 10 },
        { versionId: B, percentage: 80 },
      ],
      "add up to 90; they must add up to 100",
    ],
    [
      "three versions",
      [
        { versionId: A, percentage: 50 },
        { versionId: B, percentage: 25 },
        { versionId: C, percentage: 25 },
      ],
      "at most two versions",
    ],
    [
      "a version named twice",
      [
        { versionId: A, percentage: 50 },
        { versionId: A, percentage: 50 },
      ],
      "named twice",
    ],
    ["a percentage over 100", [{ versionId: A, percentage: 110 }], "0 to 100"],
    ["no version", [], "give one version at 100"],
    ["a versionId that is a word", [{ versionId: "latest", percentage: 100 }], 'versions[0].versionId: "latest" is not a version id'],
    ["a versionId that is a version number", [{ versionId: "3", percentage: 100 }], 'versions[0].versionId: "3" is not a version id'],
    ["a versionId that is a UUID cut short", [{ versionId: A.slice(0, 35), percentage: 100 }], "is not a version id (a UUID"],
  ])("check refuses %s, naming versions, with no request", async (_label, versions, reason) => {
    takeCalls(emulator);
    const result = await workerDeploymentProvider.check({}, { accountId: ACCOUNT, scriptName: "api", versions });
    expect(result.failures?.map((f) => f.property)).toContain("versions");
    expect(result.failures?.map((f) => f.reason).join("\n")).toContain(reason);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("check takes a version id with or without dashes, and Pulumi's placeholder for a value unknown at preview", async () => {
    for (const versionId of [A, A.replaceAll("-", ""), A.toUpperCase(), PULUMI_UNKNOWN]) {
      const result = await workerDeploymentProvider.check(
        {},
        { accountId: ACCOUNT, scriptName: "api", versions: [{ versionId, percentage: 100 }] },
      );
      expect(result.failures ?? []).toEqual([]);
    }
  });
});

describe("WorkerSecret during a rollout", () => {
  it("never ends in a raw 10215: names the deployed versions with their shares, the latest, and what to do; converges after promotion", async () => {
    await script();
    const secret = { accountId: ACCOUNT, scriptName: "api", name: "TOKEN", text: "one" };
    const created = (await workerSecretProvider.create((await workerSecretProvider.check({}, secret)).inputs!)).outs!;
    // Both versions uploaded after the secret, so both carry it (a version copies the latest version's secrets).
    const stable = await version(1);
    const canary = await version(2);
    const split = await workerDeploymentProvider.create(
      await checkedDeployment({
        versions: [
          { versionId: canary.versionId!, percentage: 10 },
          { versionId: stable.versionId!, percentage: 90 },
        ],
      }),
    );
    takeCalls(emulator);
    const rotated = (await workerSecretProvider.check(created, { ...secret, text: "two-secret-value" })).inputs!;
    const attempt = workerSecretProvider.update("id", created, rotated);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `^Secret "TOKEN" of Worker "api" in account \\w+ cannot be changed now: .*\\(deployed: version 4 \\(${canary.versionId}\\) at 10% and version 3 \\(${stable.versionId}\\) at 90%; latest: version 4 \\(${canary.versionId}\\)\\).*code 10215.*Deploy the latest version at 100%`,
      ),
    );
    await expect(attempt).rejects.not.toThrow(/two-secret-value/);
    expect(takeCalls(emulator)).toEqual([
      "PUT /workers/scripts/api/secrets",
      "GET /workers/scripts/api/deployments",
      "GET /workers/scripts/api/versions?page=1&per_page=10",
    ]);
    await workerDeploymentProvider.update(
      "id",
      split.outs!,
      await checkedDeployment({ versions: [{ versionId: canary.versionId!, percentage: 100 }] }),
    );
    takeCalls(emulator);
    await workerSecretProvider.update("id", created, rotated);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/api/secrets"]);
  });
});
