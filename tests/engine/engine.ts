import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { Host, HostCallError, type CheckFailure, type ResourceRef } from "./host";
import { makeProjectDir, type ProjectDir } from "./project-dir";
import { DEFAULT_PROJECT, DEFAULT_STACK, qualifiedConfig, runProgram, type ProgramOptions, type RegisterAnswer } from "./program-runner";
import type { Registration } from "./protocol";
import { addSecretOutputs, annotateSecrets, normalisePaths, pathsPresentIn, type PropertyMap, type SecretPath } from "./secrets";
import { checkpointText, deletionOrder, secretKeysOf, type ResourceState } from "./state";

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "gone";

/** What happened to one resource in a step, as a Pulumi user reads it in a plan or an update summary. */
export interface StepOutcome {
  urn: string;
  type: string;
  name: string;
  op: StepOp;
  /** update/replace: top-level input keys whose value changed; read: output keys the refresh changed. */
  changedKeys?: string[];
  /** replace: the keys Diff (or replaceOnChanges) said force a replacement. */
  replaceKeys?: string[];
  /** replace: the old resource was deleted before its replacement was created. */
  deleteBeforeReplace?: boolean;
  /** Check failures ({property, reason}) reported by the provider. */
  failures?: CheckFailure[];
  /** The provider's error message when the operation failed. */
  error?: string;
}

export interface StepReport {
  outcomes: StepOutcome[];
  /** No failures, no errors, and the program (if any) completed. */
  ok: boolean;
  /** Errors the program reported (exceptions, failed registrations). */
  programErrors: string[];
  durationMs: number;
}

export interface EngineOptions {
  /** Environment added for the host and the programs (credentials, CLOUDFLARE_API_BASE_URL, …). */
  env?: NodeJS.ProcessEnv;
  /**
   * Stack config with namespaced keys, e.g. { "cloudflare-workers:accountId": "…" }: sent with Configure (together
   * with each program's config) and visible to programs as plain config.
   */
  stackConfig?: Record<string, string>;
  project?: string;
  stack?: string;
  /** A project folder from makeProjectDir() (kept on close). Default: a fresh one, removed on close. */
  projectDir?: string;
  /** When the engine makes its own project folder: require a built dist/ (default true). */
  requireBuild?: boolean;
  /** Start a new host for every command, as each `pulumi` command does (default true). */
  hostPerCommand?: boolean;
  callTimeoutMs?: number;
  programTimeoutMs?: number;
  /**
   * Resource operations run at once, as `pulumi up --parallel` (default, as the Pulumi CLI: 4 × the CPUs).
   * Dependencies are still respected: a resource waits for what it depends on, deletes go dependents first.
   */
  parallel?: number;
}

/** The Pulumi CLI's default `--parallel`: four times the number of CPUs. */
export const DEFAULT_PARALLEL = 4 * availableParallelism();

export interface StepProgramOptions {
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
  /** Added to the engine's env for this program run only. */
  env?: NodeJS.ProcessEnv;
  /** The program's working folder (default: its own folder). */
  cwd?: string;
}

const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";
/** How the engine sends a value not known yet over gRPC. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function messageOf(error: unknown): string {
  return error instanceof HostCallError || error instanceof Error ? error.message : String(error);
}

function changedTopKeys(before: PropertyMap, after: PropertyMap): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !isDeepStrictEqual(before[key], after[key])).sort();
}

function driftedKeys(oldOutputs: PropertyMap, oldInputs: PropertyMap, inputs: PropertyMap): string[] {
  const keys = new Set([...Object.keys(oldInputs), ...Object.keys(inputs)]);
  return [...keys].filter((key) => !isDeepStrictEqual(oldOutputs[key], inputs[key])).sort();
}

function refOf(resource: { urn: string; type: string; name: string }): ResourceRef {
  return { urn: resource.urn, type: resource.type, name: resource.name };
}

/**
 * Runs stack programs through the real dynamic-provider host the way the Pulumi engine does for
 * `pulumi up`, `preview`, `refresh` and `destroy`, and keeps the stack's state between commands.
 */
