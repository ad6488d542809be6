/**
 * A site served by a Worker on a hostname of your own: the custom domain makes the Worker the origin of
 * `www.<zone>` (Cloudflare creates the DNS record and certificate), a route puts it in front of the apex's
 * `/legacy/*` paths, and a cron trigger runs its `scheduled()` handler every night.
 *
 * Config: `zoneName` (default example.com, the bundled emulator's zone), `zoneId` (default the emulator's
 * example.com), `scriptName` (default "site"), `nightly` (the cron expression, default "0 3 * * *").
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WorkerCronTrigger, WorkerCustomDomain, WorkerRoute, WorkerScript } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const zoneName = config.get("zoneName") ?? "example.com";
const zoneId = config.get("zoneId") ?? "5f1e0d9c8b7a69584736251403f2e1d0";

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
