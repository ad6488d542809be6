/**
 * Workers deployed "by hand" through the API, as a team would have them before adopting Pulumi: modules of
 * several types, many binding types, secrets of both kinds, script settings, a workers.dev subdomain, cron
 * triggers, a zone route, a custom domain, a queue it consumes, a Workflow it defines, and a Worker inside a
 * dispatch namespace.
 */
import { DEFAULT_ZONE } from "../../emulator";
import {
  createNamespace,
  createQueueConsumer,
  createRoute,
  putDomain,
  putWorkflow,
  queueSchema,
  putSchedules,
  patchScriptSettings,
  putSecret,
  setSubdomain,
  uploadScript,
  type CloudflareClient,
  type Scope,
} from "../../provider/cloudflare";

export const NAMESPACE = "customers";

/** The values of the secrets as deployed; the generated program gets them back through config secrets. */
export const SECRET_VALUES = {
  apiKey: "sk_live_api_key_value_0001",
  signingKey: Buffer.from("signing-key-bytes-32-bytes-long!").toString("base64"),
  authSecret: "auth-secret-value-0002",
  customerKey: "customer-key-value-0003",
};

const part = (name: string, contentType: string, content: string | Buffer) => ({
  name,
  contentType,
  content: typeof content === "string" ? Buffer.from(content) : content,
});

export const GATEWAY_MODULES = [
  part(
    "index.js",
    "application/javascript+module",
    `import { route } from "./lib/router.js";\nimport page from "./templates/page.html";\nexport default { async fetch(request, env) { return route(request, env, page); }, async queue(batch) {} };\nexport class GatewaySync {}\n`,
  ),
  part(
    "lib/router.js",
    "application/javascript+module",
    `export function route(request, env, page) { return new Response(page + env.MODE); }\n`,
  ),
  part("templates/page.html", "text/plain", "<h1>gateway ✓</h1>\n"),
  part("blob.bin", "application/octet-stream", Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255])),
];

export async function deployFleet(client: CloudflareClient, accountId: string): Promise<void> {
  const scope: Scope = { accountId };

  // "auth": one module, one plain text binding, one secret; subdomain left disabled.
  await uploadScript(client, scope, "auth", {
    metadata: {
      main_module: "auth.js",
      compatibility_date: "2024-11-01",
      bindings: [{ type: "plain_text", name: "ISSUER", text: "https://auth.example.com" }],
    },
    modules: [part("auth.js", "application/javascript+module", "export default { fetch() { return new Response('auth') } };\n")],
  });
  await putSecret(client, scope, "auth", { name: "AUTH_SECRET", type: "secret_text", text: SECRET_VALUES.authSecret });

  // "api-gateway": several modules and binding types, flags, placement, limits, two secrets, script settings, subdomain.
  await uploadScript(client, scope, "api-gateway", {
    metadata: {
      main_module: "index.js",
      compatibility_date: "2025-09-01",
      compatibility_flags: ["nodejs_compat", "global_fetch_strictly_public"],
      placement: { mode: "smart" },
      limits: { cpu_ms: 50 },
      bindings: [
        { type: "plain_text", name: "MODE", text: "production" },
        { type: "json", name: "FEATURES", json: { beta: true, regions: ["eu", "us"], "max-items": 25 } },
        { type: "kv_namespace", name: "CACHE", namespace_id: "0123456789abcdef0123456789abcdef" },
        { type: "service", name: "AUTH", service: "auth" },
        { type: "d1", name: "DB", id: "5b7c6a64-2a5f-4b2e-9a1d-0c0a3b8b7f10" },
        { type: "r2_bucket", name: "ASSETS_BUCKET", bucket_name: "gateway-assets", jurisdiction: "eu" },
        { type: "queue", name: "EVENTS", queue_name: "gateway-events" },
        { type: "analytics_engine", name: "METRICS", dataset: "gateway_metrics" },
        { type: "ai", name: "AI" },
        { type: "ratelimit", name: "LIMITER", namespace_id: "1001", simple: { limit: 100, period: 60 } },
      ],
    },
    modules: GATEWAY_MODULES,
  });
  await putSecret(client, scope, "api-gateway", { name: "API_KEY", type: "secret_text", text: SECRET_VALUES.apiKey });
  await putSecret(client, scope, "api-gateway", {
    name: "SIGNING_KEY",
    type: "secret_key",
    format: "raw",
    algorithm: { name: "HMAC", hash: "SHA-256" },
    usages: ["sign", "verify"],
    key_base64: SECRET_VALUES.signingKey,
  });
  await patchScriptSettings(client, scope, "api-gateway", {
    logpush: true,
    tags: ["team-edge", "production"],
    tail_consumers: [{ service: "auth" }],
    observability: { enabled: true, head_sampling_rate: 0.5 },
  });
  await setSubdomain(client, scope, "api-gateway", { enabled: true, previews_enabled: false });
  // …and it serves traffic and runs on a schedule: two cron triggers, a zone route, a custom domain.
  await putSchedules(client, accountId, "api-gateway", ["*/15 * * * *", "0 3 * * MON"]);
  await createRoute(client, DEFAULT_ZONE.id, { pattern: "api.example.com/*", script: "api-gateway" });
  await putDomain(client, accountId, { hostname: "gateway.example.com", service: "api-gateway" });
  // It consumes a queue (made as the dashboard makes one) and defines a Workflow.
  const queue = await client.request({
    method: "POST",
    path: `/accounts/${accountId}/queues`,
    json: { queue_name: "gateway-jobs" },
    schema: queueSchema,
  });
  await createQueueConsumer(client, accountId, queue.queue_id, {
    type: "worker",
    script_name: "api-gateway",
    settings: { batch_size: 20 },
  });
  await putWorkflow(client, accountId, "gateway-sync", { script_name: "api-gateway", class_name: "GatewaySync" });

  // "customer-acme" inside a dispatch namespace.
  await createNamespace(client, accountId, { name: NAMESPACE });
  const inNamespace: Scope = { accountId, dispatchNamespace: NAMESPACE };
  await uploadScript(client, inNamespace, "customer-acme", {
    metadata: { main_module: "worker.js", compatibility_date: "2025-06-01", bindings: [{ type: "plain_text", name: "PLAN", text: "pro" }] },
    modules: [part("worker.js", "application/javascript+module", "export default { fetch(r, env) { return new Response(env.PLAN) } };\n")],
  });
  await putSecret(client, inNamespace, "customer-acme", { name: "CUSTOMER_KEY", type: "secret_text", text: SECRET_VALUES.customerKey });
}

/** The config secrets the generated programs ask for, with the deployed values. */
export function accountSecretConfig(): Record<string, string> {
  return {
    "api-gateway_API_KEY": SECRET_VALUES.apiKey,
    "api-gateway_SIGNING_KEY": JSON.stringify({
      format: "raw",
      algorithm: { name: "HMAC", hash: "SHA-256" },
      usages: ["sign", "verify"],
      keyBase64: SECRET_VALUES.signingKey,
    }),
    auth_AUTH_SECRET: SECRET_VALUES.authSecret,
  };
}

export function namespaceSecretConfig(): Record<string, string> {
  return { [`${NAMESPACE}_customer-acme_CUSTOMER_KEY`]: SECRET_VALUES.customerKey };
}
