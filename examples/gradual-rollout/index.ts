/**
 * Example: a gradual rollout. WorkerScript creates the Worker and its first version and owns nothing after
 * that (`firstVersionOnly`); two WorkerVersions hold the stable and the canary code; WorkerDeployment splits
 * traffic between them. WorkerSecret sets the Worker's secret before the versions are uploaded, so both carry it.
 *
 * Config: `stable` and `canary` (the text each version answers, default "v1" / "v2"), `canaryPercent`
 * (0 = everything on stable, e.g. a rollback; 100 = the canary serves alone; default 10), `token` (secret).
 *
 *   pulumi up -c canaryPercent=10     # 10% canary, 90% stable
 *   pulumi up -c canaryPercent=100    # promote
 *   pulumi up -c canaryPercent=0      # roll back
 */
import * as pulumi from "@pulumi/pulumi";
import { WorkerDeployment, WorkerScript, WorkerSecret, WorkerVersion } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const compatibilityDate = "2025-09-01";
const code = (label: string) =>
  `export default { async fetch(request, env) { return new Response("${label} " + (env.TOKEN ? "with token" : "without token")); } };`;

const worker = new WorkerScript("api", {
  scriptName: config.get("scriptName") ?? "rollout-api",
  content: code(config.get("stable") ?? "v1"),
  compatibilityDate,
  firstVersionOnly: true,
});

const token = new WorkerSecret("token", { scriptName: worker.scriptName, name: "TOKEN", text: config.requireSecret("token") });

// dependsOn the secret: a version copies the secrets of the Worker's latest version when it is uploaded.
// The canary also waits for the stable version, so it is always the latest one: Cloudflare lets secrets and
// settings change again only once the latest version is deployed at 100%, which promoting the canary does.
const stable = new WorkerVersion(
  "stable",
  { scriptName: worker.scriptName, content: code(config.get("stable") ?? "v1"), compatibilityDate },
  { dependsOn: [token] },
);
const canary = new WorkerVersion(
  "canary",
  { scriptName: worker.scriptName, content: code(config.get("canary") ?? "v2"), compatibilityDate },
  { dependsOn: [token, stable] },
);

const percent = config.getNumber("canaryPercent") ?? 10;
const versions =
  percent >= 100
    ? [{ versionId: canary.versionId, percentage: 100 }]
    : percent <= 0
      ? [{ versionId: stable.versionId, percentage: 100 }]
      : [
          { versionId: canary.versionId, percentage: percent },
          { versionId: stable.versionId, percentage: 100 - percent },
        ];

export const deployment = new WorkerDeployment("traffic", {
  scriptName: worker.scriptName,
  versions,
  message: `canary at ${Math.min(Math.max(percent, 0), 100)}%`,
}).deploymentId;
export const stableVersion = stable.versionId;
export const canaryVersion = canary.versionId;
