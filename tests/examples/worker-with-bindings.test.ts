/**
 * Example 1 through Pulumi's own dynamic-provider host, as `pulumi up` / `refresh` / `destroy` run it:
 * the serialized providers, the engine's Check/Diff/Create/Update/Read/Delete, state kept between commands.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN, DEFAULT_ZONE } from "../../emulator";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const PROGRAM = path.join(__dirname, "../../examples/worker-with-bindings/index.ts");
const API_TOKEN = "first-api-token-value";
const ROTATED = "rotated-api-token-value";

const emulator = useEmulator({ keepState: true });
let engine: Engine;

function ops(report: StepReport): Record<string, string> {
  expect(report.programErrors).toEqual([]);
  for (const o of report.outcomes) expect(o.error ?? "").toBe("");
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.op]));
}

const ROUTES = `/zones/${DEFAULT_ZONE.id}/workers/routes`;

/** The calls since the last look, without the account prefix, a route's id shown as {id}; clears the log. */
function calls(): string[] {
  const out = emulator.requests.map(
    (r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "").replace(/(\/workers\/routes\/)[0-9a-f]{32}$/, "$1{id}")}`,
  );
  emulator.clearRequests();
  return out;
}

beforeAll(async () => {
  engine = await Engine.start({
    env: emulatorEnv(emulator),
  });
}, 60_000);

afterAll(async () => {
  await engine?.close();
});

describe("examples/worker-with-bindings through the engine", () => {
  const secretConfig = { apiToken: API_TOKEN };

  it("up creates every resource", async () => {
    const report = await engine.up(PROGRAM, { secretConfig });
    expect(ops(report)).toEqual({
      api: "create",
      "api-token": "create",
      "api-settings": "create",
      "api-subdomain": "create",
      "api-crons": "create",
      "api-route": "create",
    });
    const writes = calls().filter((c) => !c.startsWith("GET"));
    // The Worker first (the others depend on its scriptName output), then one write per resource.
    expect(writes[0]).toBe("PUT /workers/scripts/hello-api");
    expect(writes.slice(1).sort()).toEqual([
      "PATCH /workers/scripts/hello-api/script-settings",
      "POST /workers/scripts/hello-api/subdomain",
      `POST ${ROUTES}`,
      "PUT /workers/scripts/hello-api/schedules",
      "PUT /workers/scripts/hello-api/secrets",
    ]);
  }, 120_000);

  it("a second up with no change makes no API call", async () => {
    const report = await engine.up(PROGRAM, { secretConfig });
    expect(Object.values(ops(report))).toEqual(["same", "same", "same", "same", "same", "same"]);
    expect(calls()).toEqual([]);
  }, 120_000);

  it("a refresh of the unchanged stack changes no output (so preview --refresh --expect-no-changes passes)", async () => {
    const report = await engine.refresh();
    expect(report.ok).toBe(true);
    expect(report.outcomes.filter((o) => o.changedKeys?.length)).toEqual([]);
    // One account-wide listing answers every Worker's etag and script-level settings, one list per Worker its
    // secrets; the script reads its settings (bindings), the subdomain its own, and the account's workers.dev
    // subdomain once (its url).
    expect(calls().sort()).toEqual([
      "GET /workers/scripts",
      "GET /workers/scripts/hello-api/schedules",
      "GET /workers/scripts/hello-api/secrets",
      "GET /workers/scripts/hello-api/settings",
      "GET /workers/scripts/hello-api/subdomain",
      "GET /workers/subdomain",
      `GET ${ROUTES}/{id}`,
    ]);
  }, 120_000);

  it("a changed binding and a rotated secret update in place with one write each", async () => {
    const report = await engine.up(PROGRAM, { config: { greeting: "Bonjour" }, secretConfig: { apiToken: ROTATED } });
    expect(ops(report)).toMatchObject({ api: "update", "api-token": "update", "api-settings": "same", "api-subdomain": "same" });
    expect(report.outcomes.find((o) => o.name === "api")!.changedKeys).toEqual(["bindings"]);
    expect(calls().filter((c) => !c.startsWith("GET"))).toEqual([
      "PATCH /workers/scripts/hello-api/settings",
      "PUT /workers/scripts/hello-api/secrets",
    ]);
  }, 120_000);

  it("refresh catches a change made outside Pulumi, and the next up repairs it", async () => {
    // Someone turns logpush off and adds a flag in the dashboard.
    const headers = { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`, "content-type": "application/json" };
    await fetch(`${emulator.url}/accounts/${ACCOUNT}/workers/scripts/hello-api/script-settings`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ logpush: false }),
    });
    const refresh = await engine.refresh();
    const settings = refresh.outcomes.find((o) => o.name === "api-settings")!;
    expect(settings.changedKeys).toEqual(["logpush"]);
    const preview = await engine.preview(PROGRAM, { config: { greeting: "Bonjour" }, secretConfig: { apiToken: ROTATED } });
    expect(ops(preview)).toMatchObject({ "api-settings": "update", api: "same" });
    calls();
    const repair = await engine.up(PROGRAM, { config: { greeting: "Bonjour" }, secretConfig: { apiToken: ROTATED } });
    expect(ops(repair)).toMatchObject({ "api-settings": "update", api: "same", "api-token": "same" });
    expect(calls().filter((c) => !c.startsWith("GET"))).toEqual(["PATCH /workers/scripts/hello-api/script-settings"]);
  }, 120_000);

  it("keeps no API token or secret value in state outside secret outputs", () => {
    const text = engine.stateText();
    expect(text).not.toContain(DEFAULT_EMULATOR_TOKEN);
    expect(text).not.toContain(API_TOKEN);
    expect(text).not.toContain(ROTATED);
    const secret = [...engine.state.values()].find((r) => r.type.endsWith(":WorkerSecret"))!;
    expect(secret.secretOutputKeys).toContain("text");
  });

  it("destroy deletes everything in reverse dependency order", async () => {
    const report = await engine.destroy();
    const order = report.outcomes.map((o) => o.name);
    expect(report.outcomes.every((o) => o.op === "delete")).toBe(true);
    expect(order.sort()).toEqual(["api", "api-crons", "api-route", "api-settings", "api-subdomain", "api-token"]);
    const deleted = report.outcomes.map((o) => o.name);
    expect(deleted[deleted.length - 1]).toBe("api"); // everything else depends on the Worker
    expect(deleted.indexOf("api-subdomain")).toBeLessThan(deleted.indexOf("api-token")); // dependsOn
    const writes = calls().filter((c) => !c.startsWith("GET"));
    expect(writes[writes.length - 1]).toBe("DELETE /workers/scripts/hello-api");
    expect(writes.slice(0, -1).sort()).toEqual([
      "DELETE /workers/scripts/hello-api/secrets/API_TOKEN",
      "DELETE /workers/scripts/hello-api/subdomain",
      `DELETE ${ROUTES}/{id}`,
      "PATCH /workers/scripts/hello-api/script-settings",
      "PUT /workers/scripts/hello-api/schedules",
    ]);
    expect(engine.state.size).toBe(0);
  }, 120_000);
});
