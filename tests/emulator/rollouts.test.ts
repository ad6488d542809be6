/**
 * What gradual deployments need from the emulator, as the real API does it: versions that are not deployed,
 * deployments of one or two versions by percentage, the edits refused while the latest version is not
 * deployed (10214 settings, 10215 secrets), rollbacks over changed secrets (10220 unless force), and
 * migration tag preconditions (412 / 10079). Evidence for each: emulator/README.md.
 */
import { deploy, settingsForm, TestApi, uploadForm, WORKER_JS } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const codeV = (n: number) => [{ name: "index.js", content: `${WORKER_JS}// v${n}\n` }];

async function uploadVersion(name: string, n: number, metadata: Record<string, unknown> = {}): Promise<string> {
  const res = await api.call("POST", `/workers/scripts/${name}/versions`, {
    form: uploadForm({ compatibility_date: "2025-01-01", ...metadata }, codeV(n)),
  });
  if (res.status !== 200) throw new Error(`version upload failed: ${res.raw.toString()}`);
  return res.json.result.id as string;
}

async function deployVersions(name: string, versions: [string, number][], query = "") {
  return api.call("POST", `/workers/scripts/${name}/deployments${query}`, {
    json: { strategy: "percentage", versions: versions.map(([version_id, percentage]) => ({ version_id, percentage })) },
  });
}

async function latestId(name: string): Promise<string> {
  return (await api.call("GET", `/workers/scripts/${name}/versions`)).json.result.items[0].id;
}

describe("deployments by percentage", () => {
  it("splits traffic between two versions; the larger share is what settings and content show", async () => {
    await deploy(api, "r", {}, codeV(1));
    const v1 = await latestId("r");
    const v2 = await uploadVersion("r", 2);
    const split = await deployVersions("r", [
      [v2, 10],
      [v1, 90],
    ]);
    expect(split.status).toBe(200);
    // The recorded answer: the new deployment's id only; the list has the rest, annotated as an explicit deployment.
    expect(split.json.result).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [latest] = (await api.call("GET", "/workers/scripts/r/deployments")).json.result.deployments;
    expect(latest).toMatchObject({
      id: split.json.result.id,
      versions: [
        { version_id: v2, percentage: 10 },
        { version_id: v1, percentage: 90 },
      ],
      annotations: { "workers/triggered_by": "deployment" },
    });
    expect((await api.call("GET", "/workers/scripts/r/content/v2")).raw.toString()).toContain("// v1");
    expect((await api.call("GET", `/workers/scripts/r/content/v2?version=${v2}`)).raw.toString()).toContain("// v2");
    const full = await deployVersions("r", [[v2, 100]]);
    expect(full.status).toBe(200);
    expect((await api.call("GET", "/workers/scripts/r/content/v2")).raw.toString()).toContain("// v2");
    const list = (await api.call("GET", "/workers/scripts/r/deployments")).json.result.deployments;
    expect(list.map((d: { versions: unknown[] }) => d.versions.length)).toEqual([1, 2, 1]);
  });

  it("refuses three versions, a total other than 100, a version named twice and an unknown version", async () => {
    await deploy(api, "r", {}, codeV(1));
    const v1 = await latestId("r");
    const v2 = await uploadVersion("r", 2);
    const v3 = await uploadVersion("r", 3);
    const three = await deployVersions("r", [
      [v1, 40],
      [v2, 30],
      [v3, 30],
    ]);
    expect([three.status, three.json.errors[0].code]).toEqual([400, 10021]);
    const total = await deployVersions("r", [
      [v1, 40],
      [v2, 50],
    ]);
    expect([total.status, total.json.errors[0].code]).toEqual([400, 10021]);
    const twice = await deployVersions("r", [
      [v1, 50],
      [v1, 50],
    ]);
    expect([twice.status, twice.json.errors[0].code]).toEqual([400, 10021]);
    const unknown = await deployVersions("r", [["00000000-0000-0000-0000-000000000000", 100]]);
    expect([unknown.status, unknown.json.errors[0].code]).toEqual([404, 100146]);
  });

  it("refuses a rollback to a version whose secrets changed since (10220, naming them) unless force=true", async () => {
    await deploy(api, "r", {}, codeV(1));
    await api.call("PUT", "/workers/scripts/r/secrets", { json: { name: "TOKEN", text: "one", type: "secret_text" } });
    const withOne = await latestId("r");
    await api.call("PUT", "/workers/scripts/r/secrets", { json: { name: "TOKEN", text: "two", type: "secret_text" } });
    const back = await deployVersions("r", [[withOne, 100]]);
    expect([back.status, back.json.errors[0].code]).toEqual([400, 10220]);
    expect(back.json.errors[0].message).toContain("The following secrets have changed: TOKEN");
    expect(back.raw.toString()).not.toContain("one");
    expect((await deployVersions("r", [[withOne, 100]], "?force=true")).status).toBe(200);
  });
});