export class Engine {
  /** The stack's resources by URN, in the order they were created. */
  readonly state = new Map<string, ResourceState>();
  /** Milliseconds from spawning the first host to its first answer. */
  hostStartMs = 0;
  /** The same figure for every host started so far. */
  readonly hostStartTimes: number[] = [];
  readonly project: string;
  readonly stack: string;
  readonly projectDir: string;

  private host: Host | undefined;
  /** The config the current host was configured with (JSON). */
  private hostConfig = "";
  /**
   * The whole stack config, namespaced ("cloudflare:apiToken", "<project>:greeting"), as Configure sends
   * it to a dynamic provider: `stackConfig` plus the config of the last program run (a stack's config
   * persists between commands, so refresh and destroy use it too).
   */
  stackConfig: Record<string, string>;
  private hostUsed = false;
  /** Resources replaced create-before-delete whose old copy still has to be deleted. */
  private pendingDeletes: ResourceState[] = [];
  /** Dependents deleted ahead of a delete-before-replace in this update, created again when registered. */
  private replacedDependents = new Set<string>();
  private readonly ciphertextKey = randomBytes(32);
  private closed = false;
  /** Aborted by close(): stops a program child still running. */
  private readonly abort = new AbortController();

  private constructor(
    private readonly options: EngineOptions,
    private readonly ownedProjectDir: ProjectDir | undefined,
  ) {
    this.project = options.project ?? DEFAULT_PROJECT;
    this.stack = options.stack ?? DEFAULT_STACK;
    this.projectDir = options.projectDir ?? ownedProjectDir!.dir;
    this.stackConfig = { ...options.stackConfig };
  }

  static async start(options: EngineOptions = {}): Promise<Engine> {
    const owned = options.projectDir ? undefined : makeProjectDir({ project: options.project, requireBuild: options.requireBuild });
    const engine = new Engine(options, owned);
    try {
      await engine.startHost(engine.stackConfig);
    } catch (error) {
      owned?.cleanup();
      throw error;
    }
    return engine;
  }

  /** The running host's process id (for tests that check it is gone after close()). */
  get hostPid(): number | undefined {
    return this.host?.pid;
  }

  /** Tail of the current host's stdout/stderr. */
  hostLog(): string {
    return this.host?.log() ?? "";
  }

  get stackUrn(): string {
    return `urn:pulumi:${this.stack}::${this.project}::pulumi:pulumi:Stack::${this.project}-${this.stack}`;
  }

  private async startHost(config: Record<string, string>): Promise<void> {
    const host = await Host.start({
      projectDir: this.projectDir,
      env: this.options.env,
      stackConfig: config,
      callTimeoutMs: this.options.callTimeoutMs,
    });
    if (this.closed) {
      // close() ran while this host was starting: it must not outlive the engine.
      await host.close();
      throw new Error("engine harness: the engine is closed");
    }
    this.host = host;
    this.hostConfig = JSON.stringify(config);
    this.hostStartTimes.push(this.host.startMs);
    if (this.hostStartTimes.length === 1) this.hostStartMs = this.host.startMs;
    this.hostUsed = false;
  }

  /**
   * The host for the next command: a fresh process per command unless hostPerCommand is false, and always
   * a fresh one when the stack config changed (Configure reaches a provider once per process).
   */
  private async commandHost(): Promise<Host> {
    if (this.closed) throw new Error("engine harness: the engine is closed");
    const config = this.stackConfig;
    const stale =
      !this.host ||
      !this.host.running ||
      this.hostConfig !== JSON.stringify(config) ||
      (this.hostUsed && (this.options.hostPerCommand ?? true));
    if (stale) {
      await this.host?.close();
      await this.startHost(config);
    }
    this.hostUsed = true;
    return this.host!;
  }

