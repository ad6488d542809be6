/**
 * Bundling in check: a generated 200-module TypeScript Worker, checked by WorkerScript in a fresh provider
 * process (dist/, as the engine loads it) three times as one command does: the first check (esbuild starts and
 * bundles), the same check again (the cached bundle, after re-hashing every source), and a check after one
 * module changed (a new bundle). Prints wall times and peak memory of the provider process and of esbuild;
 * asserts nothing about time. `npm run bench -- bundle`, or `tsx bench/run.ts bundle` after `npm run build`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateProject } from "./generate-project";

const MODULES = Number(process.env.BENCH_BUNDLE_MODULES ?? 200);
const RUNS = Number(process.env.BENCH_BUNDLE_RUNS ?? 3);

interface ChildFigures {
  first: number;
  again: number;
  edited: number;
  builds: number;
  providerPeakKiB: number;
  esbuildPeakKiB?: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (kib: number | undefined) => (kib === undefined ? "n/a" : `${(kib / 1024).toFixed(0)} MiB`);

export async function runBundleBenchmark(): Promise<void> {
  for (const sourcemap of [false, true]) {
    const figures: ChildFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      const dir = mkdtempSync(join(tmpdir(), "cfw-bundle-bench-"));
      try {
        const entry = generateProject(dir, MODULES);
        const child = spawnSync(
          process.execPath,
          ["--import", require.resolve("tsx"), join(__dirname, "check-child.ts"), entry, sourcemap ? "map" : "none"],
          {
            cwd: dir,
            encoding: "utf8",
          },
        );
        if (child.status !== 0) throw new Error(`bundle benchmark child failed:\n${child.stderr}`);
        figures.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!) as ChildFigures);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const at = (key: "first" | "again" | "edited") => `${median(figures.map((f) => f[key])).toFixed(0)} ms`;
    console.log(
      `${MODULES} modules, source map ${sourcemap ? "on " : "off"} (median of ${RUNS} fresh processes): ` +
        `first check ${at("first")}, same check again ${at("again")}, check after an edit ${at("edited")}; ` +
        `esbuild ran ${figures[0]!.builds}× per process; peak memory: provider ${mib(Math.max(...figures.map((f) => f.providerPeakKiB)))}` +
        ` (Node + tsx), esbuild ${mib(Math.max(...figures.map((f) => f.esbuildPeakKiB ?? 0)) || undefined)}`,
    );
  }
}

if (require.main === module) {
  runBundleBenchmark().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  });
}
