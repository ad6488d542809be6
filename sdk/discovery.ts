/**
 * Discovery functions for stack programs: look up Workers that already exist, e.g. to adopt every Worker
 * carrying a tag, or to read the bindings of a Worker another team deploys.
 *
 * ```ts
 * const workers = await listWorkers({ tags: ["team-payments"] });
 * const settings = await getWorkerSettings({ scriptName: "billing" });
 * ```
 *
 * They run in the program (in previews too) and only read. Credentials and the default account come from
 * the stack config (`cloudflare:apiToken`, `cloudflare-workers:accountId`, …), then the CLOUDFLARE_* environment,
 * as for the resources. The implementations live in the provider package; this file knows nothing of HTTP.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  GetWorkerSettingsArgs,
  GetWorkerVersionArgs,
  ListWorkersArgs,
  SearchWorkersArgs,
  WorkerSearchRow,
  WorkerSettings,
  WorkerSummary,
  WorkerVersion,
} from "../provider/discovery";

export type {
  DiscoveredBinding,
  DiscoveredTailConsumer,
  GetWorkerSettingsArgs,
  GetWorkerVersionArgs,
  ListWorkersArgs,
  SearchWorkersArgs,
  WorkerSearchRow,
  WorkerSettings,
  WorkerSummary,
  WorkerVersion,
} from "../provider/discovery";

/** The implementation, loaded on first use (programs that never call these load nothing more) with the program's stack configuration. */
function discovery(): typeof import("../provider/discovery") {
  const provider = require("../provider") as typeof import("../provider");
  // The same keys a dynamic provider's configure() receives; read raw so a secret token logs no warning.
  provider.configure({ get: (key: string) => pulumi.runtime.getConfig(key) });
  return require("../provider/discovery") as typeof import("../provider/discovery");
}

/** The account's Workers (GET /workers/scripts), optionally only those carrying `tags`; or named Workers of a dispatch namespace. */
export async function listWorkers(args: ListWorkersArgs = {}): Promise<WorkerSummary[]> {
  return discovery().listWorkers(args);
}

/** Every Worker whose name contains `name` (or every Worker), all pages of scripts-search. */
export async function searchWorkers(args: SearchWorkersArgs = {}): Promise<WorkerSearchRow[]> {
  return discovery().searchWorkers(args);
}

/** A Worker's versioned configuration: bindings (secrets without values), compatibility date and flags, placement, limits, usage model. */
export async function getWorkerSettings(args: GetWorkerSettingsArgs): Promise<WorkerSettings> {
  return discovery().getWorkerSettings(args);
}

/** One version of a Worker: its bindings, script (etag, handlers) and runtime. */
export async function getWorkerVersion(args: GetWorkerVersionArgs): Promise<WorkerVersion> {
  return discovery().getWorkerVersion(args);
}
