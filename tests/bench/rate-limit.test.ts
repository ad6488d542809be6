/**
 * The fleet benchmark's simulated runs: the real providers (as built in dist/, which the dynamic-provider host
 * loads), the real client and the real process limiter on a virtual clock, against the emulator. Cloudflare
 * locks a user out for minutes once it goes over 1,200 requests in 300 s.
 */
import { assertPackageBuilt } from "../engine/paths";
import { RATE_LIMIT, simulateRateLimitedFleet } from "../../bench/fleet/rate-limit-sim";

/** The limiter's window, with the guard it adds for requests travelling at different speeds. */
const SPAN = RATE_LIMIT.windowMs + 2_000;

beforeAll(() => assertPackageBuilt());

describe("a simulated fleet through the real limiter", () => {
  test("creating 2,000 resources at once never sends more than 1,140 requests in any 300 s, and finishes by waiting", async () => {
    const run = await simulateRateLimitedFleet({ resources: 2_000 });
    expect(run.errors).toEqual([]);
    // Every request the emulator saw was let through by the limiter.
    expect(run.received).toBe(run.calls);
    // At least one write per resource.
    expect(run.calls).toBeGreaterThanOrEqual(2_000);
    expect(run.maxInWindow).toBe(RATE_LIMIT.ours);
    // The budget is used rather than wasted: the run takes as few windows as the calls need.
    expect(run.simulatedMs).toBe((Math.ceil(run.calls / RATE_LIMIT.ours) - 1) * SPAN);
  }, 60_000);

  test("from idle, a stack needing fewer calls than the limit is never slowed down", async () => {
    const run = await simulateRateLimitedFleet({ resources: 800 });
    expect(run.errors).toEqual([]);
    expect(run.received).toBe(run.calls);
    expect(run.calls).toBeGreaterThan(800);
    expect(run.calls).toBeLessThan(RATE_LIMIT.ours);
    expect(run.simulatedMs).toBe(0);
  }, 60_000);
});
