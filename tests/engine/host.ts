import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { registerCleanup } from "./cleanup-registry";
import { compileCacheEnv, withBuildHint } from "./paths";
import type { PropertyMap } from "./secrets";

export interface HostOptions {
  /** The Pulumi project folder: the host's cwd, whose node_modules must resolve @pulumi/pulumi and the providers. */
  projectDir: string;
  /** Added to this process's environment for the host (credentials, API base URL, …). */
  env?: NodeJS.ProcessEnv;
  /** Sent with Configure, keys as given ("cloudflare:apiToken"-style). */
  stackConfig?: Record<string, string>;
  /** Deadline of each gRPC call (default 60 s). */
  callTimeoutMs?: number;
  /** Deadline for the host to print its port and answer (default 20 s). */
  startTimeoutMs?: number;
}

export interface CheckFailure {
  property: string;
  reason: string;
}
export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}
export type DiffChanges = "none" | "some" | "unknown";
export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface ReadResult {
  id: string;
  properties: PropertyMap;
  inputs?: PropertyMap;
}

/**
 * A Create/Update that failed after the cloud object came to exist: the provider threw an error carrying
 * `id` (and maybe `properties`, `reasons`), which the host sends as `pulumirpc.ErrorResourceInitFailed`.
 */
export interface InitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

/** A failed gRPC call to the host: `message` is the provider's error message (gRPC prefix removed). */
export class HostCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly initFailure?: InitFailure,
  ) {
    super(message);
    this.name = "HostCallError";
  }
}

const INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";

/** Reads an ErrorResourceInitFailed detail from the `grpc-status-details-bin` trailer, if there is one. */
function initFailureOf(error: grpc.ServiceError): InitFailure | undefined {
  for (const value of error.metadata?.get("grpc-status-details-bin") ?? []) {
    const bytes = typeof value === "string" ? Buffer.from(value, "base64") : value;
    for (const detail of statusproto.Status.deserializeBinary(bytes).getDetailsList()) {
      if (detail.getTypeName() !== INIT_FAILED_TYPE) continue;
      const failure = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
      return { id: failure.getId(), properties: fromStruct(failure.getProperties()), reasons: failure.getReasonsList() };
    }
  }
  return undefined;
}

/** The resource identity the engine sends with every CRUD call. */
export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

const DEFAULT_CALL_TIMEOUT_MS = 60_000;
const DEFAULT_START_TIMEOUT_MS = 20_000;
const LOG_TAIL_CHARS = 8_000;
/** Any value works: the host requires the engine address argument but never dials it. */
const DUMMY_ENGINE_ADDRESS = "127.0.0.1:1";

function toStruct(value: PropertyMap): structproto.Struct {
  return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}
function fromStruct(struct: structproto.Struct | undefined): PropertyMap {
  return (struct?.toJavaScript() ?? {}) as PropertyMap;
}

/**
 * One `@pulumi/pulumi/cmd/dynamic-provider` process, started as the engine starts the
 * `pulumi-resource-pulumi-nodejs` plugin (node, the project folder as cwd, the user's environment, an
 * engine address argument), and a gRPC client speaking `pulumirpc.ResourceProvider` to it.
 */
