/**
 * What the person running `pulumi up` sees while the provider waits: a line when the limiter holds requests
 * back (how long, why) and a line when a request is retried after 429 or 5xx, in the real CLI's output (the
 * provider writes them to stderr, which the CLI shows as diagnostics of the stack).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { limiterStateFile } from "../../provider/cloudflare";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";
import { describeWithCli, PulumiStack } from "./pulumi-cli";

const TIMEOUT = 240_000;
/** More than the whole run needs, so only the budget spent before the command holds it back. */
const RATE_LIMIT = 20;

describeWithCli("what pulumi up shows while the provider waits", (cliDir) => {
  const emulator = useEmulator({ keepState: true });
  let token: string;
  let stack: PulumiStack;
  let stateFile: string;

  beforeAll(async () => {
    token = emulatorEnv(emulator).CLOUDFLARE_API_TOKEN;
    stateFile = limiterStateFile(new URL(emulator.url).origin, token);
    stack = new PulumiStack({
      cliDir,
      timeoutMs: 200_000,
      example: path.join(__dirname, "fixtures", "first-hour"),
      // Only stack config, as a user beside @pulumi/cloudflare sets it; the limiter log shared through its
      // file even for a loopback API, so this test can spend the budget before the command starts.
      env: {
        CLOUDFLARE_API_TOKEN: "",
        CLOUDFLARE_API_BASE_URL: "",
        CLOUDFLARE_ACCOUNT_ID: "",
        CLOUDFLARE_WORKERS_LIMITER_STATE: "on",
      },
    });
    await stack.init(
      {
        "cloudflare-workers:accountId": ACCOUNT,
        "cloudflare-workers:apiBaseUrl": emulator.url,
        "cloudflare-workers:rateLimit": String(RATE_LIMIT),
      },
      { "cloudflare:apiToken": token, token: "first-hour-secret-value" },
    );
  }, TIMEOUT);
  afterAll(async () => {
    fs.rmSync(stateFile, { force: true });
    stack?.cleanup();
  });

  it(
    "prints the limiter's hold (how long, why) and each retry after 429 and 503, and never the token or the secret",
    async () => {
      // The whole budget spent 255 s ago (by "another command"): requests wait until those leave the 300 s
      // window, 47 s from now (the CLI takes 10-20 s to reach the first request on a busy machine).
      const spentAt = Date.now() - 255_000;
      fs.mkdirSync(path.dirname(stateFile), { recursive: true });
      fs.writeFileSync(stateFile, JSON.stringify({ version: 2, times: Array(RATE_LIMIT).fill(spentAt), pausedUntil: null }));
      emulator.injectFault({
        method: "PUT",
        path: /\/workers\/scripts\/first-hour$/,
        status: 429,
        headers: { "retry-after": "1" },
        body: {
          success: false,
          errors: [{ code: 971, message: "Please wait and consider throttling your request speed" }],
          messages: [],
          result: null,
        },
        times: 1,
      });
      emulator.injectFault({ method: "PUT", path: /\/secrets$/, status: 503, body: "busy", times: 1 });

      const up = await stack.ok(["up", "--yes", "--skip-preview"]);
      const output = up.stdout + up.stderr;
      expect(output).toMatch(
        new RegExp(
          `cloudflare-workers: holding 1 API request back for \\d+(\\.\\d)? s: ${RATE_LIMIT} were sent in the last 5 minutes, ` +
            "the most this stack may spend \\(cloudflare-workers:rateLimit",
        ),
      );
      expect(output).toContain(
        `cloudflare-workers: PUT /accounts/${ACCOUNT}/workers/scripts/first-hour: HTTP 429 (rate limited); retrying in 1.`,
      );
      expect(output).toMatch(
        new RegExp(
          `cloudflare-workers: PUT /accounts/${ACCOUNT}/workers/scripts/first-hour/secrets: HTTP 503 \\(Cloudflare failed on its side\\); retrying in`,
        ),
      );
      expect(output).not.toContain(token);
      expect(output).not.toContain("first-hour-secret-value");
      await stack.ok(["destroy", "--yes", "--skip-preview"]);
    },
    TIMEOUT,
  );
});
