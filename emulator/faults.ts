/**
 * Fault injection: rules queued by tests answer the next matching requests with a chosen status, headers and
 * body, after a delay, or by dropping the connection; `applyFirst` runs the real handler before that (the
 * state changes, the answer is lost), and `holdMs` holds that answer back for a while.
 */
import { ERROR, failure, jsonReply, rawReply, type Reply } from "./envelope";

export interface FaultRule {
  method?: string;
  /** RegExp tested against, or string prefix of, the path after `/client/v4`. */
  path: RegExp | string;
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  delayMs?: number;
  dropConnection?: boolean;
  /** Run the real handler (state changes) THEN answer with the fault / drop the connection. */
  applyFirst?: boolean;
  /**
   * With `applyFirst`: hold the answer this long after the write is applied (then send it, or the fault), while
   * the request log already shows it (`held: true`). The window in which a test kills a client whose write
   * landed but whose answer never came back.
   */
  holdMs?: number;
  times: number;
}

interface QueuedFault {
  rule: FaultRule;
  remaining: number;
}

export class FaultQueue {
  private faults: QueuedFault[] = [];

  add(rule: FaultRule): void {
    if (!Number.isInteger(rule.times) || rule.times < 1) throw new Error("a fault rule needs times >= 1");
    if (!(rule.path instanceof RegExp) && typeof rule.path !== "string")
      throw new Error("a fault rule needs a path (RegExp or string prefix)");
    if (rule.holdMs !== undefined && rule.applyFirst !== true)
      throw new Error("holdMs holds an applied write's answer: it needs applyFirst");
    this.faults.push({ rule, remaining: rule.times });
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes one use of the first rule matching the request, if any. */
  take(method: string, path: string): FaultRule | undefined {
    for (const f of this.faults) {
      const r = f.rule;
      if (r.method !== undefined && r.method.toUpperCase() !== method) continue;
      const matches =
        r.path instanceof RegExp ? new RegExp(r.path.source, r.path.flags.replace("g", "")).test(path) : path.startsWith(r.path);
      if (!matches) continue;
      f.remaining -= 1;
      if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
      return r;
    }
    return undefined;
  }
}

/** The answer a fault gives (when it gives one): its body, or an envelope error for its status. */
export function faultReply(rule: FaultRule): Reply | undefined {
  if (rule.status === undefined) return undefined;
  const headers = rule.headers ?? {};
  if (rule.body === undefined) {
    const code = rule.status === 429 ? ERROR.RATE_LIMITED : ERROR.UNKNOWN;
    return failure(rule.status, [{ code, message: `injected fault: HTTP ${rule.status}` }], headers);
  }
  if (typeof rule.body === "string") {
    const looksJson = /^\s*[{[]/.test(rule.body);
    return rawReply(rule.status, rule.body, looksJson ? "application/json; charset=utf-8" : "text/plain; charset=utf-8", headers);
  }
  return jsonReply(rule.status, rule.body, headers);
}

/** A fault rule from the JSON of `POST /__emulator/faults` (`path` is a regex string). */
export function faultFromJson(value: unknown): FaultRule {
  if (typeof value !== "object" || value === null) throw new Error("a fault rule is a JSON object");
  const v = value as Record<string, unknown>;
  if (typeof v.path !== "string") throw new Error("path must be a regex string");
  const rule: FaultRule = { path: new RegExp(v.path), times: typeof v.times === "number" ? v.times : 1 };
  if (typeof v.method === "string") rule.method = v.method;
  if (typeof v.status === "number") rule.status = v.status;
  if (typeof v.headers === "object" && v.headers !== null) rule.headers = v.headers as Record<string, string>;
  if (typeof v.body === "string" || (typeof v.body === "object" && v.body !== null)) rule.body = v.body as string | object;
  if (typeof v.delayMs === "number") rule.delayMs = v.delayMs;
  if (typeof v.dropConnection === "boolean") rule.dropConnection = v.dropConnection;
  if (typeof v.applyFirst === "boolean") rule.applyFirst = v.applyFirst;
  if (typeof v.holdMs === "number") rule.holdMs = v.holdMs;
  return rule;
}
