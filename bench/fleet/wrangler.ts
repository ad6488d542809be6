/**
 * The wrangler side: the same fleet deployed the way a user's CI does it today, `wrangler deploy` plus
 * `wrangler secret put` per Worker, with wrangler 4 installed by the benchmark into its own temporary folder
 * (never a dependency of this project). Every invocation is a separate wrangler process, as in CI.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_EMULATOR_TOKEN, type Emulator } from "../../emulator";
import { countCalls, takeRequests, type CallCount } from "./calls";
import type { StepName } from "./steps";

const exec = promisify(execFile);

export interface WranglerInstall {
  bin: string;
  version: string;
  installMs: number;
  /** Removes the folder when the benchmark made it. */
  cleanup(): void;
}

/**
 * `npm install wrangler@4` into a fresh temporary folder. WRANGLER_BIN (an existing wrangler executable)
 * skips the install, e.g. to rerun the benchmark quickly.
 */
export async function installWrangler(log: (line: string) => void): Promise<WranglerInstall> {
  const given = process.env.WRANGLER_BIN;
  const started = performance.now();
  if (given) {
    if (!existsSync(given)) throw new Error(`WRANGLER_BIN=${given} does not exist`);
    const { stdout } = await exec(given, ["--version"], { env: wranglerBaseEnv(tmpdir()) });
    return { bin: given, version: stdout.trim(), installMs: 0, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), "pcw-bench-wrangler-"));
  log(`installing wrangler@4 into ${dir} (npm install, not a project dependency)…`);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "pcw-bench-wrangler", private: true }));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await exec(npm, ["install", "wrangler@4", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    timeout: 10 * 60_000,
    maxBuffer: 16 << 20,
  });
  const bin = join(dir, "node_modules", ".bin", "wrangler");
  const { stdout } = await exec(bin, ["--version"], { env: wranglerBaseEnv(dir) });
  return {
    bin,
    version: stdout.trim(),
    installMs: performance.now() - started,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function wranglerBaseEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CI: "true",
    // wrangler keeps its config and caches under HOME: never the user's.
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
  };
}

export interface FleetVariant {
  codeVersion: string;
  secretVersion: string;
}

const INITIAL: FleetVariant = { codeVersion: "1", secretVersion: "1" };

/** What a CI script runs for each Worker in each step; undefined = wrangler has no such command. */
export const WRANGLER_STEPS: Record<
  StepName,
  { variant: Partial<FleetVariant>; commands: ("deploy" | "secret API_KEY" | "delete")[] } | undefined
> = {
  create: { variant: {}, commands: ["deploy", "secret API_KEY"] },
  "no-op up": { variant: {}, commands: ["deploy"] },
  "code change": { variant: { codeVersion: "2" }, commands: ["deploy"] },
  "secret rotation": { variant: { secretVersion: "2" }, commands: ["secret API_KEY"] },
  "drift check": undefined,
  refresh: undefined,
  destroy: { variant: {}, commands: ["delete"] },
};

/** The same Worker as the fleet program's: same code, bindings, settings, subdomain. */
function writeProject(dir: string, name: string, i: number, v: FleetVariant): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "src", "index.js"),
    `// ${name}, code version ${v.codeVersion}\n` +
      `export default {\n  async fetch(request, env) {\n    return new Response(env.GREETING + " from ${name} v${v.codeVersion}");\n  },\n};\n`,
  );
  writeFileSync(
    join(dir, "wrangler.toml"),
    [
      `name = "${name}"`,
      `main = "src/index.js"`,
      `compatibility_date = "2025-09-01"`,
      `workers_dev = true`,
      `preview_urls = false`,
      `logpush = true`,
      `kv_namespaces = [ { binding = "CACHE", id = "a1b2c3d4e5f60718293a4b5c6d7e8f90" } ]`,
      ``,
      `[vars]`,
      `GREETING = "Hello"`,
      `LIMITS = { worker = ${i}, burst = 10 }`,
      ``,
      `[observability]`,
      `enabled = true`,
      `head_sampling_rate = 1`,
      ``,
    ].join("\n"),
  );
}

