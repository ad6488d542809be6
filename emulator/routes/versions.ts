/**
 * Versions and deployments: GET `…/versions` (paged `{items}`), GET `…/versions/{id}` (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/),
 * POST `…/versions` (an upload that is not deployed; wrangler's `versions upload` and newer `deploy`),
 * GET/POST `…/deployments` (which versions serve, by percentage).
 */
import { z } from "zod";
import { DEPLOYMENT_MAX_VERSIONS } from "../../provider/cloudflare/schemas";
import { ApiError, ERROR, ok, pageInfoWithoutPages, validation, type Reply } from "../envelope";
import { applyUpload } from "../apply-upload";
import { inBothScopes, type RouteContext, type Route } from "../router";
import { checkNewScriptName, existingScript, scopeOf } from "../scope";
import { readJson, parseUploadForm, schemaError } from "../upload-form";
import type { StoredVersion } from "../state";
import {
  AUTOMATIC_DEPLOYMENT_ANNOTATIONS,
  deploymentObject,
  isSecretBinding,
  latestVersion,
  newVersionId,
  nowIso,
  versionDetail,
  versionSummary,
} from "../worker-model";
import { paging } from "../paging";

export const VERSIONS_DEFAULT_PER_PAGE = 10;
export const VERSIONS_MAX_PER_PAGE = 100;

function listVersions(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const { page, perPage } = paging(ctx, VERSIONS_DEFAULT_PER_PAGE, VERSIONS_MAX_PER_PAGE);
  const newestFirst = [...script.versions].reverse();
  const items = newestFirst.slice((page - 1) * perPage, page * perPage).map(versionSummary);
  return ok({ items }, { resultInfo: pageInfoWithoutPages(page, perPage, items.length, newestFirst.length), nullLists: true });
}

function getVersion(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const id = ctx.params.version!;
  const version = id === "latest" ? script.versions[script.versions.length - 1] : script.versions.find((v) => v.id === id);
  if (version === undefined) throw new ApiError(404, ERROR.VERSION_NOT_FOUND, `version '${id}' not found for this Worker`);
  return ok(versionDetail(script, version));
}

/** POST `…/versions`: a new version from a full upload form, not deployed (the Worker is created if needed). */
function postVersion(ctx: RouteContext): Reply {
  const scope = scopeOf(ctx);
  const name = ctx.params.script!;
  checkNewScriptName(scope, name);
  const parsed = parseUploadForm(ctx.headers, ctx.body);
  const { script, version, created } = applyUpload(ctx, scope, name, parsed, { deploy: false, triggeredBy: "version_upload" });
  if (created) {
    // A Worker's first version is what it serves: there is nothing older to keep serving.
    script.deployments.push({
      id: newVersionId(),
      created_on: nowIso(),
      source: ctx.source,
      strategy: "percentage",
      versions: [{ version_id: version.id, percentage: 100 }],
      annotations: { ...AUTOMATIC_DEPLOYMENT_ANNOTATIONS },
    });
  }
  return ok({ ...versionDetail(script, version), startup_time_ms: 1 });
}

function listDeployments(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  return ok({ deployments: [...script.deployments].reverse().map(deploymentObject) });
}

const deploymentInputSchema = z.looseObject({
  strategy: z.literal("percentage"),
  versions: z
    .array(z.looseObject({ version_id: z.string(), percentage: z.number().min(0).max(100) }))
    .min(1)
    .max(DEPLOYMENT_MAX_VERSIONS),
  annotations: z.looseObject({ "workers/message": z.string().max(100).optional() }).optional(),
});

/** Names of the secrets whose type or value differs between two versions (or that only one of them has). */
function changedSecrets(a: StoredVersion, b: StoredVersion): string[] {
  const secrets = (v: StoredVersion) => new Map(v.bindings.filter(isSecretBinding).map((x) => [x.name, JSON.stringify(x)]));
  const [sa, sb] = [secrets(a), secrets(b)];
  const names = new Set([...sa.keys(), ...sb.keys()]);
  return [...names].filter((n) => sa.get(n) !== sb.get(n)).sort();
}

/**
 * POST `…/deployments`: one or two versions by percentage, adding up to 100 (the SDK's `deployments.ts`: "A
 * deployment can consist of one or two versions of a Worker"). Deploying an older version whose secrets differ
 * from the latest version's is refused with 10220 "The following secrets have changed: …" unless
 * `?force=true` (the SDK's `force` query parameter; wrangler's rollback reads that code and message).
 */
function postDeployment(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parsed = deploymentInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "deployment");
  const total = parsed.data.versions.reduce((sum, v) => sum + v.percentage, 0);
  if (Math.abs(total - 100) > 1e-9) throw validation(`deployment percentages add up to ${total}, not 100`, "/versions");
  const ids = parsed.data.versions.map((v) => v.version_id);
  if (new Set(ids).size !== ids.length) throw validation("a deployment names each version once", "/versions");
  const targets = parsed.data.versions.map((v) => {
    const version = script.versions.find((x) => x.id === v.version_id);
    if (version === undefined) throw new ApiError(404, ERROR.VERSION_NOT_FOUND, `version '${v.version_id}' not found for this Worker`);
    return version;
  });
  if (ctx.query.get("force") !== "true") {
    const latest = latestVersion(script);
    const serving = new Set(script.deployments[script.deployments.length - 1]?.versions.map((v) => v.version_id) ?? []);
    for (const target of targets) {
      if (target.id === latest.id || serving.has(target.id)) continue;
      const changed = changedSecrets(target, latest);
      if (changed.length > 0) {
        throw new ApiError(
          400,
          ERROR.ROLLBACK_SECRETS_CHANGED,
          `Version ${target.id} cannot be deployed: secrets changed since it was uploaded. The following secrets have changed: ${changed.join(", ")}`,
        );
      }
    }
  }
  const deployment = {
    id: newVersionId(),
    created_on: nowIso(),
    source: ctx.source,
    strategy: "percentage",
    versions: parsed.data.versions.map((v) => ({ version_id: v.version_id, percentage: v.percentage })),
    annotations: { ...parsed.data.annotations, "workers/triggered_by": "deployment" },
  };
  script.deployments.push(deployment);
  script.modified_on = deployment.created_on;
  // The recorded answer carries only the new deployment's id; the list shows the rest.
  return ok({ id: deployment.id });
}

export const versionRoutes: Route[] = [
  ...inBothScopes("GET", "/versions", listVersions),
  ...inBothScopes("POST", "/versions", postVersion),
  ...inBothScopes("GET", "/versions/:version", getVersion),
  ...inBothScopes("GET", "/deployments", listDeployments),
  ...inBothScopes("POST", "/deployments", postDeployment),
];
