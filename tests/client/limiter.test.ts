import {
  CloudflareClient,
  CloudflareConfigError,
  DEFAULT_RATE_LIMIT,
  RATE_LIMIT_GUARD_MS,
  RATE_LIMIT_REQUESTS,
  RATE_LIMIT_WINDOW_MS,
  SlidingWindowLimiter,
  clearStackConfig,
  closeDispatchers,
  createCloudflareLimiter,
  sharedLimiter,
  grantFromLog,
  listScripts,
  resolveRateLimit,
  setStackConfig,
} from "../../provider/cloudflare";
import { SteppingClock, VirtualClock, maxInWindow, recordingSleep } from "./helpers/clocks";
import { ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

const L = DEFAULT_RATE_LIMIT;
const SPAN = RATE_LIMIT_WINDOW_MS + RATE_LIMIT_GUARD_MS;

afterAll(async () => {
  await closeDispatchers();
});

/** Asks for `count` requests at once and returns when each was granted, in grant order. */
async function grantTimes(
  limiter: SlidingWindowLimiter,
  clock: VirtualClock,
  count: number,
): Promise<{ times: number[]; order: number[] }> {
  const times: number[] = [];
  const order: number[] = [];
  await clock.run(
    Promise.all(Array.from({ length: count }, (_, i) => limiter.acquire().then(() => (times.push(clock.now()), order.push(i))))),
  );
  return { times, order };
}

describe("the limiter: at most L requests in any sliding 300 s window", () => {
  test("the default L is Cloudflare's 1,200 less the documented margin", () => {
    expect(L).toBe(1_140);
    expect(L).toBeLessThan(RATE_LIMIT_REQUESTS);
  });

  test("from idle, a run of L requests at once is never delayed", async () => {
    const clock = new VirtualClock();
    const { times } = await grantTimes(createCloudflareLimiter({ clock, limit: L }), clock, L);
    expect(times).toHaveLength(L);
    expect(Math.max(...times)).toBe(0);
  });

  test("3,000 concurrent requests all finish by waiting: L at once, then as the oldest leave the window, never more than L in any window", async () => {
    const clock = new VirtualClock();
    const { times, order } = await grantTimes(createCloudflareLimiter({ clock, limit: L }), clock, 3_000);
    expect(times).toHaveLength(3_000);
    expect(times.filter((t) => t === 0)).toHaveLength(L);
    expect(maxInWindow(times, SPAN)).toBeLessThanOrEqual(L);
    // Served in the order asked: nobody starves.
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The budget is used, not wasted: each next batch of L goes as soon as the window lets it.
    expect(times[L]).toBe(SPAN);
    expect(times[2 * L]).toBe(2 * SPAN);
    expect(times.at(-1)).toBe(2 * SPAN);
  });

  test("requests spread over time are only held back when the window is full", async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter({ limit: 3, windowMs: 10_000, guardMs: 0, clock });
    const times: number[] = [];
    const run = async () => {
      for (const gap of [0, 1_000, 1_000, 1_000, 1_000, 9_000]) {
        await clock.sleep(gap);
        await limiter.acquire();
        times.push(clock.now());
      }
    };
    await clock.run(run());
    // 0, 1, 2 s go at once; the 4th (asked at 3 s) waits for 0 s to leave (10 s); the 5th for 1 s (11 s).
    expect(times).toEqual([0, 1_000, 2_000, 10_000, 11_000, 20_000]);
  });

  test("2,000 requests through the client on an accelerated clock never put more than L into any 300 s of the server's", async () => {
    const server: TestServer = await startTestServer();
    try {
      const clock = new SteppingClock();
      const seenAt: number[] = [];
      server.handle((_req, res) => {
        seenAt.push(clock.now());
        sendJson(res, 200, ok([]));
      });
      const client = new CloudflareClient({
        apiToken: "limiter-token-123456",
        baseUrl: server.url,
        limiter: createCloudflareLimiter({ clock, limit: L }),
      });
      for (let i = 0; i < 2_000; i++) await listScripts(client, ACCOUNT);
      expect(server.requests).toHaveLength(2_000);
      expect(maxInWindow(seenAt, RATE_LIMIT_WINDOW_MS)).toBeLessThanOrEqual(L);
      expect(clock.now()).toBe(SPAN);
    } finally {
      await server.close();
    }
  }, 60_000);

  test("retries pass through the limiter too", async () => {
    const server = await startTestServer((_req, res, i) =>
      sendJson(res, i < 2 ? 503 : 200, i < 2 ? { success: false, errors: [], messages: [], result: null } : ok([])),
    );
    try {
      let acquired = 0;
      const client = new CloudflareClient({
        apiToken: "limiter-token-123456",
        baseUrl: server.url,
        sleep: recordingSleep().sleep,
        limiter: { acquire: async () => void acquired++, pauseFor: () => undefined },
      });
      await listScripts(client, ACCOUNT);
      expect(acquired).toBe(3);
    } finally {
      await server.close();
    }
  });

  test("pauseFor (a 429's Retry-After) holds back every request not yet sent, then the window resumes", async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter({ limit: 10, windowMs: 1_000, clock });
    await clock.run(limiter.acquire());
    limiter.pauseFor(30_000);
    const { times } = await grantTimes(limiter, clock, 3);
    expect(times).toEqual([30_000, 30_000, 30_000]);
  });

  test("grantFromLog drops what left the window, grants what fits and says when the next may go", () => {
    const log = { times: [5_000, 1_000, 3_000, Number.NaN, 10_000_000], pausedUntil: -Infinity };
    const outcome = grantFromLog(log, 10_000, 5, 4, 8_000, 0);
    // 1,000 left the window (10,000 − 8,000); NaN and the far-future entry are dropped; 2 of 5 fit.
    expect(outcome).toEqual({ granted: 2, nextAt: 11_000 });
    expect(log.times).toEqual([3_000, 5_000, 10_000, 10_000]);
  });

  test("refuses a limiter that could not keep its promise", () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ limit: 10, windowMs: 0 })).toThrow(RangeError);
  });
});

