/**
 * Type-level tests, run by `npm run typecheck` (tsconfig.json includes tests/): each line fails to compile
 * when the sdk and the provider disagree. For every resource: the Args have the program-input keys of its
 * field table, the same ones required, the same types; the inputs the table marks `secret` are the ones the
 * sdk makes Pulumi secrets; each output the class declares is one the provider stores, of a type that holds
 * what it stores; and `lazyProvider` takes only the provider's export names.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "../../provider";
import type { DISPATCH_NAMESPACE_FIELDS } from "../../provider/resources/dispatch-namespace";
import type { Fields, ProgramInputsOf } from "../../provider/resources/fields";
import type { WORKER_CRON_TRIGGER_FIELDS } from "../../provider/resources/worker-cron-trigger";
import type { WORKER_CUSTOM_DOMAIN_FIELDS } from "../../provider/resources/worker-custom-domain";
import type { WORKER_DEPLOYMENT_FIELDS } from "../../provider/resources/worker-deployment";
import type { WORKER_QUEUE_CONSUMER_FIELDS } from "../../provider/resources/worker-queue-consumer";
import type { WORKER_ROUTE_FIELDS } from "../../provider/resources/worker-route";
import type { WORKER_SCRIPT_SETTINGS_FIELDS } from "../../provider/resources/worker-script-settings";
import type { WORKER_SCRIPT_FIELDS, WorkerScriptProgramInputs } from "../../provider/resources/worker-script";
import type { WORKER_SECRET_FIELDS } from "../../provider/resources/worker-secret";
import type { WORKER_SUBDOMAIN_FIELDS } from "../../provider/resources/worker-subdomain";
import type { WORKER_VERSION_FIELDS, WorkerVersionProgramInputs } from "../../provider/resources/worker-version";
import type { WORKFLOW_FIELDS } from "../../provider/resources/workflow";
import type * as sdk from "../../sdk";
import { lazyProvider } from "../../sdk/lazy-provider";
import type { WORKER_SECRET_SECRET_INPUTS } from "../../sdk/worker-secret";
import type { ArgsOf } from "../../sdk/types";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** Written here from the table's own shape, not imported from the sdk, so the sdk cannot agree with itself. */
type TableSecrets<F extends Fields> = { [K in keyof F]: F[K] extends { secret: true } ? K : never }[keyof F];

/** What the provider stores as outputs: its create's `outs`, by export name. */
type StoredOutputs<Name extends keyof typeof provider> = (typeof provider)[Name] extends { create(...args: never[]): Promise<infer R> }
  ? NonNullable<R extends { outs?: infer O } ? O : never>
  : never;

type DeclaredOutputs<R> = {
  [K in Exclude<keyof R, keyof pulumi.CustomResource>]-?: R[K] extends pulumi.Output<infer V> ? V : never;
};
/**
 * Every declared output is a key the provider stores, and what it stores there fits the declared type (less
 * `undefined`: several classes declare an output the provider's type leaves optional, e.g. `domainId`).
 */
type OutputsFit<R, O> = [O] extends [never]
  ? false
  : {
      [K in keyof DeclaredOutputs<R>]: K extends keyof O
        ? [Exclude<O[K], undefined>] extends [DeclaredOutputs<R>[K]]
          ? true
          : false
        : false;
    }[keyof DeclaredOutputs<R>];

/** Keys, required keys, each key's type and the secret keys agree. */
type Agrees<Args, F extends Fields, SdkSecrets> = [
  Equal<keyof Args, keyof ProgramInputsOf<F>>,
  Equal<RequiredKeys<Args>, RequiredKeys<ProgramInputsOf<F>>>,
  MutuallyAssignable<Args, ArgsOf<ProgramInputsOf<F>>>,
  Equal<SdkSecrets, TableSecrets<F>>,
] extends [true, true, true, true]
  ? true
  : false;

/** The sdk makes these inputs Pulumi secrets; `never` where it makes none. */
type WorkerSecretSecrets = keyof typeof WORKER_SECRET_SECRET_INPUTS;

export type Tests = [
  Expect<Agrees<sdk.DispatchNamespaceArgs, typeof DISPATCH_NAMESPACE_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerScriptArgs, typeof WORKER_SCRIPT_FIELDS, never>>,
  Expect<MutuallyAssignable<sdk.WorkerScriptArgs, ArgsOf<WorkerScriptProgramInputs>>>,
  Expect<Agrees<sdk.WorkerVersionArgs, typeof WORKER_VERSION_FIELDS, never>>,
  Expect<MutuallyAssignable<sdk.WorkerVersionArgs, ArgsOf<WorkerVersionProgramInputs>>>,
  Expect<Agrees<sdk.WorkerDeploymentArgs, typeof WORKER_DEPLOYMENT_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerSecretArgs, typeof WORKER_SECRET_FIELDS, WorkerSecretSecrets>>,
  Expect<Agrees<sdk.WorkerScriptSettingsArgs, typeof WORKER_SCRIPT_SETTINGS_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerSubdomainArgs, typeof WORKER_SUBDOMAIN_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerCronTriggerArgs, typeof WORKER_CRON_TRIGGER_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerRouteArgs, typeof WORKER_ROUTE_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerCustomDomainArgs, typeof WORKER_CUSTOM_DOMAIN_FIELDS, never>>,
  Expect<Agrees<sdk.WorkerQueueConsumerArgs, typeof WORKER_QUEUE_CONSUMER_FIELDS, never>>,
  Expect<Agrees<sdk.WorkflowArgs, typeof WORKFLOW_FIELDS, never>>,

  Expect<OutputsFit<sdk.DispatchNamespace, StoredOutputs<"dispatchNamespaceProvider">>>,
  Expect<OutputsFit<sdk.WorkerScript, StoredOutputs<"workerScriptProvider">>>,
  Expect<OutputsFit<sdk.WorkerVersion, StoredOutputs<"workerVersionProvider">>>,
  Expect<OutputsFit<sdk.WorkerDeployment, StoredOutputs<"workerDeploymentProvider">>>,
  Expect<OutputsFit<sdk.WorkerSecret, StoredOutputs<"workerSecretProvider">>>,
  Expect<OutputsFit<sdk.WorkerScriptSettings, StoredOutputs<"workerScriptSettingsProvider">>>,
  Expect<OutputsFit<sdk.WorkerSubdomain, StoredOutputs<"workerSubdomainProvider">>>,
  Expect<OutputsFit<sdk.WorkerCronTrigger, StoredOutputs<"workerCronTriggerProvider">>>,
  Expect<OutputsFit<sdk.WorkerRoute, StoredOutputs<"workerRouteProvider">>>,
  Expect<OutputsFit<sdk.WorkerCustomDomain, StoredOutputs<"workerCustomDomainProvider">>>,
  Expect<OutputsFit<sdk.WorkerQueueConsumer, StoredOutputs<"workerQueueConsumerProvider">>>,
  Expect<OutputsFit<sdk.Workflow, StoredOutputs<"workflowProvider">>>,
];

/** Never called: compiled only. A name that is no export of the provider does not compile. */
export function misspeltImplementationNames(): void {
  lazyProvider("workerRouteProvider");
  // @ts-expect-error not an export of pulumi-cloudflare-workers/provider
  lazyProvider("workerRoutesProvider");
  // @ts-expect-error configure is an export, but not a resource's implementation
  lazyProvider("configure");
}
