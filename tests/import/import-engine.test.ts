/**
 * The import generator end to end: Workers deployed through the API (modules, bindings, secrets, settings,
 * subdomain, one in a dispatch namespace), the built `pulumi-cloudflare-workers import` command run against
 * the emulator, and the generated programs run through Pulumi's real dynamic-provider host (engine harness).
 *
 * What a user must be able to rely on: the first `up` leaves every Worker exactly as it was (same code, same
 * bindings, same settings, same secrets, same subdomain), and nothing changes afterwards.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ZONE } from "../../emulator";
import {
  CloudflareClient,
  getSchedules,
  getScriptContent,
  getScriptSettings,
  listDomains,
  listRoutes,
  getSettings,
  getSubdomain,
  listSecrets,
  type Scope,
} from "../../provider/cloudflare";
import { Engine, PACKAGE_ROOT, assertPackageBuilt, type StepReport } from "../engine/harness";
import { pulumiPackageDir } from "../engine/paths";
import { GATEWAY_MODULES, NAMESPACE, accountSecretConfig, deployFleet, namespaceSecretConfig } from "./fixture";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const CLI = path.join(PACKAGE_ROOT, "dist", "cli", "index.js");

// The tests of each describe are the steps of one import: the fleet deployed once, state kept throughout.
const emulator = useEmulator({ keepState: true });
let client: CloudflareClient;
const folders: string[] = [];

beforeAll(async () => {
  assertPackageBuilt();
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run -s build\` first`);
  client = new CloudflareClient({ baseUrl: emulator.url });
  await deployFleet(client, ACCOUNT);
  emulator.clearRequests();
}, 60_000);
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

const apiEnv = () => emulatorEnv(emulator);

function newFolder(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pcw-import-")));
  folders.push(dir);
  return dir;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** What `npm install` would give the program: this package and @pulumi/pulumi in its node_modules. */
function installPackages(dir: string): void {
  fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(PACKAGE_ROOT, path.join(dir, "node_modules", "pulumi-cloudflare-workers"), "dir");
  fs.symlinkSync(pulumiPackageDir(), path.join(dir, "node_modules", "@pulumi", "pulumi"), "dir");
}

