/**
 * A `pulumi up` killed (SIGKILL of the CLI and every process under it, as a cancelled CI job) while the API
 * has applied writes whose answers never came back (the emulator holds them), then the commands the README
 * gives; the stack then matches the program, with nothing orphaned or duplicated, and
 * `pulumi preview --refresh --expect-no-changes` is clean. One program holds every resource type that is
 * created with such a write (tests/cli/fixtures/crash-recovery); each kill point holds the writes of one
 * layer at once: the namespace and the Worker, then everything on the Worker, then updates of the secret and
 * crons (the engine starts them once the Worker's own update has its answer, so they are one layer).
 *
 * Skipped, saying why, when `npm run -s pulumi-cli` finds no CLI and cannot build one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_ZONE } from "../../emulator";
import {
  CloudflareClient,
  getSchedules,
  getScriptContent,
  listDomains,
  listNamespaces,
  listRoutes,
  listScripts,
  listSecrets,
} from "../../provider/cloudflare";
import { ACCOUNT, emulatorEnv, scope, useEmulator } from "../support";
import { recover as recoverWithReadme, upKilledAfter as killedAfter, type Held } from "./kill";
import { describeWithCli, PulumiStack, tempDir } from "./pulumi-cli";

const FIXTURE = path.join(__dirname, "fixtures", "crash-recovery");
const STEP_TIMEOUT = 240_000;
/** The writes held at each kill point: method and path (after /client/v4) of the request. */
const CREATES_FIRST = [
  ["POST", /^\/accounts\/[0-9a-f]+\/workers\/dispatch\/namespaces$/],
  ["PUT", /^\/accounts\/[0-9a-f]+\/workers\/scripts\/crash-api$/],
] as const;
const CREATES_ON_THE_WORKER = [
  ["PUT", /\/workers\/scripts\/crash-api\/secrets$/],
  ["PUT", /\/workers\/scripts\/crash-api\/schedules$/],
  ["PATCH", /\/workers\/scripts\/crash-api\/script-settings$/],
  ["POST", /\/workers\/scripts\/crash-api\/subdomain$/],
  ["POST", /^\/zones\/[0-9a-f]+\/workers\/routes$/],
  ["PUT", /^\/accounts\/[0-9a-f]+\/workers\/domains$/],
] as const;
/** Updates of resources on the Worker wait for the Worker's own (its outputs are their inputs): one layer. */
const UPDATES = [
  ["PUT", /\/workers\/scripts\/crash-api\/secrets$/],
  ["PUT", /\/workers\/scripts\/crash-api\/schedules$/],
] as const;

