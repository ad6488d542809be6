/**
 * A site served by a Worker on a hostname of your own: the custom domain makes the Worker the origin of
 * `www.<zone>` (Cloudflare creates the DNS record and certificate), a route puts it in front of the apex's
 * `/legacy/*` paths, and a cron trigger runs its `scheduled()` handler every night.
 *
 * Config: `zoneName` and `zoneId`, required against a real account (a zone of the account: its name and the
 * id on its Overview page in the dashboard, or a `cloudflare.Zone`'s `name` and `id`; on the bundled emulator
 * its zone example.com stands in), `scriptName` (default "site"), `nightly` (the cron expression, default
 * "0 3 * * *").
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WorkerCronTrigger, WorkerCustomDomain, WorkerRoute, WorkerScript } from "pulumi-cloudflare-workers";

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

const site = new WorkerScript("site", {
  scriptName: config.get("scriptName") ?? "site",
  modules: { "index.js": { path: path.join(__dirname, "src", "index.js") } },
  mainModule: "index.js",
  compatibilityDate: "2025-09-01",
});

const domain = new WorkerCustomDomain("site-www", { hostname: `www.${zoneName}`, scriptName: site.scriptName, zoneId });

new WorkerRoute("site-legacy", { zoneId, pattern: `${zoneName}/legacy/*`, scriptName: site.scriptName });

new WorkerCronTrigger("site-nightly", { scriptName: site.scriptName, crons: [config.get("nightly") ?? "0 3 * * *"] });

export const url = pulumi.interpolate`https://${domain.hostname}/`;
export const certificate = domain.certId;
