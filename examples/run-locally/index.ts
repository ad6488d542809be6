/**
 * Example: two Workers deployed to the emulator started with `--run-workers`, which then answer over HTTP the
 * way Cloudflare routes requests: the API on its workers.dev hostname and on a route of the zone, the counter
 * on a custom domain. Both bind the same KV namespace id; the API calls the counter through a service binding.
 *
 *   npx cloudflare-workers-emulator --run-workers        # prints the export lines to paste
 *   pulumi up
 *   curl -H "Host: $(pulumi stack output apiHost)" http://127.0.0.1:8787/hello
 *   curl http://127.0.0.1:8787/__workers/run-locally-api/hello     # the same, for tools that cannot set Host
 *
 * Config: `greeting` (default "Hello"), `apiToken` (secret, required), `zoneId` (default the emulator's
 * example.com), `accountSubdomain` (the account's workers.dev subdomain, default the emulator's for its
 * suggested account), `kvNamespaceId` (default an id the emulator accepts; on a real account the id of a KV
 * namespace: Storage & Databases > KV in the dashboard, or a `cloudflare.WorkersKvNamespace`'s id). Against a
 * real account the same program deploys the same Workers.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WorkerCronTrigger, WorkerCustomDomain, WorkerRoute, WorkerScript, WorkerSecret, WorkerSubdomain } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? "5f1e0d9c8b7a69584736251403f2e1d0";
const accountSubdomain = config.get("accountSubdomain") ?? "emulator-01234567";
const sharedKv = config.get("kvNamespaceId") ?? "5e1f0c3a9b8d4e7f6a5b4c3d2e1f0a9b";

const counter = new WorkerScript("counter", {
  scriptName: "run-locally-counter",
  modules: { "counter.js": { path: path.join(__dirname, "src", "counter.js") } },
  mainModule: "counter.js",
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "kv_namespace", name: "STORE", namespaceId: sharedKv }],
});

const api = new WorkerScript("api", {
  scriptName: "run-locally-api",
  modules: { "api.js": { path: path.join(__dirname, "src", "api.js") } },
  mainModule: "api.js",
  compatibilityDate: "2025-09-01",
  bindings: [
    { type: "plain_text", name: "GREETING", text: config.get("greeting") ?? "Hello" },
    { type: "json", name: "CONFIG", json: { punctuation: "!" } },
    { type: "kv_namespace", name: "CACHE", namespaceId: sharedKv },
    { type: "service", name: "COUNTER", service: counter.scriptName },
    { type: "version_metadata", name: "VERSION" },
  ],
});

new WorkerSecret("api-token", { scriptName: api.scriptName, name: "API_TOKEN", text: config.requireSecret("apiToken") });
new WorkerSubdomain("api-subdomain", { scriptName: api.scriptName, enabled: true, previewsEnabled: false });
new WorkerRoute("api-route", { zoneId, pattern: "example.com/hello/*", scriptName: api.scriptName });
new WorkerCronTrigger("api-crons", { scriptName: api.scriptName, crons: ["*/30 * * * *"] });
const domain = new WorkerCustomDomain("counter-domain", { hostname: "counter.example.com", scriptName: counter.scriptName, zoneId });

export const apiHost = pulumi.interpolate`${api.scriptName}.${accountSubdomain}.workers.dev`;
export const counterHost = domain.hostname;
