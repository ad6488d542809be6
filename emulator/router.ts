/**
 * The routing table: routes are written as paths under `/client/v4` with `:param` segments, and match
 * percent-decoded parameters. Script routes are registered once per scope (account and dispatch namespace).
 */
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, ERROR, type Reply } from "./envelope";
import type { StateStore, StoredAccount } from "./state";

export interface EmulatorRuntime {
  store: StateStore;
  /** Lifetime of an assets upload session JWT and of a completion token, ms. */
  assetsSessionTtlMs: number;
  /** Cron triggers allowed per account (10072 beyond); default the Workers Paid plan's 250. */
  cronTriggerLimit?: number;
}

export interface RouteContext {
  method: string;
  /** Path under `/client/v4`, as received. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  account: StoredAccount;
  runtime: EmulatorRuntime;
  /** "wrangler" when the User-Agent says so, otherwise "api": recorded as the source of versions. */
  source: string;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
  /** The route authenticates with an assets upload-session JWT instead of an API token. */
  auth?: "api" | "assets-session";
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export const ACCOUNT_PREFIX = "/accounts/:account";
export const SCRIPT_SCOPES = [
  `${ACCOUNT_PREFIX}/workers/scripts/:script`,
  `${ACCOUNT_PREFIX}/workers/dispatch/namespaces/:namespace/scripts/:script`,
] as const;

/**
 * Script sub-paths the API has at account scope only. The official SDK's dispatch-namespace script resources
 * are content, settings, bindings, secrets, tags and asset-upload: no `…/script-settings`, `…/usage-model`,
 * `…/versions` or `…/deployments` under a namespace script. A path the API does not route answers 404, 7003.
 */
export const ACCOUNT_ONLY_SUFFIXES = ["/script-settings", "/usage-model", "/versions", "/deployments"] as const;

function accountOnly(suffix: string): boolean {
  return ACCOUNT_ONLY_SUFFIXES.some((s) => suffix === s || suffix.startsWith(`${s}/`));
}

/** The API's answer to a path it does not route (seen for namespace-scope paths the API lacks). */
export const notRouted: Handler = (ctx) => {
  throw new ApiError(404, ERROR.NOT_ROUTED, `Could not route to ${ctx.path}, perhaps your object identifier is invalid?`);
};

/**
 * The same handler on a script sub-path in both scopes (account, dispatch namespace); a sub-path the API has
 * at account scope only answers 404/7003 in a namespace, as the API does.
 */
export function inBothScopes(method: string, suffix: string, handler: Handler): Route[] {
  return SCRIPT_SCOPES.map((scope, i) => ({
    method,
    pattern: `${scope}${suffix}`,
    handler: i === 1 && accountOnly(suffix) ? notRouted : handler,
  }));
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: Route[]): void {
    for (const r of routes) {
      const names: string[] = [];
      const source = r.pattern
        .split("/")
        .map((seg) => {
          if (seg.startsWith(":")) {
            names.push(seg.slice(1));
            return "([^/]+)";
          }
          return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        })
        .join("/");
      this.routes.push({ ...r, regex: new RegExp(`^${source}/?$`), names });
    }
  }

  /** The route for a method and path, or an ApiError: 404/7000 for an unknown path, 405 for a known path. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } {
    let pathKnown = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (m === null) continue;
      pathKnown = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw new ApiError(400, ERROR.UNPARSABLE_BODY, `path segment ${JSON.stringify(m[i + 1])} is not valid percent-encoding`);
        }
      });
      return { route: r, params };
    }
    if (pathKnown) throw new ApiError(405, ERROR.METHOD_NOT_ALLOWED, `method ${method} not allowed on ${path}`);
    throw new ApiError(404, ERROR.NO_ROUTE, "No route for that URI");
  }
}
