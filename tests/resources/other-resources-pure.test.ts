/** Check and diff of WorkerSecret, WorkerScriptSettings and WorkerSubdomain, without a network. */
import { workerSecretProvider, type SecretKeyInput, type WorkerSecretInputs } from "../../provider/resources/worker-secret";
import {
  liveScriptSettings,
  scriptSettingsPatch,
  workerScriptSettingsProvider,
  type WorkerScriptSettingsInputs,
} from "../../provider/resources/worker-script-settings";
import { workerSubdomainProvider, type WorkerSubdomainInputs } from "../../provider/resources/worker-subdomain";
import { ACCOUNT } from "../support/account";

const VALUE = "correct-horse-battery-staple";

describe("WorkerSecret check and diff", () => {
  const base: WorkerSecretInputs = { accountId: ACCOUNT, scriptName: "api", name: "API_TOKEN", text: VALUE };

  it.each([
    [{ name: "../x" }, "name"],
    [{ name: "a/b" }, "name"],
    [{ name: "BAD\r\nHEADER" }, "name"],
    [{ name: "" }, "name"],
    [{ scriptName: "API" }, "scriptName"],
    [{ text: undefined }, "text"],
    [{ secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: ["sign"], keyBase64: "AA==" } }, "text"],
    [{ text: "x".repeat(5 * 1024 + 1) }, "text"],
    [{ text: undefined, secretKey: { format: "jwk", algorithm: { name: "HMAC" }, usages: ["sign"] } }, "secretKey"],
    [{ text: undefined, secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: ["fly"], keyBase64: "AA==" } }, "secretKey"],
    [{ value: "x" }, "value"],
  ])("refuses %j, naming %s", async (change, property) => {
    const result = await workerSecretProvider.check({}, { ...base, ...change } as WorkerSecretInputs);
    expect(result.failures?.map((f) => f.property)).toContain(property);
    expect(JSON.stringify(result.failures)).not.toContain(VALUE);
  });

  it("replaces on a new name or Worker and updates in place on a new value", async () => {
    expect(await workerSecretProvider.diff("id", base, base)).toEqual({ changes: false, replaces: [] });
    expect(await workerSecretProvider.diff("id", base, { ...base, text: "rotated" })).toEqual({ changes: true, replaces: [] });
    expect(await workerSecretProvider.diff("id", base, { ...base, name: "OTHER" })).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await workerSecretProvider.diff("id", base, { ...base, scriptName: "web" })).toMatchObject({
      changes: true,
      replaces: ["scriptName"],
    });
    const key: SecretKeyInput = { format: "raw", algorithm: { name: "HMAC", hash: "SHA-256" }, usages: ["sign"], keyBase64: "AA==" };
    expect(await workerSecretProvider.diff("id", base, { ...base, text: undefined, secretKey: key })).toEqual({
      changes: true,
      replaces: [],
    });
  });
});

describe("WorkerScriptSettings check, diff and builders", () => {
  const base: WorkerScriptSettingsInputs = { accountId: ACCOUNT, scriptName: "api", logpush: true, tags: ["b", "a"] };

  it.each([
    [{ logpush: "yes" }, "logpush"],
    [{ tags: ["has,comma"] }, "tags"],
    [{ tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }, "tags"],
    [{ tailConsumers: [{ service: "" }] }, "tailConsumers"],
    [{ tailConsumers: [{ servce: "x" }] }, "tailConsumers"],
    [{ observability: { enabled: true, headSamplingRate: 2 } }, "observability"],
    [{ logpush: undefined, tags: undefined }, "logpush"],
  ])("refuses %j, naming %s", async (change, property) => {
    const result = await workerScriptSettingsProvider.check({}, { ...base, ...change } as WorkerScriptSettingsInputs);
    expect(result.failures?.map((f) => f.property)).toContain(property);
  });

  it("compares tags and tail consumers as sets and ignores fields it does not manage", async () => {
    const refreshed = liveScriptSettings(base, {
      logpush: true,
      tags: ["a", "b"],
      tail_consumers: [{ service: "x" }],
      observability: { enabled: true },
    });
    expect(refreshed).toEqual({ ...base, tags: ["a", "b"] });
    expect(await workerScriptSettingsProvider.diff("id", refreshed, base)).toEqual({ changes: false, replaces: [] });
  });

  it("patches a removed field back to the API default", () => {
    expect(scriptSettingsPatch({ ...base, tags: undefined }, ["tags", "logpush"])).toEqual({ tags: [], logpush: true });
    expect(scriptSettingsPatch({ tailConsumers: [{ service: "logs", environment: "production" }] }, ["tailConsumers"])).toEqual({
      tail_consumers: [{ service: "logs", environment: "production" }],
    });
  });
});

describe("WorkerSubdomain check and diff", () => {
  const base: WorkerSubdomainInputs = { accountId: ACCOUNT, scriptName: "api", enabled: true };

  it("refuses a missing enabled and a dispatch namespace", async () => {
    const result = await workerSubdomainProvider.check({}, { ...base, enabled: undefined, dispatchNamespace: "ns" });
    expect(result.failures?.map((f) => f.property).sort()).toEqual(["dispatchNamespace", "enabled"]);
  });

  it("takes previewsEnabled left unset as off: preview URLs turned on outside Pulumi show as a change", async () => {
    expect(await workerSubdomainProvider.diff("id", { ...base, previewsEnabled: true }, base)).toEqual({ changes: true, replaces: [] });
    expect(await workerSubdomainProvider.diff("id", { ...base, previewsEnabled: false }, base)).toEqual({ changes: false, replaces: [] });
    expect(await workerSubdomainProvider.diff("id", { ...base, previewsEnabled: true }, { ...base, previewsEnabled: false })).toEqual({
      changes: true,
      replaces: [],
    });
    expect(await workerSubdomainProvider.diff("id", base, { ...base, enabled: false })).toEqual({ changes: true, replaces: [] });
  });
});
