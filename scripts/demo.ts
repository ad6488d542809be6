/**
 * `npm run demo`: starts the bundled emulator and walks examples/worker-with-bindings through up, no-op,
 * change, drift and destroy, printing the API calls each step made.
 *
 * With a Pulumi CLI (one on PATH, or the one `npm run -s pulumi-cli` built into this machine's cache) the
 * steps are the real `pulumi` commands and their own output. Without one (the demo never starts the long
 * build) they go through the engine harness (tests/engine), which drives @pulumi/pulumi's dynamic-provider
 * host the way the engine does, and each plan is printed the way a Pulumi user reads it.
 */
import * as path from "node:path";
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator } from "../emulator";
import { PulumiStack, runPulumiCliScript } from "../tests/cli/pulumi-cli";
import { Engine, type StepReport } from "../tests/engine/harness";
import { typescriptWorkerDemo } from "./demo-typescript-worker";

const PROGRAM = path.join(__dirname, "../examples/worker-with-bindings/index.ts");
const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", read: "~", gone: "-" };

function shortType(type: string): string {
  return type.split(":").pop()!;
}

function printCalls(emulator: Emulator): void {
  const calls = emulator.requests.map((r) => `${r.method} ${r.path.replace(`/accounts/${DEFAULT_ACCOUNT_ID}`, "")}`);
  emulator.clearRequests();
  console.log(`   ${calls.length} API call${calls.length === 1 ? "" : "s"}${calls.length ? ":" : ""}`);
  for (const c of calls) console.log(`     ${c}`);
}

async function dashboardChange(emulator: Emulator): Promise<void> {
  await fetch(`${emulator.url}/accounts/${DEFAULT_ACCOUNT_ID}/workers/scripts/hello-api/script-settings`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ logpush: false }),
  });
  await fetch(`${emulator.url}/accounts/${DEFAULT_ACCOUNT_ID}/workers/scripts/hello-api/schedules`, {
    method: "PUT",
    headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify([{ cron: "0 0 * * *" }]),
  });
  emulator.clearRequests();
  console.log("\n(someone turns logpush off and changes the cron trigger in the dashboard)");
}

/** With the emulator running the Workers it deploys: what `curl` gets from the Worker (a new name each time: it caches greetings). */
async function curlWorker(emulator: Emulator, name: string): Promise<void> {
  if (emulator.workers === undefined) return;
  const url = `${new URL(emulator.url).origin}/__workers/hello-api/hello/?name=${name}`;
  console.log(`\n$ curl ${url}`);
  const res = await fetch(url);
  console.log(`   ${res.status} ${await res.text()}`);
}

const SECRETS = ["first-token", "rotated-token", DEFAULT_EMULATOR_TOKEN];

/** The real CLI, in a copy of the example with its own file backend; each command's output as it comes. */
async function cliDemo(cliDir: string, emulator: Emulator): Promise<void> {
  console.log(`Program: examples/worker-with-bindings, run by the Pulumi CLI in ${cliDir}`);
  const stack = new PulumiStack({
    cliDir,
    example: path.join(__dirname, "../examples/worker-with-bindings"),
    env: { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN, CLOUDFLARE_ACCOUNT_ID: DEFAULT_ACCOUNT_ID },
  });
  console.log(`Project folder: ${stack.projectDir} (file backend, passphrase secrets; removed at the end)`);
  const step = async (title: string, args: string[], expectFailure = false): Promise<void> => {
    console.log(`\n== ${title} ==\n$ pulumi ${args.join(" ")}`);
    const result = await stack.run(args, { echo: true });
    printCalls(emulator);
    console.log(`   ${(result.durationMs / 1000).toFixed(1)} s`);
    if ((result.code !== 0) !== expectFailure)
      throw new Error(`step "${title}" ${expectFailure ? "should have failed" : `failed (exit ${result.code})`}`);
  };
  try {
    await stack.ok(["stack", "init", stack.stack]);
    await stack.setConfig({}, { apiToken: "first-token" });
    console.log(`\n$ pulumi stack init dev && pulumi config set --secret apiToken first-token`);
    await step("1. pulumi up", ["up", "--yes", "--skip-preview"]);
    await step("   where it answers: pulumi stack output url", ["stack", "output", "url"]);
    await curlWorker(emulator, "Ada");
    await step("2. nothing changed: pulumi preview --expect-no-changes", ["preview", "--expect-no-changes"]);
    await stack.setConfig({ greeting: "Bonjour" }, { apiToken: "rotated-token" });
    console.log(`\n$ pulumi config set greeting Bonjour && pulumi config set --secret apiToken rotated-token`);
    await step("3. pulumi up: greeting changed, apiToken rotated", ["up", "--yes", "--skip-preview"]);
    await curlWorker(emulator, "Grace");
    await dashboardChange(emulator);
    await step(
      "4. the drift check fails: pulumi preview --refresh --expect-no-changes",
      ["preview", "--refresh", "--expect-no-changes"],
      true,
    );
    await step("5. pulumi up --refresh repairs the drift", ["up", "--refresh", "--yes", "--skip-preview"]);
    await step("6. pulumi destroy", ["destroy", "--yes"]);
    const texts = [(await stack.exportState()).text, ...stack.backendFiles().map((f) => f.text), stack.configFileText()];
    const leaked = SECRETS.filter((s) => texts.some((t) => t.includes(s)));
    console.log(
      `\nState (pulumi stack export, the backend's files, Pulumi.dev.yaml): ${leaked.length === 0 ? "no API token or secret value in plain text" : `LEAKED ${leaked.length} secret(s)`}`,
    );
    if (leaked.length) process.exitCode = 1;
  } finally {
    stack.cleanup();
  }
}

