/**
 * The emulator's explicit state store: accounts → Workers (versions, deployments, script-level settings,
 * workers.dev subdomain), dispatch namespaces → Workers, and static-asset sessions and blobs.
 *
 * Everything here is plain JSON data (module bytes as base64) so the whole store can be written to and read
 * back from a state file. Secret values live only here, inside the bindings of a version; routes strip them
 * before anything is answered.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { WireBinding } from "../provider/cloudflare/schemas";

export const STATE_FORMAT_VERSION = 1;

export interface StoredModule {
  name: string;
  contentType: string;
  /** The module's bytes, base64. */
  data: string;
}

export interface StoredVersion {
  id: string;
  number: number;
  created_on: string;
  /** "api" or "wrangler" (from the User-Agent). */
  source: string;
  /** The operation that made it: upload, version_upload, update_settings, secret, content. */
  triggered_by: string;
  modules: StoredModule[];
  /** The entry point: `main_module` of an ES-module Worker or `body_part` of a service Worker. */
  main_module: string;
  has_modules: boolean;
  etag: string;
  handlers: string[];
  named_handlers: { name: string; handlers: string[] }[];
  /** Bindings as given, secret values included (never answered). */
  bindings: WireBinding[];
  compatibility_date?: string;
  compatibility_flags: string[];
  usage_model: string;
  user_limits?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  placement?: Record<string, unknown>;
  cache_options?: Record<string, unknown>;
  migration_tag?: string;
  annotations?: Record<string, unknown>;
  /** Static assets attached to this version: asset path → hash. */
  assets?: { manifest: Record<string, { hash: string; size: number }>; config?: Record<string, unknown> };
}

export interface StoredDeployment {
  id: string;
  created_on: string;
  source: string;
  strategy: string;
  versions: { version_id: string; percentage: number }[];
  annotations?: Record<string, unknown>;
}

export interface StoredScript {
  name: string;
  /** The script's 32-hex tag. */
  tag: string;
  created_on: string;
  modified_on: string;
  last_deployed_from: string;
  versions: StoredVersion[];
  deployments: StoredDeployment[];
  /** Script-level (not versioned) settings. */
  logpush: boolean;
  observability?: Record<string, unknown>;
  tags: string[];
  tail_consumers: Record<string, unknown>[];
  subdomain: { enabled: boolean; previews_enabled: boolean };
  /** Cron triggers (PUT `…/schedules`). */
  schedules?: { cron: string; created_on: string; modified_on: string }[];
}

export interface StoredNamespace {
  namespace_id: string;
  namespace_name: string;
  created_on: string;
  modified_on: string;
  trusted_workers: boolean;
  scripts: Record<string, StoredScript>;
}

export interface StoredAssetSession {
  id: string;
  /** Scope the session was opened for (script name, or `namespace/script`). */
  script: string;
  manifest: Record<string, { hash: string; size: number }>;
  expires_at: number;
}

/** A zone route (`/zones/{zone_id}/workers/routes`); `script` absent disables Workers on the pattern. */
export interface StoredRoute {
  id: string;
  pattern: string;
  script?: string;
}

/** A zone (a domain on Cloudflare) of an account, with its Workers routes and the hostnames holding DNS records. */
export interface StoredZone {
  id: string;
  name: string;
  account_id: string;
  created_on: string;
  modified_on: string;
  routes: StoredRoute[];
  /** Hostnames with A/AAAA/CNAME records that a custom domain would conflict with (100117). */
  dns_records: string[];
  /** Routes made so far (numbers the ids). */
  routes_created?: number;
}

/** A Worker custom domain (`/accounts/{a}/workers/domains`). */
export interface StoredCustomDomain {
  id: string;
  hostname: string;
  service: string;
  environment: string;
  zone_id: string;
  zone_name: string;
  cert_id: string;
  /** Serving production traffic (default true) and previews (default false); workers-sdk#13222. */
  enabled?: boolean;
  previews_enabled?: boolean;
}

/** A Worker consumer of a queue (`/queues/{id}/consumers`). */
export interface StoredQueueConsumer {
  consumer_id: string;
  script: string;
  dead_letter_queue: string;
  settings: Record<string, number | null>;
  created_on: string;
}

/** A queue (`/accounts/{a}/queues`) and its consumers. */
export interface StoredQueue {
  queue_id: string;
  queue_name: string;
  created_on: string;
  modified_on: string;
  consumers: StoredQueueConsumer[];
}

