/**
 * The resources of the newer endpoints through Pulumi's own dynamic-provider host, a new provider process per
 * command: the emulator answers as the real API does (a deployment and a route create answering only their
 * id, an upload's version id without dashes, an empty DELETE body); changes made outside the program (a
 * custom domain switched off, a route left without its Worker) show on refresh and are repaired by the next up.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN, DEFAULT_ZONE } from "../../emulator";
import { CloudflareClient, listDeployments, listDomains, listRoutes, putDomain, updateRoute } from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const scope = { accountId: ACCOUNT };
const PROGRAM = path.join(__dirname, "fixtures/newer-endpoints-program.ts");
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const emulator = useEmulator({ keepState: true });
let engine: Engine;
let client: CloudflareClient;

function ops(report: StepReport): Record<string, string> {
  expect(report.programErrors).toEqual([]);
  for (const o of report.outcomes) expect(`${o.name}: ${o.error ?? ""}`).toBe(`${o.name}: `);
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.op]));
}

function writes(): string[] {
  const out = emulator.requests
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "").replace(`/zones/${DEFAULT_ZONE.id}`, "")}`);
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

describe("versions, deployments, routes and custom domains through the engine, answers as the real API gives them", () => {
  it("creates everything, and a second up passing the version id without dashes changes nothing", async () => {
    expect(ops(await engine.up(PROGRAM))).toEqual({
      api: "create",
      canary: "create",
      traffic: "create",
      route: "create",
      domain: "create",
    });
    const api = [...engine.state.values()].find((r) => r.name === "api")!;
    expect(api.outputs.versionId).toMatch(DASHED);
    const [serving] = await listDeployments(client, scope, "fidelity-api");
    expect(serving!.versions?.map((v) => v.version_id)).toContain(api.outputs.versionId);
    writes();

    expect(ops(await engine.up(PROGRAM, { config: { undashed: "true" } }))).toEqual({
      api: "same",
      canary: "same",
      traffic: "same",
      route: "same",
      domain: "same",
    });
    expect(writes()).toEqual([]);
    const refresh = await engine.refresh();
    expect(refresh.outcomes.filter((o) => o.error || o.changedKeys?.length)).toEqual([]);
  });

  it("refresh sees a custom domain switched off and a route left without its Worker; the next up repairs both", async () => {
    const [domain] = await listDomains(client, ACCOUNT, { hostname: "api.example.com" });
    await putDomain(client, ACCOUNT, { hostname: "api.example.com", service: "fidelity-api", enabled: false });
    const [route] = await listRoutes(client, DEFAULT_ZONE.id);
    await updateRoute(client, DEFAULT_ZONE.id, route!.id, { pattern: route!.pattern! });
    writes();

    const refresh = await engine.refresh();
    const changed = Object.fromEntries(refresh.outcomes.filter((o) => o.changedKeys?.length).map((o) => [o.name, o.changedKeys]));
    expect(changed).toEqual({ domain: ["enabled"], route: ["scriptName"] });

    expect(ops(await engine.up(PROGRAM, { config: { undashed: "true" } }))).toMatchObject({
      domain: "update",
      route: "update",
      traffic: "same",
    });
    expect(writes().sort()).toEqual(["PUT /workers/domains", `PUT /workers/routes/${route!.id}`]);
    expect((await listDomains(client, ACCOUNT, { hostname: "api.example.com" }))[0]).toMatchObject({ id: domain!.id, enabled: true });
    expect((await listRoutes(client, DEFAULT_ZONE.id))[0]).toMatchObject({ script: "fidelity-api" });
    const again = await engine.refresh();
    expect(again.outcomes.filter((o) => o.error || o.changedKeys?.length)).toEqual([]);
  });

  it("destroys everything, the custom domain's DELETE answering an empty body", async () => {
    const report = await engine.destroy();
    expect(report.outcomes.filter((o) => o.error)).toEqual([]);
    expect(await listDomains(client, ACCOUNT)).toEqual([]);
    expect(await listRoutes(client, DEFAULT_ZONE.id)).toEqual([]);
  });
});
