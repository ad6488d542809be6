/**
 * One provider process of the bundling benchmark: WorkerScript's check on a generated project, as the engine
 * calls it in one command (first check, the same check again, a check after an edit), printing one JSON line.
 * Runs from the built package (dist/), in the project folder, as the provider host does.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { modulePath } from "./generate-project";

const dist = join(__dirname, "..", "..", "dist", "provider");
const { workerScriptProvider } = require(dist) as typeof import("../../provider");
const { bundleRuns } = require(join(dist, "resources", "bundle")) as typeof import("../../provider/resources/bundle");

/** Peak resident memory of the esbuild service (a child process of this one), from /proc on Linux. */
function esbuildPeakKiB(): number | undefined {
  try {
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (/^Name:\s+esbuild$/m.test(status) && new RegExp(`^PPid:\\s+${process.pid}$`, "m").test(status)) {
        return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1]);
      }
    }
  } catch {
    // not Linux: no figure
  }
  return undefined;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const [entryPoint, sourcemap] = process.argv.slice(2);
  const inputs = {
    accountId: "0123456789abcdef0123456789abcdef",
    scriptName: "bench",
    compatibilityDate: "2025-09-01",
    build: { entryPoint: entryPoint!, sourcemap: sourcemap === "map" },
  };
  let hash: unknown;
  const check = async () => {
    const result = await workerScriptProvider.check({}, inputs);
    if (result.failures?.length) throw new Error(JSON.stringify(result.failures));
    hash = result.inputs?.contentHash;
  };
  const first = await timed(check);
  const again = await timed(check);
  const file = modulePath(process.cwd(), 150);
  writeFileSync(file, readFileSync(file, "utf8").replace("% 97", "% 89"));
  const edited = await timed(check);
  console.log(
    JSON.stringify({
      first,
      again,
      edited,
      builds: bundleRuns(),
      hash,
      providerPeakKiB: process.resourceUsage().maxRSS,
      esbuildPeakKiB: esbuildPeakKiB(),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
