/**
 * Where one `pulumi` command's time goes, from the timing log of bench/fleet/profile-hook.cjs (the Node
 * processes the command starts: language host, program, dynamic-provider host, and every gRPC call the
 * provider host serves) and the command's own start and end. Pure: the parsing and the sums are tested in
 * tests/bench/profile.test.ts.
 */
import * as path from "node:path";

/** The preload to put in NODE_OPTIONS (`--require <it>`) with BENCH_PROFILE_LOG=<file>. */
export const PROFILE_HOOK = path.join(__dirname, "profile-hook.cjs");

type Role = "language host" | "program" | "provider";

type LogRecord =
  | { pid: number; role: Role; event: "start" | "exit" | "ready"; at: number }
  | { pid: number; role: Role; event: "rpc"; method: string; start: number; end: number; bytes?: number };

export interface RpcFigures {
  count: number;
  /** Sum of the calls' durations in the provider host (they overlap: the engine runs several at once). */
  totalMs: number;
  /** The longest call (the first of a kind also loads the provider's modules). */
  maxMs: number;
  /** Mean size of the request message: what the engine sends for one resource (its inputs, its state). */
  meanBytes: number;
}

export interface CliProfile {
  /** The command, spawn to exit. */
  wallMs: number;
  /** Spawn → the first Node process (language host or provider host): the CLI's start, stack and snapshot load. */
  beforeNodeMs?: number;
  /** The program: its process start → exit (it registers the resources; the engine's work overlaps it). */
  programMs?: number;
  /**
   * The program's start-up: its process start → the provider host's start (node, tsx, @pulumi/pulumi, the sdk,
   * the first registration, then the engine starting the plugin it needs); absent when the host started first.
   */
  programStartMs?: number;
  /** The provider host: process start → listening (node, @pulumi/pulumi and its gRPC server). */
  hostStartMs?: number;
  /** First provider call's start → last call's end. */
  callSpanMs?: number;
  /** Last provider call's end (or the program's exit, whichever is later) → the command's exit. */
  afterCallsMs?: number;
  /** Per gRPC method of the provider host (check, diff, create, update, read, delete, configure, …). */
  rpc: Record<string, RpcFigures>;
}

/** The records of a timing log (one JSON object per line; lines that do not parse are skipped). */
export function parseProfileLog(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      // A line cut short by a process killed mid-write: nothing to count.
    }
  }
  return out;
}

const min = (values: number[]) => (values.length ? Math.min(...values) : undefined);
const max = (values: number[]) => (values.length ? Math.max(...values) : undefined);

/** The profile of one command that ran from `spawnedAt` to `exitedAt` (ms since the epoch). */
export function profileOf(records: readonly LogRecord[], spawnedAt: number, exitedAt: number): CliProfile {
  const starts = records.filter((r): r is Extract<LogRecord, { at: number }> => r.event === "start");
  const at = (role: Role, event: "start" | "exit" | "ready") =>
    records.filter((r): r is Extract<LogRecord, { at: number }> => r.role === role && r.event === event).map((r) => r.at);
  const calls = records.filter((r): r is Extract<LogRecord, { event: "rpc" }> => r.event === "rpc" && r.role === "provider");

  const profile: CliProfile = { wallMs: exitedAt - spawnedAt, rpc: {} };
  const firstNode = min(starts.map((r) => r.at));
  if (firstNode !== undefined) profile.beforeNodeMs = Math.max(0, firstNode - spawnedAt);
  const programStart = min(at("program", "start"));
  const programExit = max(at("program", "exit"));
  if (programStart !== undefined && programExit !== undefined) profile.programMs = programExit - programStart;
  const hostStart = min(at("provider", "start"));
  // A preview with --refresh starts the provider host before the program: no start-up to measure that way.
  if (programStart !== undefined && hostStart !== undefined && hostStart >= programStart) profile.programStartMs = hostStart - programStart;
  const hostReady = min(at("provider", "ready"));
  if (hostStart !== undefined && hostReady !== undefined) profile.hostStartMs = hostReady - hostStart;
  const firstCall = min(calls.map((c) => c.start));
  const lastCall = max(calls.map((c) => c.end));
  if (firstCall !== undefined && lastCall !== undefined) profile.callSpanMs = lastCall - firstCall;
  const lastWork = max([lastCall, programExit].filter((t): t is number => t !== undefined));
  if (lastWork !== undefined) profile.afterCallsMs = Math.max(0, exitedAt - lastWork);

  const sizes: Record<string, number[]> = {};
  for (const call of calls) {
    const figures = (profile.rpc[call.method] ??= { count: 0, totalMs: 0, maxMs: 0, meanBytes: 0 });
    figures.count++;
    figures.totalMs += call.end - call.start;
    figures.maxMs = Math.max(figures.maxMs, call.end - call.start);
    if (call.bytes !== undefined) (sizes[call.method] ??= []).push(call.bytes);
  }
  for (const [method, list] of Object.entries(sizes)) profile.rpc[method]!.meanBytes = list.reduce((a, b) => a + b, 0) / list.length;
  return profile;
}

/** The calls that act on resources (configure and the like left out), summed. */
export function resourceCalls(profile: CliProfile): RpcFigures & { methods: string } {
  const wanted = ["check", "diff", "create", "update", "read", "delete"];
  const parts = wanted.filter((m) => profile.rpc[m]).map((m) => [m, profile.rpc[m]!] as const);
  const count = parts.reduce((sum, [, f]) => sum + f.count, 0);
  const totalMs = parts.reduce((sum, [, f]) => sum + f.totalMs, 0);
  const bytes = parts.reduce((sum, [, f]) => sum + f.meanBytes * f.count, 0);
  const maxMs = Math.max(0, ...parts.map(([, f]) => f.maxMs));
  return { count, totalMs, maxMs, meanBytes: count ? bytes / count : 0, methods: parts.map(([m, f]) => `${m} ${f.count}`).join(", ") };
}
