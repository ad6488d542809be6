/** The fleet benchmark's report: the limit named for each figure, wrangler's extrapolations marked, and the targets' verdicts. */
import { countCalls } from "../../bench/fleet/calls";
import type { OurRun, OurStep } from "../../bench/fleet/ours";
import { bindingLimit, floors, rateLimitFloorMs, resultsTable, rows, verdicts, type ReportInput } from "../../bench/fleet/report";
import type { StepName } from "../../bench/fleet/steps";
import type { WranglerStep } from "../../bench/fleet/wrangler";
import type { RecordedRequest } from "../../emulator";

const ACCOUNT = "/accounts/0123456789abcdef0123456789abcdef";

function requests(count: number, method = "PUT", status = 200): RecordedRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    method,
    path: `${ACCOUNT}/workers/scripts/fleet-${i}`,
    query: {},
    status,
    durationMs: 50,
    time: 0,
  }));
}

function step(name: StepName, n: number, reqs: RecordedRequest[], wallMs: number, hostPeakMiB = 100): OurStep {
  return {
    step: name,
    n,
    calls: countCalls(reqs),
    wallMs,
    problems: [],
    times: [],
    rateLimited: reqs.filter((r) => r.status === 429).length,
    hostPeakMiB,
  };
}

function run(n: number, steps: OurStep[]): OurRun {
  return { n, steps, hostStartMs: [500] };
}

function wranglerStep(name: StepName, n: number, wallMs: number, calls: number): WranglerStep {
  return { step: name, n, calls: countCalls(requests(calls)), wallMs, invocations: 2 * n, failures: 0, rateLimited: 0 };
}

const input = (ours: OurRun[], wrangler: WranglerStep[] = []): ReportInput => ({ ours, wrangler, cli: [], latencyMs: 50, parallel: 8 });

describe("the limit that binds a figure", () => {
  it("is the largest floor when it explains at least half of the time, else CPU", () => {
    // 1,201 calls from idle under 1,140 per window: one more window.
    expect(rateLimitFloorMs(1_201, 1_140, 302_000)).toBe(302_000);
    expect(rateLimitFloorMs(1_140, 1_140, 302_000)).toBe(0);
    expect(bindingLimit(310_000, floors(1_201, 4, 50, 8, 302_000))).toBe("rate limit");
    // 401 calls at 8 at once: 2.5 s of latency-bound parallelism.
    expect(bindingLimit(4_000, floors(401, 4, 50, 8, 0))).toBe("parallelism");
    expect(bindingLimit(9_000, floors(401, 4, 50, 8, 0))).toBe("CPU");
    expect(bindingLimit(300, floors(4, 4, 50, 8, 0))).toBe("latency");
  });
});

describe("the fleet benchmark's report", () => {
  const small = run(10, [step("create", 10, requests(41), 3_000), step("no-op up", 10, [], 2_000, 110)]);
  const medium = run(100, [step("create", 100, requests(401), 5_000, 150), step("no-op up", 100, [], 2_500, 150)]);
  const large = run(300, [step("create", 300, requests(1_201), 310_000, 230), step("no-op up", 300, [], 4_000, 230)]);

  it("extrapolates wrangler per Worker from the largest size it ran, and marks it", () => {
    const table = rows(input([small, medium, large], [wranglerStep("create", 10, 25_000, 90), wranglerStep("create", 100, 250_000, 900)]));
    const at300 = table.find((r) => r.step === "create" && r.n === 300)!;
    expect(at300.wrangler).toMatchObject({ wallMs: 750_000, calls: 2_700, extrapolatedFrom: 100, limit: "CPU" });
    expect(table.find((r) => r.step === "create" && r.n === 100)!.wrangler!.extrapolatedFrom).toBeUndefined();
    expect(at300.ours!.limit).toBe("rate limit");
    expect(resultsTable(table)).toMatch(/create\s+300\s+310 s\s+1201\s+rate limit\s+≈750 s\s+≈2700\s+CPU\s+≈2x/);
  });

  it("holds the targets a good run meets: 50x at 100, no call on no-op, > 1,200 calls without a 429, linear memory", () => {
    const ins = input([small, medium, large], [wranglerStep("create", 100, 260_000, 900)]);
    const byTarget = Object.fromEntries(verdicts(ins, rows(ins)).map((v) => [v.target.split(" ").slice(0, 4).join(" "), v]));
    expect(
      Object.values(byTarget)
        .map((v) => [v.target, v.holds])
        .filter(([, holds]) => !holds),
    ).toEqual([]);
    expect(byTarget["a 100-Worker create is"]!.measured).toBe("5.00 s (bound by parallelism) vs 260 s: 52.0x");
  });

  it("fails what a bad run shows, saying what was measured", () => {
    const noisy = run(300, [
      step("create", 300, [...requests(1_190), ...requests(11, "PUT", 429)], 320_000, 900),
      step("no-op up", 300, requests(3, "GET"), 4_000, 900),
    ]);
    const ins = input([small, medium, noisy], [wranglerStep("create", 100, 100_000, 900)]);
    const failed = verdicts(ins, rows(ins))
      .filter((v) => !v.holds)
      .map((v) => `${v.target} — ${v.measured}`);
    expect(failed).toHaveLength(4);
    expect(failed[0]).toMatch(/50x faster .* 20\.0x$/);
    expect(failed[1]).toMatch(/no-op up makes no call — .*N=300: 3 \(GET \/workers\/scripts\/\{script\} ×3\)/);
    expect(failed[2]).toMatch(/N=300 create: 1201 calls in 320 s, 11 answered 429/);
    expect(failed[3]).toMatch(/memory grows at most linearly .*100→300: 3\.75 MiB per Worker/);
  });
});
