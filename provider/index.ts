/**
 * `pulumi-cloudflare-workers/provider`: the resource implementations, required lazily by the small provider
 * objects that the SDK serializes into state. Keep these export names stable: state written by older
 * versions calls them.
 */
import "./node-version"; // first: refuses a Node.js older than the floor in one line, before undici loads
import { notice, READ_CONFIG_KEYS, setStackConfig } from "./cloudflare";

export { workerScriptProvider } from "./resources/worker-script";
export { workerSecretProvider } from "./resources/worker-secret";
export { workerScriptSettingsProvider } from "./resources/worker-script-settings";
export { workerSubdomainProvider } from "./resources/worker-subdomain";
export { dispatchNamespaceProvider } from "./resources/dispatch-namespace";
export { workerCronTriggerProvider } from "./resources/worker-cron-trigger";
export { workerRouteProvider } from "./resources/worker-route";
export { workerCustomDomainProvider } from "./resources/worker-custom-domain";
export { workerVersionProvider } from "./resources/worker-version";
export { workerDeploymentProvider } from "./resources/worker-deployment";
export { workerQueueConsumerProvider } from "./resources/worker-queue-consumer";
export { workflowProvider } from "./resources/workflow";

/**
 * Called by the dynamic-provider host with the stack's configuration; kept in memory only. The keys are the
 * client's: @pulumi/cloudflare v6's credentials (`cloudflare:apiToken`, …) and this package's own settings
 * (`cloudflare-workers:accountId`, …). A deprecated key in use is reported once per provider process.
 */
export function configure(config: { get(key: string): string | undefined }): void {
  const values: Record<string, string> = {};
  for (const key of READ_CONFIG_KEYS) {
    const value = config.get(key);
    if (value !== undefined) values[key] = value;
  }
  for (const warning of setStackConfig(values)) notice("warning", warning);
  notice("debug", `provider process ${process.pid} on Node.js ${process.version}`);
}
