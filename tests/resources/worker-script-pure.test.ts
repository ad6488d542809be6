/** WorkerScript's check, diff table and the pure builders, without a network. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toWire } from "../../provider/resources/case";
import type { DiffKeysOf } from "../../provider/resources/fields";
import { settingsPatch, uploadMetadata } from "../../provider/resources/worker-config";
import {
  liveOutputs,
  workerScriptProvider,
  WORKER_SCRIPT_DIFF,
  WORKER_SCRIPT_FIELDS,
  type WorkerScriptInputs,
  type WorkerScriptOutputs,
} from "../../provider/resources/worker-script";
import type { Script, ScriptSettings } from "../../provider/cloudflare/schemas";
import { EVERY_BINDING } from "../fixtures/bindings";
import { ACCOUNT } from "../support/account";

const base: WorkerScriptInputs = {
  accountId: ACCOUNT,
  scriptName: "api",
  content: "export default { fetch() { return new Response('ok') } }",
  compatibilityDate: "2025-01-01",
};

/** A Worker holding the modules that the blob and wasm bindings of EVERY_BINDING name as their part. */
const withParts: WorkerScriptInputs = {
  accountId: ACCOUNT,
  scriptName: "api",
  modules: {
    "index.js": { content: "export default { fetch() { return new Response('ok') } }" },
    "data.bin": { content: "data" },
    "blob.txt": { content: "blob" },
    "module.wasm": { content: "\u0000asm\u0001\u0000\u0000\u0000" },
  },
  mainModule: "index.js",
  compatibilityDate: "2025-01-01",
};