interface Invocation {
  ok: boolean;
  message?: string;
}

function runWrangler(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<Invocation> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-4_000));
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.stdin.end(input ?? "");
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: error.message });
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else
        resolve({
          ok: false,
          message: `wrangler ${args.join(" ")} exited ${signal ?? code}: ${output.trim().split("\n").slice(-6).join(" | ")}`,
        });
    });
  });
}

/** Runs `work` for 0..n-1 with at most `parallel` at a time. */
async function pool(n: number, parallel: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

export interface WranglerStep {
  step: StepName;
  n: number;
  calls: CallCount;
  wallMs: number;
  invocations: number;
  failures: number;
  /** Answers 429 (the emulator's enforced rate limit). */
  rateLimited: number;
  /** Why wrangler could not complete (first failure). */
  firstFailure?: string;
}

export interface WranglerOptions {
  emulator: Emulator;
  accountId: string;
  wrangler: WranglerInstall;
  n: number;
  /** Workers handled at once (each Worker's commands run in order). */
  parallel: number;
  /** Steps to run, in STEPS order; the create step always runs first and destroy last when listed. */
  steps: readonly StepName[];
  /** The API token of each step (its own rate-limit budget, as for our side). */
  tokenFor: (step: StepName) => string;
  prefix?: string;
  log?: (line: string) => void;
}

export async function runWranglerFleet(options: WranglerOptions): Promise<WranglerStep[]> {
  const { emulator, accountId, wrangler, n, parallel } = options;
  const prefix = options.prefix ?? "wr-fleet";
  const log = options.log ?? (() => undefined);
  const root = mkdtempSync(join(tmpdir(), "pcw-bench-wr-fleet-"));
  const baseEnv: NodeJS.ProcessEnv = {
    ...wranglerBaseEnv(root),
    CLOUDFLARE_API_BASE_URL: emulator.url,
    CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: accountId,
  };
  const results: WranglerStep[] = [];
  let variant: FleetVariant = { ...INITIAL };
  try {
    takeRequests(emulator);
    for (const name of options.steps) {
      const spec = WRANGLER_STEPS[name];
      if (!spec) continue;
      variant = { ...variant, ...spec.variant };
      const v = variant;
      const env = { ...baseEnv, CLOUDFLARE_API_TOKEN: options.tokenFor(name) };
      let failures = 0;
      let invocations = 0;
      let firstFailure: string | undefined;
      const started = performance.now();
      await pool(n, parallel, async (i) => {
        const script = `${prefix}-${i}`;
        const dir = join(root, script);
        writeProject(dir, script, i, v);
        for (const command of spec.commands) {
          invocations++;
          const result =
            command === "deploy"
              ? await runWrangler(wrangler.bin, ["deploy"], dir, env)
              : command === "delete"
                ? await runWrangler(wrangler.bin, ["delete"], dir, env)
                : await runWrangler(
                    wrangler.bin,
                    ["secret", "put", command.slice("secret ".length)],
                    dir,
                    env,
                    `api-key-${i}-v${v.secretVersion}`,
                  );
          if (!result.ok) {
            failures++;
            firstFailure ??= result.message;
            break;
          }
        }
      });
      const requests = takeRequests(emulator);
      const step: WranglerStep = {
        step: name,
        n,
        calls: countCalls(requests),
        rateLimited: requests.filter((r) => r.status === 429).length,
        wallMs: performance.now() - started,
        invocations,
        failures,
        ...(firstFailure ? { firstFailure } : {}),
      };
      results.push(step);
      log(
        `  wrangler N=${n} ${name}: ${step.calls.total} calls, ${(step.wallMs / 1000).toFixed(2)} s, ${invocations} runs${failures ? `, ${failures} FAILED: ${firstFailure}` : ""}`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}
