/**
 * Runs stack programs through the real Pulumi CLI, the way a user does: a project folder (a copy of an
 * example), the file backend in a temp folder, passphrase secrets, no network besides the API under test.
 * The CLI folder comes from `npm run -s pulumi-cli` (scripts/pulumi-cli.sh), found once per test process.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { registerCleanup } from "../engine/cleanup-registry";
import { compileCacheEnv, PACKAGE_ROOT } from "../engine/paths";
import { makeProjectDir } from "../engine/project-dir";

/** Where tests/cli/global-setup.ts leaves what `npm run -s pulumi-cli` answered for this jest run. */
export const CLI_RESULT_FILE = path.join(PACKAGE_ROOT, "node_modules", ".cache", "pulumi-cli", "result.json");

export type CliLookup = { dir: string } | { skipped: string };

const SCRIPT = path.join(PACKAGE_ROOT, "scripts", "pulumi-cli.sh");

function lookupOf(status: number | null, stdout: string, stderr: string): CliLookup {
  const lines = stdout.trim().split("\n").filter(Boolean);
  if (status === 0 && lines.length > 0) return { dir: lines[lines.length - 1]! };
  return { skipped: stderr.trim().split("\n").pop() || `scripts/pulumi-cli.sh exited ${status}` };
}

/**
 * Runs scripts/pulumi-cli.sh: its last stdout line is the folder; on failure its one-line reason.
 * `noBuild`: only a CLI already on PATH or in the cache, never a build (the demo).
 */
