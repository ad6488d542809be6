/**
 * `pulumi-cloudflare-workers import`: 1. read the Workers (collect.ts), 2. render the program (render.ts),
 * 3. write it into the output folder, refusing to overwrite an existing program unless forced.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { getDefaultClient, type CloudflareClient } from "../../provider/cloudflare";
import { collectAccount, type ImportOptions } from "./collect";
import { renderProgram, type RenderedProgram } from "./render";

export interface RunImportOptions extends ImportOptions {
  out: string;
  project?: string;
  /** Overwrite files of an existing program in `out`. */
  force?: boolean;
  client?: CloudflareClient;
  /** Progress and warnings (default: nothing). */
  log?: (line: string) => void;
  /** For the header of index.ts (default: now). */
  generatedAt?: string;
}

export interface ImportResult extends RenderedProgram {
  out: string;
  project: string;
  workerNames: string[];
}

/** The files every program has; a folder holding one of them is an existing program. */
const PROGRAM_FILES = ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"];

/** A Pulumi project name from the output folder: letters, digits, '-', '_' and '.'. */
export function projectNameFor(out: string): string {
  const base = path
    .basename(path.resolve(out))
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return base.length > 0 ? base : "imported-workers";
}

/** The version of this package, for the program's dependency. */
export function ownVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (parsed.name === "pulumi-cloudflare-workers" && parsed.version) return `^${parsed.version}`;
    }
    if (path.dirname(dir) === dir) return "*";
  }
}

function writeProgram(out: string, program: RenderedProgram, force: boolean): void {
  const existing = PROGRAM_FILES.filter((file) => fs.existsSync(path.join(out, file)));
  if (existing.length > 0 && !force) {
    throw new Error(`${out} already holds a program (${existing.join(", ")}); choose an empty folder, or pass --force to overwrite it`);
  }
  const root = path.resolve(out);
  for (const file of program.files) {
    const target = path.resolve(root, ...file.path.split("/"));
    // collect.ts refuses module names that leave the folder; this is the last line of defence.
    if (!target.startsWith(`${root}${path.sep}`)) throw new Error(`refusing to write ${file.path} outside ${out}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
}

export async function runImport(options: RunImportOptions): Promise<ImportResult> {
  const log = options.log ?? (() => undefined);
  const client = options.client ?? getDefaultClient();
  const where = options.dispatchNamespace
    ? `dispatch namespace "${options.dispatchNamespace}" of account ${options.accountId}`
    : `account ${options.accountId}`;
  log(`Reading the Workers of ${where}…`);
  const account = await collectAccount(client, options, (name) => log(`  reading ${name}`));
  const project = options.project ?? projectNameFor(options.out);
  const program = renderProgram(account, {
    project,
    packageVersion: ownVersion(),
    generatedAt: options.generatedAt ?? new Date().toISOString(),
  });
  writeProgram(options.out, program, options.force === true);
  for (const warning of program.warnings) log(`warning: ${warning.scriptName}: ${warning.message}`);
  return { ...program, out: options.out, project, workerNames: account.workers.map((w) => w.scriptName) };
}
