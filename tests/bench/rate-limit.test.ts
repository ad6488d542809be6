/**
 * The fleet benchmark's simulated 2,000-resource run: the real providers (as built in dist/, which the
 * dynamic-provider host loads), the real client and the real process limiter on a virtual clock, against the
 * emulator. Cloudflare locks a token out for minutes once it goes over 1,200 requests in 300 s.
 */
import { assertPackageBuilt } from "../engine/paths";
import { RATE_LIMIT, simulateRateLimitedFleet } from "../../bench/fleet/rate-limit-sim";

/** Once the burst of 200 is spent, one request per (300 s / 1,000). */
const REFILL_MS = RATE_LIMIT.windowMs / (RATE_LIMIT.requests - 200);

beforeAll(() => assertPackageBuilt());

describe("a simulated fleet through the real limiter", () => {
  test("creating 2,000 resources at once never sends more than 1,200 requests in any 300 s", async () => {
    const run = await simulateRateLimitedFleet({ resources: 2_000 });
    expect(run.errors).toEqual([]);
    // Every request the emulator saw was let through by the limiter.
    expect(run.received).toBe(run.calls);
    // At least one write per resource.
    expect(run.calls).toBeGreaterThanOrEqual(2_000);
    expect(run.maxInWindow).toBeLessThanOrEqual(RATE_LIMIT.requests);
    // The budget is used rather than wasted: full windows, and the run ends when the refill allows it.
    expect(run.maxInWindow).toBeGreaterThanOrEqual(RATE_LIMIT.requests - 2);
    expect(run.simulatedMs).toBeGreaterThanOrEqual((run.calls - 200) * REFILL_MS - 1);
  }, 60_000);

  test("a stack that fits in the burst is never slowed down", async () => {
    const run = await simulateRateLimitedFleet({ resources: 40 });
    expect(run.errors).toEqual([]);
    expect(run.received).toBe(run.calls);
    expect(run.calls).toBeLessThanOrEqual(200);
    expect(run.simulatedMs).toBe(0);
  }, 60_000);
});
