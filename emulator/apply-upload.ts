/**
 * What a full upload (PUT script, POST `…/versions`) does to a Worker: a new version built from the metadata
 * (authoritative for everything the metadata can carry), bindings resolved against the previous version,
 * static assets attached from a completion token, and, for PUT, script-level settings reset or set.
 */
import { validation } from "./envelope";
import { migrationTagAfter } from "./migrations";
import { verifyAssetToken } from "./asset-tokens";
import type { RouteContext } from "./router";
import type { ScriptScope } from "./scope";
import type { StoredScript, StoredVersion } from "./state";
import type { ParsedUpload } from "./upload-form";
import {
  appendVersion,
  computeEtag,
  currentVersion,
  latestVersion,
  DEFAULT_LOGPUSH,
  DEFAULT_USAGE_MODEL,
  detectHandlers,
  newScript,
  resolveBindings,
  withServerFilledFields,
} from "./worker-model";
import { USAGE_MODELS } from "../provider/cloudflare/schemas";

export function checkUsageModel(value: string | undefined): void {
  if (value !== undefined && !(USAGE_MODELS as readonly string[]).includes(value)) {
    throw validation(`usage_model must be one of ${USAGE_MODELS.join(", ")}`, "/usage_model");
  }
}

function assetsFor(ctx: RouteContext, parsed: ParsedUpload, previous: StoredVersion | undefined): StoredVersion["assets"] {
  const assets = parsed.metadata.assets;
  const config = assets?.config as Record<string, unknown> | undefined;
  if (assets?.jwt !== undefined) {
    const verdict = verifyAssetToken(assets.jwt, ctx.runtime.store.state.signing_key, { kind: "completion", acct: ctx.account.id });
    if (!verdict.ok) throw validation(`assets.jwt is not a valid completion token: ${verdict.reason}`, "/assets/jwt");
    const completion = ctx.account.asset_completions[verdict.claims.sid];
    if (completion === undefined) throw validation("assets.jwt names an unknown upload session", "/assets/jwt");
    return config === undefined ? { manifest: completion.manifest } : { manifest: completion.manifest, config };
  }
  if (parsed.metadata.keep_assets === true && previous?.assets !== undefined) {
    return config === undefined ? previous.assets : { ...previous.assets, config };
  }
  return undefined;
}

/** Applies a full upload; creates the Worker when it does not exist. */
export function applyUpload(
  ctx: RouteContext,
  scope: ScriptScope,
  name: string,
  parsed: ParsedUpload,
  options: { deploy: boolean; triggeredBy: string },
): { script: StoredScript; version: StoredVersion; created: boolean } {
  const { metadata } = parsed;
  checkUsageModel(metadata.usage_model);
  const existing = Object.prototype.hasOwnProperty.call(scope.scripts, name) ? scope.scripts[name] : undefined;
  const previous = existing === undefined ? undefined : currentVersion(existing);
  const bindings = withServerFilledFields(
    resolveBindings(metadata.bindings ?? [], existing, {
      keepTypes: metadata.keep_bindings,
      strict: ctx.query.get("bindings_inherit") === "strict",
    }),
    name,
  );
  const names = new Set<string>();
  for (const b of bindings) {
    if (names.has(b.name)) throw validation(`duplicate binding name "${b.name}": binding names must be unique`, "/bindings");
    names.add(b.name);
  }
  const main = parsed.modules.find((m) => m.name === parsed.mainModule);
  const detected =
    main === undefined
      ? { handlers: [], named_handlers: [] }
      : detectHandlers(Buffer.from(main.data, "base64").toString("utf8"), parsed.hasModules);
  const migrationTag = migrationTagAfter(metadata.migrations, previous?.migration_tag);
  const assets = assetsFor(ctx, parsed, existing === undefined ? undefined : latestVersion(existing));

  const script = existing ?? newScript(name);
  const version = appendVersion(
    script,
    {
      source: ctx.source,
      triggered_by: options.triggeredBy,
      modules: parsed.modules,
      main_module: parsed.mainModule,
      has_modules: parsed.hasModules,
      etag: computeEtag(parsed.modules),
      handlers: detected.handlers,
      named_handlers: detected.named_handlers,
      bindings,
      compatibility_flags: metadata.compatibility_flags ?? [],
      usage_model: metadata.usage_model ?? DEFAULT_USAGE_MODEL,
      ...(metadata.compatibility_date === undefined ? {} : { compatibility_date: metadata.compatibility_date }),
      ...(metadata.limits === undefined ? {} : { limits: metadata.limits }),
      ...(metadata.placement === undefined ? {} : { placement: metadata.placement }),
      ...(metadata.cache_options === undefined ? {} : { cache_options: metadata.cache_options }),
      ...(migrationTag === undefined ? {} : { migration_tag: migrationTag }),
      ...(metadata.annotations === undefined ? {} : { annotations: metadata.annotations }),
      ...(assets === undefined ? {} : { assets }),
    },
    options.deploy,
  );
  if (options.deploy) {
    // A deploying upload is authoritative for what its metadata can carry.
    script.logpush = metadata.logpush ?? DEFAULT_LOGPUSH;
    script.tail_consumers = metadata.tail_consumers ?? [];
    if (metadata.tags !== undefined) script.tags = metadata.tags;
    if (metadata.observability !== undefined) script.observability = metadata.observability;
  }
  if (existing === undefined) scope.scripts[name] = script;
  return { script, version, created: existing === undefined };
}
