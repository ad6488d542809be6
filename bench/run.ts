/**
 * Every benchmark of the project, one after the other (`npm run bench`, which builds first), or only those
 * named: `tsx bench/run.ts assets`. A benchmark is a function that prints its own figures.
 */
import { runAssetsBenchmark } from "./assets/assets-bench";
import { runBundleBenchmark } from "./bundle/bundle-bench";
import { runFleetBenchmark } from "./fleet/fleet-bench";
import { runRuntimeBenchmark } from "./runtime/runtime-bench";

const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  assets: runAssetsBenchmark,
  bundle: runBundleBenchmark,
  fleet: runFleetBenchmark,
  runtime: runRuntimeBenchmark,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHMARKS).join(", ")}`);
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    console.log(`\n=== benchmark: ${name} ===`);
    await run();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