describe("one limiter per API and credentials, whichever client sends", () => {
  const token = (label: string) => `${label}-${process.pid}-${Date.now()}-token`;

  test("clients with the same credentials share one limiter; other credentials or another API have their own", () => {
    const origin = "https://api.cloudflare.com";
    const same = { kind: "token", token: token("same"), source: "client options" } as const;
    expect(sharedLimiter(origin, same)).toBe(sharedLimiter(origin, { ...same }));
    expect(sharedLimiter(origin, same)).not.toBe(sharedLimiter(origin, { kind: "token", token: token("other"), source: "client options" }));
    expect(sharedLimiter(origin, same)).not.toBe(sharedLimiter("https://api.example.test", same));
  });

  test("a 429's Retry-After seen by one client holds the next request of another client with the same token, not of one with another token", async () => {
    const arrived: { token: string; at: number }[] = [];
    const server = await startTestServer((req, res, i) => {
      arrived.push({ token: String(req.headers.authorization), at: performance.now() });
      if (i === 0)
        sendJson(
          res,
          429,
          { success: false, errors: [{ code: 10000, message: "rate limited" }], messages: [], result: null },
          { "retry-after": "2" },
        );
      else sendJson(res, 200, ok([]));
    });
    try {
      const shared = token("shared");
      const other = token("other");
      const make = (apiToken: string) => new CloudflareClient({ apiToken, baseUrl: server.url, maxAttempts: 1 });
      await expect(listScripts(make(shared), ACCOUNT)).rejects.toThrow(/429/);
      const limited = performance.now();
      await Promise.all([listScripts(make(shared), ACCOUNT), listScripts(make(other), ACCOUNT)]);
      expect(arrived.map((r) => r.token)).toEqual([`Bearer ${shared}`, `Bearer ${other}`, `Bearer ${shared}`]);
      expect(arrived[2]!.at - limited).toBeGreaterThanOrEqual(1_900);
    } finally {
      await server.close();
    }
  });
});

describe("the limit from the stack config and the environment", () => {
  const saved = process.env.CLOUDFLARE_WORKERS_RATE_LIMIT;
  afterEach(() => {
    clearStackConfig();
    if (saved === undefined) delete process.env.CLOUDFLARE_WORKERS_RATE_LIMIT;
    else process.env.CLOUDFLARE_WORKERS_RATE_LIMIT = saved;
  });

  test("defaults to L, takes CLOUDFLARE_WORKERS_RATE_LIMIT, and the stack config over it", () => {
    delete process.env.CLOUDFLARE_WORKERS_RATE_LIMIT;
    expect(resolveRateLimit()).toBe(DEFAULT_RATE_LIMIT);
    process.env.CLOUDFLARE_WORKERS_RATE_LIMIT = "600";
    expect(resolveRateLimit()).toBe(600);
    setStackConfig({ "cloudflare-workers:rateLimit": "300" });
    expect(resolveRateLimit()).toBe(300);
  });

  test("a limiter built before the configuration arrived follows it", async () => {
    const clock = new VirtualClock();
    const limiter = createCloudflareLimiter({ clock });
    setStackConfig({ "cloudflare-workers:rateLimit": "5" });
    const { times } = await grantTimes(limiter, clock, 6);
    expect(times).toEqual([0, 0, 0, 0, 0, SPAN]);
  });

  test("a limit that is not a whole number fails the requests with a message naming the setting", async () => {
    setStackConfig({ "cloudflare-workers:rateLimit": "lots" });
    expect(() => resolveRateLimit()).toThrow(CloudflareConfigError);
    expect(() => resolveRateLimit()).toThrow(/stack config cloudflare-workers:rateLimit must be a whole number .* \(got "lots"\)/);
    const limiter = createCloudflareLimiter({ clock: new VirtualClock() });
    await expect(limiter.acquire()).rejects.toThrow(/cloudflare-workers:rateLimit/);
    clearStackConfig();
    process.env.CLOUDFLARE_WORKERS_RATE_LIMIT = "-3";
    expect(() => resolveRateLimit()).toThrow(/^CLOUDFLARE_WORKERS_RATE_LIMIT must be/);
  });
});
