/**
 * What every resource shares: the scope a resource lives in, check failures that name the property,
 * and value comparison for diffs. The field tables built on these are in fields.ts.
 */
import { z } from "zod";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { resolveAccountId, type Scope } from "../cloudflare";
import { snakeToCamel } from "./case";

export type CheckFailure = dynamic.CheckFailure;

/** The inputs that place a resource: which account, which namespace (the fields are in fields.ts). */
export interface ScopeInputs {
  accountId?: string;
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
