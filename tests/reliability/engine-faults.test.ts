/**
 * Faults through whole `pulumi up` / `refresh` / `destroy` runs of examples/worker-with-bindings, driven by
 * Pulumi's own dynamic-provider host. Each run ends in success or in a clear error, and afterwards Pulumi's
 * state and the emulator agree: nothing lost, nothing half-applied in silence, no orphan.
 */
import * as path from "node:path";
import { DEFAULT_ZONE } from "../../emulator";
import { Engine, type StepReport } from "../engine/harness";
import { emulatorEnv, useEmulator } from "../support";
import { disagreements } from "./engine-consistency";
import { fault, secretsBusy, takeCalls } from "./helpers";

const PROGRAM = path.join(__dirname, "../../examples/worker-with-bindings/index.ts");
const secretConfig = { apiToken: "engine-faults-secret-value" };

const emulator = useEmulator();
let engine: Engine;
const figures = { runs: 0, faultsServed: 0 };

afterAll(() => {
  console.log(`engine-faults figures: ${JSON.stringify(figures)}`);
});
beforeEach(async () => {
  engine = await Engine.start({ env: emulatorEnv(emulator) });
}, 60_000);
afterEach(async () => {
  await engine?.close();
});

function ops(report: StepReport): Record<string, string> {
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.error ? `${o.op} failed` : o.op]));
}

function served(): number {
  const n = emulator.requests.filter((r) => r.status === 0 || r.status === 429 || r.status >= 500).length;
  figures.faultsServed += n;
  return n;
}

async function up(): Promise<StepReport> {
  figures.runs++;
  return engine.up(PROGRAM, { secretConfig });
}

