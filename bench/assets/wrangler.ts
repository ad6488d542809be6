/**
 * wrangler for the benchmark: installed from npm into the benchmark's own temporary folder (never a project
 * dependency), and `wrangler deploy` of an assets-only Worker pointed at the emulator.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const WRANGLER_SPEC = "wrangler@4";

export interface CommandResult {
  code: number | null;
  output: string;
  wallMs: number;
}

/** Runs a command, collecting its output (the tail is kept), timing it from spawn to exit. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${error.message}`, wallMs: performance.now() - started });
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, wallMs: performance.now() - started });
    });
  });
}

/** Installs wrangler into `folder` (npm; quick when already there). Returns the path of its bin script. */
export async function installWrangler(folder: string): Promise<{ bin?: string; version?: string; error?: string }> {
  mkdirSync(folder, { recursive: true });
  if (!existsSync(join(folder, "package.json")))
    writeFileSync(join(folder, "package.json"), JSON.stringify({ name: "bench-wrangler", private: true }));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const installed = await runCommand(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error", WRANGLER_SPEC], {
    cwd: folder,
    env: process.env,
  });
  const bin = join(folder, "node_modules", "wrangler", "bin", "wrangler.js");
  if (installed.code !== 0 || !existsSync(bin))
    return { error: `npm install ${WRANGLER_SPEC} failed: ${installed.output.trim().split("\n").slice(-5).join(" | ")}` };
  const version = (JSON.parse(readFileSync(join(folder, "node_modules", "wrangler", "package.json"), "utf8")) as { version: string })
    .version;
  return { bin, version };
}

/** A wrangler project deploying `assetsDir` as an assets-only Worker named `name`. */
export function writeWranglerProject(folder: string, name: string, assetsDir: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "wrangler.json"),
    JSON.stringify({ name, compatibility_date: "2025-01-01", assets: { directory: assetsDir } }, null, 2),
  );
}
