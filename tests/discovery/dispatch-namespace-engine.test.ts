/**
 * DispatchNamespace through Pulumi's real dynamic-provider host (engine harness): a namespace and a Worker
 * inside it in one stack, a rename that replaces both, and destroy in dependency order.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareClient, listNamespaces } from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const PROGRAM = path.join(__dirname, "fixtures", "platform-program.ts");

const emulator = useEmulator({ keepState: true });
let engine: Engine;
let client: CloudflareClient;

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
  engine = await Engine.start({ env: emulatorEnv(emulator) });
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
  const out = emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out;
}

it("creates the namespace before the Worker in it, and a second up calls nothing", async () => {
  expect(ops(await engine.up(PROGRAM))).toEqual(["platform:create", "tenant:create"]);
  expect(writes()).toEqual(["POST /workers/dispatch/namespaces", "PUT /workers/dispatch/namespaces/platform/scripts/tenant-a"]);
  expect(ops(await engine.up(PROGRAM))).toEqual(["platform:same", "tenant:same"]);
  expect(emulator.requests).toEqual([]);
}, 120_000);

it("a new name replaces the namespace and the Worker; the old namespace goes once the new one exists", async () => {
  const report = await engine.up(PROGRAM, { config: { namespace: "platform-v2" } });
  expect(ops(report)).toEqual(["platform:replace", "tenant:replace"]);
  expect(report.outcomes[0]!.replaceKeys).toEqual(["name"]);
  expect(writes()).toEqual([
    "POST /workers/dispatch/namespaces",
    "PUT /workers/dispatch/namespaces/platform-v2/scripts/tenant-a",
    "DELETE /workers/dispatch/namespaces/platform/scripts/tenant-a",
    "DELETE /workers/dispatch/namespaces/platform",
  ]);
  expect((await listNamespaces(client, ACCOUNT)).map((n) => n.namespace_name)).toEqual(["platform-v2"]);
}, 120_000);

it("destroy deletes the Worker, then the namespace", async () => {
  ops(await engine.destroy());
  expect(writes()).toEqual([
    "DELETE /workers/dispatch/namespaces/platform-v2/scripts/tenant-a",
    "DELETE /workers/dispatch/namespaces/platform-v2",
  ]);
  expect(await listNamespaces(client, ACCOUNT)).toEqual([]);
}, 120_000);
