/**
 * A stack written by release 0.1.0 keeps working with this code, through the real CLI. The fixture is that
 * release's `pulumi stack export` of bench/fleet/program.ts (count 1: a WorkerScript, its WorkerSecret,
 * WorkerScriptSettings and WorkerSubdomain), whose providers are the 2.9 KB lazy objects of that release and
 * whose outputs echo the module text. Here the same Workers are made live on a fresh emulator (same code, same
 * etag), the old state is imported over the stack, and the commands a user runs next must read it correctly:
 * the drift check finds nothing, a refresh changes nothing, an update writes the slim outputs, destroy works.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";
import { describeWithCli, opsOf, PulumiStack, type Deployment } from "./pulumi-cli";

const FIXTURE = path.join(__dirname, "fixtures", "old-state");
const PROGRAM = path.join(__dirname, "..", "..", "bench", "fleet", "program.ts");
const TIMEOUT = 300_000;

describeWithCli("a stack written by release 0.1.0", (cliDir) => {
  const emulator = useEmulator({ keepState: true });
  let stack: PulumiStack;
  const resource = (deployment: Deployment, type: string) => deployment.resources!.find((r) => r.type.endsWith(`:${type}`))!;
  // Secret values decrypted: each export encrypts them afresh, with a new nonce.
  const plainState = async () =>
    (JSON.parse((await stack.ok(["stack", "export", "--show-secrets"])).stdout) as { deployment: Deployment }).deployment;

  beforeAll(async () => {
    stack = new PulumiStack({
      cliDir,
      example: FIXTURE,
      passphrase: "old state",
      env: emulatorEnv(emulator),
      timeoutMs: TIMEOUT,
    });
    fs.copyFileSync(PROGRAM, path.join(stack.projectDir, "index.ts"));
    await stack.ok(["stack", "init", "dev"]);
    // The live Workers the old state describes: the same program, so the same code and etag.
    await stack.ok(["up", "--yes", "--skip-preview"]);
    await stack.ok(["stack", "import", "--file", path.join(FIXTURE, "state-0.1.0.json"), "--force"]);
  }, TIMEOUT);

  afterAll(() => stack?.cleanup());

  it("holds the previous release's providers and module text (the fixture is what it says)", async () => {
    const { deployment } = await stack.exportState();
    const script = resource(deployment, "WorkerScript");
    expect(String(script.inputs!.__provider)).toContain('require("pulumi-cloudflare-workers/provider")[implementation]');
    expect(script.outputs).toHaveProperty("modules");
  });

  it(
    "passes the drift check users run in CI, then refreshes with no change but the outputs this release adds",
    async () => {
      await stack.ok(["preview", "--refresh", "--expect-no-changes"]);
      const before = await plainState();
      await stack.ok(["refresh", "--yes", "--skip-preview"]);
      const after = await plainState();
      for (const type of ["WorkerScript", "WorkerSecret", "WorkerScriptSettings"])
        expect(resource(after, type).outputs).toEqual(resource(before, type).outputs);
      // A refresh fills in `url`, an output 0.1.0 did not have; everything 0.1.0 stored stays as it was.
      expect(resource(after, "WorkerSubdomain").outputs).toEqual({
        ...resource(before, "WorkerSubdomain").outputs,
        url: expect.stringMatching(/^https:\/\/old-0\.[a-z0-9-]+\.workers\.dev$/),
      });
    },
    TIMEOUT,
  );

  it(
    "updates the code and the secret from the old state, then stores the small provider and no module text",
    async () => {
      await stack.setConfig({ codeVersion: "2", secretVersion: "2" });
      emulator.clearRequests();
      const up = await stack.ok(["up", "--yes", "--skip-preview"], { events: true });
      expect(opsOf(up)).toEqual(["old-0-api-key:update", "old-0-settings:same", "old-0-subdomain:same", "old-0:update"]);
      expect(emulator.requests.map((r) => `${r.method} ${r.path.replace(/^\/accounts\/[0-9a-f]+/, "")}`).sort()).toEqual([
        "PUT /workers/scripts/old-0/content",
        "PUT /workers/scripts/old-0/secrets",
      ]);
      const { deployment } = await stack.exportState();
      const script = resource(deployment, "WorkerScript");
      expect(script.outputs).not.toHaveProperty("modules");
      expect(script.outputs!.__provider).toBe(script.inputs!.__provider);
      expect(String(script.inputs!.__provider)).not.toContain("[implementation]");
    },
    TIMEOUT,
  );

  it(
    "destroys what the old state holds",
    async () => {
      await stack.ok(["destroy", "--yes", "--skip-preview"]);
      const live = await fetch(`${emulator.url}/accounts/${ACCOUNT}/workers/scripts`, {
        headers: { authorization: `Bearer ${emulatorEnv(emulator).CLOUDFLARE_API_TOKEN}` },
      });
      expect(((await live.json()) as { result: unknown[] }).result).toEqual([]);
    },
    TIMEOUT,
  );
});
