/**
 * What every resource shares: the scope a resource lives in, check failures that name the property,
 * and value comparison for diffs.
 */
import { z } from "zod";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import {
  accountIdSchema,
  dispatchNamespaceNameSchema,
  dispatchScriptNameSchema,
  scriptNameSchema,
} from "../cloudflare/schemas";
import { resolveAccountId, type Scope } from "../cloudflare";
import { snakeToCamel } from "./case";

export type CheckFailure = dynamic.CheckFailure;

/** The inputs that place every resource: which account, which namespace, which Worker. */
export interface ScopeInputs {
  accountId?: string;
  scriptName?: string;
  dispatchNamespace?: string;
}

/** A Pulumi property path from a zod issue path: `bindings[0].namespaceId`. */
export function propertyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += (out ? "." : "") + snakeToCamel(String(segment));
  }
  return out;
}

/** zod issues → `{property, reason}`: property is the top-level input, reason names the full path and the fix. */
export function failuresFrom(error: z.ZodError, prefix: readonly PropertyKey[] = []): CheckFailure[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const full = propertyPath(path);
    const top = path.length > 0 ? snakeToCamel(String(path[0])) : "";
    return { property: top, reason: `${full || "input"}: ${describeIssue(issue)}` };
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator) {
    const options = (issue as { options?: unknown[] }).options;
    return `unknown ${String(issue.discriminator)}; expected one of: ${(options ?? []).join(", ")}`;
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => snakeToCamel(k)).join(", ")}: remove or correct the spelling`;
  }
  return issue.message;
}

/** Validates the scope inputs; resolves the account from stack config or CLOUDFLARE_ACCOUNT_ID when not given. */
export function checkScope(news: ScopeInputs, failures: CheckFailure[], needsScript = true): ScopeInputs {
  const out: ScopeInputs = {};
  let accountId = news.accountId;
  if (accountId === undefined || accountId === "") {
    try {
      accountId = resolveAccountId();
    } catch (error) {
      failures.push({ property: "accountId", reason: (error as Error).message });
    }
  }
  if (accountId !== undefined) {
    const parsed = accountIdSchema.safeParse(accountId);
    if (parsed.success) out.accountId = accountId;
    else failures.push({ property: "accountId", reason: `accountId "${printable(accountId)}": ${parsed.error.issues[0]!.message}` });
  }
  if (news.dispatchNamespace !== undefined) {
    const parsed = dispatchNamespaceNameSchema.safeParse(news.dispatchNamespace);
    if (parsed.success) out.dispatchNamespace = news.dispatchNamespace;
    else failures.push({ property: "dispatchNamespace", reason: `dispatchNamespace: ${parsed.error.issues[0]!.message}` });
  }
  if (needsScript) {
    const schema = news.dispatchNamespace !== undefined ? dispatchScriptNameSchema : scriptNameSchema;
    const parsed = schema.safeParse(news.scriptName);
    if (parsed.success) out.scriptName = news.scriptName;
    else {
      const shown = typeof news.scriptName === "string" ? ` "${printable(news.scriptName)}"` : "";
      failures.push({ property: "scriptName", reason: `scriptName${shown}: ${news.scriptName === undefined ? "required" : parsed.error.issues[0]!.message}` });
    }
  }
  return out;
}

/** A value safe to echo in an error: control characters shown escaped, long values cut. */
export function printable(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped;
}

export function scopeOf(props: ScopeInputs): Scope {
  return { accountId: resolveAccountId(props.accountId), dispatchNamespace: props.dispatchNamespace };
}

/** Resource ids: `accountId/scriptName`, or `accountId/namespace/scriptName` inside a dispatch namespace. */
export function scriptResourceId(scope: Scope, scriptName: string, ...rest: string[]): string {
  return [scope.accountId, ...(scope.dispatchNamespace ? [scope.dispatchNamespace] : []), scriptName, ...rest].join("/");
}

/** Deep equality of JSON-like values, treating `undefined` members as absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** JSON with object keys sorted and undefined members dropped: a canonical text of a JSON-like value. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "undefined";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as Record<string, unknown>).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Drops `undefined` members (Pulumi state cannot hold them). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A table-driven diff: each field says whether a change replaces the resource or updates it in place; fields
 * not in the table (outputs the server measures, `__provider`) are ignored. `normalise` gives the canonical
 * form of a field, so that server defaults and ordering never show as changes.
 */
export interface DiffField {
  kind: "replace" | "update";
  normalise?: (value: unknown) => unknown;
}

export function diffByTable(
  table: Record<string, DiffField>,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { changed: string[]; replaces: string[] } {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const [field, rule] of Object.entries(table)) {
    const normalise = rule.normalise ?? ((v: unknown) => v);
    if (!sameValue(normalise(olds[field]), normalise(news[field]))) {
      changed.push(field);
      if (rule.kind === "replace") replaces.push(field);
    }
  }
  return { changed, replaces };
}

/**
 * After a read: every field whose live value equals the stored one (canonically) keeps its stored form, so a
 * refresh of an unchanged resource changes no output, not even the order of a list or a default spelled out.
 */
export function keepStoredWhenSame<T extends Record<string, unknown>>(table: Record<string, DiffField>, stored: T, live: T): T {
  const out: Record<string, unknown> = { ...live };
  for (const [field, rule] of Object.entries(table)) {
    const normalise = rule.normalise ?? ((v: unknown) => v);
    if (sameValue(normalise(stored[field]), normalise(live[field]))) out[field] = stored[field];
  }
  return compact(out) as T;
}

export function diffResult(change: { changed: string[]; replaces: string[] }, deleteBeforeReplace = false): dynamic.DiffResult {
  return {
    changes: change.changed.length > 0,
    replaces: change.replaces,
    deleteBeforeReplace: change.replaces.length > 0 ? deleteBeforeReplace : undefined,
  };
}
