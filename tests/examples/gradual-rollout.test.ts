/**
 * examples/gradual-rollout through Pulumi's own dynamic-provider host: a canary at 10% beside the stable
 * version, promoted to 100%, rolled back; a secret rotated during the rollout stops with an explanation and
 * converges once the latest version serves everything. Asserts the writes of each step and what serves.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareClient, listDeployments, listSecrets, type Scope } from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const scope: Scope = { accountId: ACCOUNT };
const PROGRAM = path.join(__dirname, "../../examples/gradual-rollout/index.ts");

const emulator = useEmulator({ keepState: true });
let client: CloudflareClient;
let engine: Engine;

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
  engine = await Engine.start({
    env: emulatorEnv(emulator),
  });
}, 60_000);
afterAll(async () => {
  await engine?.close();
});

function ops(report: StepReport): string[] {
  expect(report.programErrors).toEqual([]);
  expect(report.outcomes.filter((o) => o.error || o.failures?.length)).toEqual([]);
  return report.outcomes.map((o) => `${o.name}:${o.op}`);
}

function writes(): string[] {
  const out = emulator.requests
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}/workers/scripts/rollout-api`, "")}`);
  emulator.clearRequests();
  return out;
}

/** What serves: the text each version answers, by share. */
async function serving(): Promise<string[]> {
  const [latest] = await listDeployments(client, scope, "rollout-api");
  const out: string[] = [];
  for (const v of latest!.versions ?? []) {
    const raw = await client.requestRaw({
      method: "GET",
      path: `/accounts/${ACCOUNT}/workers/scripts/rollout-api/content/v2`,
      query: { version: v.version_id },
    });
    out.push(`${/"(v\d)/.exec(Buffer.from(raw.body).toString())![1]}:${v.percentage}`);
  }
  emulator.clearRequests();
  return out;
}

const run = (canaryPercent: number, token = "t0ken-one") =>
  engine.up(PROGRAM, { config: { canaryPercent: String(canaryPercent) }, secretConfig: { token } });

describe("examples/gradual-rollout through the engine", () => {
  it("rolls out 10/90, promotes to 100, rolls back, with one deployment per step", async () => {
    expect(ops(await run(10))).toEqual(["api:create", "token:create", "stable:create", "canary:create", "traffic:create"]);
    expect(writes()).toEqual(["PUT ", "PUT /secrets", "POST /versions", "POST /versions", "POST /deployments"]);
    expect(await serving()).toEqual(["v2:10", "v1:90"]);

    expect(ops(await run(10))).toEqual(["api:same", "token:same", "stable:same", "canary:same", "traffic:same"]);
    expect(writes()).toEqual([]);

    expect(ops(await run(100))).toEqual(["api:same", "token:same", "stable:same", "canary:same", "traffic:update"]);
    expect(writes()).toEqual(["POST /deployments"]);
    expect(await serving()).toEqual(["v2:100"]);

    expect(ops(await run(0))).toEqual(["api:same", "token:same", "stable:same", "canary:same", "traffic:update"]);
    expect(writes()).toEqual(["POST /deployments"]);
    expect(await serving()).toEqual(["v1:100"]);
  });

  it("stops a secret rotation during a rollout with the versions named, and converges once the latest serves 100%", async () => {
    expect(ops(await run(10))).toContain("traffic:update"); // after the first test: back to 10% canary
    emulator.clearRequests();
    const during = await run(10, "t0ken-two");
    const failed = during.outcomes.find((o) => o.name === "token");
    expect(failed?.error).toMatch(
      /Secret "TOKEN" of Worker "rollout-api" in account \w+ cannot be changed now: .*deployed: version \d+ \(.+\) at 10% and version \d+ \(.+\) at 90%; latest: version \d+/,
    );
    expect(failed?.error).toContain("Deploy the latest version at 100%");
    expect(failed?.error).not.toContain("t0ken-two");
    expect(writes()).toEqual(["PUT /secrets"]); // refused by the API (10215), nothing changed
    expect(await serving()).toEqual(["v2:10", "v1:90"]);

    // Promote first (the old value still in the program), then rotate: one PUT, and the deployment stays ours.
    expect(ops(await run(100))).toContain("traffic:update");
    emulator.clearRequests();
    expect(ops(await run(100, "t0ken-two"))).toEqual(["api:same", "token:update", "stable:same", "canary:same", "traffic:same"]);
    expect(writes()).toEqual(["PUT /secrets"]);
    expect((await listSecrets(client, scope, "rollout-api")).map((s) => s.name)).toEqual(["TOKEN"]);
    const refreshed = await engine.refresh();
    expect(refreshed.outcomes.filter((o) => o.op !== "read" || (o.changedKeys ?? []).length > 0)).toEqual([]);
  });
});
