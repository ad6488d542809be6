/**
 * Our side of the fleet benchmark: the fleet program through Pulumi's real dynamic-provider host, driven by
 * the engine harness (a fresh host per command, as every `pulumi` command starts one, independent steps in
 * parallel as the engine runs them), step after step. Each step uses its own API token (`tokenFor`), so
 * that each starts from an idle rate-limit budget, as commands minutes apart do; the limiter keeps its log
 * in its shared file (CLOUDFLARE_WORKERS_LIMITER_STATE=on), as against Cloudflare.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN, type Emulator } from "../../emulator";
import { Engine, makeProjectDir, type StepReport } from "../../tests/engine/harness";
import { countCalls, takeRequests, type CallCount } from "./calls";
import { peakRssMiB } from "./memory";
import { RESOURCES_PER_WORKER, STEPS, type StepName, type StepSpec } from "./steps";

export const FLEET_PROGRAM = path.join(__dirname, "program.ts");

export interface OurStep {
  step: StepName;
  n: number;
  calls: CallCount;
  wallMs: number;
  /** What went wrong: engine errors, or operations other than the expected ones. */
  problems: string[];
  /** Peak RSS of the host that ran this step. */
  hostPeakMiB?: number;
  /** When each API call of the step reached the emulator (ms since the epoch). */
  times: number[];
  /** Answers 429 (the emulator's enforced rate limit, or anything else). */
  rateLimited: number;
}

export interface OurRun {
  n: number;
  steps: OurStep[];
  /** Process start → first answer, for every host started (one per command). */
  hostStartMs: number[];
}

export interface OurOptions {
  emulator: Emulator;
  accountId: string;
  n: number;
  prefix?: string;
  /** The API token of step `index` (every one accepted by the emulator). */
  tokenFor: (index: number) => string;
  /** The harness's parallelism (default: the engine's, 4 × CPUs). */
  parallel?: number;
  log?: (line: string) => void;
}

function problemsOf(spec: StepSpec, report: StepReport, n: number): string[] {
  const problems = [...report.programErrors.map((e) => `program: ${e.split("\n")[0]}`)];
  for (const o of report.outcomes) if (o.error) problems.push(`${o.name}: ${o.error.split("\n")[0]}`);
  const ops: Record<string, number> = {};
  for (const o of report.outcomes) ops[o.op] = (ops[o.op] ?? 0) + 1;
  const expected: Record<string, number> =
    spec.kind === "up"
      ? Object.fromEntries(Object.entries(spec.expect ?? {}).map(([op, k]) => [op, k * n]))
      : spec.kind === "refresh"
        ? { read: n * RESOURCES_PER_WORKER }
        : spec.kind === "drift"
          ? { read: n * RESOURCES_PER_WORKER, same: n * RESOURCES_PER_WORKER }
          : { delete: n * RESOURCES_PER_WORKER };
  if (JSON.stringify(Object.entries(ops).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
    problems.push(`operations ${JSON.stringify(ops)}, expected ${JSON.stringify(expected)}`);
  }
  if (spec.updates) {
    const wrong = report.outcomes.filter((o) => o.op === "update" && !spec.updates!.test(o.name)).map((o) => o.name);
    if (wrong.length > 0) problems.push(`unexpected updates: ${wrong.slice(0, 5).join(", ")}`);
  }
  if (spec.kind === "refresh" || spec.kind === "drift") {
    const drifted = report.outcomes.filter((o) => (o.changedKeys ?? []).length > 0);
    if (drifted.length > 0)
      problems.push(
        `refresh changed outputs of ${drifted.length} resources, e.g. ${drifted[0]!.name}: ${drifted[0]!.changedKeys!.join(", ")}`,
      );
  }
  return problems;
}

/** Runs every lifecycle step for a fleet of `n` Workers and measures each one. */
export async function runOurs(options: OurOptions): Promise<OurRun> {
  const { emulator, accountId, n } = options;
  const prefix = options.prefix ?? "fleet";
  const log = options.log ?? (() => undefined);
  // The package laid out as a user's npm install has it, as on the CLI side: the same state, the same sizes.
  const project = makeProjectDir({ project: "fleet", installed: true });
  const engine = await Engine.start({
    projectDir: project.dir,
    env: {
      CLOUDFLARE_API_BASE_URL: emulator.url,
      CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
      CLOUDFLARE_ACCOUNT_ID: accountId,
      CLOUDFLARE_WORKERS_LIMITER_STATE: "on",
    },
    programTimeoutMs: 30 * 60_000,
    callTimeoutMs: 15 * 60_000,
    hostStartTimeoutMs: 120_000,
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
  });
  const steps: OurStep[] = [];
  try {
    takeRequests(emulator);
    for (const [index, spec] of STEPS.entries()) {
      // The stack config wins over the environment: this step's token reaches the provider with Configure.
      const token = { "cloudflare:apiToken": options.tokenFor(index) };
      engine.stackConfig = { ...engine.stackConfig, ...token };
      const config = { count: String(n), prefix, ...spec.config, ...token };
      const started = performance.now();
      const report =
        spec.kind === "up"
          ? await engine.up(FLEET_PROGRAM, { config })
          : spec.kind === "drift"
            ? await refreshThenPreview(engine, config)
            : spec.kind === "refresh"
              ? await engine.refresh()
              : await engine.destroy();
      const wallMs = performance.now() - started;
      const requests = takeRequests(emulator);
      const step: OurStep = {
        step: spec.name,
        n,
        calls: countCalls(requests),
        times: requests.map((r) => r.time),
        rateLimited: requests.filter((r) => r.status === 429).length,
        wallMs,
        problems: problemsOf(spec, report, n),
        hostPeakMiB: peakRssMiB(engine.hostPid),
      };
      steps.push(step);
      log(
        `  ours  N=${n} ${spec.name}: ${step.calls.total} calls, ${(wallMs / 1000).toFixed(2)} s, host ${step.hostPeakMiB?.toFixed(0) ?? "?"} MiB` +
          `${step.rateLimited ? `, ${step.rateLimited} answered 429` : ""}${step.problems.length ? ` — ${step.problems.join("; ")}` : ""}`,
      );
      // A failed create or update leaves nothing meaningful to measure after it.
      if (report.programErrors.length > 0 && spec.kind === "up") break;
    }
  } finally {
    await engine.close();
    project.cleanup();
  }
  return { n, steps, hostStartMs: [...engine.hostStartTimes] };
}

/**
 * `pulumi preview --refresh` as the harness can run it: a refresh, then a preview of the program. Two
 * commands, so two host starts where the CLI has one: the harness figure of this step is an upper bound.
 */
async function refreshThenPreview(engine: Engine, config: Record<string, string>): Promise<StepReport> {
  const refreshed = await engine.refresh();
  const previewed = await engine.preview(FLEET_PROGRAM, { config });
  return {
    outcomes: [...refreshed.outcomes, ...previewed.outcomes],
    ok: refreshed.ok && previewed.ok,
    programErrors: [...refreshed.programErrors, ...previewed.programErrors],
    durationMs: refreshed.durationMs + previewed.durationMs,
  };
}
