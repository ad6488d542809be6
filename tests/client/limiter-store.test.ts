/** The limiter's balance carried between processes: back-to-back commands share one budget. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCloudflareLimiter, fileLimiterStore, RATE_LIMIT_BURST, type LimiterClock, type LimiterStore } from "../../provider/cloudflare/limiter";

function memoryStore(): LimiterStore & { state?: { tokens: number; atEpochMs: number } } {
  const store: LimiterStore & { state?: { tokens: number; atEpochMs: number } } = {
    load: () => store.state,
    save: (state) => {
      store.state = state;
    },
  };
  return store;
}

/** A clock whose sleeps are recorded, not waited. */
function recordingClock(): LimiterClock & { slept: number } {
  const clock = { t: 0, slept: 0, now: () => clock.t, sleep: async (ms: number) => { clock.slept += ms; clock.t += ms; } };
  return clock;
}

describe("the limiter's balance between processes", () => {
  it("starts a second process with what the first one left, not a fresh burst", async () => {
    const store = memoryStore();
    const first = createCloudflareLimiter(recordingClock(), store);
    for (let i = 0; i < RATE_LIMIT_BURST; i++) await first.acquire();
    expect(store.state!.tokens).toBeLessThan(1);

    const clock = recordingClock();
    const second = createCloudflareLimiter(clock, store);
    await second.acquire();
    expect(clock.slept).toBeGreaterThan(200); // had to wait for a refill: the burst was spent by the first process
  });

  it("gives a process a full burst when nothing was stored", async () => {
    const clock = recordingClock();
    const limiter = createCloudflareLimiter(clock, memoryStore());
    for (let i = 0; i < RATE_LIMIT_BURST; i++) await limiter.acquire();
    expect(clock.slept).toBe(0);
  });

  it("keeps the balance in a small file that the next store reads back", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cfw-limiter-")), "limiter.json");
    const store = fileLimiterStore(file);
    store.save({ tokens: 12.5, atEpochMs: 1_700_000_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ tokens: 12.5, atEpochMs: 1_700_000_000_000 });
    expect(fileLimiterStore(file).load()).toEqual({ tokens: 12.5, atEpochMs: 1_700_000_000_000 });
    expect(fileLimiterStore(join(file, "missing")).load()).toBeUndefined();
  });
});
