/**
 * The printed results: one row per step and fleet size with our time and calls, wrangler's (measured or
 * extrapolated) and the real CLI's, each with the limit that binds it; host memory; the targets of issue 16.
 */
import { DEFAULT_RATE_LIMIT, RATE_LIMIT_GUARD_MS, RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS } from "../../provider/cloudflare/limiter";
import type { CallCount } from "./calls";
import type { CliStep, StateBytes } from "./cli";
import { resourceCalls } from "./profile";
import type { OurRun, OurStep } from "./ours";
import { STEPS, type StepName } from "./steps";
import type { WranglerStep } from "./wrangler";

export type Limit = "latency" | "parallelism" | "rate limit" | "CPU";

export interface Floors {
  /** The chain of calls that must follow one another × the latency. */
  latencyMs: number;
  /** Calls × latency ÷ the requests in flight at once. */
  parallelismMs: number;
  /** The least time `calls` requests need from an idle budget under the limit. */
  rateLimitMs: number;
}

/** Least time for `calls` requests from idle with at most `limit` in any window (+ the guard, for ours). */
export function rateLimitFloorMs(calls: number, limit: number, spanMs: number): number {
  return calls <= limit ? 0 : (Math.ceil(calls / limit) - 1) * spanMs;
}

export function floors(calls: number, depth: number, latencyMs: number, parallel: number, rateLimitMs: number): Floors {
  return { latencyMs: depth * latencyMs, parallelismMs: (calls * latencyMs) / Math.max(1, parallel), rateLimitMs };
}

/**
 * The limit that binds a measured time: the largest floor when it accounts for at least half of the time;
 * otherwise CPU (process starts, the program, the engine's and the provider's own work).
 */
export function bindingLimit(wallMs: number, f: Floors): Limit {
  const ranked: [Limit, number][] = [
    ["rate limit", f.rateLimitMs],
    ["parallelism", f.parallelismMs],
    ["latency", f.latencyMs],
  ];
  ranked.sort((a, b) => b[1] - a[1]);
  return ranked[0]![1] >= wallMs / 2 ? ranked[0]![0] : "CPU";
}

export const OUR_SPAN_MS = RATE_LIMIT_WINDOW_MS + RATE_LIMIT_GUARD_MS;

export interface Row {
  step: StepName;
  n: number;
  ours?: { wallMs: number; calls: CallCount; limit: Limit; rateLimited: number; problems: string[] };
  wrangler?: { wallMs: number; calls: number; limit: Limit; extrapolatedFrom?: number; rateLimited: number; failures: number };
  cli?: { wallMs: number; calls: number; limit: Limit; rateLimited: number; problems: string[] };
}

export interface ReportInput {
  ours: OurRun[];
  wrangler: WranglerStep[];
  cli: CliStep[];
  latencyMs: number;
  parallel: number;
}

/** Wrangler's figure for a step and size: measured, else per Worker from the largest size measured × n. */
function wranglerFigure(all: WranglerStep[], step: StepName, n: number): { w: WranglerStep; factor: number } | undefined {
  const exact = all.find((w) => w.step === step && w.n === n && w.failures === 0);
  if (exact) return { w: exact, factor: 1 };
  const measured = all.filter((w) => w.step === step && w.failures === 0 && w.n < n).sort((a, b) => b.n - a.n)[0];
  return measured ? { w: measured, factor: n / measured.n } : undefined;
}

