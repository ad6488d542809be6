import {
  CloudflareClient,
  RATE_LIMIT_BURST,
  RATE_LIMIT_REQUESTS,
  RATE_LIMIT_WINDOW_MS,
  TokenBucketLimiter,
  closeDispatchers,
  createCloudflareLimiter,
  getProcessLimiter,
  listScripts,
} from "../../provider/cloudflare";
import { SteppingClock, VirtualClock, maxInWindow, recordingSleep } from "./helpers/clocks";
import { ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

/** Seconds per token once the burst is spent: (1200 − 200) tokens per 300 s. */
const REFILL_MS = RATE_LIMIT_WINDOW_MS / (RATE_LIMIT_REQUESTS - RATE_LIMIT_BURST);

afterAll(async () => {
  await closeDispatchers();
});

describe("the process-wide limiter", () => {
  test("2,000 concurrent requests: a burst at once, then never more than 1,200 in any 300 s", async () => {
    const clock = new VirtualClock();
    const limiter = createCloudflareLimiter(clock);
    const grantedAt: number[] = [];
    const order: number[] = [];
    const all = Promise.all(
      Array.from({ length: 2_000 }, (_, i) =>
        limiter.acquire().then(() => {
          grantedAt.push(clock.now());
          order.push(i);
        }),
      ),
    );
    await clock.run(all);
    expect(grantedAt).toHaveLength(2_000);
    expect(grantedAt.filter((t) => t === 0)).toHaveLength(RATE_LIMIT_BURST);
    expect(maxInWindow(grantedAt, RATE_LIMIT_WINDOW_MS)).toBeLessThanOrEqual(RATE_LIMIT_REQUESTS);
    // … and not much less: the budget is used, not wasted.
    expect(maxInWindow(grantedAt, RATE_LIMIT_WINDOW_MS)).toBeGreaterThanOrEqual(RATE_LIMIT_REQUESTS - 2);
    // Served in the order asked (nobody starves), the last after (2000 − burst) refills.
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(grantedAt.at(-1)).toBeCloseTo((2_000 - RATE_LIMIT_BURST) * REFILL_MS, 3);
  });

  test("2,000 requests through the client on an accelerated clock stay under Cloudflare's limit", async () => {
    const server: TestServer = await startTestServer();
    try {
      const clock = new SteppingClock();
      const seenAt: number[] = [];
      server.handle((_req, res) => {
        seenAt.push(clock.now());
        sendJson(res, 200, ok([]));
      });
      const client = new CloudflareClient({ apiToken: "limiter-token-123456", baseUrl: server.url, limiter: createCloudflareLimiter(clock) });
      for (let i = 0; i < 2_000; i++) await listScripts(client, ACCOUNT);
      expect(server.requests).toHaveLength(2_000);
      expect(maxInWindow(seenAt, RATE_LIMIT_WINDOW_MS)).toBeLessThanOrEqual(RATE_LIMIT_REQUESTS);
      // 2,000 requests need at least 1 window + (2000 − 1200) more refills: about nine simulated minutes.
      expect(clock.now()).toBeGreaterThanOrEqual((2_000 - RATE_LIMIT_BURST) * REFILL_MS - 1);
    } finally {
      await server.close();
    }
  }, 60_000);

  test("retries pass through the limiter too", async () => {
    const server = await startTestServer((_req, res, i) => sendJson(res, i < 2 ? 503 : 200, i < 2 ? { success: false, errors: [], messages: [], result: null } : ok([])));
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

  test("pauseFor holds back every request not yet sent, then the bucket resumes", async () => {
    const clock = new VirtualClock();
    const limiter = new TokenBucketLimiter({ capacity: 5, limit: 10, windowMs: 1_000, clock });
    await clock.run(limiter.acquire());
    limiter.pauseFor(30_000);
    const times: number[] = [];
    await clock.run(Promise.all([1, 2, 3].map(() => limiter.acquire().then(() => times.push(clock.now())))));
    expect(times).toEqual([30_000, 30_000, 30_000]);
  });

  test("refills at (limit − burst) per window after the burst", async () => {
    const clock = new VirtualClock();
    const limiter = new TokenBucketLimiter({ capacity: 2, limit: 12, windowMs: 10_000, clock });
    const times: number[] = [];
    await clock.run(Promise.all(Array.from({ length: 5 }, () => limiter.acquire().then(() => times.push(clock.now())))));
    expect(times.map((t) => Math.round(t))).toEqual([0, 0, 1_000, 2_000, 3_000]);
  });

  test("every client shares one process-wide limiter", () => {
    expect(getProcessLimiter()).toBe(getProcessLimiter());
  });

  test("refuses a bucket that could not keep its promise", () => {
    expect(() => new TokenBucketLimiter({ capacity: 10, limit: 10, windowMs: 1 })).toThrow(RangeError);
  });
});