/** Everything about a Worker a user would call "changed", read from the API. Versions, annotations and the etag move with every write and are left out. */
async function observe(scope: Scope, name: string) {
  const settings = await getSettings(client, scope, name);
  const { annotations: _annotations, ...config } = settings;
  const content = await getScriptContent(client, scope, name);
  const onAccount = scope.dispatchNamespace === undefined;
  return {
    config: { ...config, bindings: [...(config.bindings ?? [])].sort((a, b) => a.name.localeCompare(b.name)) },
    // The code by module name: Pulumi hands `modules` to the provider with its keys sorted, so a re-upload
    // may change the order of the parts (and with it the API's etag) without changing a byte of code.
    modules: content.modules
      .map((m) => ({ name: m.name, contentType: m.contentType, bytes: Buffer.from(m.content).toString("base64") }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    mainModule: content.mainModule,
    secrets: (await listSecrets(client, scope, name)).map((s) => `${s.name}:${s.type}`).sort(),
    scriptSettings: onAccount ? await getScriptSettings(client, scope, name) : undefined,
    subdomain: onAccount ? await getSubdomain(client, scope, name) : undefined,
    crons: onAccount ? (await getSchedules(client, scope.accountId, name)).schedules.map((s) => s.cron) : undefined,
    routes: onAccount ? (await listRoutes(client, DEFAULT_ZONE.id)).filter((r) => r.script === name) : undefined,
    domains: onAccount ? await listDomains(client, scope.accountId, { service: name }) : undefined,
  };
}

function ops(report: StepReport): string[] {
  expect(report.programErrors).toEqual([]);
  expect(report.outcomes.filter((o) => o.error || o.failures?.length)).toEqual([]);
  return report.outcomes.map((o) => `${o.name}:${o.op}`).sort();
}

/** Calls other than GET since the last look, without the account prefix; clears the log. */
function writeCalls(): string[] {
  const out = emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out.sort();
}

describe("import of the account's Workers, run through the engine", () => {
  const ACCOUNT_SCOPE: Scope = { accountId: ACCOUNT };
  let dir: string;
  let program: string;
  let engine: Engine;
  let before: Record<string, Awaited<ReturnType<typeof observe>>>;
  let firstUpWrites: string[] = [];

  beforeAll(() => {
    dir = newFolder();
    program = path.join(dir, "index.ts");
  });
  afterAll(() => engine?.close());

  it("the command writes the program and every module byte for byte, and lists the secrets to set", async () => {
    const result = await run(CLI, ["import", "--account", ACCOUNT, "--out", dir, "--project", "adopted"], apiEnv());
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("adopting 2 Worker(s)");
    for (const key of Object.keys(accountSecretConfig())) expect(result.stdout).toContain(`pulumi config set --secret ${key} `);
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "workers"]);
    for (const module of GATEWAY_MODULES) {
      expect(fs.readFileSync(path.join(dir, "workers", "api-gateway", ...module.name.split("/")))).toEqual(module.content);
    }
    expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toMatch(/^name: adopted\n/);
    const source = fs.readFileSync(program, "utf8");
    // Every resource adopts: two WorkerScripts, three WorkerSecrets, two WorkerScriptSettings, two WorkerSubdomains,
    // and the gateway's WorkerCronTrigger, WorkerRoute, WorkerCustomDomain, WorkerQueueConsumer and Workflow.
    expect(source.match(/^ {2}adopt: true,$/gm)).toHaveLength(2 + 3 + 2 + 2 + 5);
    expect(source).toContain(`queueName: "gateway-jobs"`);
    expect(source).toContain(`className: "GatewaySync"`);
    expect(source).toContain(`crons: ["*/15 * * * *", "0 3 * * MON"]`);
    expect(source).toContain(`pattern: "api.example.com/*"`);
    expect(source).toContain(`hostname: "gateway.example.com"`);
    // Secret values never reach the program: the API does not give them, and nothing else is asked.
    expect(source).toContain(`config.requireSecret("api-gateway_API_KEY")`);
    expect(source).toContain("Secret values cannot be read from the");
    // Only reads were made.
    expect(writeCalls()).toEqual([]);
  }, 60_000);

  it("the generated program typechecks against the sdk", async () => {
    installPackages(dir);
    const tsc = require.resolve("typescript/bin/tsc", { paths: [PACKAGE_ROOT] });
    const result = await run(tsc, ["-p", path.join(dir, "tsconfig.json"), "--noEmit"]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.code).toBe(0);
  }, 120_000);

  it("the first up adopts every Worker and leaves code, bindings, settings, secrets and subdomains as they were", async () => {
    before = { auth: await observe(ACCOUNT_SCOPE, "auth"), "api-gateway": await observe(ACCOUNT_SCOPE, "api-gateway") };
    engine = await Engine.start({ env: apiEnv(), projectDir: dir, project: "adopted" });
    emulator.clearRequests();
    const report = await engine.up(program, { secretConfig: accountSecretConfig() });
    expect(ops(report)).toEqual([
      "api-gateway-API_KEY:create",
      "api-gateway-SIGNING_KEY:create",
      "api-gateway-consumes-gateway-jobs:create",
      "api-gateway-crons:create",
      "api-gateway-gateway.example.com:create",
      "api-gateway-route-1:create",
      "api-gateway-settings:create",
      "api-gateway-subdomain:create",
      "api-gateway-workflow-gateway-sync:create",
      "api-gateway:create",
      "auth-AUTH_SECRET:create",
      "auth-settings:create",
      "auth-subdomain:create",
      "auth:create",
    ]);
    firstUpWrites = writeCalls();
    expect({ auth: await observe(ACCOUNT_SCOPE, "auth"), "api-gateway": await observe(ACCOUNT_SCOPE, "api-gateway") }).toEqual(before);
  }, 180_000);

  // The issue's bar: adopting compares before writing, so the first up makes no write call at all (no new
  // version of any Worker, no new etag).
  it("the first up makes no write call: the emulator saw only GETs", () => {
    expect(firstUpWrites).toEqual([]);
  });

  it("the next up, a refresh and a preview change nothing and write nothing", async () => {
    emulator.clearRequests();
    const again = await engine.up(program, { secretConfig: accountSecretConfig() });
    expect(ops(again).every((op) => op.endsWith(":same"))).toBe(true);
    expect(emulator.requests).toEqual([]);

    const refresh = await engine.refresh();
    expect(refresh.outcomes.filter((o) => o.error || (o.changedKeys ?? []).length > 0)).toEqual([]);
    const preview = await engine.preview(program, { secretConfig: accountSecretConfig() });
    expect(ops(preview).every((op) => op.endsWith(":same"))).toBe(true);
    expect(writeCalls()).toEqual([]);
    expect({ auth: await observe(ACCOUNT_SCOPE, "auth"), "api-gateway": await observe(ACCOUNT_SCOPE, "api-gateway") }).toEqual(before);
  }, 180_000);
});

