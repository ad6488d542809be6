/** The fleet benchmark's report: the limit named for each figure, wrangler's extrapolations marked, and the targets' verdicts. */
import { countCalls } from "../../bench/fleet/calls";
import type { OurRun, OurStep } from "../../bench/fleet/ours";
import type { CliStep } from "../../bench/fleet/cli";
import {
  PREVIOUS_RELEASE_BYTES_PER_WORKER,
  bindingLimit,
  cliTable,
  cliVerdicts,
  floors,
  profileTable,
  rateLimitFloorMs,
  resultsTable,
  rows,
  timingTable,
  verdicts,
  type ReportInput,
} from "../../bench/fleet/report";
import type { StepName } from "../../bench/fleet/steps";
import type { WranglerStep } from "../../bench/fleet/wrangler";
import type { RecordedRequest } from "../../emulator";
import { ACCOUNT as ACCOUNT_ID } from "../support/account";

const ACCOUNT = `/accounts/${ACCOUNT_ID}`;

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

describe("the CLI headline and issue 22's verdicts", () => {
  const cliStep = (name: StepName, n: number, calls: number, wallMs: number, extra: Partial<CliStep> = {}): CliStep => ({
    step: name,
    n,
    calls: countCalls(requests(calls)),
    wallMs,
    rateLimited: 0,
    times: [],
    problems: [],
    ...extra,
  });
  const state = [
    { type: "WorkerScript", count: 100, bytes: 3_400, providerBytes: 800, inputBytes: 1_000, outputBytes: 1_000 },
    { type: "WorkerSecret", count: 100, bytes: 2_800, providerBytes: 800, inputBytes: 650, outputBytes: 650 },
  ];
  const harness = run(100, [step("create", 100, requests(500), 20_000), step("no-op up", 100, [], 10_000)]);
  const cli = [
    cliStep("create", 100, 500, 25_000, {
      state,
      snapshotBytes: 1_200_000,
      profile: {
        wallMs: 25_000,
        beforeNodeMs: 600,
        programMs: 23_000,
        programStartMs: 3_000,
        hostStartMs: 1_500,
        callSpanMs: 19_000,
        afterCallsMs: 400,
        rpc: {
          configure: { count: 1, totalMs: 2, maxMs: 2, meanBytes: 300 },
          check: { count: 400, totalMs: 8_000, maxMs: 900, meanBytes: 1_000 },
          create: { count: 400, totalMs: 40_000, maxMs: 600, meanBytes: 3_000 },
        },
      },
    }),
    cliStep("no-op up", 100, 0, 16_000),
    cliStep("create", 100, 500, 21_000, { skipCheckpoints: true }),
  ];
  const ins: ReportInput = { ours: [harness], wrangler: [wranglerStep("create", 10, 120_000, 100)], cli, latencyMs: 50, parallel: 8 };

  it("leads with the CLI's time beside the harness's, its overhead, the run without snapshot writes and wrangler", () => {
    const table = cliTable(ins, rows(ins));
    expect(table).toMatch(/^create\s+100\s+25\.00 s\s+500\s+20\.00 s\s+1\.3x\s+5\.00 s\s+21\.00 s\s+≈1200 s\s+≈48\.0x\s+1172 KiB$/m);
    expect(profileTable(ins, rows(ins))).toMatch(/^create\s+100\s+25\.00 s\s+4\.00 s\s+16 %\s+1\.00 s\s+20\.00 s$/m);
  });

  it("breaks a CLI command down from its timing log: start, program, host, our calls and their request size", () => {
    expect(timingTable(ins)).toMatch(
      /^create\s+100\s+25\.00 s\s+4\.00 s\s+0\.60 s\s+3\.00 s\s+1\.50 s\s+800\s+48\.00 s\s+0\.90 s\s+19\.00 s\s+0\.40 s\s+2000$/m,
    );
    expect(timingTable({ ...ins, cli: ins.cli.map(({ profile: _, ...c }) => c) })).toMatch(/^not measured/);
  });

  it("says which targets hold: a step over 1.5x of the harness fails, bytes per Worker are summed over the types", () => {
    const byTarget = cliVerdicts(ins, rows(ins)).map((v) => [v.holds, v.measured]);
    expect(byTarget).toEqual([
      [false, "create 1.3x, no-op up 1.6x"],
      [true, "25.00 s vs ≈1200 s (extrapolated per Worker from N = 10): 48.0x"],
      [true, "N=100: 0"],
      [false, "not run"],
      [true, `6200 bytes at N = 100 (${(PREVIOUS_RELEASE_BYTES_PER_WORKER / 6_200).toFixed(1)}x smaller)`],
    ]);
  });
});
