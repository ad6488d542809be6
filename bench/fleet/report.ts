/** The printed results: the side-by-side table, the targets of issue 8 with their verdicts, and where calls go. */
import type { CallCount } from "./calls";
import type { OurRun, OurStep } from "./ours";
import { STEPS, type StepName } from "./steps";
import type { WranglerStep } from "./wrangler";

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const calls = (c: CallCount) => `${c.total} (${c.reads}r/${c.writes}w)`;

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

export function resultsTable(ours: OurRun[], wrangler: WranglerStep[]): string {
  const rows = [["step", "N", "our calls", "our time", "wrangler calls", "wrangler time", "ratio"]];
  for (const spec of STEPS) {
    for (const run of ours) {
      const mine = run.steps.find((s) => s.step === spec.name);
      if (!mine) continue;
      const theirs = wrangler.find((w) => w.step === spec.name && w.n === run.n);
      const failed = mine.problems.length > 0 ? " !" : "";
      rows.push([
        spec.name,
        String(run.n),
        calls(mine.calls) + failed,
        seconds(mine.wallMs),
        theirs ? calls(theirs.calls) + (theirs.failures ? " !" : "") : "-",
        theirs ? seconds(theirs.wallMs) : "-",
        theirs && theirs.failures === 0 ? `${(theirs.wallMs / mine.wallMs).toFixed(1)}x` : "-",
      ]);
    }
  }
  return pad(rows);
}

export interface Verdict {
  target: string;
  holds: boolean;
  measured: string;
  cause?: string;
}

function perWorker(step: OurStep): string {
  return `${step.calls.total} calls for ${step.n} Workers (${(step.calls.total / step.n).toFixed(2)} per Worker)`;
}

/** "GET /x: 10, PUT /y: 10" for the endpoints of a step, most frequent first. */
export function breakdown(c: CallCount, filter: (endpoint: string) => boolean = () => true): string {
  return Object.entries(c.byEndpoint)
    .filter(([e]) => filter(e))
    .sort((a, b) => b[1] - a[1])
    .map(([e, k]) => `${e} ×${k}`)
    .join(", ");
}

const EXISTENCE_LISTING = "GET /workers/scripts";
const EXISTENCE_SECRET = "GET /workers/scripts/{script}/secrets/{secret}";
const SCRIPT_READS = new Set(["GET /workers/scripts", "GET /workers/scripts/{script}/settings", "GET /workers/scripts/{script}"]);

export function verdicts(ours: OurRun[], wrangler: WranglerStep[]): Verdict[] {
  const out: Verdict[] = [];
  const largest = ours[ours.length - 1];
  for (const run of ours) {
    const step = (name: StepName) => run.steps.find((s) => s.step === name);
    const n = run.n;
    const check = (name: StepName, target: string, ok: (s: OurStep) => boolean, cause: (s: OurStep) => string, measured = perWorker) => {
      const s = step(name);
      if (!s) return out.push({ target: `${target} (N=${n})`, holds: false, measured: "not run (an earlier step failed)" });
      const holds = ok(s) && s.problems.length === 0;
      out.push({ target: `${target} (N=${n})`, holds, measured: measured(s), ...(holds ? {} : { cause: [cause(s), ...s.problems].filter(Boolean).join("; ") }) });
    };
    check("no-op up", "a no-op up makes 0 calls", (s) => s.calls.total === 0, (s) => breakdown(s.calls));
    check("secret rotation", "a secret rotation makes 1 call per Worker and uploads no code",
      (s) => s.calls.total === n && !Object.keys(s.calls.byEndpoint).some((e) => /scripts\/\{script\}(\/content)?$/.test(e) && e.startsWith("PUT")),
      (s) => breakdown(s.calls));
    check("code change", "a code-only change makes 1 call per Worker", (s) => s.calls.total === n, (s) => breakdown(s.calls));
    check("config change (no bindings)", "a settings change without bindings makes 1 call per Worker", (s) => s.calls.total === n, (s) => breakdown(s.calls));
    check("binding change", "a binding change makes at most 2 calls per Worker", (s) => s.calls.total <= 2 * n, (s) => breakdown(s.calls));
    const scriptReads = (s: OurStep) => Object.entries(s.calls.byEndpoint).filter(([e]) => SCRIPT_READS.has(e)).reduce((a, [, k]) => a + k, 0);
    check("refresh", "a refresh needs at most N + 1 calls for the scripts", (s) => scriptReads(s) <= n + 1,
      (s) => breakdown(s.calls, (e) => SCRIPT_READS.has(e)),
      (s) => `${scriptReads(s)} calls for ${n} WorkerScripts (${breakdown(s.calls, (e) => SCRIPT_READS.has(e))}); ${s.calls.total} in all for ${5 * n} resources`);
    check("create", "creation makes one write per resource", (s) => s.calls.writes === 5 * n,
      (s) => `${s.calls.writes} writes for ${5 * n} resources: ${breakdown(s.calls, (e) => !e.startsWith("GET"))}`);
    check("create", "creation reads nothing but existence checks (one account listing for the scripts, one GET per secret)",
      (s) => s.calls.reads - (s.calls.byEndpoint[EXISTENCE_LISTING] ?? 0) - (s.calls.byEndpoint[EXISTENCE_SECRET] ?? 0) === 0,
      (s) => `reads: ${breakdown(s.calls, (e) => e.startsWith("GET"))}`);
  }
  if (largest) {
    const mine = largest.steps.find((s) => s.step === "create");
    const theirs = wrangler.find((w) => w.step === "create" && w.n === largest.n);
    if (mine && theirs && theirs.failures === 0) {
      const ratio = theirs.wallMs / mine.wallMs;
      out.push({
        target: `the ${largest.n}-Worker fleet deploys at least 20x faster than wrangler-per-Worker`,
        holds: ratio >= 20,
        measured: `${seconds(mine.wallMs)} vs ${seconds(theirs.wallMs)}: ${ratio.toFixed(1)}x`,
      });
    } else {
      out.push({ target: `the ${largest.n}-Worker fleet deploys at least 20x faster than wrangler`, holds: false, measured: theirs?.firstFailure ? `wrangler failed: ${theirs.firstFailure}` : "wrangler not measured" });
    }
  }
  return out;
}
