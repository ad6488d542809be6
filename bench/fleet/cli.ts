/**
 * The fleet through the real Pulumi CLI, when one is available: the same program, steps and emulator as the
 * harness side, each step one `pulumi` command typed in a project folder (file backend, passphrase secrets).
 * The CLI comes from PULUMI_CLI_DIR, else `scripts/pulumi-cli.sh` (the `npm run -s pulumi-cli` of issue 15,
 * which builds and caches the pinned CLI), else a `pulumi` on PATH; BENCH_CLI=0 skips this side.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { loadavg } from "node:os";
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { PACKAGE_ROOT } from "../../tests/engine/paths";
import { makeProjectDir } from "../../tests/engine/project-dir";
import { countCalls, takeRequests, type CallCount } from "./calls";
import { parseProfileLog, profileOf, PROFILE_HOOK, type CliProfile } from "./profile";
import { STEPS, type StepName } from "./steps";

export type CliLookup = { dir: string; how: string } | { skipped: string };

/** Where the `pulumi` to use lives, or why there is none. */
export function findPulumiCli(): CliLookup {
  if (process.env.BENCH_CLI === "0") return { skipped: "BENCH_CLI=0" };
  const given = process.env.PULUMI_CLI_DIR;
  if (given)
    return fs.existsSync(path.join(given, "pulumi"))
      ? { dir: given, how: "PULUMI_CLI_DIR" }
      : { skipped: `PULUMI_CLI_DIR=${given} holds no pulumi` };
  const script = path.join(PACKAGE_ROOT, "scripts", "pulumi-cli.sh");
  if (fs.existsSync(script)) {
    const run = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const last = (run.stdout ?? "").trim().split("\n").filter(Boolean).pop();
    if (run.status === 0 && last) return { dir: last, how: "scripts/pulumi-cli.sh" };
    return { skipped: `scripts/pulumi-cli.sh: ${(run.stderr ?? "").trim().split("\n").pop() ?? `exit ${run.status}`}` };
  }
  const which = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
  if (which.status === 0 && which.stdout.trim()) return { dir: path.dirname(which.stdout.trim()), how: "PATH" };
  return { skipped: "no Pulumi CLI: scripts/pulumi-cli.sh (issue 15) is not in this checkout and no pulumi is on PATH" };
}

export interface CliStep {
  step: StepName;
  n: number;
  calls: CallCount;
  wallMs: number;
  rateLimited: number;
  times: number[];
  problems: string[];
  /** Size of the stack's checkpoint file after the step (what the engine rewrites after every resource step). */
  snapshotBytes?: number;
  /** After create: the bytes of state per resource, by type (`pulumi stack export`). */
  state?: StateBytes[];
  /** Run with PULUMI_SKIP_CHECKPOINTS=true (the profile's figure without snapshot writes). */
  skipCheckpoints?: boolean;
  /** Where the command's time went (bench/fleet/profile-hook.cjs), unless BENCH_CLI_TIMING=0. */
  profile?: CliProfile;
}

/** Bytes of one resource's entry in `pulumi stack export` (compact JSON), averaged over the resources of a type. */
export interface StateBytes {
  type: string;
  count: number;
  /** The whole entry: urn, type, id, inputs, outputs, dependencies, property dependencies, … */
  bytes: number;
  /** Of which the serialized provider (`__provider`, in the inputs and again in the outputs). */
  providerBytes: number;
  inputBytes: number;
  outputBytes: number;
}

