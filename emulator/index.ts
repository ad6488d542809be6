/**
 * A local, stateful emulator of the Cloudflare Workers API (`pulumi-cloudflare-workers/emulator`).
 *
 * `startEmulator()` serves the Workers endpoints under `<url>` = `http://host:port/client/v4`, with the
 * Cloudflare envelope, error codes and state semantics of the real API, plus a request log and fault
 * injection for tests (also over HTTP under `/__emulator`, on loopback hosts).
 */
import "../provider/node-version"; // first: refuses a Node.js older than the floor in one line, before undici loads
import type { AddressInfo } from "node:net";
import { FaultQueue, type FaultRule } from "./faults";
import { RateLimit, type RateLimitOptions } from "./rate-limit";
import type { ScheduledOutcome, WorkersRuntime } from "./runtime";
import { buildRouter } from "./routes";
import { API_PREFIX, createEmulatorServer, type RecordedRequest } from "./server";
import { StateStore } from "./state";
import { DEFAULT_ZONE, seedZones, type ZoneOption } from "./zone-model";

export type { FaultRule } from "./faults";
export type { RecordedRequest } from "./server";
export { DEFAULT_ZONE, type ZoneOption } from "./zone-model";
export type { RateLimitOptions } from "./rate-limit";
export type { ScheduledOutcome } from "./runtime";
export { PATH_FORM_PREFIX, VERSION_OVERRIDES_HEADER, VERSION_KEY_HEADER } from "./runtime/dispatch";

/** The API token the emulator accepts by default (printed by the CLI). */
export const DEFAULT_EMULATOR_TOKEN = "emulator-dev-token";
/** The X-Auth-Email/X-Auth-Key pair the emulator accepts by default. */
export const DEFAULT_GLOBAL_KEY = { email: "emulator@example.com", key: "emulator-global-key" } as const;
/** The account id the CLI suggests (any 32-hex id works). */
export const DEFAULT_ACCOUNT_ID = "0123456789abcdef0123456789abcdef";
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;
export const DEFAULT_ASSETS_SESSION_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_MAX_RECORDED_REQUESTS = 10_000;

export interface EmulatorOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Accepted API tokens; default [DEFAULT_EMULATOR_TOKEN]. */
  tokens?: string[];
  /** Accepted X-Auth-Email/X-Auth-Key pairs; default [DEFAULT_GLOBAL_KEY]. */
  globalKeys?: { email: string; key: string }[];
  /** Added to every API request. */
  latencyMs?: number;
  /** Load state at start, write it after every change (JSON). */
  stateFile?: string;
  /** Bigger bodies are refused with 413 (code 10027), never buffered. Default 100 MiB. */
  maxBodyBytes?: number;
  /** Lifetime of assets upload-session JWTs and completion tokens. Default one hour. */
  assetsSessionTtlMs?: number;
  /** The request log keeps this many most recent requests. Default 10,000. */
  maxRecordedRequests?: number;
  /** Serve `/__emulator/*`; default: only when `host` is a loopback address. */
  controlEndpoints?: boolean;
  /** Zones (for routes and custom domains), owned by DEFAULT_ACCOUNT_ID unless given; default [DEFAULT_ZONE] (example.com). */
  zones?: ZoneOption[];
  /** Cron triggers allowed per account (10072 beyond). Default 250 (Workers Paid); Workers Free allows 5. */
  cronTriggerLimit?: number;
  /**
   * Enforce the API's rate limit, e.g. Cloudflare's `{ requests: 1200, windowMs: 300000 }`: over it, 429 with
   * code 971 and Retry-After for `lockoutMs` (default one window). Default: not enforced.
   */
  rateLimit?: RateLimitOptions;
  /**
   * Run the deployed Workers in workerd (the optional dependency miniflare) and answer requests for them on
   * this port: by Host (`<script>.<subdomain>.workers.dev`, custom domains, zone routes) or at
   * `/__workers/<script>/…`. KV, R2, D1, queues and Durable Objects are kept beside `stateFile`
   * (`<stateFile>.workers/`) when there is one. Default false: the API only.
   */
  runWorkers?: boolean;
  /** With runWorkers: fire `scheduled()` of matching cron triggers at every minute boundary (UTC). Default false. */
  runCrons?: boolean;
}

/** The deployed Workers, when the emulator runs them (`runWorkers`). */
export interface EmulatorWorkers {
  /** Resolves when the Workers running match the emulator's state (after a deploy, say). */
  ready(): Promise<void>;
  /** Fires `scheduled()` of a Worker for one of its cron triggers (default its first). */
  scheduled(script: string, options?: { cron?: string; accountId?: string }): Promise<ScheduledOutcome>;
  /** workerd Workers running (one per version serving traffic). */
  readonly count: number;
}

export interface Emulator {
  /** http://127.0.0.1:PORT/client/v4 */
  url: string;
  /** Every request under /client/v4 (live array). */
  requests: RecordedRequest[];
  clearRequests(): void;
  injectFault(rule: FaultRule): void;
  /** Empties state, requests and faults. */
  reset(): void;
  close(): Promise<void>;
  /** Present with `runWorkers: true`. */
  workers?: EmulatorWorkers;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith("127.");
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const store = new StateStore(options.stateFile);
  const zones = options.zones ?? [DEFAULT_ZONE];
  seedZones(store.state, zones, DEFAULT_ACCOUNT_ID);
  const requests: RecordedRequest[] = [];
  const faults = new FaultQueue();
  const rateLimit = options.rateLimit === undefined ? undefined : new RateLimit(options.rateLimit);
  // Loaded only when asked for: the API-only emulator never touches miniflare.
  let workers: WorkersRuntime | undefined;
  if (options.runWorkers === true) {
    const runtime = require("./runtime") as typeof import("./runtime");
    workers = await runtime.WorkersRuntime.start({
      store,
      ...(options.stateFile === undefined ? {} : { persistDir: `${options.stateFile}.workers` }),
      ...(options.runCrons === undefined ? {} : { runCrons: options.runCrons }),
    });
  }
  const reset = () => {
    rateLimit?.clear();
    store.reset();
    seedZones(store.state, zones, DEFAULT_ACCOUNT_ID);
    store.save();
    requests.length = 0;
    faults.clear();
    workers?.changed();
  };
  const server = createEmulatorServer({
    runtime: {
      store,
      assetsSessionTtlMs: options.assetsSessionTtlMs ?? DEFAULT_ASSETS_SESSION_TTL_MS,
      cronTriggerLimit: options.cronTriggerLimit,
    },
    router: buildRouter(),
    faults,
    requests,
    tokens: new Set(options.tokens ?? [DEFAULT_EMULATOR_TOKEN]),
    globalKeys: options.globalKeys ?? [{ ...DEFAULT_GLOBAL_KEY }],
    latencyMs: options.latencyMs ?? 0,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxRecordedRequests: options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS,
    controlEndpoints: options.controlEndpoints ?? isLoopbackHost(host),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    ...(workers === undefined ? {} : { workers }),
    reset,
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (e: Error) => {
      void workers?.close();
      reject(e);
    };
    server.once("error", failed);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}${API_PREFIX}`,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    injectFault: (rule) => faults.add(rule),
    reset,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await workers?.close();
    },
    ...(workers === undefined
      ? {}
      : {
          workers: {
            ready: () => workers.ready(),
            scheduled: (script, o) => workers.scheduled(script, o),
            get count() {
              return workers.workerCount;
            },
          },
        }),
  };
}
