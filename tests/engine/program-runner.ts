import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { childMessageSchema, type ParentMessage, type Registration } from "./protocol";
import { registerCleanup } from "./cleanup-registry";
import { compileCacheEnv, PACKAGE_ROOT, tsxRegisterApi, withBuildHint } from "./paths";
import type { PropertyMap, SecretPath } from "./secrets";

export interface ProgramOptions {
  /** Stack config; keys without a namespace get the project's (`key` → `project:key`). */
  config?: Record<string, string>;
  /** Secret stack config (read with `config.requireSecret`); same key rules as `config`. */
  secretConfig?: Record<string, string>;
  /** More plain config with full keys ("cloudflare-workers:accountId"), e.g. the engine's provider config. */
  stackConfig?: Record<string, string>;
  project?: string;
  stack?: string;
  /** Added to the program's environment (the rest is this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Working folder of the program (default: the program file's folder, as `pulumi up` runs it). */
  cwd?: string;
  /** Kill the program when it runs longer than this (default 60 s). */
  timeoutMs?: number;
  /** Kills the program when aborted (Engine.close() aborts the command in flight). */
  signal?: AbortSignal;
  /**
   * Registrations answered at once (default 1). Each still waits for the registrations it depends on
   * (dependencies, property dependencies, parent) to be answered, as the engine's step executor does.
   */
  parallel?: number;
}

/** What the engine answers a RegisterResource with. */
export interface RegisterAnswer {
  id: string;
  outputs: PropertyMap;
  secretPaths: SecretPath[];
}
export type Responder = (registration: Registration) => Promise<RegisterAnswer>;

export interface ProgramRun {
  registrations: Registration[];
  /** Program failures: exceptions, failed registrations. Empty when the program ran to completion. */
  errors: string[];
  durationMs: number;
}

export const DEFAULT_PROJECT = "engine-test";
export const DEFAULT_STACK = "dev";
const DEFAULT_PROGRAM_TIMEOUT_MS = 60_000;
const OUTPUT_TAIL_CHARS = 4_000;

const CHILD_BOOTSTRAP = [
  "for (const id of JSON.parse(process.env.PCW_HARNESS_PRELOAD)) require(id);",
  "require(process.env.PCW_HARNESS_TSX_API).register();",
  "require(process.env.PCW_HARNESS_CHILD);",
].join("\n");

/** The @pulumi/pulumi a program gets: the one resolved from its folder, else this repository's. */
export function pulumiDirFor(programFile: string): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [path.dirname(programFile), PACKAGE_ROOT] }));
}

/**
 * Modules the child loads before registering the TypeScript hook: the SDK, the TypeScript compiler the
 * SDK's closure serializer parses provider functions with (9 MB; 4x slower through the hook), and zod.
 */
function preloadsFor(pulumiDir: string): string[] {
  const typescriptShim = path.join(pulumiDir, "typescript-shim.js");
  return [pulumiDir, ...(fs.existsSync(typescriptShim) ? [typescriptShim] : []), require.resolve("zod", { paths: [PACKAGE_ROOT] })];
}

/** Stack config as `pulumi-language-nodejs` passes it to a program (PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS). */
export function programConfigEnv(options: ProgramOptions): Record<string, string> {
  const project = options.project ?? DEFAULT_PROJECT;
  const qualify = (key: string): string => (key.includes(":") ? key : `${project}:${key}`);
  const secretKeys = Object.keys(options.secretConfig ?? {}).map(qualify);
  return { PULUMI_CONFIG: JSON.stringify(qualifiedConfig(options)), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys) };
}

/** All of a program's config under full keys: stackConfig, then config, then secretConfig. */
export function qualifiedConfig(options: ProgramOptions): Record<string, string> {
  const project = options.project ?? DEFAULT_PROJECT;
  const qualify = (key: string): string => (key.includes(":") ? key : `${project}:${key}`);
  const config: Record<string, string> = { ...options.stackConfig };
  for (const [key, value] of Object.entries(options.config ?? {})) config[qualify(key)] = value;
  for (const [key, value] of Object.entries(options.secretConfig ?? {})) config[qualify(key)] = value;
  return config;
}

/**
 * Runs a stack program in a child process and hands every resource registration to `respond`: up to
 * `parallel` at once, each after the registrations it depends on were answered (the program itself only
 * sends a registration once the outputs it uses are known). Resolves when the program and all
 * registrations finished.
 */
