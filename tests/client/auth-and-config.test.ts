import { inspect } from "node:util";
import {
  CloudflareApiError,
  CloudflareClient,
  CloudflareConfigError,
  clearStackConfig,
  closeDispatchers,
  dispatcherCount,
  getDefaultClient,
  listScripts,
  resolveAccountId,
  resolveBaseUrl,
  setStackConfig,
  type ClientOptions,
  type RequestEvent,
} from "../../provider/cloudflare";
import { recordingSleep } from "./helpers/clocks";
import { fail, ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

const TOKEN = "tok_SECRET_abcdef0123456789";
const KEY = "globalkey_SECRET_9876543210";
const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };
const ENV_NAMES = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_BASE_URL"];

let server: TestServer;
const savedEnv: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const n of ENV_NAMES) savedEnv[n] = process.env[n];
});
beforeEach(async () => {
  for (const n of ENV_NAMES) delete process.env[n];
  clearStackConfig();
  server = await startTestServer((_req, res) => sendJson(res, 200, ok([])));
});
afterEach(async () => {
  await server.close();
  clearStackConfig();
});
afterAll(async () => {
  for (const n of ENV_NAMES) {
    if (savedEnv[n] === undefined) delete process.env[n];
    else process.env[n] = savedEnv[n];
  }
  await closeDispatchers();
});

function client(extra: Partial<ClientOptions> = {}) {
  return new CloudflareClient({ baseUrl: server.url, sleep: recordingSleep().sleep, limiter: unlimited, ...extra });
}