/** A Workflow (`/accounts/{a}/workflows/{name}`). */
export interface StoredWorkflow {
  id: string;
  name: string;
  class_name: string;
  script_name: string;
  created_on: string;
  modified_on: string;
}

export interface StoredAccount {
  id: string;
  scripts: Record<string, StoredScript>;
  namespaces: Record<string, StoredNamespace>;
  /** The account's workers.dev subdomain; "" when the account has none (after DELETE `/workers/subdomain`). */
  subdomain: string;
  /** Uploaded asset files by hash: base64 bytes and MIME type. */
  asset_blobs: Record<string, { data: string; content_type: string }>;
  asset_sessions: Record<string, StoredAssetSession>;
  /** Completion tokens handed out: id → manifest. */
  asset_completions: Record<string, { manifest: Record<string, { hash: string; size: number }>; expires_at: number }>;
  /** Custom domains by id (absent in state files written before they existed). */
  custom_domains?: Record<string, StoredCustomDomain>;
  /** Custom domains made so far (numbers the ids). */
  custom_domains_created?: number;
  /** Queues by id (absent in state files written before they existed). */
  queues?: Record<string, StoredQueue>;
  /** Queues and consumers made so far (numbers the ids). */
  queues_created?: number;
  consumers_created?: number;
  /** Workflows by name. */
  workflows?: Record<string, StoredWorkflow>;
}

export interface EmulatorState {
  format: number;
  /** Key that signs the emulator's asset JWTs (a local secret of the emulator, not a user credential). */
  signing_key: string;
  accounts: Record<string, StoredAccount>;
  /** Zones by id (not under an account in the API's paths: `/zones/{zone_id}`). */
  zones?: Record<string, StoredZone>;
}

/**
 * A map keyed by names that come from URLs: no prototype, so a Worker or namespace named `__proto__` is an
 * ordinary key rather than a write to the object's prototype.
 */
export function nameMap<T>(from: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, from);
}

export function emptyState(): EmulatorState {
  return { format: STATE_FORMAT_VERSION, signing_key: randomBytes(32).toString("hex"), accounts: nameMap() };
}

export function newAccount(id: string): StoredAccount {
  return {
    id,
    scripts: nameMap(),
    namespaces: nameMap(),
    subdomain: `emulator-${id.slice(0, 8)}`,
    asset_blobs: nameMap(),
    asset_sessions: nameMap(),
    asset_completions: nameMap(),
  };
}

/** Restores prototype-less maps in a state read from JSON. */
function withNameMaps(accounts: Record<string, StoredAccount>): Record<string, StoredAccount> {
  const out = nameMap<StoredAccount>();
  for (const [id, a] of Object.entries(accounts)) {
    const namespaces = nameMap<StoredNamespace>();
    for (const [name, ns] of Object.entries(a.namespaces ?? {})) namespaces[name] = { ...ns, scripts: nameMap(ns.scripts) };
    out[id] = {
      ...a,
      scripts: nameMap(a.scripts),
      namespaces,
      asset_blobs: nameMap(a.asset_blobs),
      asset_sessions: nameMap(a.asset_sessions),
      asset_completions: nameMap(a.asset_completions),
    };
  }
  return out;
}

/** Holds the state, creates accounts on first use and persists to `stateFile` when one is given. */
export class StateStore {
  state: EmulatorState;

  constructor(private readonly stateFile?: string) {
    this.state = stateFile === undefined ? emptyState() : loadStateFile(stateFile);
  }

  account(id: string): StoredAccount {
    let account = this.state.accounts[id];
    if (account === undefined) {
      account = newAccount(id);
      this.state.accounts[id] = account;
    }
    return account;
  }

  reset(): void {
    this.state = emptyState();
    this.save();
  }

  /** Writes the state file (atomically: temp file, then rename). No-op without a state file. */
  save(): void {
    if (this.stateFile === undefined) return;
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.stateFile);
  }
}

function loadStateFile(file: string): EmulatorState {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw e;
  }
  const parsed = JSON.parse(text) as Partial<EmulatorState>;
  if (parsed.format !== STATE_FORMAT_VERSION || typeof parsed.accounts !== "object" || parsed.accounts === null) {
    throw new Error(`${file} is not an emulator state file of format ${STATE_FORMAT_VERSION}`);
  }
  return {
    format: STATE_FORMAT_VERSION,
    signing_key: parsed.signing_key ?? randomBytes(32).toString("hex"),
    accounts: withNameMaps(parsed.accounts),
    zones: nameMap(parsed.zones ?? {}),
  };
}
