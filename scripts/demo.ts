/**
 * `npm run demo`: starts the bundled emulator and walks examples/worker-with-bindings through Pulumi's own
 * dynamic-provider host, step by step, printing each plan the way a Pulumi user reads it and the API calls
 * each step made.
 */
import * as path from "node:path";
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator } from "../emulator";
import { Engine, type StepReport } from "../tests/engine/harness";

const PROGRAM = path.join(__dirname, "../examples/worker-with-bindings/index.ts");
const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", read: "~", gone: "-" };

function shortType(type: string): string {
  return type.split(":").pop()!;
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
  const calls = emulator.requests.map((r) => `${r.method} ${r.path.replace(`/accounts/${DEFAULT_ACCOUNT_ID}`, "")}`);
  emulator.clearRequests();
  console.log(`   ${calls.length} API call${calls.length === 1 ? "" : "s"}${calls.length ? ":" : ""}`);
  for (const c of calls) console.log(`     ${c}`);
  console.log(`   ${(report.durationMs / 1000).toFixed(1)} s`);
  if (!report.ok) throw new Error(`step "${title}" failed`);
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  console.log(`Cloudflare Workers API emulator: ${emulator.url} (account ${DEFAULT_ACCOUNT_ID})`);
  console.log(`Program: examples/worker-with-bindings, run through @pulumi/pulumi's dynamic-provider host`);
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
    printReport("4. pulumi refresh", await engine.refresh(), emulator);
    printReport("5. pulumi preview", await engine.preview(PROGRAM, v2), emulator);
    printReport("6. pulumi up repairs the drift", await engine.up(PROGRAM, v2), emulator);
    printReport("7. pulumi destroy", await engine.destroy(), emulator);
    const leaked = ["first-token", "rotated-token", DEFAULT_EMULATOR_TOKEN].filter((s) => engine.stateText().includes(s));
    console.log(`\nState checkpoint: ${leaked.length === 0 ? "no API token or secret value in plain text" : `LEAKED ${leaked.length} secret(s)`}`);
    if (leaked.length) process.exitCode = 1;
  } finally {
    await engine.close();
    await emulator.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
