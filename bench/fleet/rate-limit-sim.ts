/**
 * A simulated fleet far bigger than the benchmark's: `resources` resources (Workers × 5) created with every
 * resource in flight as soon as the resources it depends on exist (`pulumi up` with unbounded parallelism),
 * by the real providers, through the real client and the real process limiter (at most 1,140 of Cloudflare's
 * 1,200 requests in any 300 s), against the emulator without latency. The limiter runs on a virtual clock: time jumps to the
 * next limiter wake-up as soon as the process has nothing left to run, so requests take no simulated time at
 * all — the worst case for the limit — and an hour of API traffic takes seconds.
 *
 * The providers are loaded from dist/ as the dynamic-provider host loads them, and the process limiter
 * they share is swapped for a recording one on the virtual clock for the duration of the run.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN, startEmulator } from "../../emulator";
import type { LimiterClock, RequestLimiter } from "../../provider/cloudflare/limiter";
import { maxInWindow } from "./calls";

const DIST = path.join(__dirname, "..", "..", "dist", "provider");
/** Cloudflare's limit, and the limiter's default share of it. */
export const RATE_LIMIT = { requests: 1_200, windowMs: 300_000, ours: 1_140 };

/** Virtual time for a process that also does real I/O: sleeps are timers that `run` fires in time order. */
export class JumpingClock implements LimiterClock {
  t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve }));
  }

  /** Drives `until`: lets pending work run, then fires the earliest timer; waits for I/O when no timer is due. */
  async run<T>(until: Promise<T>): Promise<T> {
    let settled = false;
    const watched = until.finally(() => (settled = true));
    watched.catch(() => undefined);
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return watched;
      if (this.timers.length === 0) {
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
        continue;
      }
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}

type Props = Record<string, unknown>;
interface DynamicProvider {
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: { property: string; reason: string }[] }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
}

export interface SimulationResult {
  resources: number;
  workers: number;
  /** Requests the limiter let through (retries included). */
  calls: number;
  /** Requests the emulator received: equal to `calls` when every request went through the limiter. */
  received: number;
  maxInWindow: number;
  simulatedMs: number;
  realMs: number;
  /** Simulated time per real time. */
  speedup: number;
  /** Grant times on the simulated clock, ascending. */
  grantedAt: number[];
  errors: string[];
}

export async function simulateRateLimitedFleet(options: { resources: number }): Promise<SimulationResult> {
  const workers = Math.ceil(options.resources / 5);

  const limiterModule = require(path.join(DIST, "cloudflare", "limiter.js")) as {
    createCloudflareLimiter(options: { clock: LimiterClock; limit: number }): RequestLimiter;
    DEFAULT_RATE_LIMIT: number;
    sharedLimiter: (...args: unknown[]) => RequestLimiter;
  };

  const provider = require(DIST) as {
    configure(config: { get(key: string): string | undefined }): void;
    workerScriptProvider: DynamicProvider;
    workerSecretProvider: DynamicProvider;
    workerScriptSettingsProvider: DynamicProvider;
    workerSubdomainProvider: DynamicProvider;
  };

  const defaultClient = (
    require(path.join(DIST, "cloudflare", "client.js")) as { getDefaultClient(): { newRun(): void } }
  ).getDefaultClient();
  // A fresh account per run: the account listing a provider process caches must not carry over.
  const account = randomBytes(16).toString("hex");
  defaultClient.newRun();

  const clock = new JumpingClock();
  const real = limiterModule.createCloudflareLimiter({ clock, limit: limiterModule.DEFAULT_RATE_LIMIT });
  const grantedAt: number[] = [];
  const recording: RequestLimiter = {
    acquire: async () => {
      await real.acquire();
      grantedAt.push(clock.now());
    },
    pauseFor: (ms) => real.pauseFor(ms),
  };
  const emulator = await startEmulator({ latencyMs: 0 });
  const original = limiterModule.sharedLimiter;
  limiterModule.sharedLimiter = () => recording;
  const config: Record<string, string> = {
    "cloudflare:apiToken": DEFAULT_EMULATOR_TOKEN,
    "cloudflare-workers:accountId": account,
    "cloudflare-workers:apiBaseUrl": emulator.url,
  };
  provider.configure({ get: (key) => config[key] });
  const errors: string[] = [];
  const create = async (p: DynamicProvider, news: Props): Promise<Props> => {
    const checked = await p.check({}, news);
    if (checked.failures?.length) throw new Error(checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    const created = await p.create(checked.inputs ?? news);
    return created.outs ?? {};
  };
  const worker = async (i: number, count: number) => {
    const scriptName = `sim-${i}`;
    await create(provider.workerScriptProvider, {
      scriptName,
      modules: { "index.js": { content: `export default { fetch() { return new Response("${scriptName}"); } };\n` } },
      mainModule: "index.js",
      compatibilityDate: "2025-09-01",
      bindings: [
        { type: "plain_text", name: "GREETING", text: "Hello" },
        { type: "kv_namespace", name: "CACHE", namespaceId: "a1b2c3d4e5f60718293a4b5c6d7e8f90" },
        { type: "json", name: "LIMITS", json: { worker: i } },
      ],
    });
    const dependents: Promise<Props>[] = [];
    if (count > 1) dependents.push(create(provider.workerSecretProvider, { scriptName, name: "API_KEY", text: `k-${i}` }));
    if (count > 2) dependents.push(create(provider.workerSecretProvider, { scriptName, name: "DB_PASSWORD", text: `p-${i}` }));
    if (count > 3)
      dependents.push(create(provider.workerScriptSettingsProvider, { scriptName, logpush: true, observability: { enabled: true } }));
    await Promise.all(dependents);
    if (count > 4) await create(provider.workerSubdomainProvider, { scriptName, enabled: true, previewsEnabled: false });
  };
  const started = performance.now();
  try {
    const all = Promise.all(
      Array.from({ length: workers }, (_, i) =>
        worker(i, Math.min(5, options.resources - i * 5)).catch((error: unknown) => {
          errors.push(error instanceof Error ? error.message.split("\n")[0]! : String(error));
        }),
      ),
    );
    await clock.run(all);
  } finally {
    limiterModule.sharedLimiter = original;
    defaultClient.newRun();
    await emulator.close();
  }
  const realMs = performance.now() - started;
  grantedAt.sort((a, b) => a - b);
  const simulatedMs = grantedAt.at(-1) ?? 0;
  return {
    resources: options.resources,
    workers,
    calls: grantedAt.length,
    received: emulator.requests.length,
    maxInWindow: maxInWindow(grantedAt, RATE_LIMIT.windowMs),
    simulatedMs,
    realMs,
    speedup: Math.round(simulatedMs / Math.max(1, realMs)),
    grantedAt,
    errors,
  };
}
