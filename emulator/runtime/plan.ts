/**
 * What the local runtime runs, derived from the emulator's state: one workerd Worker per version that serves
 * traffic (one, or two during a gradual deployment), with its modules, compatibility date and flags, and its
 * bindings made real. Pure: state in, miniflare Worker options out (the caller writes asset files and starts
 * miniflare).
 *
 * Bindings (wire shapes: provider/cloudflare/schemas/bindings.ts):
 * - plain_text, secret_text → strings; json → the JSON value; version_metadata → `{id, tag, timestamp}`
 *   (https://developers.cloudflare.com/workers/runtime-apis/bindings/version-metadata/);
 * - service → the target Worker's current version (the largest share of its deployment), with `entrypoint`;
 * - kv_namespace, r2_bucket, d1, queue (producer) → miniflare's local stores, keyed by the namespace id, bucket
 *   name, database id and queue name: every Worker binding the same id shares the data;
 * - durable_object_namespace → the class in its Worker (this one, or `script_name`), one storage per Worker
 *   and class whatever the version, SQLite-backed;
 * - assets → the version's uploaded files with its assets config;
 * - anything else (secret_key, ai, analytics_engine, hyperdrive, …) is not run locally: the binding is left
 *   out and listed in `skipped`, so a Worker reading it sees `undefined` rather than a fake.
 */
import type { WorkerOptions } from "miniflare";
import type { WireBinding } from "../../provider/cloudflare/schemas";
import type { EmulatorState, StoredModule, StoredScript, StoredVersion } from "../state";
import { currentVersion } from "../worker-model";
import { servingVersions } from "./dispatch";

export interface PlannedWorker {
  /** The workerd Worker's name: account, script and version. */
  name: string;
  accountId: string;
  script: string;
  versionId: string;
  options: WorkerOptions;
  /** Static assets to write into `options.assets.directory` (path → hash of the account's blob). */
  assets?: { directory: string; manifest: Record<string, { hash: string; size: number }>; config: Record<string, unknown> };
}

export interface RuntimePlan {
  workers: PlannedWorker[];
  /** Bindings left out, one line each: `<script> <binding> (<type>): <why>`. */
  skipped: string[];
  /** The Worker fronting Workers with static assets, when there are any. */
  front?: WorkerOptions;
}

/** The workerd name of one version of a Worker. */
export function workerName(accountId: string, script: string, versionId: string): string {
  return `${accountId}:${script}:${versionId}`;
}

/** Where a version's assets are written, under the runtime's assets folder. */
export type AssetsDirOf = (accountId: string, script: string, versionId: string) => string;

/**
 * The Worker that fronts Workers with static assets. Miniflare sends a request to a Worker's own code when
 * asked for that Worker by name, and through its assets router only for the first Worker or over a service
 * binding; this Worker holds a service binding to each Worker with assets and forwards to the one named in
 * ASSETS_TARGET_HEADER, so that static assets, html_handling, not_found_handling and run_worker_first apply.
 */
export const ASSETS_FRONT_WORKER = "emulator:assets-front";
export const ASSETS_TARGET_HEADER = "x-emulator-assets-target";

function assetsFront(targets: string[]): WorkerOptions {
  const bindingOf = Object.fromEntries(targets.map((name, i) => [name, `W${i}`]));
  return {
    name: ASSETS_FRONT_WORKER,
    modules: true,
    compatibilityDate: "2025-09-01",
    script: `export default { fetch(request, env) {
  const binding = env.TARGETS[request.headers.get("${ASSETS_TARGET_HEADER}")];
  if (binding === undefined) return new Response("no such Worker", { status: 404 });
  const headers = new Headers(request.headers);
  headers.delete("${ASSETS_TARGET_HEADER}");
  return env[binding].fetch(new Request(request, { headers }));
} };`,
    bindings: { TARGETS: bindingOf },
    serviceBindings: Object.fromEntries(targets.map((name, i) => [`W${i}`, name])),
  } as WorkerOptions;
}

export function planRuntime(state: EmulatorState, assetsDirOf: AssetsDirOf): RuntimePlan {
  const workers: PlannedWorker[] = [];
  const skipped: string[] = [];
  for (const account of Object.values(state.accounts)) {
    for (const script of Object.values(account.scripts)) {
      if (script.versions.length === 0) continue;
      for (const { versionId } of servingVersions(script)) {
        const version = script.versions.find((v) => v.id === versionId);
        if (version === undefined) continue;
        const planned = planVersion(account.id, account.scripts, script, version, assetsDirOf, skipped);
        if (planned !== undefined) workers.push(planned);
      }
    }
  }
  const withAssets = workers.filter((w) => w.assets !== undefined).map((w) => w.name);
  return { workers, skipped, ...(withAssets.length === 0 ? {} : { front: assetsFront(withAssets) }) };
}

/** Miniflare's module type for a part's content type (the upload form's, as wrangler sends them). */
export function moduleType(contentType: string): "ESModule" | "CommonJS" | "Text" | "Data" | "CompiledWasm" | undefined {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  switch (type) {
    case "application/javascript+module":
    case "text/javascript+module":
      return "ESModule";
    case "application/javascript":
    case "text/javascript":
      return "CommonJS";
    case "text/plain":
      return "Text";
    case "application/octet-stream":
      return "Data";
    case "application/wasm":
      return "CompiledWasm";
    default:
      // application/source-map and anything newer: not a module workerd loads.
      return undefined;
  }
}

