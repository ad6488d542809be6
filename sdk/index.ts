/** `pulumi-cloudflare-workers`: the resources a stack program uses. */
import "../provider/node-version"; // first: refuses a Node.js older than the floor in one line, before undici loads
export { WorkerScript, type WorkerScriptArgs, type WorkerModuleArgs } from "./worker-script";
export { WorkerSecret, type WorkerSecretArgs, type WorkerSecretKeyArgs } from "./worker-secret";
export {
  WorkerScriptSettings,
  type WorkerScriptSettingsArgs,
  type WorkerObservabilityArgs,
  type WorkerTailConsumerArgs,
} from "./worker-script-settings";
export { WorkerSubdomain, type WorkerSubdomainArgs } from "./worker-subdomain";
export type { WorkerBinding } from "./types";
export { DispatchNamespace, type DispatchNamespaceArgs } from "./dispatch-namespace";
export { WorkerVersion, type WorkerVersionArgs } from "./worker-version";
export { WorkerDeployment, type WorkerDeploymentArgs, type WorkerDeploymentVersionArgs } from "./worker-deployment";
export * from "./discovery";
export { WorkerCronTrigger, type WorkerCronTriggerArgs } from "./worker-cron-trigger";
export { WorkerRoute, type WorkerRouteArgs } from "./worker-route";
export { WorkerCustomDomain, type WorkerCustomDomainArgs } from "./worker-custom-domain";
export { WorkerQueueConsumer, type WorkerQueueConsumerArgs } from "./worker-queue-consumer";
export { Workflow, type WorkflowArgs } from "./workflow";
