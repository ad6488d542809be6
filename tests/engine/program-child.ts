/**
 * Child process entry (run with tsx's CommonJS hook): runs one stack program under
 * `pulumi.runtime.setMocks`, replaces the mock monitor's RegisterResource with a round trip to the parent
 * harness over IPC, and reports when the program and all its registrations have finished.
 *
 * Started by program-runner.ts through a bootstrap that loads @pulumi/pulumi and registers tsx first.
 * PCW_HARNESS_ARGS (JSON): [programFile, project, stack, "preview" | "up"]. Config arrives as Pulumi passes it to a
 * program: PULUMI_CONFIG (JSON, "project:key" keys) and PULUMI_CONFIG_SECRET_KEYS (JSON array).
 */
import * as path from "node:path";
import { childMessageSchema, parentMessageSchema, type ChildMessage, type ParentMessage, type Registration } from "./protocol";
import { PACKAGE_ROOT } from "./paths";
import { normalisePaths, unwrapSecrets, wrapSecrets } from "./secrets";

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}
interface ProtoRegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): ProtoStruct | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getProtect(): boolean;
}
type Callback = (error: Error | null, response?: unknown) => void;
interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: ProtoRegisterRequest, callback: Callback): void;
}

const [programArg, project, stack, mode] = JSON.parse(process.env.PCW_HARNESS_ARGS ?? "[]") as (string | undefined)[];
if (!programArg || !project || !stack || !mode || !process.send) {
  console.error("program-child: needs PCW_HARNESS_ARGS=[programFile, project, stack, mode] and an IPC channel");
  process.exit(2);
}
const programFile = path.resolve(programArg);
const preview = mode === "preview";
const errors: string[] = [];

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(childMessageSchema.parse(message), undefined, {}, (error) => (error ? reject(error) : resolve())),
  );
}

const waiting = new Map<number, (message: ParentMessage) => void>();
let nextSeq = 1;
process.on("message", (raw) => {
  const message = parentMessageSchema.parse(raw);
  const resolve = waiting.get(message.seq);
  waiting.delete(message.seq);
  resolve?.(message);
});
// The parent went away: nothing left to report to.
process.on("disconnect", () => process.exit(3));

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
process.on("uncaughtException", (error) => errors.push(describe(error)));
process.on("unhandledRejection", (reason) => errors.push(describe(reason)));

async function main(): Promise<void> {
  // The program's own copy of @pulumi/pulumi (its runtime state is global, but the proto classes must match).
  const pulumiDir =
    process.env.PCW_HARNESS_PULUMI_DIR ??
    path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [path.dirname(programFile), PACKAGE_ROOT] }));
  const pulumi = require(pulumiDir) as typeof import("@pulumi/pulumi");
  const settings = require(path.join(pulumiDir, "runtime", "settings")) as {
    getMonitor(): MockMonitorLike;
    waitForRPCs(): Promise<void>;
  };
  const resproto = require(path.join(pulumiDir, "proto", "resource_pb")) as typeof import("@pulumi/pulumi/proto/resource_pb");
  const structproto = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }),
  ) as typeof import("google-protobuf/google/protobuf/struct_pb");

  await pulumi.runtime.setMocks(
    {
      newResource: () => {
        throw new Error("engine harness: RegisterResource is answered by the harness, not by mocks");
      },
      call: (args) => {
        throw new Error(`engine harness: invokes are not supported (${args.token})`);
      },
    },
    project,
    stack,
    preview,
  );

  const monitor = settings.getMonitor();
  monitor.registerResource = (req, callback) => {
    register(req).then(
      (response) => callback(null, response),
      (error: Error) => callback(error),
    );
  };

  async function register(req: ProtoRegisterRequest): Promise<unknown> {
    const { plain, paths } = unwrapSecrets(req.getObject()?.toJavaScript() ?? {});
    const inputs = plain as Record<string, unknown>;
    const secretPaths = normalisePaths(paths);
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    const registration: Registration = {
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      inputs,
      secretKeys: [...new Set(secretPaths.map((p) => p[0]!))].sort(),
      secretPaths,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      protect: req.getProtect(),
    };
    const seq = nextSeq++;
    const answer = new Promise<ParentMessage>((resolve) => waiting.set(seq, resolve));
    await send({ kind: "register", seq, registration });
    const reply = await answer;
    if (reply.kind === "failed") {
      errors.push(`${registration.urn}: ${reply.message}`);
      throw new Error(reply.message);
    }
    const response = new resproto.RegisterResourceResponse();
    response.setUrn(registration.urn);
    response.setId(reply.id);
    response.setObject(structproto.Struct.fromJavaScript(wrapSecrets(reply.outputs, reply.secretPaths) as never));
    return response;
  }

  try {
    const loaded: unknown = require(programFile);
    const entry = typeof loaded === "function" ? loaded : (loaded as { default?: unknown } | null)?.default;
    if (typeof entry === "function") await (entry as () => unknown)();
  } catch (error) {
    errors.push(describe(error));
  }
  await settings.waitForRPCs();
}

main().then(
  async () => {
    await send({ kind: "done", errors });
    process.exit(0);
  },
  async (error: unknown) => {
    await send({ kind: "done", errors: [...errors, describe(error)] }).catch(() => undefined);
    process.exit(1);
  },
);
