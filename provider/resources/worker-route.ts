/**
 * WorkerRoute: a URL pattern of a zone that runs a Worker (`example.com/api/*` → `api`).
 *
 * Lifecycle → endpoints:
 *   create   POST /zones/{zone_id}/workers/routes {pattern, script}; with adopt, GET the zone's routes first
 *            and take over a route of the same pattern (PUT only if it runs another Worker)
 *   read     GET /zones/{zone_id}/workers/routes/{route_id}
 *   update   PUT …/routes/{route_id} {pattern, script} (a pattern or Worker change is made in place)
 *   delete   DELETE …/routes/{route_id}
 *
 * Check refuses what no zone accepts (a query, an infix `*`, a host wildcard past the start); whether the
 * pattern is on the zone is the API's to say (10022), and the error then names the pattern and the zone.
 * A pattern another route holds (10020) names the Worker holding it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  createRoute,
  deleteRoute,
  getDefaultClient,
  getRoute,
  getZone,
  isNotFound,
  listRoutes,
  updateRoute,
  type CloudflareApiError,
  type CloudflareClient,
  type WorkerRouteWire,
} from "../cloudflare";
import { parseRoutePattern, routePatternKey, routeScript, scriptNameSchema, zoneIdSchema } from "../cloudflare/schemas";
import { compact } from "./common";
import {
  ADOPT_FIELD,
  checkWith,
  clientOf,
  defineFields,
  diffWith,
  inputsFromWire,
  keepStoredWhenSame,
  type ClientSource,
  type InputsOf,
} from "./fields";
import { cloudflareSays, refusalCode, ResourceInputError } from "./refusals";
import { routeUrl } from "./urls";

/** A pattern Cloudflare could accept on some zone (rules of the routes documentation, "Validity"). */
export const routePatternSchema = z.string({ error: "expected a route pattern such as example.com/*" }).superRefine((pattern, ctx) => {
  const parts = parseRoutePattern(pattern);
  if ("problem" in parts) ctx.addIssue({ code: "custom", message: `${JSON.stringify(pattern)} ${parts.problem}` });
});

