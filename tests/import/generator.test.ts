/**
 * The import generator without the engine: arguments, what it reads on the wire, the program it renders
 * (pure, byte-for-byte stable), safe source text from hostile names and values, and the output folder rules.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ZONE } from "../../emulator";
import { uploadScript, patchScriptSettings } from "../../provider/cloudflare";
import { parseCliArgs, UsageError } from "../../cli/args";
import { main } from "../../cli";
import { runImport } from "../../cli/import";
import {
  collectAccount,
  configurationOf,
  moduleTypeOf,
  safeModuleName,
  scriptSettingsOf,
  type ImportedAccount,
} from "../../cli/import/collect";
import { renderProgram } from "../../cli/import/render";
import { identifierFor, tsLiteral } from "../../cli/import/ts-source";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { ACCOUNT, client, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

function newFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-gen-"));
  folders.push(dir);
  return dir;
}

async function deploy(name: string, metadata: Record<string, unknown> = {}) {
  await uploadScript(client(), scope, name, {
    metadata: { main_module: "index.js", ...metadata },
    modules: [
      {
        name: "index.js",
        contentType: "application/javascript+module",
        content: Buffer.from(`export default { fetch() { return new Response("${name}") } }`),
      },
    ],
  });
}

describe("command-line arguments", () => {
  it("reads the import options, lists split on commas", () => {
    expect(
      parseCliArgs(["import", "--account", ACCOUNT, "--out", "p", "--tags", "a,b:no", "--tags", "c", "--name", "api", "--force"], {}),
    ).toEqual({
      command: "import",
      accountId: ACCOUNT,
      out: "p",
      name: "api",
      tags: ["a", "b:no", "c"],
      dispatchNamespace: undefined,
      scripts: undefined,
      project: undefined,
      force: true,
    });
    expect(parseCliArgs(["import", "--out", "p"], { CLOUDFLARE_ACCOUNT_ID: ACCOUNT })).toMatchObject({ accountId: ACCOUNT });
    expect(parseCliArgs(["--help"])).toEqual({ command: "help" });
  });

  it.each([
    [["export"], 'unknown command "export"'],
    [["import", "--out", "p"], "--account <id> is required"],
    [["import", "--account", "nope", "--out", "p"], '--account: "nope" is not an account id'],
    [["import", "--account", ACCOUNT], "--out <dir> is required"],
    [["import", "--account", ACCOUNT, "--out", "p", "--dispatch-namespace", "customers"], "--dispatch-namespace needs --script"],
    [["import", "--account", ACCOUNT, "--out", "p", "--script", "a"], "--script only with --dispatch-namespace"],
    [["import", "--account", ACCOUNT, "--out", "p", "--nmae", "a"], "Unknown option '--nmae'"],
  ])("refuses %j with a message saying what to do", (argv, message) => {
    expect(() => parseCliArgs(argv, {})).toThrow(UsageError);
    expect(() => parseCliArgs(argv, {})).toThrow(message);
  });

  it("exits 2 on a usage error and 1 when the API fails, naming the cause", async () => {
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["import", "--account", "nope", "--out", "unused"])).toBe(2);
      const dir = newFolder();
      emulator.injectFault({ method: "GET", path: `/accounts/${ACCOUNT}/workers/scripts`, status: 403, times: 10 });
      expect(await main(["import", "--account", ACCOUNT, "--out", dir])).toBe(1);
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toMatch(/error: .*GET \/accounts\/.*\/workers\/scripts/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe("what the generator reads", () => {
  it("reads each Worker with GETs only: settings, secrets, content/v2, script-settings, subdomain, schedules; custom domains, routes, queues and Workflows once", async () => {
    await deploy("alpha");
    takeCalls(emulator);
    await collectAccount(client(), { accountId: ACCOUNT });
    expect(takeCalls(emulator).sort()).toEqual([
      "GET /queues",
      "GET /workers/domains",
      "GET /workers/scripts",
      "GET /workers/scripts/alpha/content/v2",
      "GET /workers/scripts/alpha/schedules",
      "GET /workers/scripts/alpha/script-settings",
      "GET /workers/scripts/alpha/secrets",
      "GET /workers/scripts/alpha/settings",
      "GET /workers/scripts/alpha/subdomain",
      "GET /workflows?page=1&per_page=100",
      `GET /zones/${DEFAULT_ZONE.id}/workers/routes`,
      `GET /zones?account.id=${ACCOUNT}&page=1&per_page=50`,
    ]);
  });

  it("narrows the listing with the name search and the tags filter", async () => {
    await deploy("api-one");
    await deploy("api-two");
    await deploy("web");
    await patchScriptSettings(client(), scope, "api-two", { tags: ["legacy"] });
    takeCalls(emulator);
    const account = await collectAccount(client(), { accountId: ACCOUNT, name: "api", tags: ["legacy:no"] });
    expect(account.workers.map((w) => w.scriptName)).toEqual(["api-one"]);
    const calls = takeCalls(emulator);
    expect(calls.slice(0, 2)).toEqual([
      "GET /workers/scripts?tags=legacy%3Ano",
      "GET /workers/scripts-search?name=api&page=1&per_page=100",
    ]);
    expect(calls.some((c) => c.includes("/web/"))).toBe(false);
  });

  it("carries a binding WorkerScript cannot check as it is, marked opaque, with a note the program repeats", async () => {
    await deploy("alpha", { bindings: [{ type: "some_future_binding", name: "FUTURE", setting: 1 }] });
    const account = await collectAccount(client(), { accountId: ACCOUNT });
    expect(account.workers[0]!.bindings).toEqual([{ type: "some_future_binding", name: "FUTURE", setting: 1, opaque: true }]);
    expect(account.workers[0]!.warnings).toEqual([
      expect.stringMatching(/^binding FUTURE \(type some_future_binding\) is not one WorkerScript can check.*opaque: true/),
    ]);
    const program = renderProgram(account, { project: "p", packageVersion: "*" });
    expect(program.warnings).toHaveLength(1);
    expect(String(program.files.find((f) => f.path === "index.ts")!.content)).toContain(
      "// WARNING: binding FUTURE (type some_future_binding)",
    );
  });

  it("warns about script settings WorkerScriptSettings would refuse, and manages logpush explicitly", () => {
    const warnings: string[] = [];
    const settings = scriptSettingsOf(
      { observability: { enabled: true, sampling_mode: "x" }, tags: [], tail_consumers: [{ service: "log" }] },
      warnings,
    );
    expect(settings).toEqual({
      logpush: false,
      observability: { enabled: true, samplingMode: "x" },
      tags: undefined,
      tailConsumers: [{ service: "log" }],
    });
    expect(warnings).toEqual([
      "script setting observability is not accepted by WorkerScriptSettings as the API reports it (observability: unknown field samplingMode: remove or correct the spelling); fix or remove it before `pulumi up`",
    ]);
  });

  it("leaves out of WorkerScript what the API assumes when unset, so its read diffs to nothing", () => {
    expect(
      configurationOf({
        usage_model: "standard",
        compatibility_flags: [],
        placement: { last_analyzed_at: "x", status: "SUCCESS" },
        limits: {},
      }),
    ).toEqual({});
    expect(
      configurationOf({ usage_model: "unbound", placement: { mode: "smart", status: "SUCCESS" }, limits: { cpu_ms: 30 } }),
    ).toMatchObject({
      usageModel: "unbound",
      placement: { mode: "smart" },
      limits: { cpuMs: 30 },
    });
  });

  it("maps module content types to WorkerScript module types, and refuses module names that leave the folder", () => {
    const mod = (name: string, contentType: string) => ({ name, contentType, content: new Uint8Array() });
    expect(moduleTypeOf(mod("a.js", "application/javascript+module"))).toBe("esm");
    expect(moduleTypeOf(mod("a.js", "application/javascript; charset=utf-8"))).toBe("commonjs");
    expect(moduleTypeOf(mod("a.wasm", "application/wasm"))).toBe("wasm");
    expect(moduleTypeOf(mod("a.py", "text/x-python"))).toBe("python");
    expect(moduleTypeOf(mod("a.txt", "application/x-unknown"))).toBe("text");
    expect(moduleTypeOf(mod("a", "application/x-unknown"))).toBeUndefined();
    for (const bad of ["../x.js", "/etc/passwd", "a/../../b", "a//b", "c:\\x", "a\\..\\b", ""]) expect(safeModuleName(bad)).toBe(false);
    for (const good of ["index.js", "lib/util.js", "a.b/c-d_e.mjs"]) expect(safeModuleName(good)).toBe(true);
  });
});

describe("the rendered program", () => {
  const account: ImportedAccount = {
    accountId: ACCOUNT,
    workers: [
      {
        scriptName: "class",
        modules: [{ name: "index.js", type: "esm", content: Buffer.from("x") }],
        mainModule: "index.js",
        configuration: {},
        bindings: [{ type: "plain_text", name: "EVIL", text: `"); require("child_process").exec("rm -rf /"); //\n*/ \u2028` }],
        secrets: [{ name: "TOKEN", type: "secret_text" }],
        warnings: ["line one\n} injected();"],
        subdomain: { enabled: true },
      },
      {
        scriptName: "Class",
        modules: [{ name: "w.js", type: "esm", content: Buffer.from("y") }],
        mainModule: "w.js",
        configuration: {},
        bindings: [],
        secrets: [],
        warnings: [],
      },
    ],
  };

  it("is the same for the same account, byte for byte", () => {
    const a = renderProgram(account, { project: "p", packageVersion: "^0.1.0" });
    const b = renderProgram(account, { project: "p", packageVersion: "^0.1.0" });
    expect(a).toEqual(b);
    expect(a.files.map((f) => f.path)).toEqual([
      "Pulumi.yaml",
      "package.json",
      "tsconfig.json",
      "index.ts",
      "workers/class/index.js",
      "workers/Class/w.js",
    ]);
    expect(JSON.parse(String(a.files[1]!.content)).dependencies).toEqual({
      "@pulumi/pulumi": "^3.150.0",
      "pulumi-cloudflare-workers": "^0.1.0",
    });
  });

  it("keeps every value from the API inside its literal or comment: the source parses to exactly the declared values", () => {
    const source = String(renderProgram(account, { project: "p", packageVersion: "*" }).files.find((f) => f.path === "index.ts")!.content);
    // Strip comments, then evaluate the WorkerScript arguments as data.
    expect(source).not.toMatch(/^\} injected/m);
    const start = source.indexOf('new WorkerScript("class", ') + 'new WorkerScript("class", '.length;
    const literal = source.slice(start, source.indexOf("});", start) + 1);
    const args = new Function("accountId", `return (${literal});`)("acct") as { bindings: unknown[]; scriptName: string };
    expect(args.scriptName).toBe("class");
    expect(args.bindings).toEqual(account.workers[0]!.bindings);
    // Two Workers whose names differ only in case get distinct variables and resource names.
    expect(source).toContain("const classWorker = new WorkerScript(");
    expect(source).toContain("const classWorker2 = new WorkerScript(");
  });

  it("writes identifiers and literals that are valid TypeScript", () => {
    expect(identifierFor("api-gateway_v2")).toBe("apiGatewayV2");
    expect(identifierFor("9lives")).toBe("worker9lives");
    expect(identifierFor("default")).toBe("defaultWorker");
    expect(tsLiteral({ "a-b": 1, ok: [true, null], nested: {} })).toBe('{ "a-b": 1, ok: [true, null], nested: {} }');
    expect(tsLiteral("\u2028")).toBe('"\u2028"');
  });

  it("declares exactly what WorkerScript's check accepts and its read reports", async () => {
    await deploy("alpha", {
      compatibility_date: "2025-01-01",
      compatibility_flags: ["nodejs_compat"],
      placement: { mode: "smart" },
      bindings: [
        { type: "json", name: "CONF", json: { snake_key: 1, "kebab-key": [1, 2] } },
        { type: "send_email", name: "MAIL", allowed_destination_addresses: ["b@x.com", "a@x.com"] },
        { type: "secret_text", name: "TOKEN", text: "s3cr3t-value" },
      ],
    });
    const dir = newFolder();
    const result = await runImport({ accountId: ACCOUNT, out: dir, client: client(), generatedAt: "t" });
    expect(result.secrets.map((s) => s.configKey)).toEqual(["alpha_TOKEN"]);
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).not.toContain("s3cr3t-value");
    // The inputs the program declares, as the engine would pass them (relative paths from the program folder).
    const worker = (await collectAccount(client(), { accountId: ACCOUNT })).workers[0]!;
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const inputs = {
        accountId: ACCOUNT,
        scriptName: "alpha",
        mainModule: worker.mainModule,
        modules: Object.fromEntries(worker.modules.map((m) => [m.name, { path: `workers/alpha/${m.name}`, type: m.type }])),
        bindings: worker.bindings,
        ...worker.configuration,
        adopt: true,
      };
      const checked = await workerScriptProvider.check({}, inputs as never);
      expect(checked.failures ?? []).toEqual([]);
      const created = await workerScriptProvider.create(checked.inputs!);
      const read = await workerScriptProvider.read(created.id, created.outs!);
      expect(await workerScriptProvider.diff(created.id, read.props!, checked.inputs!)).toMatchObject({ changes: false });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("the output folder", () => {
  it("refuses to overwrite a program unless forced, and then replaces its files", async () => {
    await deploy("alpha");
    const dir = newFolder();
    fs.writeFileSync(path.join(dir, "index.ts"), "// mine\n");
    await expect(runImport({ accountId: ACCOUNT, out: dir, client: client() })).rejects.toThrow(
      /already holds a program \(index.ts\).*--force/,
    );
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toBe("// mine\n");
    const result = await runImport({ accountId: ACCOUNT, out: dir, client: client(), force: true });
    expect(result.project).toBe(path.basename(dir));
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toContain('new WorkerScript("alpha"');
  });
});