function printReport(title: string, report: StepReport, emulator: Emulator): void {
  console.log(`\n== ${title} ==`);
  const changed = report.outcomes.filter((o) => o.op !== "same" && !(o.op === "read" && !o.changedKeys?.length));
  if (changed.length === 0) console.log("   no changes");
  for (const o of changed) {
    const keys = o.changedKeys?.length ? `  [${o.changedKeys.join(", ")}]` : "";
    const verb = o.op === "read" ? "refreshed" : o.op;
    console.log(`  ${SYMBOL[o.op] ?? "?"} ${shortType(o.type).padEnd(22)} ${o.name.padEnd(15)} ${verb}${keys}`);
    for (const f of o.failures ?? []) console.log(`      ${f.property}: ${f.reason}`);
    if (o.error) console.log(`      error: ${o.error}`);
  }
  for (const e of report.programErrors) console.log(`  program error: ${e}`);
  printCalls(emulator);
  console.log(`   ${(report.durationMs / 1000).toFixed(1)} s`);
  if (!report.ok) throw new Error(`step "${title}" failed`);
}

async function harnessDemo(emulator: Emulator): Promise<void> {
  console.log(`Program: examples/worker-with-bindings, run through @pulumi/pulumi's dynamic-provider host by the engine harness`);
  const engine = await Engine.start({
    project: "worker-with-bindings",
    env: { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN, CLOUDFLARE_ACCOUNT_ID: DEFAULT_ACCOUNT_ID },
  });
  try {
    const v1 = { secretConfig: { apiToken: "first-token" } };
    const v2 = { config: { greeting: "Bonjour" }, secretConfig: { apiToken: "rotated-token" } };
    printReport("1. pulumi up", await engine.up(PROGRAM, v1), emulator);
    printReport("2. pulumi up again, nothing changed", await engine.up(PROGRAM, v1), emulator);
    printReport('3. pulumi up: greeting "Bonjour", apiToken rotated', await engine.up(PROGRAM, v2), emulator);

    await dashboardChange(emulator);
    printReport("4. pulumi refresh", await engine.refresh(), emulator);
    printReport("5. pulumi preview", await engine.preview(PROGRAM, v2), emulator);
    printReport("6. pulumi up repairs the drift", await engine.up(PROGRAM, v2), emulator);
    printReport("7. pulumi destroy", await engine.destroy(), emulator);
    const leaked = SECRETS.filter((s) => engine.stateText().includes(s));
    console.log(
      `\nState checkpoint: ${leaked.length === 0 ? "no API token or secret value in plain text" : `LEAKED ${leaked.length} secret(s)`}`,
    );
    if (leaked.length) process.exitCode = 1;
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const cli = runPulumiCliScript({ noBuild: true });
  // The deployed Worker runs too when the optional miniflare is installed (README "Running the deployed Workers locally").
  const emulator = await startEmulator({ runWorkers: true }).catch(() => startEmulator());
  console.log(`Cloudflare Workers API emulator: ${emulator.url} (account ${DEFAULT_ACCOUNT_ID})`);
  try {
    if ("dir" in cli) {
      await cliDemo(cli.dir, emulator);
      await typescriptWorkerDemo(cli.dir, emulator);
    } else {
      console.log(`No Pulumi CLI (${cli.skipped.replace(/^pulumi-cli: /, "")}): showing the engine harness instead.`);
      await harnessDemo(emulator);
    }
  } finally {
    await emulator.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