describe("edits while the latest version is not deployed", () => {
  it("refuses secret edits (10215) and settings PATCHes (10214), accepts script-level settings, and allows both again once the latest is deployed", async () => {
    await deploy(api, "r", {}, codeV(1));
    const v2 = await uploadVersion("r", 2);
    const secret = await api.call("PUT", "/workers/scripts/r/secrets", { json: { name: "S", text: "x", type: "secret_text" } });
    expect([secret.status, secret.json.errors[0].code]).toEqual([400, 10215]);
    const patch = await api.call("PATCH", "/workers/scripts/r/settings", {
      form: settingsForm({ compatibility_flags: ["nodejs_compat"] }),
    });
    expect([patch.status, patch.json.errors[0].code]).toEqual([400, 10214]);
    expect((await api.call("PATCH", "/workers/scripts/r/script-settings", { json: { logpush: true } })).status).toBe(200);
    await deployVersions("r", [[v2, 100]]);
    expect((await api.call("PUT", "/workers/scripts/r/secrets", { json: { name: "S", text: "x", type: "secret_text" } })).status).toBe(200);
    expect(
      (await api.call("PATCH", "/workers/scripts/r/settings", { form: settingsForm({ compatibility_flags: ["nodejs_compat"] }) })).status,
    ).toBe(200);
  });

  it("resolves keep_bindings and inherit against the latest version, deployed or not", async () => {
    await deploy(api, "r", {}, codeV(1));
    await uploadVersion("r", 2, {
      bindings: [
        { type: "secret_text", name: "ONLY_IN_V2", text: "v2-secret" },
        { type: "plain_text", name: "P", text: "p2" },
      ],
    });
    const v3 = await uploadVersion("r", 3, { keep_bindings: ["secret_text"], bindings: [{ type: "inherit", name: "P" }] });
    const detail = await api.call("GET", `/workers/scripts/r/versions/${v3}`);
    expect(detail.json.result.resources.bindings).toEqual(
      expect.arrayContaining([
        { type: "plain_text", name: "P", text: "p2" },
        { name: "ONLY_IN_V2", type: "secret_text" },
      ]),
    );
  });

  it("keeps logpush and tail consumers when a version is uploaded (version uploads do not carry script-level settings)", async () => {
    await deploy(api, "r", { logpush: true, tail_consumers: [{ service: "sink" }] }, codeV(1));
    const v2 = await uploadVersion("r", 2, { logpush: false });
    await deployVersions("r", [[v2, 100]]);
    expect((await api.call("GET", "/workers/scripts/r/script-settings")).json.result).toMatchObject({
      logpush: true,
      tail_consumers: [{ service: "sink" }],
    });
  });
});

describe("migration tags", () => {
  it("applies a steps list from old_tag to new_tag and shows the tag in the listing", async () => {
    await deploy(api, "m", { migrations: { new_tag: "v1", steps: [{ new_classes: ["A"] }] } });
    const two = await api.call("PUT", "/workers/scripts/m", {
      form: uploadForm({
        migrations: { old_tag: "v1", new_tag: "v3", steps: [{ new_sqlite_classes: ["B"] }, { renamed_classes: [{ from: "A", to: "C" }] }] },
      }),
    });
    expect(two.status).toBe(200);
    const listed = (await api.call("GET", "/workers/scripts")).json.result.find((s: { id: string }) => s.id === "m");
    expect(listed.migration_tag).toBe("v3");
  });

  it("refuses (412, 10079) an old_tag that is not the Worker's tag, and a migration without old_tag once the Worker has one", async () => {
    await deploy(api, "m", { migrations: { new_tag: "v1", new_classes: ["A"] } });
    const wrong = await api.call("PUT", "/workers/scripts/m", {
      form: uploadForm({ migrations: { old_tag: "v0", new_tag: "v2", new_classes: ["B"] } }),
    });
    expect([wrong.status, wrong.json.errors[0].code]).toEqual([412, 10079]);
    expect(wrong.json.errors[0].message).toBe(
      "Actor migration tag precondition failed, got tag 'v0' when expected tag is 'v1'. Please make sure the tags match and try again.",
    );
    const again = await api.call("PUT", "/workers/scripts/m", { form: uploadForm({ migrations: { new_tag: "v1", new_classes: ["A"] } }) });
    expect([again.status, again.json.errors[0].code]).toEqual([412, 10079]);
    expect(again.json.errors[0].message).toBe("Migration tag precondition failed; current tag is v1");
    const patch = await api.call("PATCH", "/workers/scripts/m/settings", {
      form: settingsForm({ migrations: { old_tag: "v9", new_tag: "v10", steps: [] } }),
    });
    expect([patch.status, patch.json.errors[0].code]).toEqual([412, 10079]);
    const patched = await api.call("PATCH", "/workers/scripts/m/settings", {
      form: settingsForm({ migrations: { old_tag: "v1", new_tag: "v2", steps: [{ new_classes: ["B"] }] } }),
    });
    expect(patched.status).toBe(200);
    const listed = (await api.call("GET", "/workers/scripts")).json.result.find((s: { id: string }) => s.id === "m");
    expect(listed.migration_tag).toBe("v2");
    // An upload without migrations keeps the tag.
    expect((await api.call("PUT", "/workers/scripts/m", { form: uploadForm({}) })).json.result.migration_tag).toBe("v2");
  });
});