describe("import of a dispatch namespace's Worker, run through the engine", () => {
  const NS_SCOPE: Scope = { accountId: ACCOUNT, dispatchNamespace: NAMESPACE };
  let dir: string;
  let program: string;
  let engine: Engine;
  let before: Awaited<ReturnType<typeof observe>>;
  let firstUpWrites: string[] = [];

  beforeAll(async () => {
    dir = newFolder();
    program = path.join(dir, "index.ts");
  });
  afterAll(() => engine?.close());

  it("the command writes a program adopting the namespace (protected) and the named Worker", async () => {
    const result = await run(
      CLI,
      ["import", "--account", ACCOUNT, "--dispatch-namespace", NAMESPACE, "--script", "customer-acme", "--out", dir],
      apiEnv(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`pulumi config set --secret ${NAMESPACE}_customer-acme_CUSTOMER_KEY `);
    const source = fs.readFileSync(program, "utf8");
    expect(source).toContain(`new DispatchNamespace("customers", { accountId, name: "customers", adopt: true }, { protect: true });`);
    expect(source).toContain("dispatchNamespace: namespace.name,");
    expect(fs.readFileSync(path.join(dir, "workers", NAMESPACE, "customer-acme", "worker.js"), "utf8")).toContain("env.PLAN");
    expect(writeCalls()).toEqual([]);
  }, 60_000);

  it("the first up adopts the namespace, the Worker and its secret, leaving them as they were; the next up changes nothing", async () => {
    installPackages(dir);
    before = await observe(NS_SCOPE, "customer-acme");
    engine = await Engine.start({ env: apiEnv(), projectDir: dir, project: path.basename(dir) });
    emulator.clearRequests();
    expect(ops(await engine.up(program, { secretConfig: namespaceSecretConfig() }))).toEqual([
      "customers-customer-acme-CUSTOMER_KEY:create",
      "customers-customer-acme:create",
      "customers:create",
    ]);
    firstUpWrites = writeCalls();
    expect(firstUpWrites.filter((call) => call.includes("/dispatch/namespaces/customers") && !call.includes("/scripts/"))).toEqual([]);
    expect(await observe(NS_SCOPE, "customer-acme")).toEqual(before);

    emulator.clearRequests();
    const again = await engine.up(program, { secretConfig: namespaceSecretConfig() });
    expect(ops(again).every((op) => op.endsWith(":same"))).toBe(true);
    expect(emulator.requests).toEqual([]);
    const refresh = await engine.refresh();
    expect(refresh.outcomes.filter((o) => o.error || (o.changedKeys ?? []).length > 0)).toEqual([]);
  }, 180_000);

  it("the first up makes no write call in the namespace either", () => {
    expect(firstUpWrites).toEqual([]);
  });

  it("destroy is refused for the protected namespace, so its Workers survive", async () => {
    const destroyed = await engine.destroy();
    expect(destroyed.outcomes.find((o) => o.name === "customers")?.error).toMatch(/protected/);
  }, 120_000);
});
