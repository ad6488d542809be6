/**
 * Jest global setup: when the run includes tests/cli (a full `npm test`, or a path pattern naming them), runs
 * `npm run -s pulumi-cli` once, before any test and without a time limit, so a first run on a fresh machine
 * (CI) builds the pinned CLI here; every later run finds it in the per-machine cache at once. The answer is
 * left for the test files in node_modules/.cache/pulumi-cli/result.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Config } from "@jest/types";
import { CLI_RESULT_FILE, runPulumiCliScriptShowingProgress } from "./pulumi-cli";

function includesCliTests(globalConfig: Config.GlobalConfig): boolean {
  const patterns = globalConfig.testPathPatterns?.patterns ?? [];
  const sample = path.join("tests", "cli", "examples.test.ts");
  return patterns.length === 0 || patterns.some((pattern) => new RegExp(pattern, "i").test(sample) || /cli/i.test(pattern));
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  fs.rmSync(CLI_RESULT_FILE, { force: true });
  if (!includesCliTests(globalConfig)) return;
  const started = Date.now();
  const found = await runPulumiCliScriptShowingProgress();
  fs.mkdirSync(path.dirname(CLI_RESULT_FILE), { recursive: true });
  fs.writeFileSync(CLI_RESULT_FILE, JSON.stringify(found));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if ("dir" in found) console.log(`\ntests/cli: Pulumi CLI in ${found.dir} (${seconds} s)`);
  else console.log(`\ntests/cli: SKIPPED, no Pulumi CLI: ${found.skipped}`);
}
