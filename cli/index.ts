#!/usr/bin/env node
/**
 * `pulumi-cloudflare-workers`: the command line. One command for now: `import`, which writes a Pulumi
 * program that adopts existing Workers. Exit codes: 0 done, 1 failed, 2 usage error.
 */
import "../provider/node-version"; // first: refuses a Node.js older than the floor in one line, before undici loads
import { parseCliArgs, USAGE, UsageError } from "./args";
import { runImport, type ImportResult } from "./import";

function nextSteps(result: ImportResult): string {
  const lines = [
    `Wrote a Pulumi program adopting ${result.workerNames.length} Worker(s) to ${result.out}:`,
    ...result.workerNames.map((name) => `  ${name}`),
    "",
    "Next:",
    `  cd ${result.out} && npm install`,
    "  pulumi stack init <stack>",
  ];
  for (const secret of result.secrets) {
    lines.push(`  pulumi config set --secret ${secret.configKey} …   # ${secret.type} ${secret.secretName} of ${secret.scriptName}`);
  }
  lines.push("  pulumi up        # adopts every Worker as it is; the next `pulumi preview` shows no change");
  if (result.warnings.length > 0) lines.push("", `${result.warnings.length} warning(s) above are repeated as comments in index.ts.`);
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const result = await runImport({ ...args, log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`${nextSteps(result)}\n`);
    return 0;
  } catch (error) {
    // Errors of the client never carry credentials.
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
