/**
 * Pure functions over stored Workers: what the API measures (etag, handlers), how a stored Worker is shown
 * (the Script object of List Workers, the answer of Get Settings and of Get Version Detail in the API reference) and how bindings
 * carry over between versions (`inherit`, `keep_bindings`). No I/O, no HTTP.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { SECRET_BINDING_TYPES, type WireBinding } from "../provider/cloudflare/schemas";
import { ApiError, ERROR } from "./envelope";
import type { StoredDeployment, StoredModule, StoredScript, StoredVersion } from "./state";

/** Defaults the API fills in when a Worker never set them. */
export const DEFAULT_USAGE_MODEL = "standard";
export const DEFAULT_LOGPUSH = false;

/**
 * Handler names the emulator recognises in the main module: methods or properties of `export default {…}` or of
 * an exported default class, and `addEventListener("<event>", …)` in service-worker syntax.
 */
export const KNOWN_HANDLERS = ["fetch", "scheduled", "queue", "tail", "trace", "email", "alarm", "test", "tailStream"] as const;

export function nowIso(): string {
  return new Date().toISOString();
}

export function newTag(): string {
  return randomBytes(16).toString("hex");
}

export function newVersionId(): string {
  return randomUUID();
}

/** Hex SHA-256 over every module's name, content type and bytes: stable for identical code. */
export function computeEtag(modules: StoredModule[]): string {
  const hash = createHash("sha256");
  for (const m of modules) {
    hash.update(`${m.name}\u0000${m.contentType}\u0000`);
    hash.update(Buffer.from(m.data, "base64"));
    hash.update("\u0000");
  }
  return hash.digest("hex");
}

const HANDLER_ALTERNATION = KNOWN_HANDLERS.join("|");

function handlersIn(text: string): string[] {
  // `fetch(`, `async fetch(`, `fetch:`, `fetch =` at the start of a line or after `{`/`,`: a method or property.
  const re = new RegExp(String.raw`(?:^|[{,])\s*(?:async\s+)?(${HANDLER_ALTERNATION})\s*(?:\(|:|=)`, "gm");
  const found = new Set<string>();
  for (const m of text.matchAll(re)) found.add(m[1]!);
  return KNOWN_HANDLERS.filter((h) => found.has(h));
}