export function rows(input: ReportInput): Row[] {
  const out: Row[] = [];
  for (const spec of STEPS) {
    for (const run of input.ours) {
      const n = run.n;
      const mine = run.steps.find((s) => s.step === spec.name);
      const row: Row = { step: spec.name, n };
      if (mine) {
        const f = floors(
          mine.calls.total,
          spec.depth,
          input.latencyMs,
          input.parallel,
          rateLimitFloorMs(mine.calls.total, DEFAULT_RATE_LIMIT, OUR_SPAN_MS),
        );
        row.ours = {
          wallMs: mine.wallMs,
          calls: mine.calls,
          limit: bindingLimit(mine.wallMs, f),
          rateLimited: mine.rateLimited,
          problems: mine.problems,
        };
      }
      const theirs = wranglerFigure(input.wrangler, spec.name, n);
      if (theirs) {
        const wallMs = theirs.w.wallMs * theirs.factor;
        const calls = Math.round(theirs.w.calls.total * theirs.factor);
        // Wrangler goes Worker by Worker: every call waits for the one before. It never waits for the rate
        // limit (going over it gets 429s, counted beside), so no rate-limit floor.
        const f = floors(calls, calls, input.latencyMs, 1, 0);
        row.wrangler = {
          wallMs,
          calls,
          limit: bindingLimit(wallMs, f),
          ...(theirs.factor === 1 ? {} : { extrapolatedFrom: theirs.w.n }),
          rateLimited: Math.round(theirs.w.rateLimited * theirs.factor),
          failures: theirs.w.failures,
        };
      }
      const cli = input.cli.find((c) => c.step === spec.name && c.n === n && !c.skipCheckpoints);
      if (cli) {
        const f = floors(
          cli.calls.total,
          spec.depth,
          input.latencyMs,
          input.parallel,
          rateLimitFloorMs(cli.calls.total, DEFAULT_RATE_LIMIT, OUR_SPAN_MS),
        );
        row.cli = {
          wallMs: cli.wallMs,
          calls: cli.calls.total,
          limit: bindingLimit(cli.wallMs, f),
          rateLimited: cli.rateLimited,
          problems: cli.problems,
        };
      }
      out.push(row);
    }
  }
  return out;
}

const seconds = (ms: number) => (ms >= 100_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);

