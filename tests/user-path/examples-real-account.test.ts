/**
 * The examples against a real account: a user who copies one and sets only the token and the account must
 * be told which value of their own it needs (Pulumi's "Missing required configuration variable"), never have
 * the bundled emulator's zone or namespace id sent to Cloudflare. On the emulator (the API base URL on
 * loopback) the same programs run with no such config, which tests/examples and tests/cli/examples show.
 */
import * as path from "node:path";
import { Engine } from "../engine/harness";
import { PACKAGE_ROOT } from "../engine/paths";

/** Every value of the account's own that each example takes from stack config, in the order it asks. */
const ACCOUNT_VALUES: Record<string, string[]> = {
  "worker-with-bindings": ["kvNamespaceId", "zoneId", "routePattern"],
  "custom-domain": ["zoneName", "zoneId"],
  "run-locally": ["zoneName", "zoneId", "accountSubdomain", "kvNamespaceId"],
};

// Cloudflare's API: nothing is sent, since each program stops before it declares a resource.
const REAL_API = { CLOUDFLARE_API_BASE_URL: "https://api.cloudflare.com/client/v4", CLOUDFLARE_API_TOKEN: "a-real-token" };

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.start({ env: { ...REAL_API, CLOUDFLARE_ACCOUNT_ID: "0123456789abcdef0123456789abcdef" } });
}, 60_000);
afterAll(async () => {
  await engine?.close();
});

describe.each(Object.entries(ACCOUNT_VALUES))("examples/%s against Cloudflare's API", (example, keys) => {
  const program = path.join(PACKAGE_ROOT, "examples", example, "index.ts");
  const secretConfig = { apiToken: "example-secret" };

  it.each(keys.map((key, i) => [key, keys.slice(0, i)] as const))(
    "without %s in stack config, preview stops naming that key and declares nothing",
    async (missing, given) => {
      const config = Object.fromEntries(given.map((key) => [key, `${key}-of-the-account`]));
      const report = await engine.preview(program, { config, secretConfig });
      expect(report.programErrors.join("\n")).toMatch(new RegExp(`Missing required configuration variable '[\\w-]+:${missing}'`));
      expect(report.outcomes).toEqual([]);
    },
    60_000,
  );
});