interface ExportedResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Bytes per resource by type in an exported deployment (the stack resource and default providers left out). */
export function stateBytesByType(deployment: { resources?: ExportedResource[] }): StateBytes[] {
  const byType = new Map<string, StateBytes>();
  for (const resource of deployment.resources ?? []) {
    if (!resource.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    const type = resource.type.split(":").pop()!;
    const entry = byType.get(type) ?? { type, count: 0, bytes: 0, providerBytes: 0, inputBytes: 0, outputBytes: 0 };
    entry.count++;
    entry.bytes += JSON.stringify(resource).length;
    entry.inputBytes += JSON.stringify(resource.inputs ?? {}).length;
    entry.outputBytes += JSON.stringify(resource.outputs ?? {}).length;
    for (const side of [resource.inputs, resource.outputs]) entry.providerBytes += JSON.stringify(side?.__provider ?? "").length;
    byType.set(type, entry);
  }
  return [...byType.values()].map((e) => ({
    ...e,
    bytes: e.bytes / e.count,
    providerBytes: e.providerBytes / e.count,
    inputBytes: e.inputBytes / e.count,
    outputBytes: e.outputBytes / e.count,
  }));
}

/** The checkpoint file of the stack in a file backend (`.pulumi/stacks/<project>/<stack>.json`), in bytes. */
function snapshotBytes(backendDir: string): number | undefined {
  const stacks = path.join(backendDir, ".pulumi", "stacks");
  if (!fs.existsSync(stacks)) return undefined;
  const files = fs.readdirSync(stacks, { recursive: true, encoding: "utf8" }).filter((f) => /(^|\/)dev\.json(\.gz)?$/.test(f));
  return files.length > 0 ? fs.statSync(path.join(stacks, files[0]!)).size : undefined;
}

export interface CliOptions {
  cliDir: string;
  emulator: Emulator;
  accountId: string;
  n: number;
  tokenFor: (index: number) => string;
  prefix?: string;
  log?: (line: string) => void;
  /** PULUMI_SKIP_CHECKPOINTS=true: the engine writes no snapshot until the end (the profile's comparison). */
  skipCheckpoints?: boolean;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv, keepAll = false): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-6_000));
    child.stdout.on("data", keepAll ? (chunk: Buffer) => (output += chunk.toString("utf8")) : collect);
    if (!keepAll) child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30 * 60_000);
    child.once("error", (error) => resolve({ code: -1, output: error.message }));
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Runs every lifecycle step for a fleet of `n` Workers through the CLI and measures each one. */
export async function runCliFleet(options: CliOptions): Promise<CliStep[]> {
  const { emulator, n } = options;
  const log = options.log ?? (() => undefined);
  // The package laid out as a user's npm install has it (so the serialized providers are what users store).
  const project = makeProjectDir({ project: "fleet", installed: true });
  const dir = project.dir;
  try {
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      ["name: fleet", "runtime:", "  name: nodejs", "  options:", "    typescript: false", "    nodeargs: --import tsx", ""].join("\n"),
    );
    fs.copyFileSync(path.join(__dirname, "program.ts"), path.join(dir, "index.ts"));
    fs.symlinkSync(
      path.dirname(require.resolve("tsx/package.json", { paths: [PACKAGE_ROOT] })),
      path.join(dir, "node_modules", "tsx"),
      "dir",
    );
    fs.mkdirSync(path.join(dir, ".backend"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [options.cliDir, path.join(PACKAGE_ROOT, "node_modules", ".bin"), process.env.PATH].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${path.join(dir, ".backend")}`,
      PULUMI_CONFIG_PASSPHRASE: "fleet benchmark",
      PULUMI_HOME: path.join(dir, ".pulumi-home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      CLOUDFLARE_API_BASE_URL: emulator.url,
      CLOUDFLARE_ACCOUNT_ID: options.accountId,
      CLOUDFLARE_WORKERS_LIMITER_STATE: "on",
      ...(options.skipCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {}),
    };
    const setup = async (args: string[]) => {
      const result = await run(args, dir, env);
      if (result.code !== 0)
        throw new Error(`pulumi ${args.join(" ")} exited ${result.code}: ${result.output.trim().split("\n").slice(-5).join(" | ")}`);
    };
    await setup(["stack", "init", "dev"]);
    await setup(["config", "set", "count", String(n)]);
    await setup(["config", "set", "prefix", options.prefix ?? "cli-fleet"]);
    const out: CliStep[] = [];
    takeRequests(emulator);
    for (const [index, spec] of STEPS.entries()) {
      for (const [key, value] of Object.entries(spec.config ?? {})) await setup(["config", "set", key, value]);
      const args =
        spec.kind === "up"
          ? ["up", "--yes", "--skip-preview"]
          : spec.kind === "drift"
            ? ["preview", "--refresh", "--expect-no-changes"]
            : spec.kind === "refresh"
              ? ["refresh", "--yes", "--skip-preview"]
              : ["destroy", "--yes", "--skip-preview"];
      takeRequests(emulator);
      const timingLog = path.join(dir, `.timing-${index}.jsonl`);
      const timing: NodeJS.ProcessEnv =
        process.env.BENCH_CLI_TIMING === "0"
          ? {}
          : {
              BENCH_PROFILE_LOG: timingLog,
              NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${JSON.stringify(PROFILE_HOOK)}`].filter(Boolean).join(" "),
            };
      const spawnedAt = Date.now();
      const started = performance.now();
      const result = await run(args, dir, { ...env, ...timing, CLOUDFLARE_API_TOKEN: options.tokenFor(index) });
      const wallMs = performance.now() - started;
      const exitedAt = Date.now();
      const requests = takeRequests(emulator);
      const step: CliStep = {
        step: spec.name,
        n,
        calls: countCalls(requests),
        wallMs,
        rateLimited: requests.filter((r) => r.status === 429).length,
        times: requests.map((r) => r.time),
        problems:
          result.code === 0 ? [] : [`pulumi ${args[0]} exited ${result.code}: ${result.output.trim().split("\n").slice(-4).join(" | ")}`],
        snapshotBytes: snapshotBytes(path.join(dir, ".backend")),
        ...(options.skipCheckpoints ? { skipCheckpoints: true } : {}),
        ...(fs.existsSync(timingLog)
          ? { profile: profileOf(parseProfileLog(fs.readFileSync(timingLog, "utf8")), spawnedAt, exitedAt) }
          : {}),
      };
      if (spec.name === "create" && result.code === 0) {
        const exported = await run(["stack", "export"], dir, env, true);
        if (exported.code === 0)
          step.state = stateBytesByType((JSON.parse(exported.output) as { deployment: { resources?: ExportedResource[] } }).deployment);
      }
      out.push(step);
      log(
        `  cli${options.skipCheckpoints ? "*" : " "}  N=${n} ${spec.name}: ${step.calls.total} calls, ${(wallMs / 1000).toFixed(2)} s` +
          `${step.snapshotBytes ? `, snapshot ${(step.snapshotBytes / 1024).toFixed(0)} KiB` : ""}, load ${loadavg()[0]!.toFixed(1)}` +
          `${step.problems.length ? ` — ${step.problems[0]}` : ""}`,
      );
      if (result.code !== 0 && spec.kind === "up") break;
    }
    return out;
  } finally {
    project.cleanup();
  }
}