  private programOptions(options: StepProgramOptions): ProgramOptions {
    return {
      config: options.config,
      secretConfig: options.secretConfig,
      stackConfig: this.options.stackConfig,
      project: this.project,
      stack: this.stack,
      env: { ...this.options.env, ...options.env },
      cwd: options.cwd,
      timeoutMs: this.options.programTimeoutMs,
      signal: this.abort.signal,
      parallel: this.parallel,
    };
  }

  private get parallel(): number {
    return Math.max(1, Math.floor(this.options.parallel ?? DEFAULT_PARALLEL));
  }

  /**
   * Deletes `resources` as the engine does: each once everything among them that depends on it is gone, up
   * to `parallel` at a time; after a failure no further delete starts. Returns whether one failed.
   */
  private async deleteInOrder(resources: ResourceState[], deleteOne: (resource: ResourceState) => Promise<boolean>): Promise<boolean> {
    const ordered = deletionOrder(resources);
    const needs = (r: ResourceState): string[] => (r.parent ? [...r.dependencies, r.parent] : r.dependencies);
    const finished = new Map<ResourceState, Promise<boolean>>();
    let running = 0;
    let failed = false;
    const queue: (() => void)[] = [];
    const slot = () => (running < this.parallel ? (running++, Promise.resolve()) : new Promise<void>((resolve) => queue.push(resolve)));
    const release = () => {
      const next = queue.shift();
      if (next) next();
      else running--;
    };
    // Dependents come earlier in `ordered`, so each resource's dependents already have their promise.
    for (const resource of ordered) {
      const dependents = ordered
        .filter((other) => other !== resource && needs(other).includes(resource.urn))
        .map((d) => finished.get(d) ?? Promise.resolve(true));
      finished.set(
        resource,
        Promise.all(dependents).then(async (results) => {
          if (results.some((ok) => !ok)) return false;
          await slot();
          try {
            if (failed) return false;
            const ok = await deleteOne(resource);
            if (!ok) failed = true;
            return ok;
          } finally {
            release();
          }
        }),
      );
    }
    await Promise.all(finished.values());
    return failed;
  }

  /** `pulumi up`: runs the program, creating, updating and replacing what it registers, then deletes what it dropped. */
  up(programFile: string, options: StepProgramOptions = {}): Promise<StepReport> {
    return this.deploy(programFile, options, false);
  }

  /** `pulumi preview`: Check and Diff only; the state and the provider's world are not touched. */
  preview(programFile: string, options: StepProgramOptions = {}): Promise<StepReport> {
    return this.deploy(programFile, options, true);
  }

  private async deploy(programFile: string, options: StepProgramOptions, preview: boolean): Promise<StepReport> {
    const started = performance.now();
    this.replacedDependents.clear();
    this.stackConfig = { ...this.options.stackConfig, ...qualifiedConfig(this.programOptions(options)) };
    // The host starts while the program loads; the first registration waits for it.
    const hostReady = this.commandHost();
    hostReady.catch(() => undefined);
    // Steps run in parallel; each registration's outcomes are kept apart and reported in registration order.
    const stepOutcomes: StepOutcome[][] = [];
    const registered = new Set<string>();
    let failed = false;

    const respond = async (registration: Registration): Promise<RegisterAnswer> => {
      registered.add(registration.urn);
      const outcomes: StepOutcome[] = [];
      stepOutcomes.push(outcomes);
      if (failed) throw new Error("engine harness: not run because an earlier step failed");
      try {
        return await this.step(await hostReady, registration, preview, outcomes);
      } catch (error) {
        failed = true;
        throw error;
      }
    };
    let run;
    try {
      run = await runProgram(programFile, { ...this.programOptions(options), preview }, respond);
    } finally {
      // Never leave a host starting in the background; its own error surfaces below.
      await hostReady.catch(() => undefined);
    }
    const host = await hostReady;
    const outcomes = stepOutcomes.flat();

    const replaced = preview ? [] : this.pendingDeletes;
    const dropped = failed || run.errors.length > 0 ? [] : [...this.state.values()].filter((resource) => !registered.has(resource.urn));
    if (preview) {
      for (const resource of deletionOrder([...dropped, ...replaced])) outcomes.push({ ...refOf(resource), op: "delete" });
    } else {
      await this.deleteInOrder([...dropped, ...replaced], async (resource) => {
        const pending = replaced.includes(resource);
        const error = await this.deleteResource(host, resource, outcomes, pending ? undefined : "delete");
        if (pending && !error) this.pendingDeletes = this.pendingDeletes.filter((r) => r !== resource);
        return !error;
      });
    }
    return this.report(outcomes, run.errors, started);
  }

