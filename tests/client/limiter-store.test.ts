/** The limiter's log shared between processes: back-to-back and concurrent commands share one budget. */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RATE_LIMIT_GUARD_MS,
  RATE_LIMIT_WINDOW_MS,
  SlidingWindowLimiter,
  createCloudflareLimiter,
  fileLimiterStore,
  memoryLimiterStore,
} from "../../provider/cloudflare/limiter";
import { tsxRegisterApi } from "../engine/paths";
import { VirtualClock } from "./helpers/clocks";

const SPAN = RATE_LIMIT_WINDOW_MS + RATE_LIMIT_GUARD_MS;
const tempFile = () => join(mkdtempSync(join(tmpdir(), "cfw-limiter-")), "limiter.json");

async function grant(limiter: SlidingWindowLimiter, clock: VirtualClock, count: number): Promise<number[]> {
  const times: number[] = [];
  await clock.run(Promise.all(Array.from({ length: count }, () => limiter.acquire().then(() => times.push(clock.now())))));
  return times;
}

describe("the limiter's log between processes", () => {
  it("a second process sees what the first one spent and waits for it to leave the window, not a fresh budget", async () => {
    const store = memoryLimiterStore();
    const clock = new VirtualClock();
    const first = createCloudflareLimiter({ clock, store, limit: 100 });
    expect(await grant(first, clock, 80)).toEqual(Array(80).fill(0));

    const second = createCloudflareLimiter({ clock, store, limit: 100 });
    const times = await grant(second, clock, 30);
    expect(times.filter((t) => t === 0)).toHaveLength(20);
    expect(times.slice(20)).toEqual(Array(10).fill(SPAN));
  });

  it("keeps the send times in a small file that the next store (another process) reads back", async () => {
    const file = tempFile();
    const clock = new VirtualClock();
    clock.t = 1_700_000_000_000;
    await grant(createCloudflareLimiter({ clock, store: fileLimiterStore(file), limit: 50 }), clock, 50);
    const saved = JSON.parse(readFileSync(file, "utf8")) as { version: number; times: number[] };
    expect(saved.version).toBe(2);
    expect(saved.times).toEqual(Array(50).fill(1_700_000_000_000));

    const later = await grant(createCloudflareLimiter({ clock, store: fileLimiterStore(file), limit: 50 }), clock, 1);
    expect(later).toEqual([1_700_000_000_000 + SPAN]);
  });

  it("stays bounded: times that left the window are dropped at every write", async () => {
    const file = tempFile();
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter({ limit: 10, windowMs: 1_000, guardMs: 0, clock, store: fileLimiterStore(file) });
    await grant(limiter, clock, 95);
    const saved = JSON.parse(readFileSync(file, "utf8")) as { times: number[] };
    expect(saved.times.length).toBeLessThanOrEqual(10);
  });

  it("shares a 429's pause with the other processes", async () => {
    const store = memoryLimiterStore();
    const clock = new VirtualClock();
    createCloudflareLimiter({ clock, store, limit: 100 }).pauseFor(45_000);
    expect(await grant(createCloudflareLimiter({ clock, store, limit: 100 }), clock, 2)).toEqual([45_000, 45_000]);
  });

  it("reads a damaged file as an empty log and rewrites it", async () => {
    const file = tempFile();
    writeFileSync(file, "{not json");
    const clock = new VirtualClock();
    expect(await grant(createCloudflareLimiter({ clock, store: fileLimiterStore(file), limit: 5 }), clock, 2)).toEqual([0, 0]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 2, times: [0, 0] });
  });

  it("waits while another process holds the lock, and breaks a lock left by a process that died", async () => {
    const file = tempFile();
    writeFileSync(`${file}.lock`, "");
    const store = fileLimiterStore(file);
    let ran = false;
    expect(store.update(() => (ran = true))).toBe(false);
    expect(ran).toBe(false);
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(`${file}.lock`, old, old);
    store.update(() => undefined); // sees the stale lock and removes it
    expect(store.update(() => (ran = true))).toBe(true);
    expect(ran).toBe(true);
  });

  it("three processes asking for 100 each at the same time share a limit of 150: exactly 150 granted in all", async () => {
    const file = tempFile();
    const child = join(__dirname, "helpers", "limiter-child.ts");
    const bootstrap = `require(${JSON.stringify(tsxRegisterApi())}).register(); require(${JSON.stringify(child)});`;
    const runs = [0, 1, 2].map(
      () =>
        new Promise<number>((resolve, reject) => {
          const p = spawn(process.execPath, ["-e", bootstrap], {
            env: { ...process.env, CFW_LIMITER_CHILD_ARGS: JSON.stringify([file, "100", "150", "6000"]) },
            stdio: ["ignore", "pipe", "inherit"],
          });
          let out = "";
          p.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
          p.once("error", reject);
          p.once("close", () => {
            try {
              resolve((JSON.parse(out) as { granted: number }).granted);
            } catch {
              reject(new Error(`child printed ${JSON.stringify(out)}`));
            }
          });
        }),
    );
    const granted = await Promise.all(runs);
    expect(granted.reduce((a, b) => a + b, 0)).toBe(150);
    expect((JSON.parse(readFileSync(file, "utf8")) as { times: number[] }).times).toHaveLength(150);
  }, 60_000);
});
