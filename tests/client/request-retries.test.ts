import { z } from "zod";
import {
  CloudflareApiError,
  CloudflareClient,
  closeDispatchers,
  createNamespace,
  listScripts,
  setSubdomain,
  uploadScript,
  type ClientOptions,
  type RequestEvent,
} from "../../provider/cloudflare";
import { BACKOFF_CAP_MS, MAX_RETRY_AFTER_MS, RETRY_AFTER_JITTER_MS } from "../../provider/cloudflare/retry";
import { recordingSleep } from "./helpers/clocks";
import { fail, ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

const TOKEN = "retry-test-token-0123456789";
const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await closeDispatchers();
});

function client(extra: Partial<ClientOptions> = {}) {
  const sleeper = recordingSleep();
  const events: RequestEvent[] = [];
  const c = new CloudflareClient({
    apiToken: TOKEN,
    baseUrl: server.url,
    sleep: sleeper.sleep,
    random: () => 0.5,
    limiter: unlimited,
    onRequest: (e) => events.push(e),
    ...extra,
  });
  return { c, waits: sleeper.waits, events };
}

const RATE_LIMITED = fail([{ code: 971, message: "Please wait and consider throttling your request speed" }]);

describe("retries of the request function", () => {
  test("waits out a 429 with Retry-After in seconds, then succeeds", async () => {
    server.handle((_req, res, i) =>
      i === 0 ? sendJson(res, 429, RATE_LIMITED, { "retry-after": "2" }) : sendJson(res, 200, ok([{ id: "a" }])),
    );
    const { c, waits, events } = client();
    await expect(listScripts(c, ACCOUNT)).resolves.toEqual([{ id: "a" }]);
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThanOrEqual(2000 + RETRY_AFTER_JITTER_MS);
    expect(events.map((e) => [e.attempt, e.status, e.error])).toEqual([
      [1, 429, "CF_RATE_LIMITED"],
      [2, 200, undefined],
    ]);
  });

  test("waits out a 429 with Retry-After as an HTTP date", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    server.handle((_req, res, i) =>
      i === 0 ? sendJson(res, 429, RATE_LIMITED, { "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }) : sendJson(res, 200, ok([])),
    );
    const { c, waits } = client({ now: () => now });
    await listScripts(c, ACCOUNT);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(waits[0]).toBeLessThanOrEqual(7000 + RETRY_AFTER_JITTER_MS);
  });

  test("tells the limiter to hold every request back for the Retry-After of a 429", async () => {
    const pauses: number[] = [];
    server.handle((_req, res, i) => (i === 0 ? sendJson(res, 429, RATE_LIMITED, { "retry-after": "30" }) : sendJson(res, 200, ok([]))));
    const { c } = client({ limiter: { acquire: () => Promise.resolve(), pauseFor: (ms) => void pauses.push(ms) } });
    await listScripts(c, ACCOUNT);
    expect(pauses).toEqual([30_000]);
  });

  test("gives up at once when Retry-After is longer than the five-minute lockout, and says how long", async () => {
    server.handle((_req, res) => sendJson(res, 429, RATE_LIMITED, { "retry-after": String(MAX_RETRY_AFTER_MS / 1000 + 100) }));
    const { c, waits } = client();
    const error = (await listScripts(c, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error.code).toBe("CF_RATE_LIMITED");
    expect(error.retryAfterMs).toBe(MAX_RETRY_AFTER_MS + 100_000);
    expect(error.message).toContain("wait 405 s");
    expect(waits).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test("retries a 5xx with an HTML body and reports the page title when it keeps failing", async () => {
    server.handle((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><head><title>502 Bad Gateway</title></head><body><h1>cloudflare</h1></body></html>");
    });
    const { c, waits } = client({ maxAttempts: 3 });
    const error = (await listScripts(c, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(error.code).toBe("CF_SERVER");
    expect(error.status).toBe(502);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain(`GET /accounts/${ACCOUNT}/workers/scripts failed`);
    expect(error.message).toContain("HTTP 502");
    expect(error.message).toContain("after 3 attempts");
    expect(error.message).toContain('an HTML page instead of JSON: "502 Bad Gateway"');
  });

  test("backs off exponentially with jitter between attempts, capped", async () => {
    server.handle((_req, res) => sendJson(res, 503, fail([{ code: 10013, message: "An unknown error has occurred" }])));
    const { c, waits } = client({ maxAttempts: 10, random: () => 0 });
    await expect(listScripts(c, ACCOUNT)).rejects.toMatchObject({ code: "CF_SERVER", attempts: 10 });
    // random() = 0: half of each step, steps 500, 1000, 2000, … capped at BACKOFF_CAP_MS.
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(Math.max(...waits)).toBe(BACKOFF_CAP_MS / 2);
  });

  test("jitter spreads the waits: with random() near 1 each wait approaches the full step", async () => {
    server.handle((_req, res, i) => (i < 2 ? sendJson(res, 500, fail([])) : sendJson(res, 200, ok([]))));
    const { c, waits } = client({ random: () => 0.999 });
    await listScripts(c, ACCOUNT);
    expect(waits[0]).toBeCloseTo(499.75, 1);
    expect(waits[1]).toBeCloseTo(999.5, 1);
  });

  test("retries after the connection is reset", async () => {
    server.handle((req, res, i) => {
      if (i === 0) {
        res.socket?.destroy();
        return;
      }
      sendJson(res, 200, ok([{ id: "after-reset" }]));
    });
    const { c, events } = client();
    await expect(listScripts(c, ACCOUNT)).resolves.toEqual([{ id: "after-reset" }]);
    expect(server.requests).toHaveLength(2);
    expect(events[0]).toMatchObject({ attempt: 1, error: "CF_NETWORK" });
    expect(events[0]!.status).toBeUndefined();
  });

  test("a reset that keeps happening becomes CF_NETWORK naming the error", async () => {
    server.handle((_req, res) => void res.socket?.destroy());
    const { c } = client({ maxAttempts: 2 });
    const error = (await listScripts(c, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.code).toBe("CF_NETWORK");
    expect(error.status).toBe(0);
    expect(error.attempts).toBe(2);
    expect(error.message).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect(error.message).toContain("Could not reach http://127.0.0.1");
  });

  test("abandons an attempt after the per-attempt timeout and tries again", async () => {
    server.handle((_req, res, i) => {
      if (i === 0) setTimeout(() => sendJson(res, 200, ok([{ id: "too-late" }])), 1_000);
      else sendJson(res, 200, ok([{ id: "in-time" }]));
    });
    const { c, events } = client({ timeoutMs: 150 });
    await expect(listScripts(c, ACCOUNT)).resolves.toEqual([{ id: "in-time" }]);
    expect(events[0]).toMatchObject({ attempt: 1, error: "CF_TIMEOUT" });
    expect(events[0]!.durationMs).toBeGreaterThanOrEqual(140);
    expect(events[0]!.durationMs).toBeLessThan(900);
  });

  test("the timeout also covers a body that stalls after the headers", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"success":true,');
      // never finished
    });
    const { c } = client({ timeoutMs: 150, maxAttempts: 2 });
    const error = (await listScripts(c, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.code).toBe("CF_TIMEOUT");
    expect(error.attempts).toBe(2);
    expect(error.message).toContain("No complete answer within 150 ms");
  });

  test("does not repeat a POST that is not idempotent, whatever the failure", async () => {
    for (const failure of ["503", "429", "reset"] as const) {
      server.requests.length = 0;
      server.handle((_req, res) => {
        if (failure === "reset") res.socket?.destroy();
        else if (failure === "429") sendJson(res, 429, RATE_LIMITED, { "retry-after": "1" });
        else sendJson(res, 503, fail([{ code: 10013, message: "An unknown error has occurred" }]));
      });
      const { c, waits } = client();
      const error = (await createNamespace(c, ACCOUNT, { name: "ns" }).catch((e: unknown) => e)) as CloudflareApiError;
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(server.requests).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(error.method).toBe("POST");
      if (failure !== "reset") expect(error.message).toContain("not safe to repeat");
    }
  });

  test("does repeat a POST whose endpoint is idempotent by nature (workers.dev subdomain)", async () => {
    server.handle((_req, res, i) =>
      i === 0 ? sendJson(res, 503, fail([])) : sendJson(res, 200, ok({ enabled: true, previews_enabled: false })),
    );
    const { c } = client();
    await expect(setSubdomain(c, { accountId: ACCOUNT }, "w", { enabled: true, previews_enabled: false })).resolves.toEqual({
      enabled: true,
      previews_enabled: false,
    });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  test("does not retry a 4xx other than 429", async () => {
    server.handle((_req, res) => sendJson(res, 400, fail([{ code: 10021, message: "Uncaught Error: boom" }])));
    const { c } = client();
    await expect(listScripts(c, ACCOUNT)).rejects.toMatchObject({ code: "CF_VALIDATION", attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  test("rebuilds the multipart upload for every attempt, so a retry sends the whole body again", async () => {
    server.handle((_req, res, i) =>
      i === 0 ? sendJson(res, 500, fail([{ code: 10013, message: "temporary" }])) : sendJson(res, 200, ok({ id: "w" })),
    );
    let builds = 0;
    const { c } = client();
    const result = await c.request({
      method: "PUT",
      path: `/accounts/${ACCOUNT}/workers/scripts/w`,
      form: () => {
        builds++;
        return uploadFormFor();
      },
      schema: z.object({ id: z.string() }),
    });
    expect(result).toEqual({ id: "w" });
    expect(builds).toBe(2);
    const [first, second] = server.requests;
    expect(first!.body.byteLength).toBeGreaterThan(100);
    expect(first!.body.toString("utf8").replace(/-{2,}[\w-]+/g, "--B")).toBe(second!.body.toString("utf8").replace(/-{2,}[\w-]+/g, "--B"));
    expect(second!.body.toString("utf8")).toContain("export default");
  });

  test("uploadScript retries its PUT after a lost answer (503) and sends the modules again", async () => {
    server.handle((_req, res, i) => (i === 0 ? sendJson(res, 503, fail([])) : sendJson(res, 200, ok({ id: "w", etag: "e" }))));
    const { c } = client();
    await uploadScript(c, { accountId: ACCOUNT }, "w", {
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: new TextEncoder().encode("export default {}") }],
    });
    expect(server.requests).toHaveLength(2);
    for (const r of server.requests) expect(r.body.toString()).toContain("export default {}");
  });
});

function uploadFormFor() {
  // Built through the public pure builder, as the endpoint functions do.
  const { buildUploadForm } = jest.requireActual<typeof import("../../provider/cloudflare")>("../../provider/cloudflare");
  return buildUploadForm({ main_module: "index.js" }, [
    { name: "index.js", contentType: "application/javascript+module", content: new TextEncoder().encode("export default { fetch() {} }") },
  ]);
}
