/**
 * A user's first hour, as a user runs it: a fresh project outside this repository, the package installed
 * by a package manager under a chosen Node.js, a stack whose config holds only @pulumi/cloudflare v6's
 * `cloudflare:` keys and ours under `cloudflare-workers:`, run by the real CLI against the emulator. Under a
 * Node.js older than the floor, the one-line error. Skipped, saying why, without the Pulumi CLI.
 *
 * The cells: source (packed tarball, git clone) x manager (npm, pnpm) x Node.js (the floor, 24).
 *
 *   tarball  npm   floor      tarball  pnpm  24
 *   git      npm   24         git      pnpm  floor
 *
 * Every pair of values from two of the three dimensions appears once (each source with each manager and
 * each Node.js, each manager with each Node.js), so a fault that needs two of them together shows; the
 * other four cells of the full product would repeat pairs already run. Both git cells prepare the package
 * the same way (pnpm hands a package with a package-lock.json to `npm install` in its clone, then runs
 * prepare) and `prepare` runs on the clone's own Node.js 24 from the `node` devDependency, so the Node.js a
 * user has does not reach the build. Plus yarn classic (1.x, node_modules layout) with the tarball.
 *
 * Slow by nature (installs and CLI runs): each case measures and prints its duration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { NODE_FLOOR } from "../../provider/node-version";
import { ACCOUNT } from "../support/account";
import { useEmulator } from "../support/emulator";
import { describeWithCli } from "../cli/pulumi-cli";
import { TOOLS_CACHE, gitUrl, nodeBin, ok, packTarball, pnpmBin, pulumiEnv, run, userPath, userProject, yarnBin } from "./support";

const NODE_24 = "24.21.0";
const TOO_OLD = "22.18.0";
const CASE_TIMEOUT = 900_000;
const PACKAGE = "pulumi-cloudflare-workers";

describeWithCli("a user's first stack, outside the repository", (cliDir) => {
  const emulator = useEmulator();
  let tarball: string;

  beforeAll(() => {
    tarball = packTarball();
  }, CASE_TIMEOUT);

  type Install = (dir: string, env: NodeJS.ProcessEnv) => Promise<unknown>;
  const installTimeout = CASE_TIMEOUT - 120_000;
  const npmInstall: Install = (dir, env) =>
    ok("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, env, timeoutMs: installTimeout });
  const pnpmInstall: Install = (dir, env) =>
    ok(pnpmBin(), ["install", "--prefer-offline", "--store-dir", path.join(TOOLS_CACHE, "pnpm-store")], {
      cwd: dir,
      env,
      timeoutMs: installTimeout,
    });
  // yarn classic's default registry is registry.yarnpkg.com; the one npm is configured with is the one this
  // machine is known to reach.
  const npmRegistry = spawnSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).stdout.trim();
  const yarnInstall: Install = (dir, env) =>
    ok(
      yarnBin(),
      [
        "install",
        "--non-interactive",
        "--prefer-offline",
        "--registry",
        npmRegistry,
        "--cache-folder",
        path.join(TOOLS_CACHE, "yarn-cache"),
      ],
      { cwd: dir, env, timeoutMs: installTimeout },
    );

  /**
   * A fresh project depending on `dependency`, installed with `install` under Node.js `nodeVersion`, then
   * stack init, config, up, a preview that must show no changes, destroy: up's output, the stack outputs,
   * and the project folder.
   */
  async function firstStack(nodeVersion: string, install: Install, dependency: string, label: string) {
    const started = Date.now();
    const dir = userProject({ [PACKAGE]: dependency });
    const env = pulumiEnv(dir, userPath(nodeBin(nodeVersion), cliDir));
    if (install === pnpmInstall && dependency.startsWith("git+")) {
      // pnpm 10 runs no build script of a dependency it is not told to trust, and stops a git dependency
      // that needs one (ERR_PNPM_GIT_DEP_PREPARE_NOT_ALLOWED), printing this line for the user to add.
      fs.writeFileSync(path.join(dir, "pnpm-workspace.yaml"), `onlyBuiltDependencies:\n  - "${PACKAGE}@${dependency}"\n`);
    }
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
    await pulumi("preview", "--expect-no-changes");
    await pulumi("destroy", "--yes", "--skip-preview");
    console.log(
      `user path, ${label}: install ${((installed - started) / 1000).toFixed(0)} s, stack ${((Date.now() - installed) / 1000).toFixed(0)} s`,
    );
    return { up: up.output, outputs, dir };
  }

  /** What every cell shows a user: the Worker made and removed, on the Node.js they chose, and no Node.js binary of ours in their project. */
  function expectFirstStack(result: Awaited<ReturnType<typeof firstStack>>, nodeVersion: string) {
    expect(result.outputs).toMatchObject({ programNode: `v${nodeVersion}`, scriptName: "user-path-hello" });
    expect(result.up).toMatch(new RegExp(`cloudflare-workers: provider process \\d+ on Node\\.js v${nodeVersion.replace(/\./g, "\\.")}`));
    expect(emulator.requests.some((r) => r.method === "PUT" && r.path.endsWith("/workers/scripts/user-path-hello"))).toBe(true);
    expect(emulator.requests.some((r) => r.method === "DELETE" && r.path.endsWith("/workers/scripts/user-path-hello"))).toBe(true);
    expect(fs.existsSync(path.join(result.dir, "node_modules", "node"))).toBe(false);
  }

  it(
    `npm, packed tarball, Node.js ${NODE_FLOOR} (the floor): up creates the Worker, program and provider run on that Node.js`,
    async () => {
      const result = await firstStack(NODE_FLOOR, npmInstall, `file:${tarball}`, `npm, tarball, Node.js ${NODE_FLOOR}`);
      expectFirstStack(result, NODE_FLOOR);
      expect(result.up).toMatch(
        new RegExp(`cloudflare-workers: PUT /accounts/${ACCOUNT}/workers/scripts/user-path-hello -> HTTP 200 in \\d+`),
      );
      expect(result.up).not.toContain(DEFAULT_EMULATOR_TOKEN);
      expect(result.up).not.toMatch(/warning: stack config cloudflare:/);
    },
    CASE_TIMEOUT,
  );

  it(
    `pnpm, packed tarball, Node.js ${NODE_24}: the provider host finds the package through pnpm's layout`,
    async () => {
      expectFirstStack(await firstStack(NODE_24, pnpmInstall, `file:${tarball}`, `pnpm, tarball, Node.js ${NODE_24}`), NODE_24);
    },
    CASE_TIMEOUT,
  );

  it(
    `npm, a git clone without dist/ (prepare builds it in npm's temporary clone), Node.js ${NODE_24}`,
    async () => {
      expectFirstStack(await firstStack(NODE_24, npmInstall, gitUrl(), `npm, git, Node.js ${NODE_24}`), NODE_24);
    },
    CASE_TIMEOUT,
  );

  it(
    `pnpm, a git clone without dist/ (allowed in onlyBuiltDependencies), Node.js ${NODE_FLOOR}`,
    async () => {
      expectFirstStack(await firstStack(NODE_FLOOR, pnpmInstall, gitUrl(), `pnpm, git, Node.js ${NODE_FLOOR}`), NODE_FLOOR);
    },
    CASE_TIMEOUT,
  );

  it(
    `yarn classic, packed tarball, Node.js ${NODE_24}`,
    async () => {
      expectFirstStack(await firstStack(NODE_24, yarnInstall, `file:${tarball}`, `yarn 1, tarball, Node.js ${NODE_24}`), NODE_24);
    },
    CASE_TIMEOUT,
  );

  it(
    `Node.js ${TOO_OLD}, older than the floor: up fails with one line naming the version found, the one needed and how to get it`,
    async () => {
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
