/**
 * The stack configuration keys a user sets beside @pulumi/cloudflare v6: only v6's keys in `cloudflare:`,
 * ours in `cloudflare-workers:`, the deprecated keys still read with a warning naming their replacement.
 */
import {
  CloudflareApiError,
  CloudflareClient,
  CloudflareConfigError,
  clearStackConfig,
  closeDispatchers,
  listScripts,
  resolveAccountId,
  resolveBaseUrl,
  resolveLogLevel,
  resolveTimeoutMs,
  setStackConfig,
} from "../../provider/cloudflare";
import { configure } from "../../provider";
import { ACCOUNT } from "../support/account";
import { recordingSleep } from "./helpers/clocks";
import { ok, sendJson, startTestServer } from "./helpers/test-server";
import { captureNotices } from "./helpers/notices";

const ENV_NAMES = [
  "CLOUDFLARE_API_BASE_URL",
  "CLOUDFLARE_BASE_URL",
  "CLOUDFLARE_ACCOUNT_ID",
  "CLOUDFLARE_WORKERS_TIMEOUT_MS",
  "CLOUDFLARE_WORKERS_LOG",
];
const saved: Record<string, string | undefined> = {};
beforeAll(() => ENV_NAMES.forEach((n) => (saved[n] = process.env[n])));
beforeEach(() => {
  ENV_NAMES.forEach((n) => delete process.env[n]);
  clearStackConfig();
});
afterAll(async () => {
  for (const n of ENV_NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
  clearStackConfig();
  await closeDispatchers();
});

describe("stack configuration beside @pulumi/cloudflare v6", () => {
  test("our settings live under cloudflare-workers: and are read there", () => {
    expect(
      setStackConfig({
        "cloudflare-workers:accountId": "acc-ours",
        "cloudflare-workers:apiBaseUrl": "http://127.0.0.1:9/client/v4",
        "cloudflare-workers:timeoutMs": "1500",
        "cloudflare-workers:log": "debug",
      }),
    ).toEqual([]);
    expect(resolveAccountId()).toBe("acc-ours");
    expect(resolveBaseUrl()).toBe("http://127.0.0.1:9/client/v4");
    expect(resolveTimeoutMs({})).toBe(1500);
    expect(resolveLogLevel()).toBe("debug");
  });

  test("v6's cloudflare:baseUrl and CLOUDFLARE_BASE_URL point us at the same API, after our own keys", () => {
    process.env.CLOUDFLARE_BASE_URL = "http://127.0.0.1:1/v6-env";
    expect(resolveBaseUrl()).toBe("http://127.0.0.1:1/v6-env");
    process.env.CLOUDFLARE_API_BASE_URL = "http://127.0.0.1:2/wrangler-env";
    expect(resolveBaseUrl()).toBe("http://127.0.0.1:2/wrangler-env");
    setStackConfig({ "cloudflare:baseUrl": "http://127.0.0.1:3/v6-stack" });
    expect(resolveBaseUrl()).toBe("http://127.0.0.1:3/v6-stack");
    setStackConfig({ "cloudflare:baseUrl": "http://127.0.0.1:3/v6-stack", "cloudflare-workers:apiBaseUrl": "http://127.0.0.1:4/ours" });
    expect(resolveBaseUrl()).toBe("http://127.0.0.1:4/ours");
  });

  test("the deprecated keys are still read, each with a warning naming the key that replaces it", () => {
    const warnings = setStackConfig({ "cloudflare:accountId": "acc-old", "cloudflare:apiBaseUrl": "http://127.0.0.1:5/old" });
    expect(resolveAccountId()).toBe("acc-old");
    expect(resolveBaseUrl()).toBe("http://127.0.0.1:5/old");
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/cloudflare:accountId is deprecated[\s\S]*pulumi config set cloudflare-workers:accountId/);
    expect(warnings[1]).toMatch(/cloudflare:apiBaseUrl is deprecated[\s\S]*pulumi config set cloudflare-workers:apiBaseUrl/);
    // The new key wins when both are set.
    setStackConfig({ "cloudflare:accountId": "acc-old", "cloudflare-workers:accountId": "acc-new" });
    expect(resolveAccountId()).toBe("acc-new");
  });

  test("configure() prints the deprecation warning in the command's output, and nothing for v6 keys", () => {
    const lines = captureNotices();
    const keys: Record<string, string> = { "cloudflare:apiToken": "tok-config-keys-123456", "cloudflare:accountId": "acc-old" };
    configure({ get: (key) => keys[key] });
    lines.restore();
    expect(lines.lines).toEqual([expect.stringMatching(/^cloudflare-workers: warning: stack config cloudflare:accountId is deprecated/)]);
    expect(lines.lines.join("\n")).not.toContain("tok-config-keys");
  });

  test("a missing account says which cloudflare-workers: key or variable to set, and never a cloudflare: key", () => {
    const error = (() => {
      try {
        resolveAccountId();
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a CloudflareConfigError");
    })();
    expect(error).toBeInstanceOf(CloudflareConfigError);
    expect(error.message).toContain("pulumi config set cloudflare-workers:accountId");
    expect(error.message).toContain("CLOUDFLARE_ACCOUNT_ID");
    expect(error.message).not.toMatch(/cloudflare:accountId/);
  });
});

describe("the per-attempt timeout", () => {
  test("comes from the option, then cloudflare-workers:timeoutMs, then CLOUDFLARE_WORKERS_TIMEOUT_MS, then 60 s", () => {
    expect(resolveTimeoutMs({})).toBe(60_000);
    process.env.CLOUDFLARE_WORKERS_TIMEOUT_MS = "2500";
    expect(resolveTimeoutMs({})).toBe(2500);
    setStackConfig({ "cloudflare-workers:timeoutMs": "3500" });
    expect(resolveTimeoutMs({})).toBe(3500);
    expect(resolveTimeoutMs({ timeoutMs: 10 })).toBe(10);
  });

  test("a value that is not a whole number of milliseconds names the key and the default", () => {
    setStackConfig({ "cloudflare-workers:timeoutMs": "90s" });
    expect(() => resolveTimeoutMs({})).toThrow(
      /stack config cloudflare-workers:timeoutMs must be a whole number of milliseconds.*"90s".*60000/,
    );
  });

  test("a timed-out request says how to raise the limit, with the key and the variable", async () => {
    const server = await startTestServer(() => undefined); // never answers
    process.env.CLOUDFLARE_WORKERS_TIMEOUT_MS = "150";
    try {
      const client = new CloudflareClient({
        apiToken: "tok-timeout-0123456789",
        baseUrl: server.url,
        maxAttempts: 1,
        sleep: recordingSleep().sleep,
        limiter: { acquire: () => Promise.resolve(), pauseFor: () => undefined },
      });
      const error = (await listScripts(client, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
      expect(error.code).toBe("CF_TIMEOUT");
      expect(error.message).toContain("within 150 ms");
      expect(error.message).toContain("pulumi config set cloudflare-workers:timeoutMs <ms>");
      expect(error.message).toContain("CLOUDFLARE_WORKERS_TIMEOUT_MS");
    } finally {
      await closeDispatchers();
      await server.close();
    }
  });

  test("an answer in time is unaffected by the setting", async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, ok([])));
    setStackConfig({ "cloudflare-workers:timeoutMs": "5000" });
    try {
      const client = new CloudflareClient({ apiToken: "tok-timeout-0123456789", baseUrl: server.url });
      await expect(listScripts(client, ACCOUNT)).resolves.toEqual([]);
    } finally {
      await closeDispatchers();
      await server.close();
    }
  });
});
