/**
 * Prints how long the harness's two expensive parts take on this machine: a dynamic-provider host's cold
 * start (spawn → port printed → GetPluginInfo answered) and a program capture (child process, program
 * under setMocks, every registration answered). Prints figures, asserts nothing.
 *
 *   npx tsx tests/engine/measure-startup.ts [runs]      (default 5 runs; the build is not needed)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Host } from "./host";
import { makeProjectDir } from "./project-dir";
import { captureProgram } from "./program-runner";
import { TOY_PROGRAM } from "./fixtures/toy";

const runs = Number(process.argv[2] ?? 5);

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${label.padEnd(44)} min ${sorted[0]!.toFixed(0).padStart(5)} ms   median ${median.toFixed(0).padStart(5)} ms   (${samples.length} runs)`;
}

async function hostStarts(env: NodeJS.ProcessEnv): Promise<number[]> {
  const project = makeProjectDir({ requireBuild: false });
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const host = await Host.start({ projectDir: project.dir, env });
      samples.push(host.startMs);
      await host.close();
    }
  } finally {
    project.cleanup();
  }
  return samples;
}

async function captures(env: NodeJS.ProcessEnv): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await captureProgram(TOY_PROGRAM, { config: { value: "v" }, secretConfig: { password: "p" }, env });
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const noCache = { NODE_DISABLE_COMPILE_CACHE: "1" };
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(summary("host cold start (compile cache on)", await hostStarts({})));
  console.log(summary("host cold start (compile cache off)", await hostStarts(noCache)));
  console.log(summary("toy program capture (compile cache on)", await captures({})));
  console.log(summary("toy program capture (compile cache off)", await captures(noCache)));
  const leftovers = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("pcw-engine-"));
  if (leftovers.length > 0) console.log(`temp folders left: ${leftovers.map((n) => path.join(os.tmpdir(), n)).join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
