/** Counting API calls from the emulator's request log: reads (GET) and writes, and a breakdown by endpoint. */
import type { RecordedRequest } from "../../emulator";

export interface CallCount {
  reads: number;
  writes: number;
  total: number;
  /** "METHOD /path/template" → count, script and secret names replaced by placeholders. */
  byEndpoint: Record<string, number>;
}

/** `/accounts/<id>/workers/scripts/fleet-12/secrets/API_KEY` → `/workers/scripts/{script}/secrets/{secret}`. */
export function endpointTemplate(path: string): string {
  return path
    .replace(/^\/accounts\/[0-9a-f]{32}/, "")
    .replace(/\/scripts\/[^/]+/, "/scripts/{script}")
    .replace(/\/services\/[^/]+/, "/services/{script}")
    .replace(/\/secrets\/[^/]+/, "/secrets/{secret}")
    .replace(/\/versions\/[^/]+/, "/versions/{version}")
    .replace(/\/deployments\/[^/]+/, "/deployments/{deployment}");
}

export function countCalls(requests: readonly RecordedRequest[]): CallCount {
  const byEndpoint: Record<string, number> = {};
  let reads = 0;
  for (const request of requests) {
    if (request.method === "GET" || request.method === "HEAD") reads++;
    const key = `${request.method} ${endpointTemplate(request.path)}`;
    byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
  }
  return { reads, writes: requests.length - reads, total: requests.length, byEndpoint };
}

export function addCounts(a: CallCount, b: CallCount): CallCount {
  const byEndpoint = { ...a.byEndpoint };
  for (const [key, n] of Object.entries(b.byEndpoint)) byEndpoint[key] = (byEndpoint[key] ?? 0) + n;
  return { reads: a.reads + b.reads, writes: a.writes + b.writes, total: a.total + b.total, byEndpoint };
}

export const NO_CALLS: CallCount = { reads: 0, writes: 0, total: 0, byEndpoint: {} };

/** Takes (and clears) what the emulator recorded since the last take. */
export function takeRequests(emulator: { requests: RecordedRequest[]; clearRequests(): void }): RecordedRequest[] {
  const taken = [...emulator.requests];
  emulator.clearRequests();
  return taken;
}

/** The largest number of requests inside any window of `windowMs` (times in ms, any order). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
