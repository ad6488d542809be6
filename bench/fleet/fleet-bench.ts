/**
 * The fleet benchmark of issue 8: for N = 1, 10, 100 Workers (5 resources each) against the emulator with
 * 50 ms latency, every lifecycle step through Pulumi's real dynamic-provider host (engine harness), and the
 * same fleet with wrangler 4 per Worker; then the simulated 2,000-resource run through the real limiter.
 *
 * Environment:
 *   BENCH_FLEET_SIZES         comma-separated N (default "1,10,100")
 *   BENCH_WRANGLER_PARALLEL   Workers wrangler handles at once for the largest N (default 4); smaller N run sequentially
 *   BENCH_WRANGLER_FULL=1     run every wrangler step at every N (default: every step up to N=1, create/code/secret/destroy
 *                             up to N=10, create only beyond — each wrangler run costs 2-3 s of CPU)
 *   WRANGLER_BIN              an installed wrangler to use instead of installing wrangler@4 into a temporary folder
 */
import { cpus, totalmem } from "node:os";
import { startEmulator } from "../../emulator";
import { maxInWindow } from "./calls";
import { ownPeakRssMiB } from "./memory";
import { runOurs, type OurRun } from "./ours";
import { simulateRateLimitedFleet } from "./rate-limit-sim";
import { breakdown, resultsTable, verdicts } from "./report";
import { STEPS, type StepName } from "./steps";
import { installWrangler, runWranglerFleet, type WranglerInstall, type WranglerStep } from "./wrangler";

const OUR_ACCOUNT = "0123456789abcdef0123456789abcdef";
const WRANGLER_ACCOUNT = "fedcba9876543210fedcba9876543210";
const LATENCY_MS = 50;
const WINDOW_MS = 300_000;
const LIMIT = 1_200;

