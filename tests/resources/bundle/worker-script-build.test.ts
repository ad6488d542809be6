/**
 * WorkerScript and WorkerVersion given `build` against the emulator: check bundles (and refuses what cannot
 * build before any request), a no-op preview calls nothing, the upload carries the bundle's modules with
 * their types, an edit shows as a diff only when the bytes change, and state keeps no bundle text.
 */
import { getScriptContent } from "../../../provider/cloudflare";
import { bundleRuns } from "../../../provider/resources/bundle";
import { workerScriptProvider, type WorkerScriptInputs } from "../../../provider/resources/worker-script";
import { workerVersionProvider } from "../../../provider/resources/worker-version";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../../support";
import { writeProject, type Project } from "./project";

const emulator = useEmulator();

let project: Project;
let cwd: string;
beforeEach(() => {
  project = writeProject();
  cwd = process.cwd();
  // The engine starts the provider in the Pulumi project folder; build paths resolve from there.
  process.chdir(project.dir);
});
afterEach(() => {
  process.chdir(cwd);
  project.remove();
});

const base: WorkerScriptInputs = {
  accountId: ACCOUNT,
  scriptName: "ts-worker",
  build: { entryPoint: "src/index.ts" },
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "plain_text", name: "DEFAULT_NAME", text: "you" }],
};

async function checked(inputs: object, olds: object = {}): Promise<WorkerScriptInputs> {
  const result = await workerScriptProvider.check(olds as Record<string, unknown>, inputs as Record<string, unknown>);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

async function deployed() {
  const inputs = await checked(base);
  const { id, outs } = await workerScriptProvider.create(inputs);
  takeCalls(emulator);
  newRun();
  return { id, outs: outs! };
}

describe("WorkerScript with build", () => {
  it("uploads the bundle's modules with their types in one upload after the existence check", async () => {
    const inputs = await checked(base);
    expect(takeCalls(emulator)).toEqual([]);
    const { outs } = await workerScriptProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/ts-worker/settings", "PUT /workers/scripts/ts-worker"]);
    expect(outs!.contentHash).toBe(inputs.contentHash);
    const live = await getScriptContent(client(), scope, "ts-worker");
    expect(live.mainModule).toBe("index.js");
    expect(live.modules.map((m) => [m.name.replace(/^[0-9a-f]{40}-/, "<sha1>-"), m.contentType]).sort()).toEqual([
      ["<sha1>-add.wasm", "application/wasm"],
      ["<sha1>-greeting.txt", "text/plain"],
      ["index.js", "application/javascript+module"],
    ]);
  });

  it("keeps the build input and the content hash in state, never the bundle's text", async () => {
    const { outs } = await deployed();
    const state = JSON.stringify(outs);
    expect(outs.build).toEqual({ entryPoint: "src/index.ts" });
    expect(outs.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(state).not.toContain("toUpperCase");
    expect(state.length).toBeLessThan(1000);
  });

  it("previews an unchanged Worker, in a new process, without a single API call and without a diff", async () => {
    const { id, outs } = await deployed();
    const news = await checked(base, outs);
    expect(await workerScriptProvider.diff(id, outs, news)).toEqual({ changes: false, replaces: [] });
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("bundles once per command however many times check runs for the resource", async () => {
    const runs = bundleRuns();
    await checked(base);
    await checked(base, base);
    await checked(base, base);
    expect(bundleRuns()).toBe(runs + 1);
  });

  it("shows no diff for a comment edit and a type-only edit, a diff for a code edit, and updates with PUT …/content", async () => {
    const { id, outs } = await deployed();
    project.write("src/index.ts", project.read("src/index.ts").replace("// The sum is computed", "// Summed"));
    project.write("src/types.ts", "export interface Env {\n  DEFAULT_NAME: string;\n  EXTRA?: string;\n}\n");
    expect((await workerScriptProvider.diff(id, outs, await checked(base, outs))).changes).toBe(false);

    project.write("src/lib/format.ts", `export function shout(text: string): string {\n  return text.toUpperCase() + "!!";\n}\n`);
    const news = await checked(base, outs);
    expect(await workerScriptProvider.diff(id, outs, news)).toEqual({ changes: true, replaces: [] });
    expect(takeCalls(emulator)).toEqual([]);
    const { outs: updated } = await workerScriptProvider.update(id, outs, news);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/ts-worker/content"]);
    expect(updated!.contentHash).toBe(news.contentHash);
    const live = await getScriptContent(client(), scope, "ts-worker");
    expect(Buffer.from(live.modules.find((m) => m.name === "index.js")!.content).toString()).toContain(`toUpperCase() + "!!"`);
  });

  it("fails check on a syntax error with file:line:column, and nothing is sent", async () => {
    project.write("src/index.ts", project.read("src/index.ts").replace("const add =", "const add = ="));
    const result = await workerScriptProvider.check({}, base);
    expect(result.failures).toEqual([{ property: "build", reason: 'build: src/index.ts:8:13: Unexpected "="' }]);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("refuses build together with content or modules, or with mainModule, naming both", async () => {
    const withContent = await workerScriptProvider.check({}, { ...base, content: "export default {}" });
    expect(withContent.failures).toEqual([
      {
        property: "build",
        reason: "build and content are mutually exclusive: give the Worker's sources in build, or its built code in content or modules",
      },
    ]);
    const withMain = await workerScriptProvider.check({}, { ...base, mainModule: "main.js" });
    expect(withMain.failures).toEqual([
      {
        property: "mainModule",
        reason: "mainModule: a bundle's main module is named after build.entryPoint (src/index.ts → index.js); remove mainModule",
      },
    ]);
    const unknown = await workerScriptProvider.check({}, { ...base, build: { entryPoint: "src/index.ts", minfy: true } });
    expect(unknown.failures).toEqual([{ property: "build", reason: "build: unknown field minfy: remove or correct the spelling" }]);
  });

  it("refuses a Node.js built-in import unless compatibilityFlags has nodejs_compat", async () => {
    project.write(
      "src/lib/format.ts",
      `import { Buffer } from "node:buffer";\nexport const shout = (t: string) => Buffer.from(t).toString("hex");\n`,
    );
    const refused = await workerScriptProvider.check({}, base);
    expect(refused.failures!.map((f) => f.reason)).toEqual([
      `build: src/lib/format.ts:1:24: "node:buffer" is a Node.js built-in module; add "nodejs_compat" to compatibilityFlags so the Workers runtime provides it (https://developers.cloudflare.com/workers/runtime-apis/nodejs/)`,
    ]);
    await checked({ ...base, compatibilityFlags: ["nodejs_compat"] });
  });
});

describe("WorkerVersion with build", () => {
  it("uploads a version of the bundle and stores its hash", async () => {
    await deployed();
    project.write("src/greeting.txt", "good morning\n");
    const result = await workerVersionProvider.check(
      {},
      { accountId: ACCOUNT, scriptName: "ts-worker", build: { entryPoint: "src/index.ts" } },
    );
    expect(result.failures ?? []).toEqual([]);
    const { outs } = await workerVersionProvider.create(result.inputs!);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts", "POST /workers/scripts/ts-worker/versions"]);
    expect(outs!.contentHash).toBe(result.inputs!.contentHash);
    expect(outs!.versionId).toEqual(expect.any(String));
    expect(JSON.stringify(outs)).not.toContain("good morning");
  });
});
