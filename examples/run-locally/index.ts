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
 * Config: `greeting` (default "Hello"), `apiToken` (secret, required), and, required against a real account
 * (on the emulator its own values stand in): `zoneName` and `zoneId` (a zone of the account: its name and the
 * id on its Overview page, or a `cloudflare.Zone`'s `name` and `id`), `accountSubdomain` (the account's
 * workers.dev subdomain: Workers & Pages > Overview, or `cloudflare.WorkersSubdomain`), `kvNamespaceId`
 * (Storage & Databases > KV in the dashboard, or a `cloudflare.WorkersKvNamespace`'s id). Against a real
 * account the same program deploys the same Workers.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WorkerCronTrigger, WorkerCustomDomain, WorkerRoute, WorkerScript, WorkerSecret, WorkerSubdomain } from "pulumi-cloudflare-workers";

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

const zoneName = accountValue("zoneName", "example.com");
const zoneId = accountValue("zoneId", "5f1e0d9c8b7a69584736251403f2e1d0");
const accountSubdomain = accountValue("accountSubdomain", "emulator-01234567");
const sharedKv = accountValue("kvNamespaceId", "5e1f0c3a9b8d4e7f6a5b4c3d2e1f0a9b");

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
new WorkerRoute("api-route", { zoneId, pattern: `${zoneName}/hello/*`, scriptName: api.scriptName });
new WorkerCronTrigger("api-crons", { scriptName: api.scriptName, crons: ["*/30 * * * *"] });
const domain = new WorkerCustomDomain("counter-domain", { hostname: `counter.${zoneName}`, scriptName: counter.scriptName, zoneId });

export const apiHost = pulumi.interpolate`${api.scriptName}.${accountSubdomain}.workers.dev`;
export const counterHost = domain.hostname;
