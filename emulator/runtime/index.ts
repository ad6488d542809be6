/**
 * The emulator's local Workers runtime (`startEmulator({ runWorkers: true })`, `--run-workers`): the versions
 * the emulator has deployed run in workerd through miniflare, and requests on the emulator's HTTP port reach
 * them the way Cloudflare routes them (./dispatch.ts).
 *
 * Miniflare rather than workerd directly: it is Cloudflare's own local simulator on workerd, and brings what a
 * deployed Worker's bindings need (KV, R2, D1, queues and Durable Objects stored locally, service bindings,
 * the static-assets router, persistence to a folder) and reconfiguration of one workerd process for all
 * Workers (`setOptions`). It is an optional dependency, loaded only here, only when asked for.
 *
 * One workerd process serves every Worker; after any change to the emulator's state the runtime works out what
 * should run (./plan.ts) and restarts workerd only when that differs from what runs. A request waits for a
 * restart in progress, so the answer after a deploy comes from the deployed version.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Miniflare, MiniflareOptions } from "miniflare";
import type { StateStore } from "../state";
import { startMinuteClock, cronMatches } from "./cron-clock";
import {
  chooseVersion,
  resolveTarget,
  servingVersions,
  versionOverride,
  VERSION_KEY_HEADER,
  VERSION_OVERRIDES_HEADER,
  type NoWorker,
  type Target,
} from "./dispatch";
import { ASSETS_FRONT_WORKER, ASSETS_TARGET_HEADER, planRuntime, workerName, type PlannedWorker } from "./plan";

/** The miniflare release this package is tested with (package.json optionalDependencies). */
export const MINIFLARE_PACKAGE = "miniflare";

export class WorkersRuntimeUnavailable extends Error {
  override readonly name = "WorkersRuntimeUnavailable";
}

type MiniflareModule = typeof import("miniflare");

/** Loads miniflare, or says in one sentence how to get it. */
export function loadMiniflare(): MiniflareModule {
  try {
    return require(MINIFLARE_PACKAGE) as MiniflareModule;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "MODULE_NOT_FOUND" ? "is not installed" : `could not be loaded (${e instanceof Error ? e.message : String(e)})`;
    throw new WorkersRuntimeUnavailable(
      `runWorkers (--run-workers) needs the optional dependency miniflare, which ${why}: install it with \`npm install miniflare\` ` +
        "in the project running the emulator (it needs Node.js 22 or later; npm skips optional dependencies whose engines do not match)",
    );
  }
}

export interface WorkersRuntimeOptions {
  store: StateStore;
  /** Keep KV, R2, D1, queues and Durable Objects here (the emulator's state folder); default: a temp folder removed on close. */
  persistDir?: string;
  /** Fire `scheduled()` of matching cron triggers at every minute boundary. */
  runCrons?: boolean;
  /** Where lines about the runtime go (bindings not run locally, cron outcomes); default stderr. */
  log?: (line: string) => void;
}

/** The header miniflare's entry Worker reads to pick the Worker a request runs (its `CoreHeaders.ROUTE_OVERRIDE`). */
const ROUTE_OVERRIDE_HEADER = "MF-Route-Override";

/** What the runtime uses of the Fetcher miniflare's `getWorker()` hands out. */
interface LocalWorker {
  scheduled(event: { cron: string; scheduledTime: Date }): Promise<{ outcome: string; noRetry: boolean }>;
}

export interface ScheduledOutcome {
  script: string;
  versionId: string;
  cron: string;
  outcome: string;
  noRetry: boolean;
}

export class WorkersRuntime {
  private mf: Miniflare | undefined;
  private fingerprint = "";
  private running = new Map<string, PlannedWorker>();
  private settled: Promise<void> = Promise.resolve();
  private queued = false;
  private lastError: Error | undefined;
  private readonly scratch: string;
  private readonly clock: { stop(): void } | undefined;
  private readonly log: (line: string) => void;
  private readonly reported = new Set<string>();

  private constructor(
    private readonly miniflare: MiniflareModule,
    private readonly options: WorkersRuntimeOptions,
  ) {
    this.scratch = mkdtempSync(path.join(tmpdir(), "cf-workers-runtime-"));
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.clock = options.runCrons ? startMinuteClock((minute) => void this.fireDue(minute)) : undefined;
  }

  /** Loads miniflare (WorkersRuntimeUnavailable when it is missing) and starts what the state holds. */
  static async start(options: WorkersRuntimeOptions): Promise<WorkersRuntime> {
    const runtime = new WorkersRuntime(loadMiniflare(), options);
    runtime.changed();
    await runtime.ready();
    return runtime;
  }

