/**
 * Discovery inside a stack program run by the engine harness: the program lists the account's Workers by tag
 * (account from the stack config, credentials from the environment) and manages the settings of each.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareClient, getScriptSettings, patchScriptSettings, uploadScript, type Scope } from "../../provider/cloudflare";
import { Engine } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const scope: Scope = { accountId: ACCOUNT };
const PROGRAM = path.join(__dirname, "fixtures", "discovery-program.ts");

const emulator = useEmulator({ keepState: true });
let engine: Engine;
let client: CloudflareClient;

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
  for (const [name, tags] of [
    ["edge-a", ["team-edge"]],
    ["edge-b", ["team-edge", "beta"]],
    ["billing", ["team-pay"]],
  ] as const) {
    await uploadScript(client, scope, name, {
      metadata: { main_module: "index.js", compatibility_date: "2025-0" + (name.length % 9) + "-01" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
    });
    await patchScriptSettings(client, scope, name, { tags: [...tags] });
  }
  // No CLOUDFLARE_ACCOUNT_ID: the program must take the account from the stack config.
  engine = await Engine.start({
    env: { ...emulatorEnv(emulator), CLOUDFLARE_ACCOUNT_ID: "" },
    stackConfig: { "cloudflare-workers:accountId": ACCOUNT },
  });
  emulator.clearRequests();
}, 60_000);
afterAll(async () => {
  await engine?.close();
});

it("manages the settings of exactly the Workers the program discovers, reading with GETs in the program", async () => {
  const report = await engine.up(PROGRAM, { config: { "cloudflare-workers:accountId": ACCOUNT } });
  expect(report.programErrors).toEqual([]);
  expect(report.outcomes.map((o) => `${o.name}:${o.op}`).sort()).toEqual(["edge-a-settings:create", "edge-b-settings:create"]);
  const calls = emulator.requests.map(
    (r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}${r.query.tags ? `?tags=${r.query.tags}` : ""}`,
  );
  expect(calls.slice(0, 2)).toEqual(["GET /workers/scripts?tags=team-edge:yes", "GET /workers/scripts/edge-a/settings"]);
  expect((await getScriptSettings(client, scope, "edge-b")).tail_consumers).toEqual([{ service: "log-sink" }]);
  expect((await getScriptSettings(client, scope, "billing")).logpush).toBe(false);
}, 120_000);
