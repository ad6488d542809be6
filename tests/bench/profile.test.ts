/** The CLI profile of the fleet benchmark: what the timing log of bench/fleet/profile-hook.cjs says a command spent. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseProfileLog, profileOf, PROFILE_HOOK, resourceCalls } from "../../bench/fleet/profile";

const T = 1_000_000;
const lines = (records: (object | string)[]) => records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n");

describe("profileOf: where one pulumi command's time went", () => {
  const log = lines([
    { pid: 1, role: "language host", event: "start", at: T + 400 },
    { pid: 2, role: "program", event: "start", at: T + 500 },
    { pid: 3, role: "provider", event: "start", at: T + 2_600 },
    { pid: 3, role: "provider", event: "ready", at: T + 3_600 },
    { pid: 1, role: "language host", event: "rpc", method: "run", start: T + 450, end: T + 9_000, bytes: 250 },
    { pid: 3, role: "provider", event: "rpc", method: "configure", start: T + 3_700, end: T + 3_701, bytes: 300 },
    { pid: 3, role: "provider", event: "rpc", method: "check", start: T + 3_800, end: T + 4_300, bytes: 1_000 },
    { pid: 3, role: "provider", event: "rpc", method: "check", start: T + 3_900, end: T + 4_000, bytes: 3_000 },
    { pid: 3, role: "provider", event: "rpc", method: "create", start: T + 4_400, end: T + 8_800, bytes: 2_000 },
    { pid: 2, role: "program", event: "exit", at: T + 8_900 },
    '{"pid":3,"role":"provider","event":"rpc","meth', // cut short by a killed process
  ]);

  it("splits the command into the CLI's start, the program's start until the host starts, the host's start, the calls and the tail", () => {
    const profile = profileOf(parseProfileLog(log), T, T + 10_000);
    expect(profile).toMatchObject({
      wallMs: 10_000,
      beforeNodeMs: 400,
      programMs: 8_400,
      programStartMs: 2_100,
      hostStartMs: 1_000,
      callSpanMs: 5_100,
      afterCallsMs: 1_100,
    });
    expect(profile.rpc.check).toEqual({ count: 2, totalMs: 600, maxMs: 500, meanBytes: 2_000 });
    expect(profile.rpc).not.toHaveProperty("run");
  });

  it("sums the resource calls and leaves configure out", () => {
    expect(resourceCalls(profileOf(parseProfileLog(log), T, T + 10_000))).toEqual({
      count: 3,
      totalMs: 5_000,
      maxMs: 4_400,
      meanBytes: 2_000,
      methods: "check 2, create 1",
    });
  });

  it("gives no program start-up when the provider host started first (a preview with --refresh reads before the program runs)", () => {
    const refreshFirst = lines([
      { pid: 3, role: "provider", event: "start", at: T + 300 },
      { pid: 2, role: "program", event: "start", at: T + 5_000 },
      { pid: 2, role: "program", event: "exit", at: T + 9_000 },
    ]);
    expect(profileOf(parseProfileLog(refreshFirst), T, T + 10_000)).not.toHaveProperty("programStartMs");
  });

  it("has no program and no call figures for a command that ran neither", () => {
    const profile = profileOf([], T, T + 500);
    expect(profile).toEqual({ wallMs: 500, rpc: {} });
    expect(resourceCalls(profile).count).toBe(0);
  });
});

describe("profile-hook.cjs", () => {
  it("logs a process's start and exit when BENCH_PROFILE_LOG is set, and nothing otherwise", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-profile-"));
    try {
      const file = path.join(dir, "timing.jsonl");
      const run = (env: NodeJS.ProcessEnv) =>
        spawnSync(process.execPath, ["--require", PROFILE_HOOK, "-e", "1"], { env: { ...process.env, ...env }, encoding: "utf8" });
      expect(run({ BENCH_PROFILE_LOG: "" }).status).toBe(0);
      expect(fs.existsSync(file)).toBe(false);
      expect(run({ BENCH_PROFILE_LOG: file }).status).toBe(0);
      const records = parseProfileLog(fs.readFileSync(file, "utf8"));
      expect(records.map((r) => [r.role, r.event])).toEqual([
        ["program", "start"],
        ["program", "exit"],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stays off the program's stack, which the engine stores with every resource it registers", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-profile-"));
    try {
      const program = path.join(dir, "index.js");
      fs.writeFileSync(program, "process.stdout.write(new Error().stack);\n");
      const run = spawnSync(process.execPath, ["--require", PROFILE_HOOK, program], {
        env: { ...process.env, BENCH_PROFILE_LOG: path.join(dir, "timing.jsonl") },
        encoding: "utf8",
      });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("index.js");
      expect(run.stdout).not.toContain("profile-hook");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