  private report(outcomes: StepOutcome[], programErrors: string[], started: number): StepReport {
    const ok = programErrors.length === 0 && outcomes.every((o) => !o.error && !(o.failures && o.failures.length > 0));
    return { outcomes, ok, programErrors, durationMs: performance.now() - started };
  }

  /** One registration: Check, then Create for a new URN or Diff and Update/replace for a known one. */
  private async step(host: Host, reg: Registration, preview: boolean, outcomes: StepOutcome[]): Promise<RegisterAnswer> {
    const ref = refOf(reg);
    const old = this.state.get(reg.urn);
    if (!reg.custom) {
      // Component resources have no provider: the engine just records them.
      this.state.set(reg.urn, this.newState(reg, "", reg.inputs, reg.secretPaths, reg.inputs, reg.secretPaths));
      outcomes.push({ ...ref, op: old ? "same" : "create" });
      return { id: "", outputs: reg.inputs, secretPaths: reg.secretPaths };
    }
    if (!reg.type.startsWith(DYNAMIC_TYPE_PREFIX)) {
      const error = `engine harness: only dynamic resources (${DYNAMIC_TYPE_PREFIX}…) can be run, not ${reg.type}`;
      outcomes.push({ ...ref, op: old ? "update" : "create", error });
      throw new Error(error);
    }

    // ignoreChanges: the engine puts the old values back before Check.
    const news: PropertyMap = { ...reg.inputs };
    let newsSecrets = reg.secretPaths;
    if (old) {
      for (const key of reg.ignoreChanges) {
        if (key in old.inputs) news[key] = old.inputs[key];
        else delete news[key];
        newsSecrets = [...newsSecrets.filter((p) => p[0] !== key), ...old.inputSecretPaths.filter((p) => p[0] === key)];
      }
    }

    const tentative: StepOp = old ? "update" : "create";
    const checked = await this.guard(ref, tentative, outcomes, () => host.check(ref, old?.inputs ?? {}, news));
    if (checked.failures.length > 0) {
      outcomes.push({ ...ref, op: tentative, failures: checked.failures });
      throw new Error(`Check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    const inputs = checked.inputs;
    const inputSecrets = annotateSecrets(inputs, [], news, newsSecrets);

    if (!old) {
      // A dependent deleted ahead of a delete-before-replace comes back as the second half of its replacement.
      const dependent = this.replacedDependents.delete(reg.urn);
      outcomes.push(dependent ? { ...ref, op: "replace", deleteBeforeReplace: true } : { ...ref, op: "create" });
      if (preview) return { id: "", outputs: inputs, secretPaths: inputSecrets };
      return this.createResource(host, reg, inputs, inputSecrets, outcomes);
    }

    const diff = await this.guard(ref, "update", outcomes, () => host.diff(ref, old.id, old.outputs, inputs, old.inputs));
    const inputChanges = changedTopKeys(old.inputs, inputs);
    // On DIFF_UNKNOWN the engine compares old and new inputs itself.
    const changes = diff.changes === "unknown" ? inputChanges.length > 0 : diff.changes === "some";
    // Same inputs but Diff sees changes: drift brought in by a refresh; name the keys whose stored output
    // no longer matches the program's input.
    const changedKeys = changes && inputChanges.length === 0 ? driftedKeys(old.outputs, old.inputs, inputs) : inputChanges;
    const replaceKeys = [...diff.replaces];
    if (changes) {
      const forced = reg.replaceOnChanges.includes("*") ? changedKeys : changedKeys.filter((k) => reg.replaceOnChanges.includes(k));
      for (const key of forced) if (!replaceKeys.includes(key)) replaceKeys.push(key);
    }

    if (!changes) {
      outcomes.push({ ...ref, op: "same" });
      if (!preview) {
        // A same step records the new inputs and keeps the old outputs.
        this.state.set(reg.urn, {
          ...this.newState(reg, old.id, inputs, inputSecrets, old.outputs, old.outputSecretPaths),
        });
      }
      return { id: old.id, outputs: old.outputs, secretPaths: old.outputSecretPaths };
    }

    if (replaceKeys.length === 0) {
      outcomes.push({ ...ref, op: "update", changedKeys });
      if (preview) return { id: old.id, outputs: inputs, secretPaths: inputSecrets };
      const outputs = await this.guard(
        ref,
        "update",
        outcomes,
        () => this.keepingPartialState(reg, inputs, inputSecrets, () => host.update(ref, old.id, old.outputs, inputs, old.inputs)),
        true,
      );
      return this.record(reg, old.id, inputs, inputSecrets, outputs);
    }

    const deleteBeforeReplace = diff.deleteBeforeReplace || reg.deleteBeforeReplace;
    outcomes.push({ ...ref, op: "replace", changedKeys, replaceKeys, deleteBeforeReplace });
    if (preview) return { id: "", outputs: inputs, secretPaths: inputSecrets };
    if (deleteBeforeReplace) {
      for (const dependent of deletionOrder(await this.dependentReplacements(host, old))) {
        const error = await this.deleteResource(host, dependent, outcomes, undefined);
        if (error) throw new Error(error);
        this.replacedDependents.add(dependent.urn);
      }
      const error = await this.deleteResource(host, old, outcomes, undefined);
      if (error) throw new Error(error);
      return this.createResource(host, reg, inputs, inputSecrets, outcomes);
    }
    // Create before delete: the old copy is deleted at the end of the update, once the new one exists
    // (also when the new one exists but failed to initialise).
    try {
      const answer = await this.createResource(host, reg, inputs, inputSecrets, outcomes);
      this.pendingDeletes.push(old);
      return answer;
    } catch (error) {
      if (this.state.get(reg.urn) !== old) this.pendingDeletes.push(old);
      throw error;
    }
  }

  /**
   * The dependents a delete-before-replace of `replaced` takes with it, as the engine decides them
   * (step_generator's calculateDependentReplacements): every resource whose inputs came from a resource
   * being replaced is asked Diff with those inputs unknown, and is replaced too when Diff says so; its own
   * dependents are then considered the same way. Resources that only `dependsOn` it are kept.
   */
  private async dependentReplacements(host: Host, replaced: ResourceState): Promise<ResourceState[]> {
    const replacing = new Set([replaced.urn]);
    const dependents: ResourceState[] = [];
    // The state is in creation order, so a resource's dependencies are decided before it.
    for (const candidate of this.state.values()) {
      if (!candidate.custom || replacing.has(candidate.urn)) continue;
      const keys = Object.entries(candidate.propertyDependencies ?? {})
        .filter(([, urns]) => urns.some((urn) => replacing.has(urn)))
        .map(([key]) => key);
      if (keys.length === 0) continue;
      const news: PropertyMap = { ...candidate.inputs };
      for (const key of keys) news[key] = UNKNOWN;
      const diff = await host.diff(refOf(candidate), candidate.id, candidate.outputs, news, candidate.inputs);
      if (diff.replaces.length > 0) {
        replacing.add(candidate.urn);
        dependents.push(candidate);
      }
    }
    return dependents;
  }

  /** Stores a resource after a successful Create/Update/partial failure, with secrets re-marked. */
  private record(reg: Registration, id: string, inputs: PropertyMap, inputSecrets: SecretPath[], outputs: PropertyMap): RegisterAnswer {
    const secrets = addSecretOutputs(outputs, annotateSecrets(outputs, [], inputs, inputSecrets), reg.additionalSecretOutputs);
    this.state.set(reg.urn, this.newState(reg, id, inputs, inputSecrets, outputs, secrets));
    return { id, outputs, secretPaths: secrets };
  }

  /**
   * A Create/Update whose provider error carried an id (ErrorResourceInitFailed): the object exists, so the
   * engine keeps it in state with the id and the properties the error carried (which lack `__provider`
   * unless the provider added it), and the step still fails.
   */
  private async keepingPartialState<T>(
    reg: Registration,
    inputs: PropertyMap,
    inputSecrets: SecretPath[],
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof HostCallError && error.initFailure) {
        this.record(reg, error.initFailure.id, inputs, inputSecrets, error.initFailure.properties);
      }
      throw error;
    }
  }

  private async createResource(
    host: Host,
    reg: Registration,
    inputs: PropertyMap,
    inputSecrets: SecretPath[],
    outcomes: StepOutcome[],
  ): Promise<RegisterAnswer> {
    const ref = refOf(reg);
    const created = await this.guard(
      ref,
      "create",
      outcomes,
      () => this.keepingPartialState(reg, inputs, inputSecrets, () => host.create(ref, inputs)),
      true,
    );
    return this.record(reg, created.id, inputs, inputSecrets, created.outputs);
  }

  /**
   * Deletes one resource with the OLD state (outputs carry the old `__provider`). Records an outcome when
   * `op` is given (a replaced resource's delete is part of its "replace" outcome unless it fails).
   * Returns the error message, if any.
   */
  private async deleteResource(
    host: Host,
    resource: ResourceState,
    outcomes: StepOutcome[],
    op: StepOp | undefined,
  ): Promise<string | undefined> {
    const ref = refOf(resource);
    let error: string | undefined;
    if (resource.protect) {
      error = `resource ${resource.urn} is protected; remove protect: true before deleting it`;
    } else if (resource.custom) {
      try {
        await host.delete(ref, resource.id, resource.outputs, resource.inputs);
      } catch (caught) {
        error = messageOf(caught);
      }
    }
    if (error) {
      outcomes.push({ ...ref, op: "delete", error });
      return error;
    }
    if (this.state.get(resource.urn) === resource) this.state.delete(resource.urn);
    if (op) outcomes.push({ ...ref, op });
    return undefined;
  }

  /** Runs a host call; a failure becomes an outcome with the error and is rethrown for the program. */
  private async guard<T>(ref: ResourceRef, op: StepOp, outcomes: StepOutcome[], call: () => Promise<T>, replaceLast = false): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const message = messageOf(error);
      const last = outcomes[outcomes.length - 1];
      // Create/Update failures belong to the outcome already announced for this resource.
      if (replaceLast && last && last.urn === ref.urn && !last.error) last.error = message;
      else outcomes.push({ ...ref, op, error: message });
      throw error instanceof Error ? error : new Error(message);
    }
  }

  private newState(
    reg: Registration,
    id: string,
    inputs: PropertyMap,
    inputSecretPaths: SecretPath[],
    outputs: PropertyMap,
    outputSecretPaths: SecretPath[],
  ): ResourceState {
    const secrets = normalisePaths(pathsPresentIn(outputs, outputSecretPaths));
    return {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      custom: reg.custom,
      parent: reg.parent,
      id,
      inputs,
      inputSecretPaths: normalisePaths(pathsPresentIn(inputs, inputSecretPaths)),
      outputs,
      outputSecretPaths: secrets,
      secretOutputKeys: secretKeysOf(secrets),
      dependencies: reg.dependencies,
      propertyDependencies: reg.propertyDependencies,
      additionalSecretOutputs: reg.additionalSecretOutputs,
      deleteBeforeReplace: reg.deleteBeforeReplace,
      protect: reg.protect,
    };
  }

  /**
   * `pulumi refresh`: Read for every resource with its id, old outputs and old inputs. A resource whose
   * Read returns no id is gone and leaves the state; otherwise its outputs (and inputs, when Read returns
   * them) are replaced, keeping secrets where they were.
   */
  async refresh(): Promise<StepReport> {
    const started = performance.now();
    const host = await this.commandHost();
    const outcomes: StepOutcome[] = [];
    // Every Read at once (up to `parallel`); the results are applied in state order.
    const resources = [...this.state.values()].filter((resource) => resource.custom);
    let next = 0;
    const settled: { read?: Awaited<ReturnType<Host["read"]>>; error?: unknown }[] = new Array(resources.length);
    await Promise.all(
      Array.from({ length: Math.min(this.parallel, resources.length) }, async () => {
        while (next < resources.length) {
          const i = next++;
          const resource = resources[i]!;
          settled[i] = await host.read(refOf(resource), resource.id, resource.outputs, resource.inputs).then(
            (read) => ({ read }),
            (error: unknown) => ({ error }),
          );
        }
      }),
    );
    for (const [i, resource] of resources.entries()) {
      const ref = refOf(resource);
      const { read, error } = settled[i]!;
      if (!read) {
        outcomes.push({ ...ref, op: "read", error: messageOf(error) });
        continue;
      }
      if (!read.id) {
        this.state.delete(resource.urn);
        outcomes.push({ ...ref, op: "gone" });
        continue;
      }
      const outputSecretPaths = annotateSecrets(read.properties, [], resource.outputs, resource.outputSecretPaths);
      const inputs = read.inputs ?? resource.inputs;
      const inputSecretPaths = read.inputs
        ? annotateSecrets(read.inputs, [], resource.inputs, resource.inputSecretPaths)
        : resource.inputSecretPaths;
      const secrets = normalisePaths(pathsPresentIn(read.properties, outputSecretPaths));
      this.state.set(resource.urn, {
        ...resource,
        id: read.id,
        inputs,
        inputSecretPaths: normalisePaths(pathsPresentIn(inputs, inputSecretPaths)),
        outputs: read.properties,
        outputSecretPaths: secrets,
        secretOutputKeys: secretKeysOf(secrets),
      });
      outcomes.push({ ...ref, op: "read", changedKeys: changedTopKeys(resource.outputs, read.properties) });
    }
    return this.report(outcomes, [], started);
  }

  /** `pulumi destroy`: Delete every resource, dependents before what they depend on; starts no more after an error. */
  async destroy(): Promise<StepReport> {
    const started = performance.now();
    const host = await this.commandHost();
    const outcomes: StepOutcome[] = [];
    await this.deleteInOrder([...this.state.values(), ...this.pendingDeletes], async (resource) => {
      const pending = this.pendingDeletes.includes(resource);
      const error = await this.deleteResource(host, resource, outcomes, "delete");
      if (!error && pending) this.pendingDeletes = this.pendingDeletes.filter((r) => r !== resource);
      return !error;
    });
    return this.report(outcomes, [], started);
  }

  /** The state as checkpoint JSON, secrets replaced by ciphertext markers (search it for leaks). */
  stateText(): string {
    return checkpointText(this.stackUrn, [...this.state.values()], this.pendingDeletes, this.ciphertextKey);
  }

  /** Stops the host (always, even after failures) and removes the project folder the engine created. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    try {
      await this.host?.close();
    } finally {
      this.ownedProjectDir?.cleanup();
    }
  }
}
