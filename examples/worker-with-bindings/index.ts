/**
 * Example 1: a module Worker with several bindings, a secret managed apart from the code (rotating it never
 * re-uploads the Worker), script-level settings, its workers.dev subdomain, a cron trigger running its
 * `scheduled()` handler, and a route putting it in front of a zone's origin.
 *
 * Config: `greeting` (plain text binding, default "Hello"), `apiToken` (secret, required),
 * `scriptName` (default "hello-api"), `logpush` (default true), `crons` (JSON list, default every 30 minutes),
 * and, required against a real account (on the bundled emulator its zone example.com and a namespace id it
 * accepts stand in): `zoneId` (the zone's Overview page in the dashboard, or a `cloudflare.Zone`'s id),
 * `routePattern` (a pattern in that zone, e.g. `example.org/hello/*`) and `kvNamespaceId` (Storage &
 * Databases > KV in the dashboard, or the id of a `cloudflare.WorkersKvNamespace` in the same stack, passed
 * instead of config).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  WorkerCronTrigger,
  WorkerRoute,
  WorkerScript,
  WorkerScriptSettings,
  WorkerSecret,
  WorkerSubdomain,
} from "pulumi-cloudflare-workers";

const config = new pulumi.Config();

/**
 * A value of the account's own (an id, a zone) from stack config. Only on the bundled emulator (an API base
 * URL on loopback) does the emulator's value stand in when the key is unset; against Cloudflare an unset key
 * stops the run with Pulumi's "Missing required configuration variable", never a request with a made-up id.
 */
function accountValue(key: string, emulatorValue: string): string {
  const baseUrl =
    new pulumi.Config("cloudflare-workers").get("apiBaseUrl") ??
    new pulumi.Config("cloudflare").get("baseUrl") ??
    process.env.CLOUDFLARE_API_BASE_URL ??
    process.env.CLOUDFLARE_BASE_URL;
  const onEmulator = baseUrl !== undefined && /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(baseUrl);
  return config.get(key) ?? (onEmulator ? emulatorValue : config.require(key));
}

const scriptName = config.get("scriptName") ?? "hello-api";
const kvNamespaceId = accountValue("kvNamespaceId", "a1b2c3d4e5f60718293a4b5c6d7e8f90");
const zoneId = accountValue("zoneId", "5f1e0d9c8b7a69584736251403f2e1d0");
const pattern = accountValue("routePattern", "example.com/hello/*");

const worker = new WorkerScript("api", {
  scriptName,
  modules: {
    "index.js": { path: path.join(__dirname, "src", "index.js") },
    "lib/greet.js": { path: path.join(__dirname, "src", "lib", "greet.js") },
  },
  mainModule: "index.js",
  compatibilityDate: "2025-09-01",
  compatibilityFlags: ["nodejs_compat"],
  bindings: [
    { type: "plain_text", name: "GREETING", text: config.get("greeting") ?? "Hello" },
    { type: "kv_namespace", name: "CACHE", namespaceId: kvNamespaceId },
    { type: "json", name: "CONFIG", json: { punctuation: "!" } },
    { type: "version_metadata", name: "VERSION" },
  ],
});

const token = new WorkerSecret("api-token", {
  scriptName: worker.scriptName,
  name: "API_TOKEN",
  text: config.requireSecret("apiToken"),
});

new WorkerScriptSettings("api-settings", {
  scriptName: worker.scriptName,
  logpush: config.getBoolean("logpush") ?? true,
  tags: ["demo", "api"],
  observability: { enabled: true, headSamplingRate: 1 },
});

const site = new WorkerSubdomain(
  "api-subdomain",
  { scriptName: worker.scriptName, enabled: true, previewsEnabled: false },
  { dependsOn: [token] },
);

new WorkerCronTrigger("api-crons", { scriptName: worker.scriptName, crons: config.getObject<string[]>("crons") ?? ["*/30 * * * *"] });

const route = new WorkerRoute("api-route", {
  zoneId,
  pattern,
  scriptName: worker.scriptName,
});

export const workerName = worker.scriptName;
export const routePattern = route.pattern;
export const etag = worker.etag;
/** Where the Worker answers on workers.dev: for the next stack, or a smoke test (`curl $(pulumi stack output url)`). */
export const url = site.url;
/** Where the route serves it. */
export const routeUrl = route.url;