export function runProgram(programFile: string, options: ProgramOptions & { preview?: boolean }, respond: Responder): Promise<ProgramRun> {
  const started = performance.now();
  const file = path.resolve(programFile);
  const project = options.project ?? DEFAULT_PROJECT;
  const stack = options.stack ?? DEFAULT_STACK;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, ...programConfigEnv(options) };
  Object.assign(env, compileCacheEnv(env));
  env.PULUMI_NODEJS_PROJECT = project;
  env.PULUMI_NODEJS_STACK = stack;
  env.PULUMI_NODEJS_DRY_RUN = options.preview ? "true" : "false";
  delete env.PULUMI_NODEJS_MONITOR;
  delete env.PULUMI_NODEJS_ENGINE;

  // Big modules are loaded BEFORE the TypeScript hook is registered (see preloadsFor): through the hook
  // they load two to four times as slowly; the program's own requires then hit the cache.
  env.PCW_HARNESS_PULUMI_DIR = pulumiDirFor(file);
  env.PCW_HARNESS_PRELOAD = JSON.stringify(preloadsFor(env.PCW_HARNESS_PULUMI_DIR));
  env.PCW_HARNESS_TSX_API = tsxRegisterApi();
  env.PCW_HARNESS_CHILD = path.join(__dirname, "program-child.ts");
  env.PCW_HARNESS_ARGS = JSON.stringify([file, project, stack, options.preview ? "preview" : "up"]);
  const child = spawn(process.execPath, ["-e", CHILD_BOOTSTRAP], {
    cwd: options.cwd ?? path.dirname(file),
    env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  return new Promise<ProgramRun>((resolve, reject) => {
    const registrations: Registration[] = [];
    const schedule = registrationScheduler(options.parallel ?? 1);
    let finished: string[] | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      fail(new Error(`engine harness: program ${file} did not finish within ${options.timeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS} ms`));
    }, options.timeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS);
    const unregister = registerCleanup(() => child.kill("SIGKILL"));
    const onAbort = (): void => fail(new Error(`engine harness: program ${file} was stopped (engine closed)`));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      unregister();
      options.signal?.removeEventListener("abort", onAbort);
    };

    function fail(error: Error): void {
      if (settled) return;
      finish();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      const tail = output.trim() ? `\n--- program output (tail) ---\n${output.trim()}` : "";
      reject(new Error(withBuildHint(error.message) + tail));
    }
    function reply(message: ParentMessage): void {
      if (child.connected) child.send(message);
    }

    child.on("message", (raw) => {
      const parsed = childMessageSchema.safeParse(raw);
      if (!parsed.success) return fail(new Error(`engine harness: unexpected message from program child: ${parsed.error.message}`));
      const message = parsed.data;
      if (message.kind === "done") {
        finished = message.errors;
        return;
      }
      registrations.push(message.registration);
      schedule(message.registration, async () => {
        try {
          const answer = await respond(message.registration);
          reply({ kind: "registered", seq: message.seq, ...answer });
        } catch (error) {
          reply({ kind: "failed", seq: message.seq, message: error instanceof Error ? error.message : String(error) });
        }
      });
    });
    child.on("error", (error) => fail(error));
    // "close" comes after the IPC channel and stdio are drained, so a final "done" has been seen.
    child.on("close", (code, signal) => {
      if (settled) return;
      if (finished === undefined) {
        return fail(new Error(`engine harness: program ${file} exited (${signal ?? `code ${code}`}) before it finished`));
      }
      const errors = [...new Set(finished.map(withBuildHint))];
      void schedule.idle().then(() => {
        finish();
        resolve({ registrations, errors, durationMs: performance.now() - started });
      });
    });
  });
}

/**
 * Runs each registration's work once the registrations it depends on are done, at most `parallel` at a
 * time, in arrival order otherwise. `idle()` resolves when everything scheduled so far has finished.
 */
function registrationScheduler(
  parallel: number,
): ((registration: Registration, work: () => Promise<void>) => void) & { idle(): Promise<void> } {
  const limit = Math.max(1, Math.floor(parallel));
  let running = 0;
  const queued: (() => void)[] = [];
  const done = new Map<string, Promise<void>>();
  const all: Promise<void>[] = [];
  const slot = (): Promise<void> => {
    if (running < limit) {
      running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => queued.push(resolve));
  };
  const release = (): void => {
    const next = queued.shift();
    if (next)
      next(); // the slot passes to the next in line
    else running--;
  };
  const schedule = (registration: Registration, work: () => Promise<void>): void => {
    const needs = new Set([...registration.dependencies, ...Object.values(registration.propertyDependencies).flat(), registration.parent]);
    const before = [...needs].flatMap((urn) => (urn && done.has(urn) ? [done.get(urn)!] : []));
    const finished = Promise.all(before)
      .then(slot)
      .then(() => work().finally(release));
    done.set(registration.urn, finished);
    all.push(finished);
  };
  return Object.assign(schedule, { idle: async () => void (await Promise.all(all)) });
}

/**
 * Runs a program without any provider and returns its registrations: inputs (with the real serialized
 * `__provider`), secret input keys, dependencies and options. Outputs are the inputs echoed and ids are
 * `<name>_id`, like `pulumi.runtime.setMocks` programs usually do (so outputs only a provider computes are
 * undefined, and inputs built from them are missing; pass `mockOutputs` to supply them). Throws when the
 * program fails.
 */
export async function captureProgram(
  programFile: string,
  options: ProgramOptions & {
    /** Outputs to answer a registration with (default: its inputs), e.g. to give computed outputs a value. */
    mockOutputs?: (registration: Registration) => PropertyMap;
  } = {},
): Promise<Registration[]> {
  const run = await runProgram(programFile, options, async (registration) => ({
    id: registration.custom ? `${registration.name}_id` : "",
    outputs: options.mockOutputs?.(registration) ?? registration.inputs,
    secretPaths: registration.secretPaths,
  }));
  if (run.errors.length > 0) {
    throw new Error(`engine harness: program ${programFile} failed:\n${run.errors.join("\n")}`);
  }
  return run.registrations;
}
