import * as pulumi from "@pulumi/pulumi";
import type { WORKER_ROUTE_FIELDS } from "../provider/resources/worker-route";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/**
 * The inputs of a WorkerRoute (derived from the provider's field table): `zoneId`, `pattern`
 * (`[http(s)://][*|*.]host[/path[*]]` on that zone), `scriptName` (pass `WorkerScript.scriptName` so the route
 * waits for the Worker), `adopt`.
 */
export type WorkerRouteArgs = ArgsOfFields<typeof WORKER_ROUTE_FIELDS>;

/** A URL pattern of a zone that runs a Worker in front of the zone's origin. */
export class WorkerRoute extends pulumi.dynamic.Resource {
  declare public readonly zoneId: pulumi.Output<string>;
  declare public readonly pattern: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  /** The route's id on the zone. */
  declare public readonly routeId: pulumi.Output<string>;
  /** The URL the pattern serves (`example.com/api/*` → `https://example.com/api/`); unset for a host wildcard. */
  declare public readonly url: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkerRouteArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { routeId: undefined, url: undefined, ...args } satisfies PropsOf<WorkerRoute>;
    super(lazyProvider("workerRouteProvider"), name, props, opts, "cloudflare-workers", "WorkerRoute");
  }
}