/** Handlers of the Worker and of its exported classes, derived from the main module's source text. */
export function detectHandlers(
  mainText: string,
  hasModules: boolean,
): { handlers: string[]; named_handlers: { name: string; handlers: string[] }[] } {
  if (!hasModules) {
    const events = new Set<string>();
    for (const m of mainText.matchAll(/addEventListener\(\s*["'`](\w+)["'`]/g)) events.add(m[1]!);
    return { handlers: KNOWN_HANDLERS.filter((h) => events.has(h)), named_handlers: [] };
  }
  const named: { name: string; handlers: string[] }[] = [];
  const classRe = /export\s+class\s+([A-Za-z_$][\w$]*)(\s+extends\s+([A-Za-z_$][\w$.]*))?/g;
  const classStarts = [...mainText.matchAll(classRe)];
  classStarts.forEach((m, i) => {
    const end = i + 1 < classStarts.length ? classStarts[i + 1]!.index : mainText.length;
    const body = mainText.slice(m.index, end);
    const isDurableObject = (m[3] ?? "").endsWith("DurableObject");
    const handlers = handlersIn(body);
    named.push({ name: m[1]!, handlers: isDurableObject ? ["class", ...handlers.filter((h) => h !== "alarm")] : handlers });
  });
  const defaultAt = mainText.search(/export\s+default\b/);
  const handlers = defaultAt < 0 ? [] : handlersIn(nextTopLevelBlock(mainText, defaultAt));
  return { handlers, named_handlers: named };
}

/** The text from `start` to the end of the first balanced `{…}` block after it (or to the end). */
function nextTopLevelBlock(text: string, start: number): string {
  const open = text.indexOf("{", start);
  if (open < 0) return text.slice(start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}") {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return text.slice(start);
}

export function isSecretBinding(b: { type: string }): boolean {
  return (SECRET_BINDING_TYPES as readonly string[]).includes(b.type);
}

/** A binding as the API shows it: secrets as `{name, type}` only. */
export function publicBinding(b: WireBinding): WireBinding {
  return isSecretBinding(b) ? ({ name: b.name, type: b.type } as WireBinding) : b;
}

export function publicBindings(list: WireBinding[]): WireBinding[] {
  return list.map(publicBinding);
}

/** The version the Worker currently serves: the largest share of its latest deployment. */
export function currentVersion(script: StoredScript): StoredVersion {
  const deployment = script.deployments[script.deployments.length - 1];
  if (deployment !== undefined) {
    const top = [...deployment.versions].sort((a, b) => b.percentage - a.percentage)[0];
    const v = script.versions.find((x) => x.id === top?.version_id);
    if (v !== undefined) return v;
  }
  const last = script.versions[script.versions.length - 1];
  if (last === undefined) throw new Error(`Worker ${script.name} has no version`);
  return last;
}

export function latestVersion(script: StoredScript): StoredVersion {
  return script.versions[script.versions.length - 1]!;
}

/**
 * Whether the latest version serves all traffic. Secret edits (10215) and settings PATCHes (10214) need it: the
 * API's answer asks that "the latest version of your Worker is fully deployed" (workers-sdk#10585), so a split
 * deployment that includes the latest version does not count, whichever order its versions were made in.
 */
export function latestFullyDeployed(script: StoredScript): boolean {
  const latest = latestVersion(script);
  const deployment = script.deployments[script.deployments.length - 1];
  if (deployment === undefined) return true;
  return deployment.versions.some((v) => v.version_id === latest.id && v.percentage === 100);
}

export function findVersion(script: StoredScript, id: string): StoredVersion | undefined {
  if (id === "latest") return latestVersion(script);
  return script.versions.find((v) => v.id === id);
}

/**
 * Resolves `inherit` bindings against the previous version and carries over bindings whose type is named in
 * `keep_bindings`. An unresolvable `inherit` is dropped, or refused with 10057 when `strict`.
 * The previous version is the latest one, deployed or not: wrangler's `versions secret put` copies the latest
 * version by sending its bindings back as `inherit` without a `version_id` (workers-sdk
 * `versions/secrets/index.ts`); while the latest version is deployed the two are the same.
 */
export function resolveBindings(
  given: WireBinding[],
  script: StoredScript | undefined,
  options: { keepTypes?: string[]; strict: boolean },
): WireBinding[] {
  const previous = script === undefined || script.versions.length === 0 ? undefined : latestVersion(script);
  const out: WireBinding[] = [];
  for (const b of given) {
    if (b.type !== "inherit") {
      out.push(b);
      continue;
    }
    const inherit = b as WireBinding & { old_name?: string; version_id?: string };
    const source = script === undefined ? undefined : inherit.version_id === undefined ? previous : findVersion(script, inherit.version_id);
    const from = source?.bindings.find((x) => x.name === (inherit.old_name ?? inherit.name));
    if (from !== undefined) {
      out.push({ ...from, name: inherit.name } as WireBinding);
    } else if (options.strict) {
      throw new ApiError(
        400,
        ERROR.INHERIT_UNRESOLVED,
        `binding "${inherit.name}" of type inherit cannot be resolved: no binding "${inherit.old_name ?? inherit.name}" in the ${inherit.version_id === undefined ? "previous" : `named (${inherit.version_id})`} version`,
      );
    }
  }
  const keep = options.keepTypes ?? [];
  if (previous !== undefined && keep.length > 0) {
    const names = new Set(out.map((b) => b.name));
    for (const b of previous.bindings) {
      if (keep.includes(b.type) && !names.has(b.name)) out.push(b);
    }
  }
  return out;
}

/**
 * Fields the server fills in on a stored binding: a `durable_object_namespace` binding gets the id of its
 * namespace (terraform-provider-cloudflare v5 marks `namespace_id` Computed; the settings answer carries it).
 * The id is derived from the class and the Worker that defines it, so it is stable across versions.
 */
export function withServerFilledFields(bindings: WireBinding[], scriptName: string): WireBinding[] {
  return bindings.map((b) => {
    if (b.type !== "durable_object_namespace") return b;
    const d = b as WireBinding & { namespace_id?: string; class_name?: string; script_name?: string };
    if (d.namespace_id !== undefined) return b;
    const id = createHash("sha256")
      .update(`${d.script_name ?? scriptName}\u0000${d.class_name ?? ""}`)
      .digest("hex")
      .slice(0, 32);
    return { ...b, namespace_id: id } as WireBinding;
  });
}

/**
 * Observability as the API answers it: what was not set comes back `null` (a recorded upload echoed
 * `{"enabled":true,"head_sampling_rate":null}` for `{enabled:true}`, and `"persist": null` inside the `logs`
 * and `traces` it was sent; the SDK types every one of these `| null`).
 */
export function observabilityAnswer(stored: Record<string, unknown>): Record<string, unknown> {
  const inner = (value: unknown): unknown =>
    value !== null && typeof value === "object"
      ? { persist: null, head_sampling_rate: null, ...(value as Record<string, unknown>) }
      : value;
  const out: Record<string, unknown> = { head_sampling_rate: null, ...stored };
  if ("logs" in stored) out.logs = inner(stored.logs);
  if ("traces" in stored) out.traces = inner(stored.traces);
  return out;
}

/** The Script object (a row of List Workers, https://developers.cloudflare.com/api/resources/workers/subresources/scripts/methods/list/; upload and content results add fields to it). */
export function scriptObject(script: StoredScript): Record<string, unknown> {
  const v = currentVersion(script);
  const out: Record<string, unknown> = {
    id: script.name,
    tag: script.tag,
    etag: v.etag,
    created_on: script.created_on,
    modified_on: script.modified_on,
    handlers: v.handlers,
    named_handlers: v.named_handlers,
    has_assets: v.assets !== undefined,
    has_modules: v.has_modules,
    last_deployed_from: script.last_deployed_from,
    logpush: script.logpush,
    usage_model: v.usage_model,
    tags: script.tags,
    // A recorded PUT …/content answered `"tail_consumers": null` for a Worker without any (List Workers documents it as nullable too).
    tail_consumers: script.tail_consumers.length > 0 ? script.tail_consumers : null,
    compatibility_flags: v.compatibility_flags,
  };
  if (v.compatibility_date !== undefined) out.compatibility_date = v.compatibility_date;
  // A Worker never migrated is listed with `migration_tag: ""` (wrangler's mocks of the listing and of
  // `/workers/services/{name}`).
  out.migration_tag = v.migration_tag ?? "";
  if (script.observability !== undefined) out.observability = observabilityAnswer(script.observability);
  if (v.placement !== undefined) {
    out.placement = v.placement;
    if (typeof v.placement.mode === "string") out.placement_mode = v.placement.mode;
  }
  return out;
}

/** GET `…/settings` (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/script_and_version_settings/methods/get/). */
export function settingsObject(script: StoredScript): Record<string, unknown> {
  const v = currentVersion(script);
  const out: Record<string, unknown> = {
    bindings: publicBindings(v.bindings),
    compatibility_flags: v.compatibility_flags,
    logpush: script.logpush,
    tags: script.tags,
    tail_consumers: script.tail_consumers,
    usage_model: v.usage_model,
  };
  if (v.annotations !== undefined) out.annotations = v.annotations;
  if (v.compatibility_date !== undefined) out.compatibility_date = v.compatibility_date;
  if (v.limits !== undefined) out.limits = v.limits;
  if (v.placement !== undefined) out.placement = v.placement;
  if (v.cache_options !== undefined) out.cache_options = v.cache_options;
  if (script.observability !== undefined) out.observability = observabilityAnswer(script.observability);
  return out;
}

/** GET/PATCH `…/script-settings`. */
export function scriptLevelSettingsObject(script: StoredScript): Record<string, unknown> {
  const out: Record<string, unknown> = { logpush: script.logpush, tags: script.tags, tail_consumers: script.tail_consumers };
  if (script.observability !== undefined) out.observability = observabilityAnswer(script.observability);
  return out;
}

/**
 * Whether a version gets preview URLs: yes (the recorded answers carry `has_preview: true`), except for a
 * Worker that implements a Durable Object (the preview URLs documentation: "Preview URLs are not generated
 * for Workers that implement a Durable Object"), read here as a Durable Object binding to its own class.
 */
function hasPreview(v: StoredVersion): boolean {
  return !v.bindings.some((b) => b.type === "durable_object_namespace" && (b as { script_name?: string }).script_name === undefined);
}

/** As recorded (`GET …/versions`, `…/versions/{id}`): no `modified_on`, no `hasPreview`. */
export function versionMetadata(v: StoredVersion): Record<string, unknown> {
  const preview = hasPreview(v);
  return {
    created_on: v.created_on,
    source: v.source,
    author_id: "00000000000000000000000000000000",
    author_email: "emulator@example.com",
    has_preview: preview,
  };
}

/** A row of the versions list. */
export function versionSummary(v: StoredVersion): Record<string, unknown> {
  return {
    id: v.id,
    number: v.number,
    metadata: versionMetadata(v),
    annotations: { ...(v.annotations ?? {}), "workers/triggered_by": v.triggered_by },
  };
}

/** GET `…/versions/{id}` (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/). */
export function versionDetail(script: StoredScript, v: StoredVersion): Record<string, unknown> {
  const runtime: Record<string, unknown> = { compatibility_flags: v.compatibility_flags, usage_model: v.usage_model };
  if (v.compatibility_date !== undefined) runtime.compatibility_date = v.compatibility_date;
  if (v.limits !== undefined) runtime.limits = v.limits;
  if (v.migration_tag !== undefined) runtime.migration_tag = v.migration_tag;
  return {
    id: v.id,
    number: v.number,
    metadata: versionMetadata(v),
    annotations: { ...(v.annotations ?? {}), "workers/triggered_by": v.triggered_by },
    resources: {
      bindings: publicBindings(v.bindings),
      // An assets-only version has no handlers: `null` (wrangler's `ApiVersion` types `handlers: string[] | null`).
      script: {
        etag: v.etag,
        handlers: v.modules.length === 0 ? null : v.handlers,
        named_handlers: v.named_handlers,
        last_deployed_from: script.last_deployed_from,
      },
      script_runtime: runtime,
    },
  };
}

/** What a deployment made by an upload carries (recorded `GET …/deployments`). */
export const AUTOMATIC_DEPLOYMENT_ANNOTATIONS = {
  "workers/message": "Automatic deployment on upload.",
  "workers/triggered_by": "upload",
} as const;

export function deploymentObject(d: StoredDeployment): Record<string, unknown> {
  return {
    id: d.id,
    created_on: d.created_on,
    source: d.source,
    strategy: d.strategy,
    author_email: "emulator@example.com",
    versions: d.versions,
    annotations: d.annotations ?? {},
  };
}

/** Adds a version to the Worker (numbered after the last one) and, when `deploy`, deploys it at 100%. */
export function appendVersion(
  script: StoredScript,
  version: Omit<StoredVersion, "id" | "number" | "created_on">,
  deploy: boolean,
): StoredVersion {
  const now = nowIso();
  const number = script.versions.reduce((max, v) => Math.max(max, v.number), 0) + 1;
  const stored: StoredVersion = { ...version, id: newVersionId(), number, created_on: now };
  script.versions.push(stored);
  if (deploy) {
    script.deployments.push({
      id: newVersionId(),
      created_on: now,
      source: version.source,
      strategy: "percentage",
      versions: [{ version_id: stored.id, percentage: 100 }],
      annotations: { ...AUTOMATIC_DEPLOYMENT_ANNOTATIONS },
    });
  }
  script.modified_on = now;
  script.last_deployed_from = version.source;
  return stored;
}

/** A fresh Worker record with script-level defaults; the caller appends its first version. */
export function newScript(name: string): StoredScript {
  const now = nowIso();
  return {
    name,
    tag: newTag(),
    created_on: now,
    modified_on: now,
    last_deployed_from: "api",
    versions: [],
    deployments: [],
    logpush: DEFAULT_LOGPUSH,
    tags: [],
    tail_consumers: [],
    subdomain: { enabled: false, previews_enabled: false },
  };
}

/** Everything of a version except identity: what a new version copies when only part of it changes. */
export function versionBody(v: StoredVersion): Omit<StoredVersion, "id" | "number" | "created_on"> {
  const { id: _id, number: _n, created_on: _c, ...rest } = v;
  return structuredClone(rest);
}

/** Names of Workers (in `scripts`) whose current version binds `target` with a `service` binding. */
export function workersBinding(scripts: Record<string, StoredScript>, target: string): string[] {
  const out: string[] = [];
  for (const s of Object.values(scripts)) {
    if (s.name === target || s.versions.length === 0) continue;
    if (currentVersion(s).bindings.some((b) => b.type === "service" && (b as { service?: string }).service === target)) out.push(s.name);
  }
  return out.sort();
}
