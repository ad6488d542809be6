/**
 * The crash tests of tests/cli/crash-recovery.test.ts for the resources made with a write the API cannot
 * be asked twice without a trace: a version upload (POST …/versions makes a new version each time), a
 * deployment, a queue consumer (POST …/consumers) and a Workflow (PUT /workflows/{name}). `pulumi up` is
 * killed (SIGKILL of the CLI and everything under it) once the API has applied the writes of one layer whose
 * answers never came back; then the user runs the README's commands and the stack matches the program, with
 * nothing made twice, and `pulumi preview --refresh --expect-no-changes` is clean.
 *
 * Skipped, saying why, when `npm run -s pulumi-cli` finds no CLI and cannot build one.
 */
import {
  CloudflareClient,
  findQueuesByName,
  getWorkflow,
  listDeployments,
  listQueueConsumers,
  listVersions,
  queueSchema,
} from "../../provider/cloudflare";
import * as path from "node:path";
import { ACCOUNT, emulatorEnv, scope, useEmulator } from "../support";
import { recover, upKilledAfter, type Held } from "./kill";
import { describeWithCli, PulumiStack, tempDir } from "./pulumi-cli";

const FIXTURE = path.join(__dirname, "fixtures", "crash-rollout");
const STEP_TIMEOUT = 240_000;

/** Everything on the Worker once WorkerScript has made it: one layer of the engine's plan. */
const ON_THE_WORKER: Held = [
  ["POST", /\/workers\/scripts\/crash-roll\/versions$/],
  ["POST", /^\/accounts\/[0-9a-f]+\/queues\/[0-9a-f]+\/consumers$/],
  ["PUT", /^\/accounts\/[0-9a-f]+\/workflows\/crash-flow$/],
];
/** The deployment of a new canary, after its upload. */
const DEPLOYMENT: Held = [["POST", /\/workers\/scripts\/crash-roll\/deployments$/]];

describeWithCli("a pulumi up killed mid-write of versions, deployments, consumers and Workflows recovers (real Pulumi CLI)", (cliDir) => {
  const emulator = useEmulator({ keepState: true });
  let stack: PulumiStack;
  let client: CloudflareClient;

  const writes = () =>
    emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);

  beforeAll(async () => {
    client = new CloudflareClient({ baseUrl: emulator.url, accountId: ACCOUNT });
    await client.request({ method: "POST", path: `/accounts/${ACCOUNT}/queues`, json: { queue_name: "crash-jobs" }, schema: queueSchema });
    stack = new PulumiStack({
      cliDir,
      example: FIXTURE,
      timeoutMs: STEP_TIMEOUT,
      env: {
        ...emulatorEnv(emulator),
        CLOUDFLARE_WORKERS_JOURNAL_DIR: tempDir("crash-rollout-journal-"),
      },
    });
    await stack.init({}, {});
  }, STEP_TIMEOUT);

  afterAll(() => stack?.cleanup());

  /** The live Worker as the program says: what serves, how many versions, one consumer, one Workflow. */
  async function expectStackMatchesProgram(expected: { serving: string; versions: number }): Promise<void> {
    const [latest] = await listDeployments(client, scope, "crash-roll");
    expect(latest!.versions).toEqual([expect.objectContaining({ percentage: 100 })]);
    const served = await client.requestRaw({
      method: "GET",
      path: `/accounts/${ACCOUNT}/workers/scripts/crash-roll/content/v2`,
      query: { version: latest!.versions![0]!.version_id },
    });
    expect(Buffer.from(served.body).toString()).toContain(JSON.stringify(expected.serving));
    expect((await listVersions(client, scope, "crash-roll")).items.length).toBe(expected.versions);
    const [queue] = await findQueuesByName(client, ACCOUNT, "crash-jobs");
    expect((await listQueueConsumers(client, ACCOUNT, queue!.queue_id!)).map((c) => [c.script, c.settings?.batch_size])).toEqual([
      ["crash-roll", 5],
    ]);
    expect(await getWorkflow(client, ACCOUNT, "crash-flow")).toMatchObject({ script_name: "crash-roll", class_name: "Flow" });
    const { deployment } = await stack.exportState();
    expect(((deployment as { pending_operations?: unknown[] }).pending_operations ?? []).length).toBe(0);
  }

  it(
    "killed while the version, the queue consumer and the Workflow were being created: each recognised as its own, none made twice",
    async () => {
      await upKilledAfter(stack, emulator, ON_THE_WORKER);
      const up = await recover(stack, emulator);
      expect(up.stdout).toMatch(/3 pending operations from previous deployment/);
      const made = writes();
      expect(made.filter((w) => /\/versions$|\/consumers$|\/workflows\//.test(w))).toEqual([]);
      expect(made.filter((w) => /\/deployments$/.test(w))).toEqual(["POST /workers/scripts/crash-roll/deployments"]);
      // The Worker's first version (WorkerScript's) and the canary: no third upload.
      await expectStackMatchesProgram({ serving: "v2", versions: 2 });
    },
    STEP_TIMEOUT * 3,
  );

  it(
    "killed while a new canary's deployment was being made: the deployment is recognised or made again, never left half",
    async () => {
      await stack.setConfig({ canary: "v3" }, {});
      await upKilledAfter(stack, emulator, DEPLOYMENT);
      await recover(stack, emulator);
      await expectStackMatchesProgram({ serving: "v3", versions: 3 });
    },
    STEP_TIMEOUT * 3,
  );
});
