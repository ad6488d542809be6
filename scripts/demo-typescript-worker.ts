/**
 * The demo's last part: examples/typescript-worker, a Worker deployed from its TypeScript sources (bundled by
 * the provider at check). Up, a no-op preview, an edited comment that changes nothing, an edited line of code
 * that is one PUT …/content, destroy; each step's API calls printed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_TOKEN, type Emulator } from "../emulator";
import { PulumiStack } from "../tests/cli/pulumi-cli";

const EXAMPLE = path.join(__dirname, "../examples/typescript-worker");

function printCalls(emulator: Emulator): void {
  const calls = emulator.requests.map((r) => `${r.method} ${r.path.replace(`/accounts/${DEFAULT_ACCOUNT_ID}`, "")}`);
  emulator.clearRequests();
  console.log(`   ${calls.length} API call${calls.length === 1 ? "" : "s"}${calls.length ? ":" : ""}`);
  for (const c of calls) console.log(`     ${c}`);
}

/** With the real CLI, in a copy of the example (its npm dependency linked in, as `npm install zod` would). */
export async function typescriptWorkerDemo(cliDir: string, emulator: Emulator): Promise<void> {
  console.log(`\n\nProgram: examples/typescript-worker (TypeScript sources, bundled by the provider at check)`);
  const stack = new PulumiStack({
    cliDir,
    example: EXAMPLE,
    env: { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN, CLOUDFLARE_ACCOUNT_ID: DEFAULT_ACCOUNT_ID },
  });
  fs.symlinkSync(path.dirname(require.resolve("zod/package.json")), path.join(stack.projectDir, "node_modules", "zod"), "dir");
  const source = path.join(stack.projectDir, "worker", "src", "index.ts");
  const edit = (from: string, to: string) => fs.writeFileSync(source, fs.readFileSync(source, "utf8").replace(from, to));
  const step = async (title: string, args: string[]): Promise<void> => {
    console.log(`\n== ${title} ==\n$ pulumi ${args.join(" ")}`);
    const result = await stack.run(args, { echo: true });
    printCalls(emulator);
    if (result.code !== 0) throw new Error(`step "${title}" failed (exit ${result.code})`);
  };
  try {
    await stack.ok(["stack", "init", stack.stack]);
    await stack.setConfig({ sourcemap: "false" });
    await step("1. pulumi up: bundles worker/src/index.ts (zod, an HTML page) and uploads it", ["up", "--yes", "--skip-preview"]);
    edit("anything else → the HTML page", "any other request gets the page");
    await step("2. a comment edited: pulumi preview --expect-no-changes", ["preview", "--expect-no-changes"]);
    edit("with 1 to 40 characters", "of 1 to 40 characters");
    await step("3. a line of code edited: pulumi up", ["up", "--yes", "--skip-preview"]);
    await step("4. pulumi destroy", ["destroy", "--yes"]);
  } finally {
    stack.cleanup();
  }
}
