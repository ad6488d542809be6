/**
 * examples/typescript-worker through Pulumi's own dynamic-provider host, copied into a project folder as a
 * user has it (the host runs there, so the Worker's sources resolve from the project): the first up bundles
 * and uploads the TypeScript, a no-op up calls nothing, an edited comment or a turned-off source map change
 * only what their bytes change, a code edit is one PUT …/content.
 */
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareClient, getScriptContent } from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const EXAMPLE = path.join(__dirname, "../../examples/typescript-worker");

const emulator = useEmulator({ keepState: true });
let engine: Engine;
let client: CloudflareClient;
let program: string;
let source: string;

function ops(report: StepReport): Record<string, string> {
  expect(report.programErrors).toEqual([]);
  for (const o of report.outcomes) expect(o.error ?? "").toBe("");
  for (const o of report.outcomes) expect(o.failures ?? []).toEqual([]);
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.op]));
}

function calls(): string[] {
  const out = emulator.requests.map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out;
}

async function deployedModules(): Promise<string[][]> {
  const live = await getScriptContent(client, { accountId: ACCOUNT }, "ts-greeter");
  emulator.clearRequests(); // the test's own read is no call of the provider's
  return live.modules.map((m) => [m.name.replace(/^[0-9a-f]{40}-/, "<sha1>-"), m.contentType]).sort();
}

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
  engine = await Engine.start({
    project: "typescript-worker",
    env: emulatorEnv(emulator),
  });
  cpSync(path.join(EXAMPLE, "index.ts"), path.join(engine.projectDir, "index.ts"));
  cpSync(path.join(EXAMPLE, "worker"), path.join(engine.projectDir, "worker"), { recursive: true });
  // The Worker's npm dependency, installed in the project as `npm install zod` would.
  symlinkSync(path.dirname(require.resolve("zod/package.json")), path.join(engine.projectDir, "node_modules", "zod"), "dir");
  program = path.join(engine.projectDir, "index.ts");
  source = path.join(engine.projectDir, "worker", "src", "index.ts");
}, 60_000);

afterAll(async () => {
  await engine?.close();
});

describe("examples/typescript-worker through the engine", () => {
  it("up bundles the TypeScript and uploads the bundle, the HTML page and the source map", async () => {
    expect(ops(await engine.up(program))).toEqual({ greeter: "create", "greeter-subdomain": "create" });
    expect(calls()).toContain("PUT /workers/scripts/ts-greeter");
    expect(await deployedModules()).toEqual([
      ["<sha1>-page.html", "text/plain"],
      ["index.js", "application/javascript+module"],
      ["index.js.map", "application/source-map"],
    ]);
  });

  it("a second up with nothing changed makes no API call", async () => {
    expect(ops(await engine.up(program))).toEqual({ greeter: "same", "greeter-subdomain": "same" });
    expect(calls()).toEqual([]);
  });

  it("turning the source map off uploads the code without it; then an edited comment changes nothing", async () => {
    const off = { config: { sourcemap: "false" } };
    expect(ops(await engine.up(program, off))).toMatchObject({ greeter: "update" });
    expect(calls()).toEqual(["PUT /workers/scripts/ts-greeter/content"]);
    expect(await deployedModules()).toEqual([
      ["<sha1>-page.html", "text/plain"],
      ["index.js", "application/javascript+module"],
    ]);
    writeFileSync(source, readFileSync(source, "utf8").replace("anything else → the HTML page", "any other request gets the page"));
    expect(ops(await engine.up(program, off))).toEqual({ greeter: "same", "greeter-subdomain": "same" });
    expect(calls()).toEqual([]);
  });

  it("an edit of the code is one PUT …/content carrying the new bundle", async () => {
    writeFileSync(source, readFileSync(source, "utf8").replace("with 1 to 40 characters", "of 1 to 40 characters"));
    expect(ops(await engine.up(program, { config: { sourcemap: "false" } }))).toMatchObject({
      greeter: "update",
      "greeter-subdomain": "same",
    });
    expect(calls()).toEqual(["PUT /workers/scripts/ts-greeter/content"]);
    const live = await getScriptContent(client, { accountId: ACCOUNT }, "ts-greeter");
    expect(Buffer.from(live.modules.find((m) => m.name === "index.js")!.content).toString()).toContain("of 1 to 40 characters");
  });
});