/** `script` for a service Worker, `modules` for an ES-module Worker (main module first), as miniflare takes them. */
function moduleOptions(version: StoredVersion): Record<string, unknown> | undefined {
  if (!version.has_modules) {
    const main = version.modules.find((m) => m.name === version.main_module) ?? version.modules[0];
    return main === undefined ? undefined : { script: Buffer.from(main.data, "base64").toString("utf8") };
  }
  const main = version.modules.find((m) => m.name === version.main_module);
  if (main === undefined) return undefined;
  const others = version.modules.filter((m) => m !== main);
  const entries = [main, ...others]
    .map((m: StoredModule) => {
      const type = moduleType(m.contentType);
      if (type === undefined) return undefined;
      const bytes = Buffer.from(m.data, "base64");
      const contents = type === "Data" || type === "CompiledWasm" ? new Uint8Array(bytes) : bytes.toString("utf8");
      return { type, path: `/${m.name}`, contents };
    })
    .filter((m) => m !== undefined);
  return { modulesRoot: "/", modules: entries };
}

function planVersion(
  accountId: string,
  scripts: Record<string, StoredScript>,
  script: StoredScript,
  version: StoredVersion,
  assetsDirOf: AssetsDirOf,
  skipped: string[],
): PlannedWorker | undefined {
  const modules = moduleOptions(version);
  const hasAssets = version.assets !== undefined;
  if (modules === undefined && !hasAssets) return undefined;
  const name = workerName(accountId, script.name, version.id);
  const options: WorkerOptions = {
    name,
    ...(modules ?? { modules: true, script: "export default {}" }),
    ...(version.compatibility_date === undefined ? {} : { compatibilityDate: version.compatibility_date }),
    compatibilityFlags: version.compatibility_flags,
  } as WorkerOptions;
  const plain: Record<string, unknown> = {};
  const kv: Record<string, string> = {};
  const r2: Record<string, string> = {};
  const d1: Record<string, string> = {};
  const queues: Record<string, { queueName: string }> = {};
  const services: Record<string, { name: string; entrypoint?: string }> = {};
  const objects: Record<string, { className: string; scriptName?: string; useSQLite: boolean; unsafeUniqueKey: string }> = {};
  let assetsBinding: string | undefined;
  const skip = (b: WireBinding, why: string) => skipped.push(`${script.name} ${b.name} (${b.type}): ${why}`);
  for (const b of version.bindings) {
    const f = b as WireBinding & Record<string, unknown>;
    switch (b.type) {
      case "plain_text":
      case "secret_text":
        plain[b.name] = typeof f.text === "string" ? f.text : "";
        break;
      case "json":
        plain[b.name] = f.json;
        break;
      case "version_metadata":
        plain[b.name] = { id: version.id, tag: "", timestamp: version.created_on };
        break;
      case "kv_namespace":
        kv[b.name] = String(f.namespace_id);
        break;
      case "r2_bucket":
        r2[b.name] = String(f.bucket_name);
        break;
      case "d1":
        d1[b.name] = String(f.database_id ?? f.id);
        break;
      case "queue":
        queues[b.name] = { queueName: String(f.queue_name) };
        break;
      case "service": {
        const target = scripts[String(f.service)];
        if (target === undefined || target.versions.length === 0) {
          skip(b, `the Worker ${String(f.service)} is not deployed`);
          break;
        }
        const service = workerName(accountId, target.name, currentVersion(target).id);
        services[b.name] = typeof f.entrypoint === "string" ? { name: service, entrypoint: f.entrypoint } : { name: service };
        break;
      }
      case "durable_object_namespace": {
        const className = String(f.class_name);
        const owner = typeof f.script_name === "string" && f.script_name !== script.name ? scripts[f.script_name] : undefined;
        if (typeof f.script_name === "string" && f.script_name !== script.name && (owner === undefined || owner.versions.length === 0)) {
          skip(b, `the Worker ${f.script_name} defining ${className} is not deployed`);
          break;
        }
        objects[b.name] = {
          className,
          ...(owner === undefined ? {} : { scriptName: workerName(accountId, owner.name, currentVersion(owner).id) }),
          useSQLite: true,
          unsafeUniqueKey: `${accountId}:${owner?.name ?? script.name}:${className}`,
        };
        break;
      }
      case "assets":
        assetsBinding = b.name;
        break;
      case "inherit":
        break;
      default:
        skip(b, "not run locally");
    }
  }
  Object.assign(options, {
    bindings: plain,
    kvNamespaces: kv,
    r2Buckets: r2,
    d1Databases: d1,
    queueProducers: queues,
    serviceBindings: services,
    durableObjects: objects,
  });
  if (!hasAssets) return { name, accountId, script: script.name, versionId: version.id, options };
  const directory = assetsDirOf(accountId, script.name, version.id);
  const config = (version.assets!.config ?? {}) as Record<string, unknown>;
  const runFirst = config.run_worker_first;
  options.assets = {
    directory,
    ...(assetsBinding === undefined ? {} : { binding: assetsBinding }),
    routerConfig: {
      has_user_worker: modules !== undefined,
      invoke_user_worker_ahead_of_assets: runFirst === true,
      ...(Array.isArray(runFirst) ? { static_routing: { user_worker: runFirst.map(String) } } : {}),
    },
    assetConfig: {
      ...(typeof config.html_handling === "string" ? { html_handling: config.html_handling as never } : {}),
      ...(typeof config.not_found_handling === "string" ? { not_found_handling: config.not_found_handling as never } : {}),
      ...(Array.isArray(runFirst) ? { has_static_routing: true } : {}),
    },
  };
  return {
    name,
    accountId,
    script: script.name,
    versionId: version.id,
    options,
    assets: { directory, manifest: version.assets!.manifest, config },
  };
}
