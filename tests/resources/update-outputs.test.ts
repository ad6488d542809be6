/**
 * Every resource's `update` returns outputs computed from the new inputs and what the API says, never the old
 * inputs: an input that changes no API state (adopt, force, …) added and then removed leaves no diff behind.
 * What a preview runs is `diff(old outputs, new inputs)`; the engine calls `update` only when it shows a change.
 */
import { DEFAULT_ZONE } from "../../emulator";
import { queueSchema, uploadScript } from "../../provider/cloudflare";
import type * as providers from "../../provider";
import { dispatchNamespaceProvider } from "../../provider/resources/dispatch-namespace";
import type { ProviderOf } from "../../provider/resources/fields";
import { workerCronTriggerProvider } from "../../provider/resources/worker-cron-trigger";
import { workerCustomDomainProvider } from "../../provider/resources/worker-custom-domain";
import { workerDeploymentProvider } from "../../provider/resources/worker-deployment";
import { workerRouteProvider } from "../../provider/resources/worker-route";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { workerScriptSettingsProvider } from "../../provider/resources/worker-script-settings";
import { workerSecretProvider } from "../../provider/resources/worker-secret";
import { workerSubdomainProvider } from "../../provider/resources/worker-subdomain";
import { workerQueueConsumerProvider } from "../../provider/resources/worker-queue-consumer";
import { workflowProvider } from "../../provider/resources/workflow";
import { ACCOUNT, client, newRun, scope, useEmulator } from "../support";

useEmulator();

type AnyProvider = ProviderOf<Record<string, unknown>, Record<string, unknown>>;

interface Case {
  provider: unknown;
  /** What exists before the resource (its Worker). */
  before?: () => Promise<Record<string, unknown>>;
  inputs: (before: Record<string, unknown>) => Record<string, unknown>;
  /** Each input that changes no API state, with a value a program may set. */
  inert: Record<string, unknown>;
}

// A queue handler too: the API refuses a queue consumer Worker without one (11001).
const code = "export default { fetch() { return new Response('ok') }, queue() {} }";

async function worker(source = code): Promise<Record<string, unknown>> {
  const uploaded = await uploadScript(client(), scope, "api", {
    metadata: { main_module: "index.js", compatibility_date: "2025-01-01" },
    modules: [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from(source) }],
  });
  return { versionId: uploaded.deployment_id };
}

/** One row per resource the provider exports: a new resource without a row does not compile. */
const CASES: Record<Exclude<keyof typeof providers, "configure">, Case | "replaces on every change"> = {
  workerScriptProvider: {
    provider: workerScriptProvider,
    inputs: () => ({ accountId: ACCOUNT, scriptName: "api", content: code, compatibilityDate: "2025-01-01" }),
    inert: { adopt: true, force: true, trackVersion: true, firstVersionOnly: true, keepBindings: ["secret_text"] },
  },
  workerSecretProvider: {
    provider: workerSecretProvider,
    before: () => worker(),
    inputs: () => ({ accountId: ACCOUNT, scriptName: "api", name: "TOKEN", text: "value-0001" }),
    inert: { adopt: true },
  },
  workerScriptSettingsProvider: {
    provider: workerScriptSettingsProvider,
    before: () => worker(),
    inputs: () => ({ accountId: ACCOUNT, scriptName: "api", logpush: true }),
    inert: { adopt: true },
  },
  workerSubdomainProvider: {
    provider: workerSubdomainProvider,
    before: () => worker(),
    inputs: () => ({ accountId: ACCOUNT, scriptName: "api", enabled: true }),
    inert: { adopt: true },
  },
  dispatchNamespaceProvider: {
    provider: dispatchNamespaceProvider,
    inputs: () => ({ accountId: ACCOUNT, name: "tenants" }),
    inert: { adopt: true },
  },
  workerCronTriggerProvider: {
    provider: workerCronTriggerProvider,
    before: () => worker(),
    inputs: () => ({ accountId: ACCOUNT, scriptName: "api", crons: ["0 3 * * *"] }),
    inert: { adopt: true },
  },
  workerRouteProvider: {
    provider: workerRouteProvider,
    before: () => worker(),
    inputs: () => ({ zoneId: DEFAULT_ZONE.id, pattern: "example.com/api/*", scriptName: "api" }),
    inert: { adopt: true },
  },
  workerCustomDomainProvider: {
    provider: workerCustomDomainProvider,
    before: () => worker(),
    inputs: () => ({ accountId: ACCOUNT, hostname: "app.example.com", scriptName: "api" }),
    inert: { adopt: true, overrideExistingOrigin: true, overrideExistingDnsRecord: true },
  },
  workerVersionProvider: "replaces on every change",
  workerQueueConsumerProvider: {
    provider: workerQueueConsumerProvider,
    before: async () => {
      await worker();
      await client().request({ method: "POST", path: `/accounts/${ACCOUNT}/queues`, json: { queue_name: "orders" }, schema: queueSchema });
      return {};
    },
    inputs: () => ({ accountId: ACCOUNT, queueName: "orders", scriptName: "api" }),
    inert: { adopt: true },
  },
  workflowProvider: {
    provider: workflowProvider,
    before: () => worker(`export class OrderWorkflow {} ${code}`),
    inputs: () => ({ accountId: ACCOUNT, workflowName: "orders", scriptName: "api", className: "OrderWorkflow" }),
    inert: { adopt: true },
  },
  workerDeploymentProvider: {
    provider: workerDeploymentProvider,
    before: () => worker(),
    inputs: (before) => ({ accountId: ACCOUNT, scriptName: "api", versions: [{ versionId: before.versionId, percentage: 100 }] }),
    inert: { force: true },
  },
};

const ROWS = Object.entries(CASES).flatMap(([name, row]) =>
  typeof row === "string" ? [] : Object.entries(row.inert).map(([input, value]) => [name, input, value, row] as const),
);

async function checked(provider: AnyProvider, olds: Record<string, unknown> | undefined, inputs: Record<string, unknown>) {
  const result = await provider.check(olds, inputs);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

/** One `pulumi up` of `inputs` over `outs`: a diff, and an update when the diff shows a change. */
async function up(provider: AnyProvider, id: string, outs: Record<string, unknown>, inputs: Record<string, unknown>) {
  newRun();
  const news = await checked(provider, outs, inputs);
  const diff = await provider.diff(id, outs, news);
  const after = diff.changes ? (await provider.update(id, outs, news)).outs! : outs;
  return { news, outs: after };
}

it.each(ROWS)("%s: %s added, then removed, leaves a preview with no change", async (_name, input, value, row) => {
  const provider = row.provider as AnyProvider;
  const before = (await row.before?.()) ?? {};
  const base = row.inputs(before);
  const created = await provider.create(await checked(provider, undefined, base));

  const added = await up(provider, created.id, created.outs!, { ...base, [input]: value });
  expect(await provider.diff(created.id, added.outs, added.news)).toMatchObject({ changes: false });

  const removed = await up(provider, created.id, added.outs, base);
  expect(removed.outs).not.toHaveProperty(input);
  expect(await provider.diff(created.id, removed.outs, removed.news)).toMatchObject({ changes: false });
});
