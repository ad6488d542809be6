/**
 * examples/run-locally and examples/gradual-rollout through the real Pulumi CLI against an emulator that runs
 * the Workers it deploys (`runWorkers`): after `pulumi up`, the Workers answer over HTTP with what their code,
 * bindings and secret say; a binding change, a secret rotation and a code change each show in the next
 * response; workers.dev, a route and a custom domain reach the right Worker; a cron trigger fires
 * `scheduled()`; KV written by one Worker is read by the other; a 10/90 deployment splits traffic near 10/90.
 *
 * Skipped, saying why, when `npm run -s pulumi-cli` finds no CLI and cannot build one.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { request } from "undici";
import { emulatorEnv, useEmulator } from "../support";
import { describeWithCli, PulumiStack } from "./pulumi-cli";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");
const STEP_TIMEOUT = 180_000;

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 8);

describeWithCli("Workers deployed by pulumi up run in the emulator", (cliDir) => {
  const emulator = useEmulator({ keepState: true, runWorkers: true });
  let origin: string;
  const stacks: PulumiStack[] = [];
  const stackFor = (example: string) => {
    const stack = new PulumiStack({
      cliDir,
      example: path.join(EXAMPLES, example),
      env: emulatorEnv(emulator),
      timeoutMs: STEP_TIMEOUT,
    });
    stacks.push(stack);
    return stack;
  };

  /** What a user's curl gets: GET on the emulator's port with a Host header. */
  async function curl(host: string, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const res = await request(`${origin}${urlPath}`, { headers: { host, ...headers } });
    return { status: res.statusCode, text: await res.body.text() };
  }
  const json = async (host: string, urlPath: string) => JSON.parse((await curl(host, urlPath)).text) as Record<string, unknown>;

  beforeAll(() => {
    origin = new URL(emulator.url).origin;
  });
  afterAll(() => {
    for (const stack of stacks) stack.cleanup();
  });

  describe("examples/run-locally", () => {
    let stack: PulumiStack;
    const apiHost = "run-locally-api.emulator-01234567.workers.dev";

    beforeAll(async () => {
      stack = stackFor("run-locally");
      await stack.init({}, { apiToken: "first-token" });
      await stack.ok(["up", "--yes", "--skip-preview"]);
    }, STEP_TIMEOUT);

    it("answers on its workers.dev hostname with what its code, bindings and secret say", async () => {
      expect((await stack.outputs()).apiHost).toBe(apiHost);
      const answer = await json(apiHost, "/hello");
      expect(answer).toMatchObject({ message: "Hello!", path: "/hello", tokenSha256: tokenHash("first-token"), visits: 1 });
      expect(answer.version).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("reaches the API Worker by its route and the counter Worker by its custom domain; KV written by one is read by the other", async () => {
      const byRoute = await json("example.com", "/hello/world");
      expect(byRoute).toMatchObject({ message: "Hello!", path: "/hello/world", visits: 2, visitsInSharedKv: 2 });
      expect(await curl("counter.example.com", "/")).toEqual({ status: 200, text: "2" });
      // Not on the route (example.com/hello/*) and no other Worker there: the emulator says so.
      expect((await curl("example.com", "/elsewhere")).status).toBe(404);
    });

    it("fires scheduled() for the Worker's cron trigger", async () => {
      const fired = await request(`${origin}/__emulator/scheduled`, {
        method: "POST",
        body: JSON.stringify({ script: "run-locally-api" }),
      });
      expect(((await fired.body.json()) as { result: { outcome: string; cron: string } }).result).toMatchObject({
        outcome: "ok",
        cron: "*/30 * * * *",
      });
      expect(await json(apiHost, "/")).toMatchObject({ lastCron: "*/30 * * * *" });
    });

    it(
      "shows a binding change, a secret rotation and a code change in the next response",
      async () => {
        const before = await json(apiHost, "/");
        const code = path.join(stack.projectDir, "src", "api.js");
        fs.writeFileSync(code, fs.readFileSync(code, "utf8").replace("return Response.json({", "return Response.json({ edition: 2,"));
        await stack.setConfig({ greeting: "Bonjour" }, { apiToken: "rotated-token" });
        await stack.ok(["up", "--yes", "--skip-preview"]);
        const after = await json(apiHost, "/");
        expect(after).toMatchObject({ edition: 2, message: "Bonjour!", tokenSha256: tokenHash("rotated-token") });
        expect(after.version).not.toBe(before.version);
      },
      STEP_TIMEOUT,
    );
  });

  describe("examples/gradual-rollout at canaryPercent=10", () => {
    it(
      "splits a few hundred requests close to 10/90, and the override header pins the canary",
      async () => {
        const stack = stackFor("gradual-rollout");
        await stack.init({ canaryPercent: "10" }, { token: "rollout-token" });
        await stack.ok(["up", "--yes", "--skip-preview"]);
        const counts: Record<string, number> = {};
        for (let i = 0; i < 300; i++) {
          const { text } = await curl("localhost", "/__workers/rollout-api/");
          counts[text] = (counts[text] ?? 0) + 1;
        }
        // 300 draws at 10%: 30 expected, standard deviation 5.2; 9..55 is four deviations either way.
        expect(Object.keys(counts).sort()).toEqual(["v1 with token", "v2 with token"]);
        expect(counts["v2 with token"]).toBeGreaterThan(9);
        expect(counts["v2 with token"]).toBeLessThan(55);
        const canary = String((await stack.outputs()).canaryVersion);
        const pinned = await curl("localhost", "/__workers/rollout-api/", {
          "cloudflare-workers-version-overrides": `rollout-api="${canary}"`,
        });
        expect(pinned.text).toBe("v2 with token");
      },
      STEP_TIMEOUT,
    );
  });
});