describe("authentication", () => {
  test("sends an API token as Authorization: Bearer and no Global API key headers", async () => {
    await listScripts(client({ apiToken: TOKEN }), ACCOUNT);
    const headers = server.requests[0]!.headers;
    expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers["x-auth-key"]).toBeUndefined();
    expect(headers["x-auth-email"]).toBeUndefined();
  });

  test("sends a Global API key as X-Auth-Email + X-Auth-Key and no Authorization", async () => {
    await listScripts(client({ email: "ops@example.com", apiKey: KEY }), ACCOUNT);
    const headers = server.requests[0]!.headers;
    expect(headers["x-auth-email"]).toBe("ops@example.com");
    expect(headers["x-auth-key"]).toBe(KEY);
    expect(headers.authorization).toBeUndefined();
  });

  test("precedence: explicit option > stack config > environment, read when the request is made", async () => {
    const c = client();
    process.env.CLOUDFLARE_API_TOKEN = "env-token-000000";
    await listScripts(c, ACCOUNT);
    setStackConfig({ "cloudflare:apiToken": "stack-token-111111", "other:key": "x" });
    await listScripts(c, ACCOUNT);
    await listScripts(client({ apiToken: "explicit-token-222222" }), ACCOUNT);
    // A complete Global API key in the stack beats a token in the environment.
    setStackConfig({ "cloudflare:email": "stack@example.com", "cloudflare:apiKey": "stack-key-333333" });
    await listScripts(c, ACCOUNT);
    expect(server.requests.map((r) => r.headers.authorization ?? r.headers["x-auth-key"])).toEqual([
      "Bearer env-token-000000",
      "Bearer stack-token-111111",
      "Bearer explicit-token-222222",
      "stack-key-333333",
    ]);
  });

  test("the environment's Global API key is used when nothing else is set", async () => {
    process.env.CLOUDFLARE_EMAIL = "env@example.com";
    process.env.CLOUDFLARE_API_KEY = "env-key-444444";
    await listScripts(client(), ACCOUNT);
    expect(server.requests[0]!.headers["x-auth-email"]).toBe("env@example.com");
  });

  test("no credentials: a CloudflareConfigError that says every way to set them, and nothing is sent", async () => {
    const error = await listScripts(client(), ACCOUNT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareConfigError);
    const message = (error as Error).message;
    for (const name of [
      "cloudflare:apiToken",
      "CLOUDFLARE_API_TOKEN",
      "cloudflare:email",
      "cloudflare:apiKey",
      "CLOUDFLARE_EMAIL",
      "CLOUDFLARE_API_KEY",
    ]) {
      expect(message).toContain(name);
    }
    expect(server.requests).toHaveLength(0);
  });

  test("half a Global API key is reported as such", async () => {
    process.env.CLOUDFLARE_API_KEY = "env-key-555555";
    const error = (await listScripts(client(), ACCOUNT).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not");
    expect(error.message).not.toContain("env-key-555555");
  });

  test("an auth failure says which credential was used and how to set the others, without its value", async () => {
    server.handle((_req, res) => sendJson(res, 403, fail([{ code: 10000, message: "Authentication error" }])));
    setStackConfig({ "cloudflare:apiToken": TOKEN });
    const error = (await listScripts(client(), ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.code).toBe("CF_AUTH");
    expect(error.message).toContain("Cloudflare refused the API token from stack config cloudflare:apiToken");
    expect(error.message).toContain("export CLOUDFLARE_API_TOKEN");
    expect(error.message).toContain("CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY");
    expect(error.message).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(1);
  });

  test("an auth failure with a Global API key names both variables it came from", async () => {
    server.handle((_req, res) =>
      sendJson(res, 401, fail([{ code: 9106, message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers" }])),
    );
    process.env.CLOUDFLARE_EMAIL = "env@example.com";
    process.env.CLOUDFLARE_API_KEY = KEY;
    const error = (await listScripts(client(), ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.code).toBe("CF_AUTH");
    expect(error.message).toContain("the Global API key from CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY");
    expect(error.message).not.toContain(KEY);
  });
});

describe("the token never shows", () => {
  test("not in errors (even when the server echoes it), events, JSON or inspect output", async () => {
    server.handle((req, res) =>
      sendJson(
        res,
        400,
        fail([{ code: 10000, message: `bad header: ${String(req.headers.authorization)} / ${encodeURIComponent(TOKEN)}` }]),
      ),
    );
    const events: RequestEvent[] = [];
    const c = client({ apiToken: TOKEN, onRequest: (e) => events.push(e) });
    const error = (await listScripts(c, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error).toBeInstanceOf(CloudflareApiError);
    const surfaces = [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      JSON.stringify(error.errors),
      inspect(error, { depth: 10 }),
      JSON.stringify(events),
      JSON.stringify(c),
      inspect(c, { depth: 10, showHidden: true }),
    ];
    for (const text of surfaces) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(encodeURIComponent(TOKEN));
    }
    expect(error.errors[0]!.message).toContain("[redacted]");
    expect(events).toHaveLength(1);
    expect(Object.keys(events[0]!).sort()).toEqual(["attempt", "durationMs", "error", "method", "path", "status"]);
  });

  test("not in a Global API key client's JSON or inspect output", () => {
    const c = client({ email: "a@example.com", apiKey: KEY });
    expect(JSON.stringify(c)).not.toContain(KEY);
    expect(inspect(c, { showHidden: true, depth: 10 })).not.toContain(KEY);
  });

  test("not in network errors either", async () => {
    server.handle((_req, res) => void res.socket?.destroy());
    const events: RequestEvent[] = [];
    const error = (await listScripts(client({ apiToken: TOKEN, maxAttempts: 1, onRequest: (e) => events.push(e) }), ACCOUNT).catch(
      (e: unknown) => e,
    )) as CloudflareApiError;
    expect(error.code).toBe("CF_NETWORK");
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });
});

describe("base URL and account id", () => {
  test("CLOUDFLARE_API_BASE_URL is read at request time by the default client", async () => {
    process.env.CLOUDFLARE_API_TOKEN = TOKEN;
    process.env.CLOUDFLARE_API_BASE_URL = server.url + "/";
    await listScripts(getDefaultClient(), ACCOUNT);
    expect(server.requests[0]!.url).toBe(`/client/v4/accounts/${ACCOUNT}/workers/scripts`);
  });

  test("plain http:// is refused except to loopback, before anything is sent", () => {
    expect(() => resolveBaseUrl("http://api.example.com/client/v4")).toThrow(CloudflareConfigError);
    expect(() => resolveBaseUrl("http://10.0.0.1/client/v4")).toThrow(/plain http:\/\//);
    expect(() => resolveBaseUrl("ftp://127.0.0.1/")).toThrow(/https/);
    expect(() => resolveBaseUrl("https://user:pw@api.example.com/")).toThrow(/user info/);
    expect(resolveBaseUrl("http://127.0.0.1:8787/client/v4/")).toBe("http://127.0.0.1:8787/client/v4");
    expect(resolveBaseUrl("http://127.9.8.7/client/v4")).toBe("http://127.9.8.7/client/v4");
    expect(resolveBaseUrl("http://[::1]:9/client/v4")).toBe("http://[::1]:9/client/v4");
    expect(resolveBaseUrl("http://localhost:1/x")).toBe("http://localhost:1/x");
    expect(resolveBaseUrl()).toBe("https://api.cloudflare.com/client/v4");
  });

  test("a refused base URL fails the request with CloudflareConfigError and sends nothing", async () => {
    const error = await listScripts(new CloudflareClient({ apiToken: TOKEN, baseUrl: "http://example.com/client/v4" }), ACCOUNT).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CloudflareConfigError);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  test("account id: explicit > stack config > CLOUDFLARE_ACCOUNT_ID, else an error naming both ways", () => {
    expect(() => resolveAccountId()).toThrow(/cloudflare-workers:accountId[\s\S]*CLOUDFLARE_ACCOUNT_ID/);
    process.env.CLOUDFLARE_ACCOUNT_ID = "env-account";
    expect(resolveAccountId()).toBe("env-account");
    setStackConfig({ "cloudflare-workers:accountId": "stack-account" });
    expect(resolveAccountId()).toBe("stack-account");
    expect(resolveAccountId("explicit-account")).toBe("explicit-account");
    expect(new CloudflareClient({ accountId: "option-account" }).resolveAccountId()).toBe("option-account");
  });

  test("every path segment is percent-encoded", async () => {
    await listScripts(client({ apiToken: TOKEN }), "../../user/tokens?x=1");
    expect(server.requests[0]!.url).toBe("/client/v4/accounts/..%2F..%2Fuser%2Ftokens%3Fx%3D1/workers/scripts");
  });
});

describe("connection reuse", () => {
  test("one dispatcher per origin, shared by every client, reusing its connection", async () => {
    await closeDispatchers();
    const a = client({ apiToken: TOKEN });
    const b = client({ apiToken: "another-token-777777" });
    for (let i = 0; i < 20; i++) {
      await listScripts(a, ACCOUNT);
      await listScripts(b, ACCOUNT);
    }
    expect(dispatcherCount()).toBe(1);
    expect(server.requests).toHaveLength(40);
    // Keep-alive: 40 sequential requests over at most two sockets (undici may open a second while the first
    // is being released after its first answer), not one socket per request.
    expect(server.connections).toBeLessThanOrEqual(2);
  });
});