export function runPulumiCliScript(options: { noBuild?: boolean } = {}): CliLookup {
  const run = spawnSync("bash", [SCRIPT], {
    encoding: "utf8",
    env: { ...process.env, ...(options.noBuild ? { PULUMI_CLI_NO_BUILD: "1" } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return lookupOf(run.status, run.stdout ?? "", run.stderr ?? "");
}

/** The same, printing the script's messages as they come (a build takes minutes: say so while it runs). */
export async function runPulumiCliScriptShowingProgress(): Promise<CliLookup> {
  const child = spawn("bash", [SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const status = await new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
  });
  return lookupOf(status, stdout, stderr);
}

let lookup: CliLookup | undefined;

/** The CLI folder for this run: global setup's answer when there is one, else the script's (cached: instant). */
export function pulumiCli(): CliLookup {
  if (lookup) return lookup;
  if (fs.existsSync(CLI_RESULT_FILE)) {
    const saved = JSON.parse(fs.readFileSync(CLI_RESULT_FILE, "utf8")) as CliLookup & { at?: number };
    if ("skipped" in saved || fs.existsSync(path.join(saved.dir, "pulumi"))) lookup = saved;
  }
  lookup ??= runPulumiCliScript();
  return lookup;
}

/** `describe` when the CLI is available, else a skipped block whose title says why. */
export function describeWithCli(title: string, body: (cliDir: string) => void): void {
  const found = pulumiCli();
  if ("dir" in found) {
    describe(title, () => body(found.dir));
  } else {
    // Printed once per file so a skipped run says so plainly, not only as "skipped" counts.
    console.warn(`tests/cli skipped: ${found.skipped}`);
    describe.skip(`${title} (skipped: ${found.skipped})`, () => {
      it("needs the Pulumi CLI", () => undefined);
    });
  }
}

export interface CommandResult {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
  /** Engine events written with --event-log (up, preview, refresh, destroy). */
  events: EngineEvent[];
  durationMs: number;
}

/** The parts of the CLI's engine events (apitype.EngineEvent) the tests read. */
export interface EngineEvent {
  sequence: number;
  resourcePreEvent?: { metadata: StepMetadata; planning?: boolean };
  resOutputsEvent?: { metadata: StepMetadata; planning?: boolean };
  resOpFailedEvent?: { metadata: StepMetadata };
  diagnosticEvent?: { urn?: string; message: string; severity: string };
  summaryEvent?: { resourceChanges?: Record<string, number> };
}

export interface StepMetadata {
  op: string;
  urn: string;
  type: string;
  keys?: string[];
  diffs?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff?: boolean }>;
  old?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; id?: string };
  new?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; id?: string };
}

export interface RunOptions {
  /** Add --event-log and parse the engine events into `events`. */
  events?: boolean;
  /** Also copy the command's output to this process's stdout/stderr as it comes (the demo). */
  echo?: boolean;
  /** Environment for this command only, over the stack's (a one-off setting a user types before the command). */
  env?: NodeJS.ProcessEnv;
}

export interface StackOptions {
  /** The CLI folder (from pulumiCli()). */
  cliDir: string;
  /** An example's folder (copied, with its Pulumi.yaml) into a fresh project folder. */
  example: string;
  stack?: string;
  /** Environment for every command (credentials, CLOUDFLARE_API_BASE_URL, …). */
  env?: NodeJS.ProcessEnv;
  passphrase?: string;
  timeoutMs?: number;
}

/**
 * One stack of one example, in its own project folder and file backend. Commands run exactly as a user
 * types them in the project folder (`pulumi up --yes`, …), with `--event-log` added so tests can read the
 * steps, and `--non-interactive --color never` so the output is plain.
 */
export class PulumiStack {
  readonly projectDir: string;
  readonly backendDir: string;
  readonly homeDir: string;
  readonly stack: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private readonly cleanupDir: () => void;
  private eventLogs = 0;

  constructor(options: StackOptions) {
    const project = makeProjectDir({ project: path.basename(options.example) });
    this.cleanupDir = () => project.cleanup();
    this.projectDir = project.dir;
    fs.cpSync(options.example, this.projectDir, { recursive: true });
    // tsx (the examples' `nodeargs: --import tsx`) resolves from the project folder, as in a user's project.
    fs.symlinkSync(
      path.dirname(require.resolve("tsx/package.json", { paths: [PACKAGE_ROOT] })),
      path.join(this.projectDir, "node_modules", "tsx"),
      "dir",
    );
    this.backendDir = path.join(this.projectDir, ".backend");
    this.homeDir = path.join(this.projectDir, ".pulumi-home");
    fs.mkdirSync(this.backendDir);
    fs.mkdirSync(this.homeDir);
    this.stack = options.stack ?? "dev";
    this.timeoutMs = options.timeoutMs ?? 120_000;
    const nodeBin = path.join(PACKAGE_ROOT, "node_modules", ".bin");
    this.env = {
      ...process.env,
      ...compileCacheEnv(process.env),
      PATH: [options.cliDir, nodeBin, process.env.PATH].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "correct horse battery staple",
      PULUMI_HOME: this.homeDir,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Makes --event-log (the engine events the tests read the steps from) available.
      PULUMI_DEBUG_COMMANDS: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      ...options.env,
    };
  }

  /** Runs `pulumi <args>` in the project folder. Never throws for a non-zero exit: tests read `code`. */
  async run(args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const eventLog = options.events ? path.join(this.projectDir, `.events-${++this.eventLogs}.jsonl`) : undefined;
    const fullArgs = [...args, "--non-interactive", "--color", "never", ...(eventLog ? ["--event-log", eventLog] : [])];
    const start = Date.now();
    const child = spawn("pulumi", fullArgs, {
      cwd: this.projectDir,
      env: { ...this.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), this.timeoutMs);
    const code = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (exit) => resolve(exit ?? -1));
    }).finally(() => clearTimeout(timer));
    const events = eventLog && fs.existsSync(eventLog) ? parseEvents(fs.readFileSync(eventLog, "utf8")) : [];
    return { command: `pulumi ${args.join(" ")}`, code, stdout, stderr, events, durationMs: Date.now() - start };
  }

  /**
   * Runs `pulumi <args>` in its own process group and, once `killWhen` resolves, SIGKILLs the whole group (the
   * CLI, the language host, the program and the provider host), as a CI runner cancelling a job does.
   * Resolves with what the command printed before it died; rejects if it ended before `killWhen`.
   */
  async runKilledWhen(args: string[], killWhen: () => Promise<void>): Promise<CommandResult> {
    const fullArgs = [...args, "--non-interactive", "--color", "never"];
    const start = Date.now();
    const child = spawn("pulumi", fullArgs, { cwd: this.projectDir, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (exit) => resolve(exit ?? -1));
    });
    const outcome = await Promise.race([killWhen().then(() => "kill" as const), ended.then(() => "ended" as const)]);
    if (outcome === "ended") {
      throw new Error(`\`pulumi ${args.join(" ")}\` ended before it was killed\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
    }
    // Plugins run in process groups of their own (Pulumi's cmdutil.RegisterProcessGroup): kill every descendant.
    for (const pid of [child.pid!, ...descendantsOf(child.pid!)]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    const code = await ended;
    return { command: `pulumi ${args.join(" ")}`, code, stdout, stderr, events: [], durationMs: Date.now() - start };
  }

  /** Runs a command and fails with its whole output unless it exits 0. */
  async ok(args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(`\`${result.command}\` exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
    return result;
  }

  /** `pulumi stack init <stack>` then `pulumi config set [--secret] key value` for each entry. */
  async init(config: Record<string, string> = {}, secretConfig: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", this.stack]);
    await this.setConfig(config, secretConfig);
  }

  async setConfig(config: Record<string, string> = {}, secretConfig: Record<string, string> = {}): Promise<void> {
    for (const [key, value] of Object.entries(config)) await this.ok(["config", "set", key, value]);
    for (const [key, value] of Object.entries(secretConfig)) await this.ok(["config", "set", "--secret", key, value]);
  }

  /** `pulumi stack export`, parsed. */
  async exportState(): Promise<{ text: string; deployment: Deployment }> {
    const result = await this.ok(["stack", "export"]);
    const parsed = JSON.parse(result.stdout) as { deployment: Deployment };
    return { text: result.stdout, deployment: parsed.deployment };
  }

  /** `pulumi stack output --json`, parsed. */
  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
  }

  /** Every file the file backend wrote (state, history, backups), as text. */
  backendFiles(): Array<{ file: string; text: string }> {
    const out: Array<{ file: string; text: string }> = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else out.push({ file: path.relative(this.backendDir, full), text: readMaybeGzip(full) });
      }
    };
    walk(this.backendDir);
    return out;
  }

  /** The stack's config file in the project folder (`Pulumi.<stack>.yaml`), as the CLI wrote it. */
  configFileText(): string {
    return fs.readFileSync(path.join(this.projectDir, `Pulumi.${this.stack}.yaml`), "utf8");
  }

  cleanup(): void {
    this.cleanupDir();
  }
}

export interface Deployment {
  resources?: Array<{
    urn: string;
    type: string;
    id?: string;
    custom?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    dependencies?: string[];
    provider?: string;
  }>;
}

/** Every process below `pid` (Linux /proc), children first found first. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command (which may hold spaces) start after the last ")": state, then ppid.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Ended while listing.
    }
  }
  const out: number[] = [];
  const walk = (parent: number): void => {
    for (const child of parents.get(parent) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

function readMaybeGzip(file: string): string {
  const bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return require("node:zlib").gunzipSync(bytes).toString("utf8");
  return bytes.toString("utf8");
}

function parseEvents(text: string): EngineEvent[] {
  return text
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line) as EngineEvent);
}

/** Resource steps of a command, in the order the engine started them: `name:op` (the URN's last part). */
export function steps(result: CommandResult): Array<{ urn: string; name: string; type: string; op: string }> {
  return result.events
    .map((event) => event.resourcePreEvent?.metadata)
    .filter(
      (meta): meta is StepMetadata =>
        meta !== undefined && meta.type !== "pulumi:pulumi:Stack" && !meta.type.startsWith("pulumi:providers:"),
    )
    .map((meta) => ({ urn: meta.urn, name: meta.urn.split("::").pop()!, type: meta.type, op: meta.op }));
}

/** `name:op` of every resource step, sorted (order-free comparison). */
export function opsOf(result: CommandResult): string[] {
  return steps(result)
    .map((s) => `${s.name}:${s.op}`)
    .sort();
}

/** Temp folder removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  registerCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
