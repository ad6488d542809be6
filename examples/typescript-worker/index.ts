/**
 * A Worker deployed from its TypeScript sources: `build.entryPoint` names the entry, and the provider bundles
 * it with esbuild (wrangler's defaults) when Pulumi checks the resource. There is no build step to forget: a
 * preview shows a change exactly when the bundle's bytes change, so an edited comment or type shows none.
 *
 * The Worker validates its input with zod (an npm package, bundled in) and serves an HTML page imported as
 * a Text module (uploaded beside the bundle, as wrangler does).
 *
 * Config: `scriptName` (default "ts-greeter"), `greeting` (default "Hello"), `sourcemap` (default true:
 * stack traces in Workers logs point at the TypeScript).
 */
import * as pulumi from "@pulumi/pulumi";
import { WorkerScript, WorkerSubdomain } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const scriptName = config.get("scriptName") ?? "ts-greeter";

const worker = new WorkerScript("greeter", {
  scriptName,
  build: {
    // Relative to the Pulumi project folder, where the engine starts the provider.
    entryPoint: "worker/src/index.ts",
    minify: true,
    sourcemap: config.getBoolean("sourcemap") ?? true,
  },
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "plain_text", name: "GREETING", text: config.get("greeting") ?? "Hello" }],
});

new WorkerSubdomain("greeter-subdomain", { scriptName: worker.scriptName, enabled: true });

export const contentHash = worker.contentHash;
export const handlers = worker.handlers;