  /** The state changed: bring workerd in line (once, however many changes arrive meanwhile). */
  changed(): void {
    if (this.queued) return;
    this.queued = true;
    this.settled = this.settled.then(async () => {
      this.queued = false;
      try {
        await this.sync();
        this.lastError = undefined;
      } catch (e) {
        this.lastError = e instanceof Error ? e : new Error(String(e));
        this.log(`emulator runtime: could not start the deployed Workers: ${this.lastError.message}`);
      }
    });
  }

  /** Resolves when what runs matches the state as of the last change. */
  ready(): Promise<void> {
    return this.settled;
  }

  /** How many workerd Workers run (one per serving version). */
  get workerCount(): number {
    return this.running.size;
  }

  private async sync(): Promise<void> {
    const assetsRoot = path.join(this.options.persistDir ?? this.scratch, "assets");
    const plan = planRuntime(this.options.store.state, (account, script, version) =>
      path.join(assetsRoot, hashName(`${account}/${script}/${version}`)),
    );
    for (const line of plan.skipped) {
      if (this.reported.has(line)) continue;
      this.reported.add(line);
      this.log(`emulator runtime: binding not run locally: ${line}`);
    }
    const fingerprint = createHash("sha256")
      .update(
        JSON.stringify(
          plan.workers.map((w) => [w.options, w.assets]),
          (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v),
        ),
      )
      .digest("hex");
    if (fingerprint === this.fingerprint && (this.mf !== undefined || plan.workers.length === 0)) return;
    for (const w of plan.workers) if (w.assets !== undefined) this.writeAssets(w.accountId, w.assets);
    if (plan.workers.length === 0) {
      await this.mf?.dispose();
      this.mf = undefined;
    } else {
      const options: MiniflareOptions = {
        workers: [...plan.workers.map((w) => w.options), ...(plan.front === undefined ? [] : [plan.front])],
        defaultPersistRoot: path.join(this.options.persistDir ?? this.scratch, "stores"),
        // Request.cf is fetched from workers.cloudflare.com unless given: the emulator works offline.
        cf: { colo: "LCL", country: "XX", httpProtocol: "HTTP/1.1" },
        log: new this.miniflare.Log(this.miniflare.LogLevel.WARN),
      } as MiniflareOptions;
      if (this.mf === undefined) {
        this.mf = new this.miniflare.Miniflare(options);
      } else {
        await this.mf.setOptions(options);
      }
      await this.mf.ready;
    }
    this.running = new Map(plan.workers.map((w) => [w.name, w]));
    this.fingerprint = fingerprint;
  }

