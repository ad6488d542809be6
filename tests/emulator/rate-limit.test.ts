/** The emulator's enforced rate limit: the answer Cloudflare gives over 1,200 requests in five minutes, and our client never meeting it. */
import { CloudflareClient, SlidingWindowLimiter, closeDispatchers, listScripts } from "../../provider/cloudflare";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { parseCliArgs } from "../../emulator/cli";
import { RATE_LIMITED_MESSAGE, RateLimit } from "../../emulator/rate-limit";
import { TestApi } from "./helpers";
import { ACCOUNT, useEmulator } from "../support";

const BEARER = { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` };

afterAll(async () => {
  await closeDispatchers();
});

describe("the rate limit's counting (virtual clock)", () => {
  it("lets `requests` through in any window, then refuses everything for the lockout, then counts afresh", () => {
    let now = 0;
    const limit = new RateLimit({ requests: 3, windowMs: 10_000 }, () => now);
    const statuses = () => limit.admit(BEARER).refused?.status ?? 200;
    expect([statuses(), statuses(), statuses()]).toEqual([200, 200, 200]);
    now = 9_999;
    expect(statuses()).toBe(429); // still 3 in the window: locked out until 19,999
    now = 12_000; // the first three left the window, but the lockout holds
    expect(statuses()).toBe(429);
    now = 19_999;
    expect(statuses()).toBe(200);
  });

  it("counts each credential on its own, and not requests without one", () => {
    const limit = new RateLimit({ requests: 1, windowMs: 1_000 }, () => 0);
    expect(limit.admit(BEARER).refused).toBeUndefined();
    expect(limit.admit({ authorization: "Bearer other" }).refused).toBeUndefined();
    expect(limit.admit({ "x-auth-email": "a@example.com", "x-auth-key": "k" }).refused).toBeUndefined();
    expect(limit.admit({}).refused).toBeUndefined();
    expect(limit.admit(BEARER).refused?.status).toBe(429);
  });

  it("refuses a limit that cannot be enforced", () => {
    expect(() => new RateLimit({ requests: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => new RateLimit({ requests: 1, windowMs: 0 })).toThrow(RangeError);
  });
});

describe("an emulator started with rateLimit", () => {
  const emulator = useEmulator({ rateLimit: { requests: 4, windowMs: 1_500 } });
  const api = new TestApi(emulator);

  it("answers the request over the limit, and the ones after it, like Cloudflare: 429, code 971, Retry-After in seconds", async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await api.call("GET", "/workers/scripts"));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(answers.slice(0, 4).map((a) => a.headers["ratelimit"])).toEqual([
      '"default";r=3;t=2',
      '"default";r=2;t=2',
      '"default";r=1;t=2',
      '"default";r=0;t=2',
    ]);
    expect(answers[0]!.headers["ratelimit-policy"]).toBe('"default";q=4;w=2');
    expect(answers[0]!.headers["retry-after"]).toBeUndefined();
    const refused = answers[4]!;
    expect(refused.json).toEqual({ success: false, errors: [{ code: 971, message: RATE_LIMITED_MESSAGE }], messages: [], result: null });
    expect(refused.headers["retry-after"]).toBe("2");
    // The refusals are in the request log, as tests and benchmarks count them.
    expect(emulator.requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429]);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await api.call("GET", "/workers/scripts")).status).toBe(200);
  });

  it("our client with its limiter set to the same limit makes 3 windows' worth of calls without a single 429", async () => {
    const client = new CloudflareClient({
      apiToken: DEFAULT_EMULATOR_TOKEN,
      baseUrl: emulator.url,
      limiter: new SlidingWindowLimiter({ limit: 4, windowMs: 1_500, guardMs: 100 }),
    });
    await Promise.all(Array.from({ length: 10 }, () => listScripts(client, ACCOUNT)));
    expect(emulator.requests).toHaveLength(10);
    expect(emulator.requests.filter((r) => r.status === 429)).toEqual([]);
  }, 20_000);

  it("reset() forgets the counts", async () => {
    for (let i = 0; i < 5; i++) await api.call("GET", "/workers/scripts");
    emulator.reset();
    expect((await api.call("GET", "/workers/scripts")).status).toBe(200);
  });
});

describe("the CLI's --rate-limit", () => {
  it("takes requests and an optional window in seconds (default 300)", () => {
    expect(parseCliArgs(["--rate-limit", "1200"]).rateLimit).toEqual({ requests: 1200, windowMs: 300_000 });
    expect(parseCliArgs(["--rate-limit=50/10"]).rateLimit).toEqual({ requests: 50, windowMs: 10_000 });
    expect(() => parseCliArgs(["--rate-limit", "fast"])).toThrow(/requests\[\/seconds\], e\.g\. 1200\/300/);
    expect(() => parseCliArgs(["--rate-limit", "0"])).toThrow(/--rate-limit/);
  });
});
