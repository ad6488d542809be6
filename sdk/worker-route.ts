import * as pulumi from "@pulumi/pulumi";
import type { WorkerRouteInputs } from "../provider/resources/worker-route";
import { lazyProvider } from "./lazy-provider";

export interface WorkerRouteArgs {
  /** The zone the pattern is on (Zone ID on the zone's Overview page). Changing it replaces the route. */
  zoneId: pulumi.Input<string>;
  /**
   * `[http(s)://][*|*.]host[/path[*]]` on that zone: `"example.com/api/*"`, `"*.example.com/*"`. No query, no
   * `*` but at the start of the host and the end of the path. A change is made in place.
   */
  pattern: pulumi.Input<string>;
  /** The Worker the pattern runs (pass `WorkerScript.scriptName` so the route waits for it). */
  scriptName: pulumi.Input<string>;
  /** Take over a route of the same pattern, even one running another Worker, instead of failing. */
  adopt?: pulumi.Input<boolean>;
}

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
    super(
      lazyProvider("workerRouteProvider"),
      name,
      { routeId: undefined, url: undefined, ...args },
      opts,
      "cloudflare-workers",
      "WorkerRoute",
    );
  }
}

export type WorkerRouteArgsAreInputs = keyof WorkerRouteArgs extends keyof WorkerRouteInputs ? true : never;
