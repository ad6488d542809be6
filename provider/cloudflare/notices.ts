/**
 * What the client tells the person running `pulumi up` while it works, so that a limiter wait, a retry
 * after 429/5xx or a long upload does not look like a hung "creating...": one line each, written to the
 * provider process's stderr. The Pulumi CLI reads a plugin's stderr line by line and shows each line in
 * the command's output as a diagnostic (pulumi/pulumi pkg/resource/plugin/plugin.go, `runtrace`); the
 * dynamic-provider host has no engine connection of its own for `pulumi.log` (it only serves gRPC).
 *
 * Levels: warnings always; "info" (default) for waits, retries and progress; "debug" adds one line per
 * request (method, path, status, time, attempt). Lines never carry a credential, a secret or a body: the
 * callers build them from methods, paths (account and script names), statuses and durations only.
 */
import { resolveLogLevel, type LogLevel } from "./config";

export type NoticeLevel = "warning" | "info" | "debug";

/** Every line starts with this, so a reader of `pulumi up`'s output knows where it comes from. */
export const NOTICE_PREFIX = "cloudflare-workers:";

let sink: (line: string) => void = (line) => {
  process.stderr.write(`${line}\n`);
};

const RANK: Record<NoticeLevel | LogLevel, number> = { off: 0, warning: 0, info: 1, debug: 2 };

/** Whether a notice of this level would be printed now (so a caller can skip building a debug line). */
export function noticeEnabled(level: NoticeLevel): boolean {
  if (level === "warning") return true;
  let configured: LogLevel;
  try {
    configured = resolveLogLevel();
  } catch {
    configured = "info";
  }
  return configured !== "off" && RANK[level] <= RANK[configured];
}

/** Prints one line for the person running the command, when the configured log level asks for it. */
export function notice(level: NoticeLevel, message: string): void {
  if (!noticeEnabled(level)) return;
  const text = `${NOTICE_PREFIX} ${level === "warning" ? "warning: " : ""}${message.replace(/\s*\n\s*/g, " ")}`;
  try {
    sink(text);
  } catch {
    // Printing must never break a request.
  }
}

/** Test hook: where lines go (default: stderr). Returns a function restoring the previous sink. */
export function setNoticeSink(next: (line: string) => void): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/** "850 ms", "3.2 s", "2 min 5 s": a duration a person reads at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
