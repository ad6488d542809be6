/**
 * Example 2: the Worker's code is deployed by wrangler in CI; this stack owns what wrangler should not:
 * its secrets, its script-level settings (logpush, tail consumers survive every `wrangler deploy`) and its
 * workers.dev subdomain. There is no WorkerScript here.
 *
 * Config: `scriptName` (the Worker wrangler deploys, default "billing"; it must exist: deploy it first),
 * `stripeKey` and `signingKey` (secrets), `tailConsumer` (the Worker of the account that receives this one's
 * tail events, default "log-sink"; Workers & Pages in the dashboard lists them), `subdomain` (serve on
 * workers.dev, default true).
 */
import * as pulumi from "@pulumi/pulumi";
import { WorkerScriptSettings, WorkerSecret, WorkerSubdomain } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const scriptName = config.get("scriptName") ?? "billing";

new WorkerSecret("stripe-key", { scriptName, name: "STRIPE_KEY", text: config.requireSecret("stripeKey") });

new WorkerSecret("signing-key", {
  scriptName,
  name: "SIGNING_KEY",
  secretKey: {
    format: "raw",
    algorithm: { name: "HMAC", hash: "SHA-256" },
    usages: ["sign", "verify"],
    keyBase64: config.requireSecret("signingKey"),
  },
});

new WorkerScriptSettings("billing-settings", {
  scriptName,
  logpush: true,
  tailConsumers: [{ service: config.get("tailConsumer") ?? "log-sink" }],
});

new WorkerSubdomain("billing-subdomain", { scriptName, enabled: config.getBoolean("subdomain") ?? true });
