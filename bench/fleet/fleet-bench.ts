/**
 * The fleet benchmark of issue 16: for N = 10, 100 and 300 Workers (a module with three bindings, a secret,
 * script settings and a subdomain each) every lifecycle step through Pulumi's real dynamic-provider host
 * (engine harness, steps in parallel as the engine runs them), beside wrangler 4 deploying Worker by Worker
 * and, when one is available, the real Pulumi CLI; all against one emulator with 50 ms added to every request
 * and Cloudflare's rate limit enforced (1,200 requests per 300 s per token: 429, code 971, over it).
 * Each step of each side uses its own token, so each starts from an idle budget.
 *
 * Environment:
 *   BENCH_FLEET_SIZES       comma-separated N for our side (default "10,100,300")
 *   BENCH_WRANGLER_SIZES    N measured with wrangler (default "10,100"; every step at the smallest, create only
 *                           beyond, unless BENCH_WRANGLER_FULL=1); other figures are extrapolated per Worker
 *   BENCH_WRANGLER=0        no wrangler at all
 *   BENCH_CLI_SIZES         N run through the real Pulumi CLI (default "10,100"); BENCH_CLI=0 skips it
 *   BENCH_PARALLEL          the harness's parallelism (default the engine's, 4 × CPUs)
 *   WRANGLER_BIN            an installed wrangler instead of installing wrangler@4 into a temporary folder
 *   PULUMI_CLI_DIR          the folder of a `pulumi` to use
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { startEmulator } from "../../emulator";
import { DEFAULT_RATE_LIMIT, RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS } from "../../provider/cloudflare/limiter";
import { DEFAULT_PARALLEL } from "../../tests/engine/engine";
import { maxInWindow } from "./calls";
import { findPulumiCli, runCliFleet, type CliStep } from "./cli";
import { ownPeakRssMiB } from "./memory";
import { runOurs, type OurRun } from "./ours";
import {
  PREVIOUS_RELEASE_BYTES_PER_WORKER,
  breakdown,
  cliTable,
  cliVerdicts,
  memoryBySize,
  profileTable,
  resultsTable,
  timingTable,
  rows,
  stateTable,
  verdicts,
  type ReportInput,
} from "./report";
import { STEPS, type StepName } from "./steps";
import { installWrangler, runWranglerFleet, type WranglerInstall, type WranglerStep } from "./wrangler";

const OUR_ACCOUNT = "0123456789abcdef0123456789abcdef";
const WRANGLER_ACCOUNT = "fedcba9876543210fedcba9876543210";
const CLI_ACCOUNT = "00112233445566778899aabbccddeeff";
export const LATENCY_MS = 50;

const sizesFrom = (value: string | undefined, fallback: string) =>
  (value ?? fallback)
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

export async function runFleetBenchmark(): Promise<void> {
  const log = (line: string) => console.log(line);
  if (process.env.BENCH_FLEET_REPORT) {
    printFleetReport(JSON.parse(readFileSync(process.env.BENCH_FLEET_REPORT, "utf8")) as ReportInput, log);
    return;
  }
  const sizes = sizesFrom(process.env.BENCH_FLEET_SIZES, "10,100,300");
  const wranglerSizes = process.env.BENCH_WRANGLER === "0" ? [] : sizesFrom(process.env.BENCH_WRANGLER_SIZES, "10,100");
  const cliSizes = process.env.BENCH_CLI === "0" ? [] : sizesFrom(process.env.BENCH_CLI_SIZES, "10,100");
  const full = process.env.BENCH_WRANGLER_FULL === "1";
  const parallel = Number(process.env.BENCH_PARALLEL ?? DEFAULT_PARALLEL);
  const startedAll = performance.now();
  log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${process.platform}; load average ${load()} (1/5/15 min)`,
  );
  log(
    `emulator: ${LATENCY_MS} ms added per request, rate limit enforced (${RATE_LIMIT_REQUESTS} per ${RATE_LIMIT_WINDOW_MS / 1000} s per token); our limiter allows ${DEFAULT_RATE_LIMIT}`,
  );
  log(
    `fleets of ${sizes.join(", ")} Workers × 4 resources; harness parallelism ${parallel}; wrangler at ${wranglerSizes.join(", ") || "none"}; CLI at ${cliSizes.join(", ") || "none"}`,
  );

  const tokens: string[] = [];
  const token = (side: string, n: number, step: number | string) => {
    const t = `bench-${side}-${n}-${String(step).replace(/\W+/g, "-")}`;
    tokens.push(t);
    return t;
  };
  for (const n of new Set([...sizes, ...wranglerSizes, ...cliSizes])) {
    for (const [i, spec] of STEPS.entries()) {
      token("ours", n, i);
      token("cli", n, i);
      token("clinc", n, i);
      token("wrangler", n, spec.name);
    }
  }

  let wrangler: WranglerInstall | undefined;
  let wranglerNote: string | undefined;
  if (wranglerSizes.length > 0) {
    try {
      wrangler = await installWrangler(log);
      log(
        `wrangler ${wrangler.version}${wrangler.installMs ? ` installed in ${(wrangler.installMs / 1000).toFixed(1)} s` : " (WRANGLER_BIN)"}`,
      );
    } catch (error) {
      wranglerNote = `wrangler could not be installed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
      log(wranglerNote);
    }
  }
  const cli = cliSizes.length > 0 ? findPulumiCli() : ({ skipped: "BENCH_CLI=0" } as const);
  log("dir" in cli ? `Pulumi CLI: ${cli.dir} (${cli.how})` : `Pulumi CLI not run: ${cli.skipped}`);

  const emulator = await startEmulator({
    latencyMs: LATENCY_MS,
    rateLimit: { requests: RATE_LIMIT_REQUESTS, windowMs: RATE_LIMIT_WINDOW_MS },
    tokens,
    maxRecordedRequests: 100_000,
  });
  const ours: OurRun[] = [];
  const theirs: WranglerStep[] = [];
  const viaCli: CliStep[] = [];
  const profileSizes = sizesFrom(process.env.BENCH_CLI_PROFILE_SIZES, "10,100").filter((n) => cliSizes.includes(n));
  try {
    // Size by size, the harness then the CLI (with and without snapshot writes) back to back, so that the
    // CLI÷harness ratio compares figures taken under about the same load of a shared machine.
    for (const n of [...new Set([...sizes, ...cliSizes])].sort((a, b) => a - b)) {
      if (sizes.includes(n)) {
        log(`\nN = ${n} (load ${load()})`);
        ours.push(await runOurs({ emulator, accountId: OUR_ACCOUNT, n, parallel, tokenFor: (i) => `bench-ours-${n}-${i}`, log }));
      }
      if (!("dir" in cli) || !cliSizes.includes(n)) continue;
      log(`\nreal Pulumi CLI, N = ${n} (load ${load()})`);
      try {
        viaCli.push(
          ...(await runCliFleet({ cliDir: cli.dir, emulator, accountId: CLI_ACCOUNT, n, tokenFor: (i) => `bench-cli-${n}-${i}`, log })),
        );
      } catch (error) {
        log(`  CLI run failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
      if (!profileSizes.includes(n)) continue;
      // The profile: the same steps with PULUMI_SKIP_CHECKPOINTS=true; the difference is the snapshot writes.
      log(`\nreal Pulumi CLI without snapshot writes (PULUMI_SKIP_CHECKPOINTS=true), N = ${n} (load ${load()})`);
      try {
        viaCli.push(
          ...(await runCliFleet({
            cliDir: cli.dir,
            emulator,
            accountId: CLI_ACCOUNT,
            n,
            tokenFor: (i) => `bench-clinc-${n}-${i}`,
            log,
            prefix: "cli-nockpt",
            skipCheckpoints: true,
          })),
        );
      } catch (error) {
        log(`  CLI run failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
    }
    for (const [k, n] of wranglerSizes.entries()) {
      if (!wrangler) break;
      // Every step at the smallest size, create only beyond (the other steps are extrapolated per Worker).
      const steps: StepName[] = full || k === 0 ? STEPS.map((s) => s.name) : ["create"];
      log(`\nwrangler, N = ${n}, Worker by Worker (load ${load()})`);
      theirs.push(
        ...(await runWranglerFleet({
          emulator,
          accountId: WRANGLER_ACCOUNT,
          wrangler,
          n,
          parallel: 1,
          steps,
          log,
          prefix: `wr-${n}`,
          tokenFor: (step) => `bench-wrangler-${n}-${step.replace(/\W+/g, "-")}`,
        })),
      );
    }
  } finally {
    await emulator.close();
    wrangler?.cleanup();
  }

  const input: ReportInput = { ours, wrangler: theirs, cli: viaCli, latencyMs: LATENCY_MS, parallel };
  if (process.env.BENCH_FLEET_SAVE) writeFileSync(process.env.BENCH_FLEET_SAVE, JSON.stringify(input));
  printFleetReport(input, log, [
    ...(wranglerNote ? [wranglerNote] : []),
    ...("dir" in cli ? [] : [`real Pulumi CLI: not run (${cli.skipped})`]),
  ]);
  log(`\nfleet benchmark took ${((performance.now() - startedAll) / 60_000).toFixed(1)} min; load average at the end ${load()}`);
}

/** Prints every table and verdict of a run (also from a run saved with BENCH_FLEET_SAVE: BENCH_FLEET_REPORT=<file>). */
export function printFleetReport(input: ReportInput, log: (line: string) => void, notes: string[] = []): void {
  const { ours, wrangler: theirs, parallel } = input;
  const table = rows(input);
  log(`\n=== fleet through the real Pulumi CLI, the harness beside it (CLI÷harness: the CLI's overhead) ===`);
  log(cliTable(input, table));
  log(
    `(harness = the same program through Pulumi's dynamic-provider host driven by tests/engine, no CLI, in the same run;` +
      ` no snapshot writes = the CLI with PULUMI_SKIP_CHECKPOINTS=true (the profile, not a setting to use: a crash then loses the record of what was done);` +
      ` snapshot = the stack's checkpoint file after the step; drift check = pulumi preview --refresh --expect-no-changes, on the harness a refresh then a preview (two host starts))`,
  );
  const state = stateTable(input);
  log(`\n=== state per resource: pulumi stack export after create${state.n ? `, N = ${state.n}` : ""} ===`);
  log(state.text);
  if (state.perWorker !== undefined)
    log(
      `per Worker (4 resources): ${state.perWorker.toFixed(0)} bytes; release 0.1.0: ${PREVIOUS_RELEASE_BYTES_PER_WORKER} bytes` +
        ` (the rest of each entry is the engine's: urn, parent, provider, property dependencies, dates, the registration's stack trace)`,
    );
  log(`\n=== where the CLI's time goes ===`);
  log(profileTable(input, table));
  log(
    `(snapshot writes = CLI − the same step with PULUMI_SKIP_CHECKPOINTS=true; CLI processes over harness = the latter − the harness:` +
      ` the CLI's start, its engine and language host, its provider host start; harness = our provider and the program)`,
  );
  log(`\n=== inside each CLI command (timing log of the Node processes it starts) ===`);
  log(timingTable(input));
  log(
    `(snapshot writes = CLI − the same step with PULUMI_SKIP_CHECKPOINTS=true; before node = the pulumi process alone: its start,` +
      ` the stack's config and snapshot, the engine's set-up, until the language host (or, for refresh and destroy, the provider host) starts;` +
      ` program start-up = the program's process start → the provider host's start (node, tsx, @pulumi/pulumi, the sdk, the first registration, the engine launching the plugin);` +
      ` host start = the dynamic-provider host until it listens;` +
      ` provider calls = check/diff/create/update/read/delete served by the host, their summed time (8 at once), the longest (the first loads the provider),` +
      ` first→last call = their span; after last = the last call or the program's exit → the command's exit;` +
      ` request bytes = the mean gRPC request of those calls (a resource's inputs and state). The parts overlap and do not add up.)`,
  );
  log(`\n=== fleet: wall time and API calls per lifecycle step, with the limit that binds each figure ===`);
  log(resultsTable(table));
  log(
    `(≈ = wrangler extrapolated per Worker from the largest N it ran that step at; ratio = wrangler time ÷ our time;` +
      ` "!" = the step did not do what it should; "-" = not run. Wrangler: deploy + secret put per Worker for create,` +
      ` deploy for no-op and code change, secret put for rotation, delete for destroy; refresh has no wrangler equivalent.)`,
  );
  log(
    `(bound by: the largest of latency = ${LATENCY_MS} ms × the longest chain of dependent calls, parallelism = calls × ${LATENCY_MS} ms ÷ requests at once` +
      ` (${parallel} for the engine, 1 for wrangler), rate limit = the least time the calls need in windows of ${DEFAULT_RATE_LIMIT} per 300 s (ours; wrangler never waits for it),` +
      ` when it accounts for half the time or more; CPU otherwise: process starts, the program, the engine and providers' own work)`,
  );
  for (const note of notes) log(note);
  for (const failed of theirs.filter((w) => w.failures > 0))
    log(`wrangler ${failed.step} N=${failed.n}: ${failed.failures} failed: ${failed.firstFailure}`);

  log(`\n=== provider host memory and start ===`);
  for (const m of memoryBySize(ours)) log(`N=${m.n}: host peak RSS (VmHWM, largest over the steps) ${m.peakMiB.toFixed(0)} MiB`);
  for (const run of ours) {
    const starts = [...run.hostStartMs].sort((a, b) => a - b);
    log(
      `N=${run.n}: host cold start median ${starts[Math.floor(starts.length / 2)]?.toFixed(0)} ms; most calls in any 300 s window of a step: ` +
        `${Math.max(0, ...run.steps.map((s) => maxInWindow(s.times, RATE_LIMIT_WINDOW_MS)))} (ours allows ${DEFAULT_RATE_LIMIT}, the emulator ${RATE_LIMIT_REQUESTS})`,
    );
  }
  log(`bench process (harness + emulator) peak RSS: ${ownPeakRssMiB().toFixed(0)} MiB`);

  log(`\n=== where our calls go (largest N) ===`);
  for (const s of ours.at(-1)?.steps ?? []) log(`${s.step.padEnd(16)} ${breakdown(s.calls) || "no calls"}`);

  log(`\n=== targets of issue 22 (through the real CLI) ===`);
  for (const v of cliVerdicts(input, table)) log(`${v.holds ? "HOLDS" : "FAILS"}  ${v.target}: ${v.measured}`);
  log(`\n=== targets of issue 16 (engine harness) ===`);
  for (const v of verdicts(input, table)) log(`${v.holds ? "HOLDS" : "FAILS"}  ${v.target}: ${v.measured}`);
}

if (require.main === module) {
  runFleetBenchmark().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}
