/**
 * Example 3: a customer's Worker uploaded into a Workers for Platforms dispatch namespace, with a secret.
 * The namespace must exist (create it with `wrangler dispatch-namespace create customers`, or in the same
 * stack once a DispatchNamespace resource is available).
 *
 * Config: `namespace` (default "customers"), `customer` (default "acme"), `customerKey` (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import { WorkerScript, WorkerSecret } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const dispatchNamespace = config.get("namespace") ?? "customers";
const customer = config.get("customer") ?? "acme";

const worker = new WorkerScript("customer-worker", {
  dispatchNamespace,
  scriptName: `customer-${customer}`,
  content: `export default { async fetch(request, env) { return new Response("Hello from ${customer} (" + env.PLAN + ")"); } };`,
  compatibilityDate: "2025-09-01",
  bindings: [{ type: "plain_text", name: "PLAN", text: config.get("plan") ?? "free" }],
});

new WorkerSecret("customer-key", {
  dispatchNamespace,
  scriptName: worker.scriptName,
  name: "CUSTOMER_KEY",
  text: config.requireSecret("customerKey"),
});

export const customerWorker = worker.scriptName;
