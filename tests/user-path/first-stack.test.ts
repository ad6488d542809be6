/**
 * A user's first hour, as a user runs it: a fresh project outside this repository, the package installed
 * from the packed tarball (npm and pnpm) and from a git clone (npm), under the oldest supported Node.js and
 * under Node.js 24, a stack whose config holds only @pulumi/cloudflare v6's `cloudflare:` keys and ours under
 * `cloudflare-workers:`, run by the real CLI against the emulator. Under a Node.js older than the floor, the
 * one-line error. Skipped, saying why, without the Pulumi CLI.
 *
 * Slow by nature (installs and CLI runs): each case measures and prints its duration.
 */
import { DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator } from "../../emulator";
import { NODE_FLOOR } from "../../provider/node-version";
import { ACCOUNT } from "../support/account";
import { describeWithCli } from "../cli/pulumi-cli";
import { gitUrl, nodeBin, ok, packTarball, pnpmBin, pulumiEnv, run, userPath, userProject } from "./support";

const NODE_24 = "24.21.0";
const TOO_OLD = "22.18.0";
const CASE_TIMEOUT = 900_000;

describeWithCli("a user's first stack, outside the repository", (cliDir) => {
  let emulator: Emulator;
  let tarball: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    tarball = packTarball();
  }, CASE_TIMEOUT);
  afterAll(async () => {
    await emulator?.close();
  });

  /** Installs with `install`, then init, config, up, a second up with no changes, destroy: the outputs of up. */
  async function firstStack(nodeVersion: string, install: (dir: string, env: NodeJS.ProcessEnv) => Promise<unknown>, dependency: string) {
    const started = Date.now();
    const dir = userProject({ "pulumi-cloudflare-workers": dependency });
    const env = pulumiEnv(dir, userPath(nodeBin(nodeVersion), cliDir));
    await install(dir, env);
    const installed = Date.now();
    const pulumi = (...args: string[]) => ok("pulumi", [...args, "--non-interactive", "--color", "never"], { cwd: dir, env });
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "--secret", "cloudflare:apiToken", DEFAULT_EMULATOR_TOKEN);
    await pulumi("config", "set", "cloudflare-workers:accountId", ACCOUNT);
    await pulumi("config", "set", "cloudflare-workers:apiBaseUrl", emulator.url);
    await pulumi("config", "set", "cloudflare-workers:log", "debug");
    const up = await pulumi("up", "--yes", "--skip-preview");
    const outputs = JSON.parse((await pulumi("stack", "output", "--json")).output) as Record<string, string>;
    const again = await pulumi("preview", "--expect-no-changes");
    await pulumi("destroy", "--yes", "--skip-preview");
    console.log(
      `user path on Node.js ${nodeVersion} (${dependency.startsWith("git") ? "git" : "tarball"}): install ${((installed - started) / 1000).toFixed(0)} s, ` +
        `stack ${((Date.now() - installed) / 1000).toFixed(0)} s`,
    );
    return { up: up.output, again: again.output, outputs };
  }

  const npmInstall = (dir: string, env: NodeJS.ProcessEnv) =>
    ok("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, env, timeoutMs: CASE_TIMEOUT - 60_000 });

  it(
    `npm, packed tarball, Node.js ${NODE_FLOOR} (the floor): up creates the Worker, program and provider run on that Node.js`,
    async () => {
      emulator.reset();
      const { up, outputs } = await firstStack(NODE_FLOOR, npmInstall, `file:${tarball}`);
      expect(outputs).toMatchObject({ programNode: `v${NODE_FLOOR}`, scriptName: "user-path-hello" });
      expect(up).toContain(`cloudflare-workers: provider process`);
      expect(up).toMatch(new RegExp(`cloudflare-workers: provider process \\d+ on Node\\.js v${NODE_FLOOR.replace(/\./g, "\\.")}`));
      expect(up).toMatch(new RegExp(`cloudflare-workers: PUT /accounts/${ACCOUNT}/workers/scripts/user-path-hello -> HTTP 200 in \\d+`));
      expect(up).not.toContain(DEFAULT_EMULATOR_TOKEN);
      expect(up).not.toMatch(/warning: stack config cloudflare:/);
      expect(emulator.requests.some((r) => r.method === "DELETE" && r.path.endsWith("/workers/scripts/user-path-hello"))).toBe(true);
    },
    CASE_TIMEOUT,
  );

  it(
    `pnpm, packed tarball, Node.js ${NODE_24}: the provider host finds the package through pnpm's layout`,
    async () => {
      emulator.reset();
      const pnpm = pnpmBin();
      const { outputs } = await firstStack(
        NODE_24,
        (dir, env) =>
          ok(
            pnpm,
            ["install", "--prefer-offline", "--store-dir", `${process.env.HOME}/.cache/pulumi-cloudflare-workers/user-path/pnpm-store`],
            { cwd: dir, env },
          ),
        `file:${tarball}`,
      );
      expect(outputs).toMatchObject({ programNode: `v${NODE_24}`, scriptName: "user-path-hello" });
    },
    CASE_TIMEOUT,
  );

  it(
    `npm, a git clone (prepare builds dist/), Node.js ${NODE_24}`,
    async () => {
      emulator.reset();
      const { outputs } = await firstStack(NODE_24, npmInstall, gitUrl());
      expect(outputs).toMatchObject({ programNode: `v${NODE_24}`, scriptName: "user-path-hello" });
    },
    CASE_TIMEOUT,
  );

  it(
    `Node.js ${TOO_OLD}, older than the floor: up fails with one line naming the version found, the one needed and how to get it`,
    async () => {
      emulator.reset();
      const dir = userProject({ "pulumi-cloudflare-workers": `file:${tarball}` });
      const env = pulumiEnv(dir, userPath(nodeBin(TOO_OLD), cliDir));
      await npmInstall(dir, env);
      await ok("pulumi", ["stack", "init", "dev", "--non-interactive"], { cwd: dir, env });
      const up = await run("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--color", "never"], { cwd: dir, env });
      expect(up.code).not.toBe(0);
      const line = `pulumi-cloudflare-workers needs Node.js ${NODE_FLOOR} or newer, but found Node.js ${TOO_OLD}`;
      expect(up.output).toContain(line);
      expect(up.output).toContain("nvm install 24");
      expect(up.output).not.toContain("reading 'bind'");
      expect(emulator.requests).toEqual([]);
    },
    CASE_TIMEOUT,
  );
});
