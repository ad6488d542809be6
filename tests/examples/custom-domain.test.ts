/**
 * examples/custom-domain through Pulumi's own dynamic-provider host: a Worker with a custom domain, a zone
 * route and a cron trigger, through up, a no-op up, refresh, a change made in the dashboard, repair, destroy.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN, DEFAULT_ZONE } from "../../emulator";
import { CloudflareClient, getSchedules, listDomains, listRoutes, putSchedules } from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const PROGRAM = path.join(__dirname, "../../examples/custom-domain/index.ts");
const ROUTES = `/zones/${DEFAULT_ZONE.id}/workers/routes`;

const emulator = useEmulator({ keepState: true });
let engine: Engine;
let client: CloudflareClient;

function ops(report: StepReport): Record<string, string> {
  expect(report.programErrors).toEqual([]);
  for (const o of report.outcomes) expect(o.error ?? "").toBe("");
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.op]));
}

function calls(): string[] {
  const out = emulator.requests.map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out;
}

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
  engine = await Engine.start({
    env: emulatorEnv(emulator),
  });
}, 60_000);

afterAll(async () => {
  await engine?.close();
});

describe("examples/custom-domain through the engine", () => {
  it("up creates the Worker, then its custom domain, route and cron trigger with one write each", async () => {
    const report = await engine.up(PROGRAM);
    expect(ops(report)).toEqual({ site: "create", "site-www": "create", "site-legacy": "create", "site-nightly": "create" });
    const writes = calls().filter((c) => !c.startsWith("GET"));
    expect(writes[0]).toBe("PUT /workers/scripts/site");
    expect(writes.slice(1).sort()).toEqual(["POST " + ROUTES, "PUT /workers/domains", "PUT /workers/scripts/site/schedules"]);
    expect(await listDomains(client, ACCOUNT)).toEqual([
      expect.objectContaining({ hostname: "www.example.com", service: "site", zone_name: "example.com" }),
    ]);
    expect(await listRoutes(client, DEFAULT_ZONE.id)).toEqual([
      expect.objectContaining({ pattern: "example.com/legacy/*", script: "site" }),
    ]);
    expect((await getSchedules(client, ACCOUNT, "site")).schedules.map((s) => s.cron)).toEqual(["0 3 * * *"]);
    const www = [...engine.state.values()].find((r) => r.name === "site-www")!;
    expect(www.outputs).toMatchObject({
      hostname: "www.example.com",
      zoneName: "example.com",
      domainId: expect.stringMatching(/^[0-9a-f]{32}$/),
      certId: expect.any(String),
    });
    emulator.clearRequests();
  }, 120_000);

  it("a second up makes no API call, and a refresh changes nothing", async () => {
    expect(Object.values(ops(await engine.up(PROGRAM))).every((op) => op === "same")).toBe(true);
    expect(calls()).toEqual([]);
    const refresh = await engine.refresh();
    expect(refresh.outcomes.filter((o) => o.error || o.changedKeys?.length)).toEqual([]);
    const reads = calls();
    expect(reads.every((c) => c.startsWith("GET"))).toBe(true);
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/workers\/domains\/[0-9a-f]{32}$/),
        expect.stringMatching(new RegExp(`^GET ${ROUTES}/[0-9a-f]{32}$`)),
        "GET /workers/scripts/site/schedules",
      ]),
    );
  }, 120_000);

  it("refresh sees cron triggers changed in the dashboard, and the next up puts them back with one PUT", async () => {
    await putSchedules(client, ACCOUNT, "site", ["0 4 * * *", "30 4 * * *"]);
    emulator.clearRequests();
    const refresh = await engine.refresh();
    expect(refresh.outcomes.find((o) => o.name === "site-nightly")!.changedKeys).toEqual(["crons"]);
    expect(ops(await engine.preview(PROGRAM))).toMatchObject({
      "site-nightly": "update",
      site: "same",
      "site-www": "same",
      "site-legacy": "same",
    });
    calls();
    expect(ops(await engine.up(PROGRAM))).toMatchObject({ "site-nightly": "update" });
    expect(calls().filter((c) => !c.startsWith("GET"))).toEqual(["PUT /workers/scripts/site/schedules"]);
    expect((await getSchedules(client, ACCOUNT, "site")).schedules.map((s) => s.cron)).toEqual(["0 3 * * *"]);
  }, 120_000);

  it("destroy removes the domain, route and cron triggers before the Worker", async () => {
    const report = await engine.destroy();
    expect(report.outcomes.every((o) => o.op === "delete")).toBe(true);
    const order = report.outcomes.map((o) => o.name);
    expect(order[order.length - 1]).toBe("site");
    const writes = calls().filter((c) => !c.startsWith("GET"));
    expect(writes[writes.length - 1]).toBe("DELETE /workers/scripts/site");
    expect(
      writes
        .slice(0, -1)
        .map((c) => c.replace(/[0-9a-f]{32}$/, "{id}"))
        .sort(),
    ).toEqual(["DELETE /workers/domains/{id}", `DELETE ${ROUTES}/{id}`, "PUT /workers/scripts/site/schedules"]);
    expect(await listDomains(client, ACCOUNT)).toEqual([]);
    expect(await listRoutes(client, DEFAULT_ZONE.id)).toEqual([]);
    expect(engine.state.size).toBe(0);
  }, 120_000);
});