export class Host {
  private output = "";
  private exited: Promise<void>;
  private unregister: () => void;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    private readonly callTimeoutMs: number,
    /** Process start → port printed and GetPluginInfo answered, in milliseconds. */
    readonly startMs: number,
    output: string,
    exited: Promise<void>,
    unregister: () => void,
  ) {
    this.output = output;
    this.exited = exited;
    this.unregister = unregister;
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the host process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The tail of the host's stdout and stderr (the host logs provider errors with their stack). */
  log(): string {
    return this.output;
  }

  static async start(options: HostOptions): Promise<Host> {
    const entry = path.join(options.projectDir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
    if (!fs.existsSync(entry)) {
      throw new Error(`engine harness: ${options.projectDir} has no node_modules/@pulumi/pulumi (use makeProjectDir())`);
    }
    const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    const child = spawn(process.execPath, [entry, DUMMY_ENGINE_ADDRESS], {
      cwd: options.projectDir,
      env: { ...env, ...compileCacheEnv(env) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const unregister = registerCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    let output = "";
    let client: ResourceProviderClient | undefined;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let stdout = "";
        const timer = setTimeout(() => reject(new Error(`the host printed no port within ${startTimeoutMs} ms`)), startTimeoutMs);
        const onStdout = (chunk: Buffer): void => {
          stdout += chunk.toString("utf8");
          const newline = stdout.indexOf("\n");
          if (newline < 0) return;
          clearTimeout(timer);
          child.stdout?.off("data", onStdout);
          output += stdout.slice(newline + 1);
          const port = Number(stdout.slice(0, newline).trim());
          if (Number.isInteger(port) && port > 0) resolve(port);
          else reject(new Error(`the host's first line is not a port: ${JSON.stringify(stdout.slice(0, newline))}`));
        };
        child.stdout?.on("data", onStdout);
        child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS)));
        child.once("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the host exited (${signal ?? `code ${code}`}) before printing its port`));
        });
      });
      client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      await new Promise<void>((resolve, reject) =>
        client!.getPluginInfo(new emptyproto.Empty(), new grpc.Metadata(), { deadline: Date.now() + startTimeoutMs }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    } catch (error) {
      client?.close();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      unregister();
      const reason = error instanceof Error ? error.message : String(error);
      const tail = output.trim() ? `\n--- host output ---\n${output.trim()}` : "";
      throw new Error(withBuildHint(`engine harness: the dynamic-provider host did not start: ${reason}`) + tail);
    }
    const host = new Host(
      child,
      client,
      options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      performance.now() - started,
      output,
      exited,
      unregister,
    );
    await host.configure(options.stackConfig ?? {});
    return host;
  }

  private call<Req, Res>(
    method: string,
    invoke: (
      request: Req,
      metadata: grpc.Metadata,
      options: Partial<grpc.CallOptions>,
      callback: (error: grpc.ServiceError | null, response: Res) => void,
    ) => unknown,
    request: Req,
  ): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      invoke.call(this.client, request, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (error, response) => {
        if (error) reject(new HostCallError(method, error.code, withBuildHint(error.details || error.message), initFailureOf(error)));
        else resolve(response);
      });
    });
  }

  /**
   * Configure as the engine sends it: the config as `args` (and the legacy `variables` map). The host
   * requires `args`: without it the call never answers.
   */
  async configure(config: Record<string, string>): Promise<void> {
    const request = new provproto.ConfigureRequest();
    request.setArgs(toStruct(config));
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) variables.set(key, value);
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    await this.call("Configure", this.client.configure, request);
  }

  async check(ref: ResourceRef, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new provproto.CheckRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setOlds(toStruct(olds)).setNews(toStruct(news));
    const response = await this.call("Check", this.client.check, request);
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(ref: ResourceRef, id: string, oldOutputs: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<DiffResult> {
    const request = new provproto.DiffRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setOlds(toStruct(oldOutputs)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    const response = await this.call("Diff", this.client.diff, request);
    const kinds = provproto.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(ref: ResourceRef, inputs: PropertyMap): Promise<{ id: string; outputs: PropertyMap }> {
    const request = new provproto.CreateRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setProperties(toStruct(inputs));
    const response = await this.call("Create", this.client.create, request);
    if (!response.getId()) throw new HostCallError("Create", grpc.status.UNKNOWN, "plugin returned empty resource.ID");
    return { id: response.getId(), outputs: fromStruct(response.getProperties()) };
  }

  async read(ref: ResourceRef, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<ReadResult> {
    const request = new provproto.ReadRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setProperties(toStruct(outputs)).setInputs(toStruct(inputs));
    const response = await this.call("Read", this.client.read, request);
    const result: ReadResult = { id: response.getId(), properties: fromStruct(response.getProperties()) };
    if (response.hasInputs()) result.inputs = fromStruct(response.getInputs());
    return result;
  }

  async update(ref: ResourceRef, id: string, oldOutputs: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<PropertyMap> {
    const request = new provproto.UpdateRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setOlds(toStruct(oldOutputs)).setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
    const response = await this.call("Update", this.client.update, request);
    return fromStruct(response.getProperties());
  }

  async delete(ref: ResourceRef, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<void> {
    const request = new provproto.DeleteRequest();
    request.setUrn(ref.urn).setName(ref.name).setType(ref.type).setId(id);
    request.setProperties(toStruct(outputs)).setOldInputs(toStruct(inputs));
    await this.call("Delete", this.client.delete, request);
  }

  /** Closes the client and ends the process (SIGTERM, then SIGKILL after a grace period); waits for the exit. */
  async close(graceMs = 2_000): Promise<void> {
    this.client.close();
    if (this.running) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.running && this.child.kill("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.unregister();
  }
}