describeWithCli("a pulumi up killed mid-write recovers with the documented commands (real Pulumi CLI)", (cliDir) => {
  const emulator = useEmulator({ keepState: true });
  let stack: PulumiStack;
  let client: CloudflareClient;
  /** The journal of this machine (provider/resources/journal.ts), in a folder of the test's own. */
  let journalDir: string;

  /** The writes of the requests logged since the last clearRequests: `METHOD /path`. */
  const writes = () => emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);

  beforeAll(async () => {
    journalDir = tempDir("crash-journal-");
    client = new CloudflareClient({ baseUrl: emulator.url, accountId: ACCOUNT });
    stack = new PulumiStack({
      cliDir,
      example: FIXTURE,
      timeoutMs: STEP_TIMEOUT,
      env: {
        ...emulatorEnv(emulator),
        CLOUDFLARE_WORKERS_JOURNAL_DIR: journalDir,
      },
    });
    await stack.init({}, { token: "token-value-1" });
  }, STEP_TIMEOUT);

  afterAll(() => stack?.cleanup());

  const upKilledAfter = (held: Held) => killedAfter(stack, emulator, held);
  const recover = () => recoverWithReadme(stack, emulator);

  async function expectStackMatchesProgram(expected: { code: string; crons: string[] }): Promise<void> {
    const scripts = (await listScripts(client, ACCOUNT)).map((s) => s.id);
    expect(scripts).toEqual(["crash-api"]);
    const live = await getScriptContent(client, scope, "crash-api");
    expect(new TextDecoder().decode(live.modules[0]!.content)).toContain(JSON.stringify(expected.code));
    expect((await listSecrets(client, scope, "crash-api")).map((s) => s.name)).toEqual(["TOKEN"]);
    expect((await getSchedules(client, ACCOUNT, "crash-api")).schedules.map((s) => s.cron)).toEqual(expected.crons);
    expect((await listNamespaces(client, ACCOUNT)).map((n) => n.namespace_name)).toEqual(["crash-tenants"]);
    expect((await listRoutes(client, DEFAULT_ZONE.id)).map((r) => [r.pattern, r.script])).toEqual([["example.com/crash/*", "crash-api"]]);
    expect((await listDomains(client, ACCOUNT)).map((d) => [d.hostname, d.service])).toEqual([["crash.example.com", "crash-api"]]);
    const { deployment } = await stack.exportState();
    const managed = (deployment.resources ?? []).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(managed.map((r) => r.urn.split("::").pop()).sort()).toEqual(
      ["api", "crons", "domain", "route", "settings", "subdomain", "tenants", "token"].sort(),
    );
    expect(((deployment as { pending_operations?: unknown[] }).pending_operations ?? []).length).toBe(0);
  }

  it(
    "killed while the namespace and the Worker were being created: recognised as its own, not written again",
    async () => {
      await upKilledAfter(CREATES_FIRST);
      // What the user meets first: the file backend's lock, left by the killed CLI, names `pulumi cancel`.
      const locked = await stack.run(["up", "--yes", "--skip-preview"]);
      expect(locked.code).not.toBe(0);
      expect(locked.stderr).toMatch(/the stack is currently locked .* `pulumi cancel`/);
      const up = await recover();
      expect(up.stdout).toMatch(/2 pending operations from previous deployment/);
      expect(writes()).not.toContainEqual(expect.stringMatching(/^POST .*\/dispatch\/namespaces$|^PUT .*\/scripts\/crash-api$/));
      await expectStackMatchesProgram({ code: "v1", crons: ["0 3 * * *"] });
    },
    STEP_TIMEOUT * 3,
  );

  it(
    "killed while the secret, crons, settings, subdomain, route and custom domain were being created: each once, the secret set again",
    async () => {
      await stack.ok(["destroy", "--yes", "--skip-preview"]);
      await upKilledAfter(CREATES_ON_THE_WORKER);
      await recover();
      expect(writes().filter((w) => /\/secrets$/.test(w))).toEqual(["PUT /accounts/" + ACCOUNT + "/workers/scripts/crash-api/secrets"]);
      await expectStackMatchesProgram({ code: "v1", crons: ["0 3 * * *"] });
    },
    STEP_TIMEOUT * 3,
  );

  it(
    "killed while the secret and the crons were being updated (after the code): the updates run again",
    async () => {
      await stack.setConfig({ code: "v2", crons: '["0 4 * * *"]' }, { token: "token-value-2" });
      await upKilledAfter(UPDATES);
      await recover();
      expect(writes()).toEqual(
        expect.arrayContaining([
          "PUT /accounts/" + ACCOUNT + "/workers/scripts/crash-api/secrets",
          "PUT /accounts/" + ACCOUNT + "/workers/scripts/crash-api/schedules",
        ]),
      );
      await expectStackMatchesProgram({ code: "v2", crons: ["0 4 * * *"] });
    },
    STEP_TIMEOUT * 3,
  );

  it(
    "killed while the secret was being created, resumed on another machine (no journal): the error names the one-off setting, which recovers",
    async () => {
      await stack.ok(["destroy", "--yes", "--skip-preview"]);
      await stack.setConfig({ code: "v2", crons: '["0 4 * * *"]' }, { token: "token-value-2" });
      await upKilledAfter(CREATES_ON_THE_WORKER);
      fs.rmSync(journalDir, { recursive: true, force: true });
      await stack.run(["cancel", "--yes"]);
      const refused = await stack.run(["up", "--yes", "--skip-preview"]);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain(`Secret "TOKEN" of Worker "crash-api" in account ${ACCOUNT} already exists`);
      expect(refused.stdout + refused.stderr).toContain("run `CLOUDFLARE_WORKERS_RECOVER=1 pulumi up` once");
      emulator.clearRequests();
      await stack.ok(["up", "--yes", "--skip-preview"], { env: { CLOUDFLARE_WORKERS_RECOVER: "1" } });
      expect(writes().filter((w) => /\/secrets$/.test(w))).toEqual(["PUT /accounts/" + ACCOUNT + "/workers/scripts/crash-api/secrets"]);
      await stack.ok(["preview", "--refresh", "--expect-no-changes"]);
      await stack.ok(["refresh", "--clear-pending-creates", "--yes", "--skip-preview"]);
      await expectStackMatchesProgram({ code: "v2", crons: ["0 4 * * *"] });
    },
    STEP_TIMEOUT * 3,
  );
});
