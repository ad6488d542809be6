/**
 * The engine harness (tests/engine) against the real Pulumi CLI: the same program, the same steps, each on
 * its own emulator, must give the same operation per resource, the same API writes (in the same order where
 * dependencies fix it: a replacement and its dependents), and the same state (inputs and outputs per URN).
 * Where they differ the harness is wrong: it is what the other suites use to stand for `pulumi up`.
 */
import * as path from "node:path";
import type { Emulator } from "../../emulator";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";
import { describeWithCli, PulumiStack, steps, type CommandResult, type Deployment } from "./pulumi-cli";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");
const TIMEOUT = 300_000;

interface Step {
  title: string;
  command: "up" | "refresh" | "destroy";
  /** A change made through the API first, on both emulators (someone in the dashboard). */
  drift?: { method: string; path: string; body?: unknown };
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
  /**
   * Orders dependencies fix, checked on both sides: every API write matching the first pattern comes before
   * every write matching the second. (Independent steps run in parallel in the engine, so the writes are
   * otherwise compared as a set.)
   */
  order?: Array<[RegExp, RegExp]>;
}

interface Scenario {
  example: string;
  /** Folder of the program (default examples/<example>). */
  folder?: string;
  steps: Step[];
}

const SCENARIOS: Scenario[] = [
  {
    // deleteBeforeReplace: the engine deletes the dependents first, then the Worker, and creates all again.
    example: "delete-before-replace",
    folder: path.join(__dirname, "fixtures", "delete-before-replace"),
    steps: [
      { title: "create", command: "up", secretConfig: { token: "dbr-token" } },
      {
        title: "renamed: deleted first, dependents with it",
        command: "up",
        config: { scriptName: "dbr-worker-2" },
        secretConfig: { token: "dbr-token" },
        order: [
          [/dbr-worker\/(secrets|script-settings)/, /^DELETE \/workers\/scripts\/dbr-worker$/],
          [/^DELETE \/workers\/scripts\/dbr-worker$/, /^PUT \/workers\/scripts\/dbr-worker-2$/],
          [/^PUT \/workers\/scripts\/dbr-worker-2$/, /dbr-worker-2\//],
        ],
      },
      { title: "destroy", command: "destroy" },
    ],
  },
  {
    example: "worker-with-bindings",
    steps: [
      { title: "create", command: "up", secretConfig: { apiToken: "vs-token-1" } },
      { title: "binding and secret changed", command: "up", config: { greeting: "Salut" }, secretConfig: { apiToken: "vs-token-2" } },
      {
        title: "refresh after logpush was turned off in the dashboard",
        command: "refresh",
        drift: { method: "PATCH", path: "/workers/scripts/hello-api/script-settings", body: { logpush: false } },
      },
      // A new script name replaces the Worker, and with it every resource whose scriptName follows it:
      // all the new ones first, then the old ones deleted, dependents first.
      {
        title: "renamed: replacement with dependents",
        command: "up",
        config: { greeting: "Salut", scriptName: "hello-api-2" },
        secretConfig: { apiToken: "vs-token-2" },
        order: [
          [/^PUT \/workers\/scripts\/hello-api-2$/, /hello-api-2\//],
          [/hello-api-2/, /scripts\/hello-api(\/|$)/],
          [/DELETE .*hello-api\/subdomain/, /DELETE .*hello-api\/secrets/],
          [/scripts\/hello-api\//, /^DELETE \/workers\/scripts\/hello-api$/],
        ],
      },
      {
        title: "destroy",
        command: "destroy",
        order: [
          [/DELETE .*\/subdomain$/, /DELETE .*\/secrets\//],
          [/scripts\/hello-api-2\//, /^DELETE \/workers\/scripts\/hello-api-2$/],
        ],
      },
    ],
  },
  {
    example: "dispatch-namespace",
    steps: [
      { title: "create", command: "up", secretConfig: { customerKey: "vs-customer-key" } },
      {
        title: "customer changed: replacement with dependents",
        command: "up",
        config: { plan: "pro", customer: "globex" },
        secretConfig: { customerKey: "vs-customer-key" },
        order: [
          [/^PUT .*scripts\/customer-globex$/, /^PUT .*customer-globex\/secrets$/],
          [/customer-globex/, /customer-acme/],
          [/DELETE .*customer-acme\/secrets/, /DELETE .*scripts\/customer-acme$/],
        ],
      },
      // A namespace renamed is replaced; the Worker and its secret inside it are replaced with it.
      {
        title: "namespace renamed",
        command: "up",
        config: { plan: "pro", customer: "globex", namespace: "tenants" },
        secretConfig: { customerKey: "vs-customer-key" },
        order: [
          [/^POST .*namespaces$/, /namespaces\/tenants\//],
          [/namespaces\/tenants/, /namespaces\/customers/],
          [/DELETE .*customers\/scripts\/customer-globex\/secrets/, /DELETE .*customers\/scripts\/customer-globex$/],
          [/DELETE .*customers\/scripts/, /^DELETE .*namespaces\/customers$/],
        ],
      },
      {
        title: "destroy",
        command: "destroy",
        order: [
          [/secrets\/CUSTOMER_KEY$/, /scripts\/customer-globex$/],
          [/scripts\/customer-globex/, /^DELETE .*namespaces\/tenants$/],
        ],
      },
    ],
  },
];

/**
 * The CLI's steps as one op per resource, in the harness's words: a replacement's three steps are "replace",
 * a refresh step is "read".
 */
function cliOps(result: CommandResult): string[] {
  const byName = new Map<string, string>();
  for (const step of steps(result)) {
    const op = ["replace", "create-replacement", "delete-replaced"].includes(step.op)
      ? "replace"
      : step.op === "refresh"
        ? "read"
        : step.op;
    if (!byName.has(step.name) || op === "replace") byName.set(step.name, op);
  }
  return [...byName].map(([name, op]) => `${name}:${op}`).sort();
}

function harnessOps(report: StepReport): string[] {
  expect(report.programErrors).toEqual([]);
  expect(report.outcomes.filter((o) => o.error || o.failures?.length)).toEqual([]);
  return report.outcomes.map((o) => `${o.name}:${o.op}`).sort();
}

function takeWrites(emulator: Emulator): string[] {
  const out = emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out;
}

/** Every write matching `first` comes before every write matching `then` (and both match something). */
function comesBefore(writes: string[], first: RegExp, then: RegExp): boolean {
  const a = writes.flatMap((w, i) => (first.test(w) ? [i] : []));
  const b = writes.flatMap((w, i) => (then.test(w) && !first.test(w) ? [i] : []));
  return a.length > 0 && b.length > 0 && Math.max(...a) < Math.min(...b);
}

/** Fields that differ between two runs by nature (dates the emulator stamps, etags of fresh uploads, ids). */
const VOLATILE = new Set([
  "createdOn",
  "modifiedOn",
  "etag",
  "versionId",
  "createdAt",
  "modifiedAt",
  "id",
  "tag",
  "deploymentId",
  "namespaceId",
]);
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
    return Object.fromEntries(
      Object.entries(record)
        .filter(([key]) => !VOLATILE.has(key) && key !== "__provider")
        .map(([key, v]) => [key, comparable(v)]),
    );
  }
  return value;
}

function cliState(deployment: Deployment): Record<string, unknown> {
  return Object.fromEntries(
    (deployment.resources ?? [])
      .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
      .map((r) => [r.urn, { inputs: comparable(r.inputs), outputs: comparable(r.outputs) }]),
  );
}

function harnessState(engine: Engine): Record<string, unknown> {
  const checkpoint = JSON.parse(engine.stateText()) as { checkpoint: { latest: Deployment } };
  return cliState(checkpoint.checkpoint.latest);
}

describeWithCli("the engine harness against the real Pulumi CLI", (cliDir) => {
  describe.each(SCENARIOS)("examples/$example", (scenario) => {
    // Both sides keep their state from step to step; each is given its emulator's environment explicitly.
    const cliEmulator = useEmulator({ keepState: true });
    const harnessEmulator = useEmulator({ keepState: true, pointEnvironment: false });
    let stack: PulumiStack;
    let engine: Engine;
    let program: string;

    beforeAll(async () => {
      stack = new PulumiStack({
        cliDir,
        example: scenario.folder ?? path.join(EXAMPLES, scenario.example),
        env: emulatorEnv(cliEmulator),
      });
      await stack.ok(["stack", "init", stack.stack]);
      // The harness runs the very same files (so paths inside inputs agree), under the same project and stack.
      program = path.join(stack.projectDir, "index.ts");
      engine = await Engine.start({ project: scenario.example, stack: stack.stack, env: emulatorEnv(harnessEmulator) });
    }, TIMEOUT);
    afterAll(async () => {
      await engine?.close();
      stack?.cleanup();
    });

    it.each(scenario.steps.map((step, index) => ({ ...step, index })))(
      "step $index: $title",
      async (step) => {
        let cli: CommandResult;
        let report: StepReport;
        if (step.drift) {
          const { method, path: apiPath, body } = step.drift;
          for (const emulator of [cliEmulator, harnessEmulator]) {
            const response = await fetch(`${emulator.url}/accounts/${ACCOUNT}${apiPath}`, {
              method,
              headers: { authorization: `Bearer ${emulatorEnv(emulator).CLOUDFLARE_API_TOKEN}`, "content-type": "application/json" },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            expect(response.status).toBe(200);
            emulator.clearRequests();
          }
        }
        if (step.command === "refresh") {
          cli = await stack.ok(["refresh", "--yes", "--skip-preview"], { events: true });
          report = await engine.refresh();
        } else if (step.command === "up") {
          await stack.setConfig(step.config, step.secretConfig);
          cli = await stack.ok(["up", "--yes", "--skip-preview"], { events: true });
          report = await engine.up(program, { config: step.config, secretConfig: step.secretConfig });
        } else {
          cli = await stack.ok(["destroy", "--yes"], { events: true });
          report = await engine.destroy();
        }
        expect(harnessOps(report)).toEqual(cliOps(cli));
        const cliWrites = takeWrites(cliEmulator);
        const harnessWrites = takeWrites(harnessEmulator);
        expect([...harnessWrites].sort()).toEqual([...cliWrites].sort());
        for (const [first, then] of step.order ?? []) {
          expect({ first: String(first), then: String(then), cli: comesBefore(cliWrites, first, then) }).toEqual({
            first: String(first),
            then: String(then),
            cli: true,
          });
          expect({ first: String(first), then: String(then), harness: comesBefore(harnessWrites, first, then) }).toEqual({
            first: String(first),
            then: String(then),
            harness: true,
          });
        }
        expect(harnessState(engine)).toEqual(cliState((await stack.exportState()).deployment));
      },
      TIMEOUT,
    );
  });
});
