/** Peak resident memory of a process: VmHWM from /proc/<pid>/status (Linux), in MiB. */
import { readFileSync } from "node:fs";

export function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined || pid <= 0) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** This process's peak resident memory in MiB (getrusage; works beyond Linux). */
export function ownPeakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