function pad(table: string[][]): string {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

export function resultsTable(all: Row[]): string {
  const table = [
    ["step", "N", "our time", "our calls", "bound by", "wrangler time", "calls", "bound by", "ratio", "CLI time", "calls", "bound by"],
  ];
  for (const r of all) {
    const o = r.ours;
    const w = r.wrangler;
    const c = r.cli;
    const approx = w?.extrapolatedFrom ? "≈" : "";
    table.push([
      r.step,
      String(r.n),
      o ? seconds(o.wallMs) : "-",
      o ? `${o.calls.total}${o.rateLimited ? ` (${o.rateLimited}×429)` : ""}${o.problems.length ? " !" : ""}` : "-",
      o?.limit ?? "-",
      w ? `${approx}${seconds(w.wallMs)}` : "-",
      w ? `${approx}${w.calls}${w.rateLimited ? ` (${w.rateLimited}×429)` : ""}` : "-",
      w?.limit ?? "-",
      o && w ? `${approx}${(w.wallMs / o.wallMs).toFixed(0)}x` : "-",
      c ? seconds(c.wallMs) : "-",
      c ? `${c.calls}${c.rateLimited ? ` (${c.rateLimited}×429)` : ""}${c.problems.length ? " !" : ""}` : "-",
      c?.limit ?? "-",
    ]);
  }
  return pad(table);
}

/** "GET /x ×10, PUT /y ×10" for the endpoints of a step, most frequent first. */
export function breakdown(c: CallCount): string {
  return Object.entries(c.byEndpoint)
    .sort((a, b) => b[1] - a[1])
    .map(([e, k]) => `${e} ×${k}`)
    .join(", ");
}

export interface Verdict {
  target: string;
  holds: boolean;
  measured: string;
}

/** Peak host memory per fleet size (the largest over its steps). */
export function memoryBySize(ours: OurRun[]): { n: number; peakMiB: number }[] {
  return ours.map((run) => ({ n: run.n, peakMiB: Math.max(0, ...run.steps.map((s) => s.hostPeakMiB ?? 0)) }));
}

export function verdicts(input: ReportInput, all: Row[]): Verdict[] {
  const out: Verdict[] = [];
  const create100 = all.find((r) => r.step === "create" && r.n === 100);
  if (create100?.ours && create100.wrangler) {
    const ratio = create100.wrangler.wallMs / create100.ours.wallMs;
    out.push({
      target: "a 100-Worker create is at least 50x faster than wrangler Worker by Worker",
      holds: ratio >= 50 && create100.ours.problems.length === 0,
      measured: `${seconds(create100.ours.wallMs)} (bound by ${create100.ours.limit}) vs ${create100.wrangler.extrapolatedFrom ? "≈" : ""}${seconds(create100.wrangler.wallMs)}: ${ratio.toFixed(1)}x`,
    });
  } else {
    out.push({
      target: "a 100-Worker create is at least 50x faster than wrangler Worker by Worker",
      holds: false,
      measured: "not measured at N = 100",
    });
  }
  const noops = input.ours.map((run) => run.steps.find((s) => s.step === "no-op up")).filter((s): s is OurStep => s !== undefined);
  out.push({
    target: "a no-op up makes no call",
    holds: noops.length > 0 && noops.every((s) => s.calls.total === 0 && s.problems.length === 0),
    measured: noops.map((s) => `N=${s.n}: ${s.calls.total}${s.calls.total ? ` (${breakdown(s.calls)})` : ""}`).join(", ") || "not run",
  });
  const big = input.ours.flatMap((run) => run.steps).filter((s) => s.calls.total > RATE_LIMIT_REQUESTS);
  out.push({
    target: `a run of more than ${RATE_LIMIT_REQUESTS} calls completes with no 429 from the emulator's enforced limit`,
    holds: big.length > 0 && big.every((s) => s.rateLimited === 0 && s.problems.length === 0),
    measured: big.length
      ? big
          .map(
            (s) =>
              `N=${s.n} ${s.step}: ${s.calls.total} calls in ${seconds(s.wallMs)}, ${s.rateLimited} answered 429${s.problems.length ? `, ${s.problems[0]}` : ""}`,
          )
          .join("; ")
      : `no step made more than ${RATE_LIMIT_REQUESTS} calls (run N = 300)`,
  });
  const memory = memoryBySize(input.ours).filter((m) => m.peakMiB > 0);
  const slopes = memory.slice(1).map((m, i) => (m.peakMiB - memory[i]!.peakMiB) / (m.n - memory[i]!.n));
  const linear = slopes.every((s, i) => i === 0 || s <= Math.max(1.25 * slopes[i - 1]!, slopes[i - 1]! + 0.1));
  out.push({
    target: "the provider host's memory grows at most linearly with the fleet",
    holds: memory.length >= 3 && linear,
    measured:
      memory.map((m) => `N=${m.n}: ${m.peakMiB.toFixed(0)} MiB`).join(", ") +
      (slopes.length ? `; ${slopes.map((s, i) => `${memory[i]!.n}→${memory[i + 1]!.n}: ${s.toFixed(2)} MiB per Worker`).join(", ")}` : "") +
      (memory.length < 3 ? " (needs three sizes)" : ""),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The real CLI first (issue 22)

/**
 * Bytes of state per Worker (its four resources, each its entry in `pulumi stack export`) that release 0.1.0
 * stored: bench/fleet/program.ts with count 1, `pulumi up` then `pulumi stack export` at commit a226dee.
 */
export const PREVIOUS_RELEASE_BYTES_PER_WORKER = 32_527;

/** The CLI's figures may exceed the harness's by this factor (issue 22's target at N = 100). */
export const CLI_OVER_HARNESS_TARGET = 1.5;

const noCheckpointsOf = (input: ReportInput, step: StepName, n: number) =>
  input.cli.find((c) => c.step === step && c.n === n && c.skipCheckpoints);

const times = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

/** The headline table: the CLI's time and calls per step, the harness beside it, the CLI's overhead, wrangler. */
export function cliTable(input: ReportInput, all: Row[]): string {
  const table = [
    [
      "step",
      "N",
      "CLI time",
      "calls",
      "harness",
      "CLI÷harness",
      "CLI−harness",
      "no snapshot writes",
      "wrangler",
      "wrangler÷CLI",
      "snapshot",
    ],
  ];
  for (const r of all.filter((r) => r.cli)) {
    const c = r.cli!;
    const o = r.ours;
    const w = r.wrangler;
    const bare = noCheckpointsOf(input, r.step, r.n);
    const snapshot = input.cli.find((s) => s.step === r.step && s.n === r.n && !s.skipCheckpoints)?.snapshotBytes;
    const approx = w?.extrapolatedFrom ? "≈" : "";
    table.push([
      r.step,
      String(r.n),
      seconds(c.wallMs),
      `${c.calls}${c.rateLimited ? ` (${c.rateLimited}×429)` : ""}${c.problems.length ? " !" : ""}`,
      o ? seconds(o.wallMs) : "-",
      o ? times(c.wallMs, o.wallMs) : "-",
      o ? `${seconds(c.wallMs - o.wallMs)}` : "-",
      bare ? seconds(bare.wallMs) : "-",
      w ? `${approx}${seconds(w.wallMs)}` : "-",
      w ? `${approx}${times(w.wallMs, c.wallMs)}` : "-",
      snapshot ? `${(snapshot / 1024).toFixed(0)} KiB` : "-",
    ]);
  }
  return pad(table);
}

/** The bytes of state by resource type, from the CLI's create at the largest N measured. */
export function stateTable(input: ReportInput): { text: string; perWorker?: number; n?: number } {
  const create = input.cli.filter((c) => c.step === "create" && c.state && !c.skipCheckpoints).sort((a, b) => b.n - a.n)[0];
  if (!create?.state) return { text: "not measured (the CLI did not run)" };
  const table = [["type", "resources", "bytes each", "__provider (inputs + outputs)", "inputs", "outputs"]];
  for (const t of create.state)
    table.push([
      t.type,
      String(t.count),
      t.bytes.toFixed(0),
      t.providerBytes.toFixed(0),
      t.inputBytes.toFixed(0),
      t.outputBytes.toFixed(0),
    ]);
  const perWorker = perWorkerBytes(create.state);
  return { text: pad(table), perWorker, n: create.n };
}

/** One Worker's four resources. */
export function perWorkerBytes(state: readonly StateBytes[]): number {
  return state.reduce((sum, t) => sum + t.bytes, 0);
}

/** Where the CLI's time goes, per step: snapshot writes (CLI − CLI without them), the rest of the CLI over the harness. */
export function profileTable(input: ReportInput, all: Row[]): string {
  const table = [["step", "N", "CLI", "snapshot writes", "share", "CLI processes over harness", "harness (provider + program)"]];
  for (const r of all.filter((r) => r.cli)) {
    const bare = noCheckpointsOf(input, r.step, r.n);
    if (!bare) continue;
    const writes = Math.max(0, r.cli!.wallMs - bare.wallMs);
    table.push([
      r.step,
      String(r.n),
      seconds(r.cli!.wallMs),
      seconds(writes),
      `${((100 * writes) / r.cli!.wallMs).toFixed(0)} %`,
      r.ours ? seconds(bare.wallMs - r.ours.wallMs) : "-",
      r.ours ? seconds(r.ours.wallMs) : "-",
    ]);
  }
  return table.length > 1 ? pad(table) : "not measured (BENCH_CLI_PROFILE_SIZES)";
}

/**
 * Inside each CLI command (bench/fleet/profile-hook.cjs): the CLI's start before any Node process, the program's
 * start-up, the provider host's start, the calls to our provider (count, their summed time, the longest, the
 * span from the first to the last), the time after the last call, and the mean gRPC request of a resource call.
 * The parts overlap (the program waits for the engine; calls run 8 at once): they are not meant to add up.
 */
export function timingTable(input: ReportInput): string {
  const table = [
    [
      "step",
      "N",
      "CLI",
      "snapshot writes",
      "before node",
      "program start-up",
      "host start",
      "provider calls",
      "Σ in provider",
      "longest",
      "first→last call",
      "after last",
      "request bytes",
    ],
  ];
  const ms = (value: number | undefined) => (value === undefined ? "-" : seconds(value));
  for (const spec of STEPS) {
    for (const c of input.cli.filter((c) => c.step === spec.name && !c.skipCheckpoints && c.profile)) {
      const p = c.profile!;
      const bare = noCheckpointsOf(input, c.step, c.n);
      const calls = resourceCalls(p);
      table.push([
        c.step,
        String(c.n),
        seconds(c.wallMs),
        bare ? seconds(Math.max(0, c.wallMs - bare.wallMs)) : "-",
        ms(p.beforeNodeMs),
        ms(p.programStartMs),
        ms(p.hostStartMs),
        String(calls.count),
        seconds(calls.totalMs),
        seconds(calls.maxMs),
        ms(p.callSpanMs),
        ms(p.afterCallsMs),
        calls.count ? calls.meanBytes.toFixed(0) : "-",
      ]);
    }
  }
  return table.length > 1 ? pad(table) : "not measured (BENCH_CLI_TIMING=0, or the CLI did not run)";
}

export function cliVerdicts(input: ReportInput, all: Row[]): Verdict[] {
  const out: Verdict[] = [];
  const at100 = all.filter((r) => r.n === 100 && r.cli && r.ours);
  const slow = at100.filter((r) => r.cli!.wallMs > CLI_OVER_HARNESS_TARGET * r.ours!.wallMs || r.cli!.problems.length > 0);
  out.push({
    target: `through the CLI at N = 100 every step within ${CLI_OVER_HARNESS_TARGET}x of the harness (same run)`,
    holds: at100.length > 0 && slow.length === 0,
    measured: at100.length ? at100.map((r) => `${r.step} ${times(r.cli!.wallMs, r.ours!.wallMs)}`).join(", ") : "not measured at N = 100",
  });
  const create = all.find((r) => r.step === "create" && r.n === 100);
  out.push({
    target: "through the CLI a 100-Worker create is at least 20x faster than wrangler Worker by Worker",
    holds: !!create?.cli && !!create.wrangler && create.wrangler.wallMs >= 20 * create.cli.wallMs && create.cli.problems.length === 0,
    measured:
      create?.cli && create.wrangler
        ? `${seconds(create.cli.wallMs)} vs ${create.wrangler.extrapolatedFrom ? `≈${seconds(create.wrangler.wallMs)} (extrapolated per Worker from N = ${create.wrangler.extrapolatedFrom})` : seconds(create.wrangler.wallMs)}: ${times(create.wrangler.wallMs, create.cli.wallMs)}`
        : "not measured at N = 100",
  });
  const noops = input.cli.filter((c) => c.step === "no-op up" && !c.skipCheckpoints);
  out.push({
    target: "a no-op up through the CLI makes no call",
    holds: noops.length > 0 && noops.every((s) => s.calls.total === 0 && s.problems.length === 0),
    measured: noops.map((s) => `N=${s.n}: ${s.calls.total}`).join(", ") || "not run",
  });
  const drift = input.cli.filter((c) => c.step === "drift check" && !c.skipCheckpoints);
  out.push({
    target: "the drift check (pulumi preview --refresh --expect-no-changes) finds no change",
    holds: drift.length > 0 && drift.every((s) => s.problems.length === 0),
    measured:
      drift
        .map((s) => `N=${s.n}: ${seconds(s.wallMs)}, ${s.calls.total} calls${s.problems.length ? `, ${s.problems[0]}` : ""}`)
        .join("; ") || "not run",
  });
  const state = stateTable(input);
  out.push({
    target: `state bytes per Worker (its four resources) at most half of the previous release's ${PREVIOUS_RELEASE_BYTES_PER_WORKER}`,
    holds: state.perWorker !== undefined && state.perWorker * 2 <= PREVIOUS_RELEASE_BYTES_PER_WORKER,
    measured:
      state.perWorker === undefined
        ? "not measured"
        : `${state.perWorker.toFixed(0)} bytes at N = ${state.n} (${times(PREVIOUS_RELEASE_BYTES_PER_WORKER, state.perWorker)} smaller)`,
  });
  return out;
}