describe("pulumi up, refresh and destroy through faults", () => {
  it("an up through a 429 storm (Retry-After: 1) on every kind of write succeeds, and a second up changes nothing", async () => {
    for (const method of ["PUT", "PATCH", "POST"]) emulator.injectFault(fault("429 Retry-After 1", /./, method === "PUT" ? 3 : 1, method));
    const report = await up();
    expect(report.programErrors).toEqual([]);
    expect(ops(report)).toEqual({
      api: "create",
      "api-token": "create",
      "api-settings": "create",
      "api-subdomain": "create",
      "api-crons": "create",
      "api-route": "create",
    });
    expect(served()).toBe(5);
    expect(await disagreements(engine, emulator)).toEqual([]);
    emulator.clearRequests();
    const again = await up();
    expect(Object.values(ops(again))).toEqual(["same", "same", "same", "same", "same", "same"]);
    expect(takeCalls(emulator)).toEqual([]);
  }, 90_000);

  it("an up through HTML 500/502/503 pages, connection resets, a transient 10013 and lost answers succeeds with nothing duplicated", async () => {
    // The create's existence check (a fresh GET …/settings, not the account listing) meets the 502.
    emulator.injectFault(fault("502 HTML", /\/workers\/scripts\/hello-api\/settings$/, 1, "GET"));
    emulator.injectFault(fault("response lost (applied, then reset)", /\/workers\/scripts\/hello-api$/, 1, "PUT"));
    emulator.injectFault(fault("503 HTML", /\/workers\/scripts\/hello-api$/, 1, "PUT"));
    emulator.injectFault(fault("10013 transient", /\/secrets$/, 1, "PUT"));
    emulator.injectFault(fault("connection reset", /\/script-settings$/, 1, "PATCH"));
    emulator.injectFault(fault("response lost (applied, then 502)", /\/subdomain$/, 1, "POST"));
    const report = await up();
    expect(report.ok).toBe(true);
    expect(ops(report)).toEqual({
      api: "create",
      "api-token": "create",
      "api-settings": "create",
      "api-subdomain": "create",
      "api-crons": "create",
      "api-route": "create",
    });
    expect(served()).toBe(6);
    const writes = takeCalls(emulator).filter((c) => !c.startsWith("GET"));
    // Each write was repeated exactly as often as it failed: one Worker, one secret, one settings write, one subdomain
    // (and, unfaulted, the cron triggers and the route).
    expect(writes.sort()).toEqual([
      "PATCH /workers/scripts/hello-api/script-settings",
      "PATCH /workers/scripts/hello-api/script-settings (dropped)",
      "POST /workers/scripts/hello-api/subdomain",
      "POST /workers/scripts/hello-api/subdomain (502)",
      `POST /zones/${DEFAULT_ZONE.id}/workers/routes`,
      "PUT /workers/scripts/hello-api",
      "PUT /workers/scripts/hello-api (503)",
      "PUT /workers/scripts/hello-api (dropped)",
      "PUT /workers/scripts/hello-api/schedules",
      "PUT /workers/scripts/hello-api/secrets",
      "PUT /workers/scripts/hello-api/secrets (500)",
    ]);
    expect(await disagreements(engine, emulator)).toEqual([]);
  }, 90_000);

  it("a secrets PUT answered 429 'too many requests modifying the script' is waited out within the up", async () => {
    emulator.injectFault(secretsBusy(2, "1"));
    const report = await up();
    expect(report.ok).toBe(true);
    expect(takeCalls(emulator).filter((c) => c.includes("/secrets") && c.startsWith("PUT"))).toEqual([
      "PUT /workers/scripts/hello-api/secrets (429)",
      "PUT /workers/scripts/hello-api/secrets (429)",
      "PUT /workers/scripts/hello-api/secrets",
    ]);
    figures.faultsServed += 2;
    expect(await disagreements(engine, emulator)).toEqual([]);
  }, 90_000);

  it("an up interrupted half-way (the 2nd resource fails for good) reports a clear error, keeps what was done, and the next up completes", async () => {
    emulator.injectFault(fault("503 HTML", /\/secrets$/, 5, "PUT")); // exactly the client's five attempts
    const broken = await up();
    expect(broken.ok).toBe(false);
    const token = broken.outcomes.find((o) => o.name === "api-token")!;
    expect(token.op).toBe("create");
    expect(token.error).toMatch(/PUT .*\/workers\/scripts\/hello-api\/secrets failed \(HTTP 503/);
    expect(token.error).not.toMatch(/<html|<!DOCTYPE/i);
    expect(token.error).not.toContain(secretConfig.apiToken);
    expect(broken.outcomes.find((o) => o.name === "api")).toMatchObject({ op: "create" });
    expect(broken.outcomes.find((o) => o.name === "api")!.error).toBeUndefined();
    // The Worker is in state and in the emulator. The secret's PUT got no answer it could trust (a 5xx may have
    // been applied), so it is kept in state without its value; the subdomain (which depends on the secret) never
    // ran; the settings, independent of the secret, may have been created meanwhile.
    const kept = [...engine.state.values()]
      .filter((r) => r.custom)
      .map((r) => r.name)
      .sort();
    expect(kept[0]).toBe("api");
    expect(kept).toContain("api-token");
    expect([...engine.state.values()].find((r) => r.name === "api-token")!.outputs.text).toBeUndefined();
    expect(kept).not.toContain("api-subdomain");
    expect(await disagreements(engine, emulator)).toEqual([]);
    served();
    emulator.clearRequests();

    const resumed = await up();
    expect(resumed.ok).toBe(true);
    const settingsDone = kept.includes("api-settings");
    const cronsDone = kept.includes("api-crons");
    const routeDone = kept.includes("api-route");
    expect(ops(resumed)).toEqual({
      api: "same",
      "api-token": "update",
      "api-settings": settingsDone ? "same" : "create",
      "api-subdomain": "create",
      "api-crons": cronsDone ? "same" : "create",
      "api-route": routeDone ? "same" : "create",
    });
    expect(
      takeCalls(emulator)
        .filter((c) => !c.startsWith("GET"))
        .sort(),
    ).toEqual([
      ...(settingsDone ? [] : ["PATCH /workers/scripts/hello-api/script-settings"]),
      "POST /workers/scripts/hello-api/subdomain",
      ...(routeDone ? [] : [`POST /zones/${DEFAULT_ZONE.id}/workers/routes`]),
      ...(cronsDone ? [] : ["PUT /workers/scripts/hello-api/schedules"]),
      "PUT /workers/scripts/hello-api/secrets",
    ]);
    expect(await disagreements(engine, emulator)).toEqual([]);
  }, 90_000);

  it("a refresh under a 503 storm reports errors and drops nothing from state; destroy through lost answers still removes everything", async () => {
    expect((await up()).ok).toBe(true);
    emulator.injectFault(fault("503 HTML", /\/settings$/, 5, "GET")); // exactly the client's five attempts
    const refresh = await engine.refresh();
    expect(refresh.ok).toBe(false);
    expect(refresh.outcomes.find((o) => o.name === "api")!.error).toMatch(/503/);
    expect(refresh.outcomes.filter((o) => o.op === "gone")).toEqual([]);
    expect([...engine.state.values()].filter((r) => r.custom)).toHaveLength(6);
    expect(await disagreements(engine, emulator)).toEqual([]);
    served();
    emulator.clearRequests();
    emulator.injectFault(fault("response lost (applied, then reset)", /\/secrets\/API_TOKEN$/, 1, "DELETE"));
    emulator.injectFault(fault("response lost (applied, then 502)", /\/workers\/scripts\/hello-api$/, 1, "DELETE"));
    const destroy = await engine.destroy();
    expect(destroy.ok).toBe(true);
    expect(engine.state.size).toBe(0);
    expect(await disagreements(engine, emulator)).toEqual([]);
    served();
  }, 120_000);
});

describe("an up whose Worker upload answers were all lost", () => {
  /** `pulumi up` whose Worker upload is applied every time but never acknowledged (all five attempts). */
  async function upWithEveryUploadAnswerLost(): Promise<void> {
    emulator.injectFault(fault("response lost (applied, then reset)", /\/workers\/scripts\/hello-api$/, 5, "PUT"));
    const report = await engine.up(PROGRAM, { secretConfig });
    expect(report.ok).toBe(false);
    expect(report.outcomes.find((o) => o.name === "api")!.error).toMatch(/PUT .*\/workers\/scripts\/hello-api/);
  }

  // Without recognising its own upload, the next up stopped at the Worker with "already exists … set adopt:
  // true", leaving an orphan.
  it("the next up converges: no orphan, every resource created", async () => {
    await upWithEveryUploadAnswerLost();
    const next = await engine.up(PROGRAM, { secretConfig });
    expect(next.ok).toBe(true);
    expect(await disagreements(engine, emulator)).toEqual([]);
  }, 90_000);
});