function wranglerSteps(n: number, full: boolean): StepName[] {
  const all = STEPS.map((s) => s.name);
  if (full || n <= 1) return all;
  if (n <= 10) return ["create", "code change", "secret rotation", "destroy"];
  return ["create"];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function runFleetBenchmark(): Promise<void> {
  const log = (line: string) => console.log(line);
  const sizes = (process.env.BENCH_FLEET_SIZES ?? "1,10,100").split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
  const parallelLargest = Number(process.env.BENCH_WRANGLER_PARALLEL ?? 4);
  const full = process.env.BENCH_WRANGLER_FULL === "1";
  const startedAll = performance.now();
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${process.platform}`);
  log(`emulator latency ${LATENCY_MS} ms per request; fleets of ${sizes.join(", ")} Workers × 5 resources`);

  let wrangler: WranglerInstall | undefined;
  let wranglerError: string | undefined;
  try {
    wrangler = await installWrangler(log);
    log(`wrangler ${wrangler.version}${wrangler.installMs ? ` installed in ${(wrangler.installMs / 1000).toFixed(1)} s` : " (WRANGLER_BIN)"}`);
  } catch (error) {
    wranglerError = `wrangler could not be installed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    log(wranglerError);
  }

  const emulator = await startEmulator({ latencyMs: LATENCY_MS });
  const ours: OurRun[] = [];
  const theirs: WranglerStep[] = [];
  const windows: Record<number, number> = {};
  try {
    for (const n of sizes) {
      log(`\nN = ${n}`);
      const run = await runOurs({ emulator, accountId: OUR_ACCOUNT, n, log });
      ours.push(run);
      windows[n] = maxInWindow(run.steps.flatMap((s) => s.times), WINDOW_MS);
      if (wrangler) {
        const parallel = n === Math.max(...sizes) && n > 10 ? parallelLargest : 1;
        if (parallel > 1) log(`  wrangler runs ${parallel} Workers at a time (each Worker's commands in order), as a CI script with xargs -P ${parallel} would`);
        theirs.push(...(await runWranglerFleet({ emulator, accountId: WRANGLER_ACCOUNT, wrangler, n, parallel, steps: wranglerSteps(n, full), log })));
      }
    }
  } finally {
    await emulator.close();
    wrangler?.cleanup();
  }

  log(`\n=== fleet: API calls (reads/writes) and wall time per lifecycle step; emulator latency ${LATENCY_MS} ms ===`);
  log(resultsTable(ours, theirs));
  log(`(ratio = wrangler time ÷ our time; "!" = the step did not do what it should, see below; "-" = not run)`);
  const parallelNote = sizes.filter((n) => n > 10).map((n) => `N=${n}: ${parallelLargest} Workers at a time`).join(", ");
  log(`wrangler: deploy + secret put ×2 per Worker for create, deploy for code/config/binding/no-op, secret put for rotation, delete for destroy;` +
    ` sequential for N ≤ 10${parallelNote ? `, ${parallelNote}` : ""}; refresh has no wrangler equivalent.`);
  if (wranglerError) log(wranglerError);
  for (const failed of theirs.filter((w) => w.failures > 0)) log(`wrangler ${failed.step} N=${failed.n}: ${failed.failures} failed: ${failed.firstFailure}`);

  log(`\n=== provider host and memory ===`);
  for (const run of ours) {
    const peaks = run.steps.map((s) => s.hostPeakMiB ?? 0);
    log(`N=${run.n}: host cold start (spawn → first answer) first ${run.hostStartMs[0]?.toFixed(0)} ms, median of ${run.hostStartMs.length} hosts ${median(run.hostStartMs).toFixed(0)} ms; ` +
      `host peak RSS (VmHWM) ${Math.max(...peaks).toFixed(0)} MiB; most calls in any 300 s window across the run's commands: ${windows[run.n]} (limit ${LIMIT})`);
  }
  log(`bench process (harness + emulator) peak RSS: ${ownPeakRssMiB().toFixed(0)} MiB`);

  log(`\n=== where our calls go (largest N) ===`);
  const largest = ours[ours.length - 1];
  for (const s of largest?.steps ?? []) log(`${s.step.padEnd(28)} ${breakdown(s.calls) || "no calls"}`);
  // Each command's host starts with a full bucket of 200; beyond it, one call per 300 ms.
  log(`limiter floor per step (a fresh host per command: 200 calls at once, then 1 per 300 ms): ` +
    (largest?.steps ?? []).map((s) => `${s.step} ${(Math.max(0, s.calls.total - 200) * 0.3).toFixed(0)} s`).join(", "));

  log(`\n=== rate limit: simulated 2,000-resource run on an accelerated clock through the real limiter ===`);
  const sim = await simulateRateLimitedFleet({ resources: 2_000 });
  log(`${sim.resources} resources (${sim.workers} Workers × 5) created with every resource in flight at once: ${sim.calls} calls ` +
    `over ${(sim.simulatedMs / 1000).toFixed(0)} simulated s (${(sim.realMs / 1000).toFixed(1)} s real, clock ×${sim.speedup}); ` +
    `most in any 300 s window ${sim.maxInWindow} (limit ${LIMIT}): ${sim.maxInWindow <= LIMIT ? "never exceeded" : "EXCEEDED"}` +
    `${sim.errors.length ? `; errors: ${sim.errors.slice(0, 3).join("; ")}` : ""}`);

  log(`\n=== targets of issue 8 ===`);
  for (const v of verdicts(ours, theirs)) {
    log(`${v.holds ? "HOLDS" : "FAILS"}  ${v.target}: ${v.measured}${v.cause ? `\n       cause: ${v.cause}` : ""}`);
  }
  for (const [n, max] of Object.entries(windows)) {
    if (max > LIMIT) log(`FAILS  the rate limit across commands (N=${n}): ${max} calls in one 300 s window; each command's host starts with a fresh burst`);
  }
  log(`\nfleet benchmark took ${((performance.now() - startedAll) / 60_000).toFixed(1)} min`);
}

if (require.main === module) {
  runFleetBenchmark().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}
