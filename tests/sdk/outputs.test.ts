/**
 * Every output a resource class declares exists on the object a program gets, even when the program leaves
 * the matching input unset: Pulumi makes an output only of the keys passed to it (transferProperties in
 * @pulumi/pulumi's runtime/rpc.ts), so `subdomain.previewsEnabled.apply(…)` must not throw.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdk from "../../sdk";

/** Each resource with only its required inputs, and the declared outputs whose inputs it leaves unset. */
const CASES: [string, () => object, string[]][] = [
  ["WorkerSubdomain", () => new sdk.WorkerSubdomain("s", { scriptName: "api", enabled: true }), ["accountId", "previewsEnabled", "url"]],
  ["WorkerCronTrigger", () => new sdk.WorkerCronTrigger("c", { scriptName: "api", crons: [] }), ["accountId", "crons"]],
  ["WorkerScriptSettings", () => new sdk.WorkerScriptSettings("t", { scriptName: "api" }), ["accountId", "logpush", "tags"]],
  [
    "WorkerScript",
    () => new sdk.WorkerScript("w", { scriptName: "api", content: "export default {}" }),
    ["accountId", "dispatchNamespace", "mainModule", "compatibilityDate", "compatibilityFlags", "usageModel", "bindings"],
  ],
  [
    "WorkerSecret",
    () => new sdk.WorkerSecret("k", { scriptName: "api", name: "K", text: "v" }),
    ["accountId", "dispatchNamespace", "text"],
  ],
  ["Workflow", () => new sdk.Workflow("f", { workflowName: "w", scriptName: "api", className: "W" }), ["accountId", "workflowId"]],
];

describe("declared outputs of resources built with only their required inputs", () => {
  const built = new Map<string, object>();

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
      "proj",
      "dev",
      false,
    );
    for (const [name, build] of CASES) built.set(name, build());
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it.each(CASES)("%s has each of them as an output", (name, _build, keys) => {
    const resource = built.get(name) as Record<string, unknown>;
    for (const key of keys) expect([key, pulumi.Output.isInstance(resource[key])]).toEqual([key, true]);
  });
});