async function checked(inputs: WorkerScriptInputs) {
  const result = await workerScriptProvider.check({}, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

async function failures(inputs: Record<string, unknown>) {
  const result = await workerScriptProvider.check({}, inputs as WorkerScriptInputs);
  return result.failures ?? [];
}

/** What the API answers for settings after an upload of `inputs`: snake_case, reordered, secrets without values. */
function serverSettings(inputs: WorkerScriptInputs): ScriptSettings {
  const bindings = toWire<Record<string, unknown>[]>(inputs.bindings ?? [])
    .map((b) =>
      b.type === "secret_text"
        ? { type: b.type, name: b.name }
        : b.type === "secret_key"
          ? { type: b.type, name: b.name, format: b.format, algorithm: b.algorithm, usages: b.usages }
          : b,
    )
    .reverse();
  return {
    bindings: bindings as ScriptSettings["bindings"],
    compatibility_date: inputs.compatibilityDate ?? "2021-11-02",
    compatibility_flags: [...(inputs.compatibilityFlags ?? [])].reverse(),
    usage_model: "standard",
    logpush: false,
    tags: [],
    tail_consumers: [],
    placement: inputs.placement
      ? { ...toWire<Record<string, unknown>>(inputs.placement), status: "SUCCESS", last_analyzed_at: "2025-01-01T00:00:00Z" }
      : undefined,
    limits: inputs.limits ? toWire(inputs.limits) : undefined,
  };
}

const liveScript: Script = {
  id: "api",
  etag: "etag-1",
  handlers: ["fetch"],
  created_on: "2025-01-01T00:00:00Z",
  modified_on: "2025-01-01T00:00:00Z",
};

describe("WorkerScript check", () => {
  it("accepts every binding type and adds the content hash", async () => {
    const inputs = await checked({ ...withParts, bindings: EVERY_BINDING.map((b) => ({ ...b })) });
    expect(inputs.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [{ scriptName: "My_Worker" }, "scriptName", "a-z, 0-9"],
    [{ scriptName: "a".repeat(64) }, "scriptName", "at most 63"],
    [{ scriptName: "../etc" }, "scriptName", "a-z, 0-9"],
    [{ scriptName: "a/b" }, "scriptName", "a-z, 0-9"],
    [{ accountId: "not-an-account" }, "accountId", "32 lower-case hexadecimal"],
    [{ compatibilityDate: "2025-13-01" }, "compatibilityDate", "not a real calendar date"],
    [{ compatibilityDate: "01/01/2025" }, "compatibilityDate", "YYYY-MM-DD"],
    [{ compatibilityFlags: ["nodejs_compat", "bad flag"] }, "compatibilityFlags", "compatibilityFlags[1]"],
    [{ usageModel: "premium" }, "usageModel", "usageModel"],
    [{ limits: { cpuMs: -1 } }, "limits", "limits.cpuMs"],
    [{ cacheOptions: { enabled: "yes" } }, "cacheOptions", "cacheOptions.enabled: expected true or false"],
    [{ bindings: [{ type: "kv_namespace", name: "A" }] }, "bindings", "bindings[0].namespaceId"],
    [{ bindings: [{ type: "kv_namespce", name: "A", namespaceId: "x" }] }, "bindings", "unknown type; expected one of: ai"],
    [{ bindings: [{ type: "kv_namespace", name: "A", namespaceID: "x" }] }, "bindings", "unknown field namespaceID"],
    [
      {
        bindings: [
          { type: "plain_text", name: "A", text: "1" },
          { type: "plain_text", name: "A", text: "2" },
        ],
      },
      "bindings",
      'duplicate binding name "A"',
    ],
    [{ bindings: [{ type: "secret_text", name: "S" }] }, "bindings", "a secret_text binding needs text"],
    [{ bindings: [{ type: "inherit", name: "S" }] }, "bindings", "inherit bindings are managed by this provider"],
    [{ keepBindings: ["secret_txt"] }, "keepBindings", "keepBindings[0]"],
    [{ annotations: { workersTag: "x".repeat(26) } }, "annotations", "annotations.workersTag"],
    [{ placement: { mode: "smart", status: "SUCCESS" } }, "placement", "unknown field status"],
    [{ adopt: "yes" }, "adopt", "adopt"],
    [
      { bindings: [{ type: "wasm_module", name: "WASM", part: "module.wasm" }] },
      "bindings",
      'bindings[0].part "module.wasm": not a module of this Worker (the modules are "worker.js"); add the file to modules under that name, or name one of them',
    ],
    [{ bindings: [{ type: "text_blob", name: "T", part: "missing.txt" }] }, "bindings", 'bindings[0].part "missing.txt": not a module'],
    [{ bindings: [{ type: "data_blob", name: "D", part: "missing.bin" }] }, "bindings", 'bindings[0].part "missing.bin": not a module'],
    [{ scriptNme: "typo" }, "scriptNme", "not an input of WorkerScript"],
  ])("refuses %j, naming %s", async (change, property, reason) => {
    const found = await failures({ ...base, ...change });
    expect(found.map((f) => f.property)).toContain(property);
    expect(
      found
        .filter((f) => f.property === property)
        .map((f) => f.reason)
        .join("\n"),
    ).toContain(reason);
  });

  it("never echoes a secret binding's value in a failure", async () => {
    const found = await failures({ ...base, bindings: [{ type: "secret_text", name: "S", text: "TOPSECRET", extra: 1 }] });
    expect(found.length).toBeGreaterThan(0);
    expect(JSON.stringify(found)).not.toContain("TOPSECRET");
  });
});

/** A folder of static assets, for the row of assetsState. */
const assetsDir = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-diff-assets-"));
fs.writeFileSync(path.join(assetsDir, "index.html"), "<p>hi</p>");
afterAll(() => fs.rmSync(assetsDir, { recursive: true, force: true }));

/**
 * One row per field the diff compares, typed against the table: a field added to WORKER_SCRIPT_FIELDS (or to
 * worker-config.ts) without a row here does not compile.
 */
const CHANGES = {
  accountId: { change: { accountId: "f".repeat(32) }, replaces: true },
  dispatchNamespace: { change: { dispatchNamespace: "customers" }, replaces: true },
  scriptName: { change: { scriptName: "api-2" }, replaces: true },
  contentHash: { change: { content: "export default {}" }, replaces: false },
  bindings: { change: { bindings: [{ type: "plain_text", name: "A", text: "1" }] }, replaces: false },
  compatibilityDate: { change: { compatibilityDate: "2025-02-02" }, replaces: false },
  compatibilityFlags: { change: { compatibilityFlags: ["nodejs_compat"] }, replaces: false },
  placement: { change: { placement: { mode: "smart" } }, replaces: false },
  limits: { change: { limits: { cpuMs: 10 } }, replaces: false },
  usageModel: { change: { usageModel: "unbound" }, replaces: false },
  cacheOptions: { change: { cacheOptions: { enabled: true } }, replaces: false },
  migrations: { change: { migrations: { newTag: "v1", newClasses: ["Counter"] } }, replaces: false },
  annotations: { change: { annotations: { workersMessage: "hi" } }, replaces: false },
  keepBindings: { change: { keepBindings: [] }, replaces: false },
  adopt: { change: { adopt: true }, replaces: false },
  force: { change: { force: true }, replaces: false },
  trackVersion: { change: { trackVersion: true }, replaces: false },
  firstVersionOnly: { change: { firstVersionOnly: true }, replaces: false },
  assetsState: { change: { assets: { directory: assetsDir } }, replaces: false },
} satisfies Record<DiffKeysOf<typeof WORKER_SCRIPT_FIELDS>, { change: Partial<WorkerScriptInputs>; replaces: boolean }>;

describe("WorkerScript diff", () => {
  it("finds no change after a read of an unchanged Worker, for every binding type and normalised field", async () => {
    const inputs = await checked({
      ...withParts,
      bindings: EVERY_BINDING.map((b) => ({ ...b })),
      compatibilityFlags: ["nodejs_compat", "url_standard"],
      placement: { mode: "smart" },
      limits: { cpuMs: 50 },
    });
    const created: WorkerScriptOutputs = { ...inputs, etag: "etag-1" };
    const refreshed = liveOutputs(created, serverSettings(inputs), liveScript);
    expect(await workerScriptProvider.diff("id", refreshed, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("treats the API's defaults as equal to fields left unset", async () => {
    const inputs = await checked({ ...base, compatibilityDate: undefined });
    const refreshed = liveOutputs({ ...inputs, etag: "etag-1" }, serverSettings(inputs), liveScript);
    expect(await workerScriptProvider.diff("id", refreshed, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("ignores __provider and what the API measures", async () => {
    const inputs = await checked(base);
    const olds = { ...inputs, __provider: "old", etag: "e", handlers: ["fetch"], versionId: "v", versionNumber: 3, modifiedOn: "x" };
    expect(await workerScriptProvider.diff("id", olds, { ...inputs, __provider: "new" } as WorkerScriptInputs)).toEqual({
      changes: false,
      replaces: [],
    });
  });

  it.each(Object.entries(CHANGES))("shows a change of %s on that property", async (field, { change, replaces }) => {
    const olds = await checked(base);
    const news = await checked({ ...base, ...change });
    const diff = await workerScriptProvider.diff("id", olds, news);
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toEqual(replaces ? [field] : []);
    expect(Object.keys(WORKER_SCRIPT_DIFF)).toContain(field);
  });

  it("shows a change of the main module as a change of the code", async () => {
    const modules = { "a.js": { content: "1" }, "b.js": { content: "2" } };
    const olds = await checked({ ...base, content: undefined, modules, mainModule: "a.js" });
    const news = await checked({ ...base, content: undefined, modules, mainModule: "b.js" });
    expect(await workerScriptProvider.diff("id", olds, news)).toEqual({ changes: true, replaces: [] });
  });

  it("shows code changed outside Pulumi as a changed contentHash", async () => {
    const inputs = await checked(base);
    const refreshed = liveOutputs({ ...inputs, etag: "etag-1" }, serverSettings(inputs), { ...liveScript, etag: "etag-2" });
    expect(refreshed.contentHash).toBe("changed-outside-pulumi:etag-2");
    const diff = await workerScriptProvider.diff("id", refreshed, inputs);
    expect(diff).toEqual({ changes: true, replaces: [] });
  });

  it("shows a binding added outside Pulumi, and ignores secrets managed elsewhere", async () => {
    const inputs = await checked({ ...base, bindings: [{ type: "plain_text", name: "A", text: "1" }] });
    const live = serverSettings(inputs);
    live.bindings = [...live.bindings!, { type: "secret_text", name: "FROM_WORKERSECRET" }];
    expect(await workerScriptProvider.diff("id", liveOutputs({ ...inputs, etag: "etag-1" }, live, liveScript), inputs)).toEqual({
      changes: false,
      replaces: [],
    });
    live.bindings = [...live.bindings!, { type: "kv_namespace", name: "ADDED", namespace_id: "abc" }];
    const drifted = liveOutputs({ ...inputs, etag: "etag-1" }, live, liveScript);
    expect(drifted.bindings).toContainEqual({ type: "kv_namespace", name: "ADDED", namespaceId: "abc" });
    expect((await workerScriptProvider.diff("id", drifted, inputs)).changes).toBe(true);
  });
});

describe("WorkerScript request builders", () => {
  it("builds upload metadata with every configuration field in wire form", async () => {
    const inputs = await checked({
      ...base,
      bindings: [{ type: "kv_namespace", name: "CACHE", namespaceId: "0123456789abcdef0123456789abcdef" }],
      compatibilityFlags: ["nodejs_compat"],
      limits: { cpuMs: 50 },
      usageModel: "standard",
      cacheOptions: { enabled: true, crossVersionCache: false },
      annotations: { workersMessage: "first" },
    });
    expect(uploadMetadata(inputs, "worker.js")).toEqual({
      main_module: "worker.js",
      bindings: [{ type: "kv_namespace", name: "CACHE", namespace_id: "0123456789abcdef0123456789abcdef" }],
      compatibility_date: "2025-01-01",
      compatibility_flags: ["nodejs_compat"],
      keep_bindings: ["secret_text", "secret_key"],
      limits: { cpu_ms: 50 },
      usage_model: "standard",
      cache_options: { enabled: true, cross_version_cache: false },
      annotations: { "workers/message": "first" },
    });
  });

  it("patches only the changed fields, restoring API defaults for removed ones", async () => {
    const inputs = await checked({ ...base, compatibilityFlags: ["nodejs_compat"] });
    expect(settingsPatch(inputs, ["compatibilityFlags", "placement", "usageModel", "cacheOptions"])).toEqual({
      compatibility_flags: ["nodejs_compat"],
      placement: {},
      usage_model: "standard",
      cache_options: { enabled: false, cross_version_cache: false },
    });
  });

  it("keeps secrets it does not manage with inherit bindings when the bindings change", async () => {
    const inputs = await checked({ ...base, bindings: [{ type: "plain_text", name: "A", text: "1" }] });
    const live: ScriptSettings = {
      bindings: [
        { type: "secret_text", name: "TOKEN" },
        { type: "secret_key", name: "KEY", format: "raw", algorithm: {}, usages: ["sign"] },
        { type: "plain_text", name: "OLD", text: "x" },
      ],
    };
    expect(settingsPatch(inputs, ["bindings"], live).bindings).toEqual([
      { type: "plain_text", name: "A", text: "1" },
      { type: "inherit", name: "TOKEN" },
      { type: "inherit", name: "KEY" },
    ]);
    expect(settingsPatch({ ...inputs, keepBindings: [] }, ["bindings"], live).bindings).toEqual([
      { type: "plain_text", name: "A", text: "1" },
    ]);
  });
});
