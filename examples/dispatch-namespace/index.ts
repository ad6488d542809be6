/**
 * Example 3: a Workers for Platforms setup in one stack: the dispatch namespace, a customer's Worker
 * uploaded into it, and the customer's secret.
 *
 * Config: `namespace` (default "customers"), `customer` (default "acme"), `customerKey` (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import { DispatchNamespace, WorkerScript, WorkerSecret } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const customer = config.get("customer") ?? "acme";

const namespace = new DispatchNamespace("customers", { name: config.get("namespace") ?? "customers" });
const dispatchNamespace = namespace.name;

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
