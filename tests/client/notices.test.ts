/**
 * What the person running `pulumi up` sees while the client works: a line per retry after 429/5xx (what
 * failed, how long until the next attempt), a line when the limiter holds requests back (how long, why), and
 * with `cloudflare-workers:log: debug` a line per request. Never a token, a secret or a body.
 */
import {
  CloudflareClient,
  clearStackConfig,
  closeDispatchers,
  createCloudflareLimiter,
  describeHold,
  listScripts,
  putSecret,
  setStackConfig,
  SlidingWindowLimiter,
  type LimiterClock,
} from "../../provider/cloudflare";
import { ACCOUNT } from "../support/account";
import { recordingSleep } from "./helpers/clocks";
import { captureNotices } from "./helpers/notices";
import { fail, ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";

const TOKEN = "tok_NOTICE_SECRET_0123456789";
const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };
let server: TestServer;
let notices: ReturnType<typeof captureNotices>;
const savedLog = process.env.CLOUDFLARE_WORKERS_LOG;

beforeEach(async () => {
  delete process.env.CLOUDFLARE_WORKERS_LOG;
  clearStackConfig();
  server = await startTestServer();
  notices = captureNotices();
});
afterEach(async () => {
  notices.restore();
  clearStackConfig();
  await closeDispatchers();
  await server.close();
});
afterAll(() => {
  if (savedLog === undefined) delete process.env.CLOUDFLARE_WORKERS_LOG;
  else process.env.CLOUDFLARE_WORKERS_LOG = savedLog;
});

const client = () =>
  new CloudflareClient({ apiToken: TOKEN, baseUrl: server.url, sleep: recordingSleep().sleep, random: () => 0, limiter: unlimited });

test("a retry after 429 and after 503 each print one line: what failed, the wait, the attempt", async () => {
  server.handle((_req, res, i) => {
    if (i === 0) return sendJson(res, 429, fail([{ code: 971, message: "Please wait" }]), { "retry-after": "2" });
    if (i === 1) return sendJson(res, 503, fail([{ code: 10013, message: "busy" }]));
    return sendJson(res, 200, ok([]));
  });
  await listScripts(client(), ACCOUNT);
  expect(notices.lines).toEqual([
    `cloudflare-workers: GET /accounts/${ACCOUNT}/workers/scripts: HTTP 429 (rate limited); retrying in 2.0 s (the server's Retry-After), attempt 2 of 5.`,
    `cloudflare-workers: GET /accounts/${ACCOUNT}/workers/scripts: HTTP 503 (Cloudflare failed on its side); retrying in 500 ms, attempt 3 of 5.`,
  ]);
});

test("a success at the first attempt prints nothing at the default level", async () => {
  server.handle((_req, res) => sendJson(res, 200, ok([])));
  await listScripts(client(), ACCOUNT);
  expect(notices.lines).toEqual([]);
});

test("cloudflare-workers:log debug prints every request (method, path, status, time, attempt) and never the token or body", async () => {
  setStackConfig({ "cloudflare-workers:log": "debug" });
  server.handle((_req, res, i) => (i === 0 ? sendJson(res, 500, fail([])) : sendJson(res, 200, ok({ name: "KEY", type: "secret_text" }))));
  await putSecret(client(), { accountId: ACCOUNT }, "api", { name: "KEY", text: "the-secret-value-42", type: "secret_text" });
  expect(notices.lines).toHaveLength(3);
  expect(notices.lines[0]).toMatch(
    new RegExp(`^cloudflare-workers: PUT /accounts/${ACCOUNT}/workers/scripts/api/secrets -> HTTP 500 in \\d+ ms \\(attempt 1\\)$`),
  );
  expect(notices.lines[1]).toMatch(/retrying in/);
  expect(notices.lines[2]).toMatch(/-> HTTP 200 in \d+ ms \(attempt 2\)$/);
  const all = notices.lines.join("\n");
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain("the-secret-value-42");
});

test("CLOUDFLARE_WORKERS_LOG=off silences retries; warnings are not silenced", async () => {
  process.env.CLOUDFLARE_WORKERS_LOG = "off";
  server.handle((_req, res, i) => (i === 0 ? sendJson(res, 502, fail([])) : sendJson(res, 200, ok([]))));
  await listScripts(client(), ACCOUNT);
  expect(notices.lines).toEqual([]);
});

describe("the limiter", () => {
  function fakeClock(): LimiterClock & { advance(ms: number): Promise<void> } {
    let now = 1_000_000;
    const timers: Array<{ at: number; resolve: () => void }> = [];
    return {
      now: () => now,
      sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
      async advance(ms) {
        now += ms;
        for (const t of timers.splice(0).filter((t) => t.at <= now || (timers.push(t), false))) t.resolve();
        await new Promise((r) => setImmediate(r));
      },
    };
  }

  test("holding requests back at the budget prints how long, how many and why, once", async () => {
    const clock = fakeClock();
    const limiter = createCloudflareLimiter({ clock, limit: 2 });
    await Promise.all([limiter.acquire(), limiter.acquire()]);
    const third = limiter.acquire();
    const fourth = limiter.acquire();
    await new Promise((r) => setImmediate(r));
    expect(notices.lines).toEqual([
      "cloudflare-workers: holding 2 API requests back for 5 min 2 s: 2 were sent in the last 5 minutes, the most this stack may spend " +
        "(cloudflare-workers:rateLimit; Cloudflare allows 1200 per user, dashboard included).",
    ]);
    await clock.advance(302_000);
    await Promise.all([third, fourth]);
    expect(notices.lines).toHaveLength(1);
  });

  test("a 429's Retry-After holding every request prints why", async () => {
    const clock = fakeClock();
    const limiter = createCloudflareLimiter({ clock, limit: 100 });
    limiter.pauseFor(45_000);
    const next = limiter.acquire();
    await new Promise((r) => setImmediate(r));
    expect(notices.lines).toEqual([
      "cloudflare-workers: holding 1 API request back for 45.0 s: Cloudflare answered 429 (rate limited) with Retry-After, which holds every request made with these credentials.",
    ]);
    await clock.advance(45_000);
    await next;
  });

  test("a hold shorter than a second prints nothing", async () => {
    const clock = fakeClock();
    const holds: unknown[] = [];
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 800, guardMs: 0, clock, onHold: (hold) => holds.push(hold) });
    await limiter.acquire();
    const next = limiter.acquire();
    await new Promise((r) => setImmediate(r));
    await clock.advance(800);
    await next;
    expect(holds).toEqual([]);
    expect(describeHold({ reason: "window", ms: 1200, waiting: 1, limit: 5 })).toMatch(/^holding 1 API request back for 1.2 s/);
  });
});
