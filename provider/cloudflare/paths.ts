/**
 * URL paths of the API, relative to the base URL (`…/client/v4`). Every interpolated segment is
 * percent-encoded, so a name can never add a path segment, a query or a fragment of its own.
 */

/** Tagged template: `path\`/accounts/${id}/workers/scripts/${name}\`` encodes each `${…}` with encodeURIComponent. */
export function path(strings: TemplateStringsArray, ...segments: string[]): string {
  let out = strings[0] ?? "";
  segments.forEach((segment, i) => {
    if (typeof segment !== "string" || segment.length === 0) {
      throw new TypeError(`path segment ${i + 1} of "${strings.join("{…}")}" is empty or not a string`);
    }
    // "." and ".." survive encodeURIComponent and would be resolved away by URL parsing: refuse them.
    if (segment === "." || segment === "..") {
      throw new TypeError(`path segment "${segment}" is not allowed`);
    }
    out += encodeURIComponent(segment) + (strings[i + 1] ?? "");
  });
  return out;
}

/** Where a script lives: directly on the account, or inside a Workers for Platforms dispatch namespace. */
export interface Scope {
  accountId: string;
  dispatchNamespace?: string;
}

/** `/accounts/{a}/workers/scripts/{n}` or `/accounts/{a}/workers/dispatch/namespaces/{ns}/scripts/{n}`. */
export function scriptPath(scope: Scope, scriptName: string): string {
  return scope.dispatchNamespace === undefined
    ? path`/accounts/${scope.accountId}/workers/scripts/${scriptName}`
    : path`/accounts/${scope.accountId}/workers/dispatch/namespaces/${scope.dispatchNamespace}/scripts/${scriptName}`;
}

/**
 * Names a Worker and where it lives, in every message that places one: `Worker "api" in account 0123…` or
 * `Worker "api" in dispatch namespace "ns" of account 0123…`.
 */
export function describeWorker(scope: Scope, scriptName: string): string {
  return `Worker ${JSON.stringify(scriptName)} in ${describeScope(scope)}`;
}

/** Describes a scope for people: "account 0123…" or "dispatch namespace "ns" of account 0123…". */
export function describeScope(scope: Scope): string {
  return scope.dispatchNamespace === undefined
    ? `account ${scope.accountId}`
    : `dispatch namespace ${JSON.stringify(scope.dispatchNamespace)} of account ${scope.accountId}`;
}