export const WORKER_ROUTE_FIELDS = defineFields(
  {
    /** The zone of the pattern (Zone ID on the zone's Overview page). */
    zoneId: { schema: zoneIdSchema, diff: "replace", quote: true },
    /**
     * `[http(s)://][*|*.]host[/path[*]]`, e.g. "example.com/api/*", "*.example.com/*". The host is the zone or
     * a subdomain of it and may begin with `*` or `*.` only; the path may end with `*` only (no infix wildcard
     * such as `/*.jpg`). No query (`?`: end the path with `*` to match any query), fragment, port or user info,
     * and no scheme but http:// or https://. The host is compared in any case, the path case-sensitively.
     */
    pattern: {
      schema: routePatternSchema,
      diff: "update",
      wire: "pattern",
      normalise: (v) => (typeof v === "string" ? routePatternKey(v) : v),
    },
    /** The Worker the pattern runs. */
    scriptName: { schema: scriptNameSchema, diff: "update", wire: "script", quote: true },
    /** Take over a route of the same pattern (even one running another Worker) instead of failing. */
    adopt: ADOPT_FIELD,
    /** The route's id, set by create (an output). */
    routeId: { schema: z.string().optional(), diff: "ignore", computed: true },
    /** Output: the URL the pattern serves (`example.com/api/*` → https://example.com/api/); unset for a host wildcard. */
    url: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerRoute",
);
const FIELDS = WORKER_ROUTE_FIELDS;

export type WorkerRouteInputs = InputsOf<typeof FIELDS>;
export type WorkerRouteOutputs = WorkerRouteInputs & { routeId: string };

const ROUTE_REFUSALS = [10019, 10020, 10022] as const;

function body(inputs: WorkerRouteInputs) {
  return { pattern: inputs.pattern, script: inputs.scriptName };
}

function routeIdOf(id: string, props: Partial<WorkerRouteOutputs>): string {
  return props.routeId ?? id.split("/").pop()!;
}

/** The route of the zone holding the same pattern, if any. */
async function holderOf(client: CloudflareClient, zoneId: string, pattern: string): Promise<WorkerRouteWire | undefined> {
  const key = routePatternKey(pattern);
  return (await listRoutes(client, zoneId)).find((r) => typeof r.pattern === "string" && routePatternKey(r.pattern) === key);
}

/** Rethrows a refused route write as an error naming the property, the pattern, the zone or the other Worker. */
async function explain(client: CloudflareClient, error: unknown, inputs: WorkerRouteInputs): Promise<never> {
  const code = refusalCode(error, ROUTE_REFUSALS);
  if (code === undefined) throw error;
  const says = cloudflareSays(error as CloudflareApiError);
  if (code === 10019) {
    throw new ResourceInputError(
      "scriptName",
      `WorkerRoute scriptName: Worker ${JSON.stringify(inputs.scriptName)} does not exist in the zone's account (${says}); deploy the Worker first (pass WorkerScript.scriptName so the route waits for it)`,
      { cause: error },
    );
  }
  if (code === 10020) {
    const holder = await holderOf(client, inputs.zoneId, inputs.pattern).catch(() => undefined);
    const script = holder === undefined ? undefined : routeScript(holder);
    const who = holder !== undefined && script !== undefined ? `Worker ${JSON.stringify(script)} (route ${holder.id})` : "another route";
    throw new ResourceInputError(
      "pattern",
      `WorkerRoute pattern ${JSON.stringify(inputs.pattern)}: already routed to ${who} on zone ${inputs.zoneId}; remove that route, use another pattern, or set adopt: true to take it over`,
      { cause: error },
    );
  }
  const zone = await getZone(client, inputs.zoneId).catch(() => undefined);
  throw new ResourceInputError(
    "pattern",
    `WorkerRoute pattern ${JSON.stringify(inputs.pattern)}: refused on zone ${zone?.name ?? inputs.zoneId}${zone ? ` (${inputs.zoneId})` : ""}: ${says}; a pattern's host must be the zone${zone ? ` ${zone.name}` : ""} or a subdomain of it`,
    { cause: error },
  );
}

function outputs(inputs: WorkerRouteInputs, route: WorkerRouteWire): WorkerRouteOutputs {
  return compact({ ...inputs, routeId: route.id, url: routeUrl(inputs.pattern) }) as WorkerRouteOutputs;
}

export function makeWorkerRouteProvider(client: ClientSource = getDefaultClient) {
  return {
    check: checkWith("WorkerRoute", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const c = clientOf(client);
      let route: WorkerRouteWire;
      try {
        const held = inputs.adopt ? await holderOf(c, inputs.zoneId, inputs.pattern) : undefined;
        if (held === undefined) route = await createRoute(c, inputs.zoneId, body(inputs));
        else
          route =
            routeScript(held) === inputs.scriptName && held.pattern === inputs.pattern
              ? held
              : await updateRoute(c, inputs.zoneId, held.id, body(inputs));
      } catch (error) {
        // Our own route whose answer was lost (same pattern, same Worker): it is the route we asked for.
        if (refusalCode(error, [10020]) !== undefined) {
          const held = await holderOf(c, inputs.zoneId, inputs.pattern);
          if (held !== undefined && routeScript(held) === inputs.scriptName && held.pattern === inputs.pattern) {
            return { id: `${inputs.zoneId}/${held.id}`, outs: outputs(inputs, held) };
          }
        }
        return explain(c, error, inputs);
      }
      return { id: `${inputs.zoneId}/${route.id}`, outs: outputs(inputs, route) };
    },

    async read(id, props) {
      if (!props) return {};
      try {
        const answer = await getRoute(clientOf(client), props.zoneId, routeIdOf(id, props));
        // An answer without the pattern says nothing about it; a route without a Worker (null, "") is drift.
        const live = { ...answer, pattern: answer.pattern ?? props.pattern, script: routeScript(answer) };
        const fresh = compact({ ...props, scriptName: undefined, ...inputsFromWire(FIELDS, live) }) as WorkerRouteOutputs;
        const kept = keepStoredWhenSame(FIELDS, props, fresh);
        return { id, props: compact({ ...kept, url: routeUrl(kept.pattern) }) };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(id, olds, news) {
      const c = clientOf(client);
      const routeId = routeIdOf(id, olds);
      try {
        await updateRoute(c, news.zoneId, routeId, body(news));
      } catch (error) {
        return explain(c, error, news);
      }
      return { outs: compact({ ...news, routeId, url: routeUrl(news.pattern) }) as WorkerRouteOutputs };
    },

    async delete(id, props) {
      try {
        await deleteRoute(clientOf(client), props.zoneId, routeIdOf(id, props));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerRouteInputs, WorkerRouteOutputs>;
}

export const workerRouteProvider = makeWorkerRouteProvider();
