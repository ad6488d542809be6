/**
 * What a new user does, outside this repository: a fresh project folder under the OS temp folder, the package
 * installed from a packed tarball or a git clone, with npm, pnpm or yarn, on a chosen Node.js (first on PATH, where
 * Pulumi's language host and the dynamic-provider plugin find `node`), and a stack run by the real CLI.
 *
 * The Node.js builds (the `node` npm package), pnpm and yarn are installed once per machine into
 * ~/.cache/pulumi-cloudflare-workers/user-path; the tarball is packed once per test file.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../engine/paths";
import { tempDir } from "../cli/pulumi-cli";

export const TOOLS_CACHE = path.join(
  process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"),
  "pulumi-cloudflare-workers",
  "user-path",
);
/** @pulumi/pulumi as this repository pins it: the version a user installs beside the package. */
export const PULUMI_SDK_VERSION = (require(path.join(PACKAGE_ROOT, "package.json")) as { devDependencies: Record<string, string> })
  .devDependencies["@pulumi/pulumi"]!;

export interface Run {
  code: number;
  output: string;
}

/** Runs a command; never throws for a non-zero exit. Output is stdout and stderr interleaved. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

export async function ok(command: string, args: string[], options: Parameters<typeof run>[2]): Promise<Run> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`\`${command} ${args.join(" ")}\` exited ${result.code} in ${options.cwd}\n${result.output}`);
  return result;
}

/** A tool installed from the npm registry once per machine into TOOLS_CACHE/<name>: its folder. */
function cachedInstall(name: string, spec: string): string {
  const dir = path.join(TOOLS_CACHE, name);
  const done = path.join(dir, ".installed");
  if (fs.existsSync(done) && fs.readFileSync(done, "utf8") === spec) return dir;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", spec], { cwd: dir, encoding: "utf8" });
  if (install.status !== 0) throw new Error(`npm install ${spec} failed:\n${install.stdout}\n${install.stderr}`);
  fs.writeFileSync(done, spec);
  return dir;
}

/** The bin folder of Node.js `version` from the `node` npm package. */
export function nodeBin(version: string): string {
  return path.join(cachedInstall(`node-${version}`, `node@${version}`), "node_modules", "node", "bin");
}

/** The pnpm executable. */
export function pnpmBin(): string {
  return path.join(cachedInstall("pnpm", "pnpm@10"), "node_modules", ".bin", "pnpm");
}

/** The yarn classic (1.x) executable. */
export function yarnBin(): string {
  return path.join(cachedInstall("yarn", "yarn@1"), "node_modules", ".bin", "yarn");
}

/** `npm pack` of this repository into a temp folder (prepare builds dist/ when stale): the tarball path. */
export function packTarball(): string {
  const dir = tempDir("pcw-pack-");
  const pack = spawnSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: PACKAGE_ROOT, encoding: "utf8" });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
  return path.join(dir, pack.stdout.trim().split("\n").pop()!);
}

/** A git clone of this repository's HEAD (what `npm install <git url>` fetches): a `git+file://` URL. */
export function gitUrl(): string {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: PACKAGE_ROOT, encoding: "utf8" }).stdout.trim();
  const dir = tempDir("pcw-git-");
  const clone = spawnSync("git", ["clone", "--quiet", "--no-checkout", PACKAGE_ROOT, path.join(dir, "repo")], { encoding: "utf8" });
  if (clone.status !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
  return `git+file://${path.join(dir, "repo")}#${head}`;
}

/**
 * PATH for a user's shell: the chosen Node.js first, then the CLI folder, then the system's folders, and
 * none of this repository's (whose node_modules/.bin holds its own Node.js 24).
 */
export function userPath(nodeBinDir: string, cliDir: string): string {
  const system = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !dir.startsWith(PACKAGE_ROOT) && !fs.existsSync(path.join(dir, "node")));
  const npmDir = path.dirname(spawnSync("which", ["npm"], { encoding: "utf8" }).stdout.trim() || "/usr/bin/npm");
  return [nodeBinDir, cliDir, ...system, npmDir].join(path.delimiter);
}

/** A user's stack program: one Worker, and the Node.js versions of the program and of the provider. */
export const PROGRAM = `const pulumi = require("@pulumi/pulumi");
const { WorkerScript } = require("pulumi-cloudflare-workers");

const worker = new WorkerScript("hello", {
  scriptName: "user-path-hello",
  content: "export default { fetch() { return new Response('hello') } };",
  compatibilityDate: "2025-09-01",
});

exports.programNode = process.version;
exports.scriptName = worker.scriptName;
`;

/** A fresh project folder with Pulumi.yaml, index.js and a package.json naming these dependencies. */
export function userProject(dependencies: Record<string, string>): string {
  const dir = tempDir("pcw-user-");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: first-hour\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
  fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "first-hour",
      private: true,
      main: "index.js",
      dependencies: { "@pulumi/pulumi": PULUMI_SDK_VERSION, ...dependencies },
    }),
  );
  return dir;
}

/** The environment of a user's shell for the CLI: file backend and PULUMI_HOME inside the project, no CLOUDFLARE_*. */
export function pulumiEnv(projectDir: string, pathValue: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(CLOUDFLARE_|PULUMI_|NODE_OPTIONS$|npm_|NODE_PATH$|INIT_CWD$)/.test(key)) env[key] = value;
  }
  fs.mkdirSync(path.join(projectDir, ".backend"), { recursive: true });
  return {
    ...env,
    PATH: pathValue,
    PULUMI_BACKEND_URL: `file://${path.join(projectDir, ".backend")}`,
    PULUMI_HOME: path.join(projectDir, ".pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: "first hour",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}