  private writeAssets(accountId: string, assets: NonNullable<PlannedWorker["assets"]>): void {
    const done = path.join(assets.directory, ".written");
    if (existsSync(done)) return;
    const blobs = this.options.store.state.accounts[accountId]?.asset_blobs ?? {};
    for (const [assetPath, { hash }] of Object.entries(assets.manifest)) {
      const blob = blobs[hash];
      if (blob === undefined) continue;
      const file = path.join(assets.directory, ...assetPath.split("/").filter((p) => p !== "" && p !== ".."));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, Buffer.from(blob.data, "base64"));
    }
    mkdirSync(assets.directory, { recursive: true });
    // The assets config's `_headers` and `_redirects` (the upload metadata carries them as text) go where the
    // assets router reads them. The three files are always written: miniflare reads each when present, and its
    // "file absent" check relies on `instanceof Error`, which fails for Node's errors inside a VM context such
    // as jest's.
    writeFileSync(path.join(assets.directory, ".assetsignore"), "");
    writeFileSync(path.join(assets.directory, "_headers"), typeof assets.config._headers === "string" ? assets.config._headers : "");
    writeFileSync(path.join(assets.directory, "_redirects"), typeof assets.config._redirects === "string" ? assets.config._redirects : "");
    writeFileSync(done, "");
  }

  /** The Worker (or the reason none runs) a request is for; undefined when it is not for a Worker at all. */
  target(req: IncomingMessage): Target | NoWorker | undefined {
    return resolveTarget(this.options.store.state, firstHeader(req, "host"), req.url ?? "/");
  }

  /** Answers a request `target()` resolved, with its body already read. */
  async serve(target: Target | NoWorker, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    await this.ready();
    if ("none" in target) {
      sendText(res, 404, `No Worker here: ${target.none}\n`);
      return;
    }
    const chosen = this.pick(target, req);
    if (chosen === undefined) {
      sendText(
        res,
        503,
        this.lastError
          ? `The Worker ${target.script} could not start: ${this.lastError.message}\n`
          : `The Worker ${target.script} is not running\n`,
      );
      return;
    }
    const host = target.via === "path" ? (firstHeader(req, "host") ?? "localhost") : firstHeader(req, "host")!;
    const url = `http://${host}${target.path}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === "host" || name === "connection" || name === "content-length" || name === "transfer-encoding")
        continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const method = (req.method ?? "GET").toUpperCase();
    // Through miniflare's entry Worker, told which Worker to run; a Worker with static assets through the
    // front Worker, so that its assets router answers first, as on Cloudflare.
    if (this.running.get(chosen)?.assets !== undefined) {
      headers.set(ROUTE_OVERRIDE_HEADER, ASSETS_FRONT_WORKER);
      headers.set(ASSETS_TARGET_HEADER, chosen);
    } else {
      headers.set(ROUTE_OVERRIDE_HEADER, chosen);
    }
    const response = (await this.mf!.dispatchFetch(url, {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(body) }),
      redirect: "manual",
    } as never)) as unknown as Response;
    const out = Buffer.from(await response.arrayBuffer());
    const outHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name === "set-cookie" || name === "content-length" || name === "transfer-encoding" || name === "content-encoding") return;
      outHeaders[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) outHeaders["set-cookie"] = cookies;
    res.writeHead(response.status, { ...outHeaders, "content-length": String(out.length) });
    res.end(method === "HEAD" ? undefined : out);
  }

  /** The running workerd Worker for this request: a version of the deployment, by override, key or percentage. */
  private pick(target: Target, req: IncomingMessage): string | undefined {
    const script = this.options.store.state.accounts[target.accountId]?.scripts[target.script];
    if (script === undefined) return undefined;
    const override = versionOverride(firstHeader(req, VERSION_OVERRIDES_HEADER), target.script);
    const versionKey = firstHeader(req, VERSION_KEY_HEADER);
    const versionId = chooseVersion(servingVersions(script), {
      ...(override === undefined ? {} : { override }),
      ...(versionKey === undefined ? {} : { versionKey }),
    });
    if (versionId === undefined) return undefined;
    const name = workerName(target.accountId, target.script, versionId);
    return this.running.has(name) ? name : undefined;
  }

  /** Fires `scheduled()` of a Worker (the version a request would get) for one of its cron triggers. */
  async scheduled(script: string, options: { cron?: string; accountId?: string; scheduledTime?: Date } = {}): Promise<ScheduledOutcome> {
    await this.ready();
    const accounts = options.accountId === undefined ? Object.keys(this.options.store.state.accounts).sort() : [options.accountId];
    const accountId = accounts.find((a) => this.options.store.state.accounts[a]?.scripts[script] !== undefined);
    const stored = accountId === undefined ? undefined : this.options.store.state.accounts[accountId]!.scripts[script];
    if (accountId === undefined || stored === undefined) throw new RuntimeRequestError(404, `no Worker named ${JSON.stringify(script)}`);
    const crons = (stored.schedules ?? []).map((s) => s.cron);
    const cron = options.cron ?? crons[0];
    if (cron === undefined) throw new RuntimeRequestError(400, `the Worker ${script} has no cron trigger; give one with PUT …/schedules`);
    if (!crons.includes(cron))
      throw new RuntimeRequestError(
        400,
        `${JSON.stringify(cron)} is not a cron trigger of ${script} (${crons.map((c) => JSON.stringify(c)).join(", ") || "none"})`,
      );
    const versionId = chooseVersion(servingVersions(stored), {});
    const name = versionId === undefined ? undefined : workerName(accountId, script, versionId);
    if (name === undefined || !this.running.has(name) || this.mf === undefined)
      throw new RuntimeRequestError(503, `the Worker ${script} is not running${this.lastError ? `: ${this.lastError.message}` : ""}`);
    const worker = (await this.mf.getWorker(name)) as unknown as LocalWorker;
    const result = await worker.scheduled({ cron, scheduledTime: options.scheduledTime ?? new Date() });
    return { script, versionId: versionId!, cron, outcome: result.outcome, noRetry: result.noRetry };
  }

  private async fireDue(minute: Date): Promise<void> {
    for (const [accountId, account] of Object.entries(this.options.store.state.accounts)) {
      for (const script of Object.values(account.scripts)) {
        for (const { cron } of script.schedules ?? []) {
          if (!cronMatches(cron, minute)) continue;
          try {
            const r = await this.scheduled(script.name, { cron, accountId, scheduledTime: minute });
            this.log(`emulator runtime: ${minute.toISOString()} ${script.name} scheduled("${cron}"): ${r.outcome}`);
          } catch (e) {
            this.log(`emulator runtime: ${script.name} scheduled("${cron}") failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    }
  }

  async close(): Promise<void> {
    this.clock?.stop();
    await this.settled;
    await this.mf?.dispose();
    this.mf = undefined;
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** A runtime request the caller got wrong (unknown Worker, no such cron): an HTTP status and a sentence. */
export class RuntimeRequestError extends Error {
  override readonly name = "RuntimeRequestError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function hashName(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": String(body.length) });
  res.end(body);
}
