/**
 * Examples 2 and 3 through Pulumi's own dynamic-provider host: a stack that owns the secrets, settings and
 * subdomain of a Worker deployed by another tool, and a Worker inside a Workers for Platforms namespace.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareClient, getScriptSettings, getSubdomain, listSecrets, uploadScript, type Scope } from "../../provider/cloudflare";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const scope: Scope = { accountId: ACCOUNT };

const emulator = useEmulator({ keepState: true });
let client: CloudflareClient;

beforeAll(async () => {
  client = new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
});

function engineEnv() {
  return emulatorEnv(emulator);
}

function ops(report: StepReport): string[] {
  expect(report.programErrors).toEqual([]);
  expect(report.outcomes.filter((o) => o.error || o.failures?.length)).toEqual([]);
  return report.outcomes.map((o) => `${o.name}:${o.op}`).sort();
}

function writes(): string[] {
  const out = emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}`);
  emulator.clearRequests();
  return out.sort();
}

describe("examples/wrangler-deployed through the engine", () => {
  const PROGRAM = path.join(__dirname, "../../examples/wrangler-deployed/index.ts");
  const secretConfig = { stripeKey: "sk_test_stripe_value", signingKey: "c2lnbmluZy1rZXktYnl0ZXM=" };
  let engine: Engine;

  beforeAll(async () => {
    // wrangler deployed the code, with a tail consumer the stack does not manage yet.
    await uploadScript(client, scope, "billing", {
      metadata: { main_module: "index.js", compatibility_date: "2025-09-01" },
      modules: [
        {
          name: "index.js",
          contentType: "application/javascript+module",
          content: Buffer.from("export default { fetch() { return new Response('bill') } }"),
        },
      ],
    });
    engine = await Engine.start({ env: engineEnv() });
    emulator.clearRequests();
  }, 60_000);
  afterAll(() => engine?.close());

  it("takes over secrets, settings and subdomain with one write each, and a second up changes nothing", async () => {
    expect(ops(await engine.up(PROGRAM, { secretConfig }))).toEqual([
      "billing-settings:create",
      "billing-subdomain:create",
      "signing-key:create",
      "stripe-key:create",
    ]);
    expect(writes()).toEqual([
      "PATCH /workers/scripts/billing/script-settings",
      "POST /workers/scripts/billing/subdomain",
      "PUT /workers/scripts/billing/secrets",
      "PUT /workers/scripts/billing/secrets",
    ]);
    expect((await listSecrets(client, scope, "billing")).map((s) => `${s.name}:${s.type}`).sort()).toEqual([
      "SIGNING_KEY:secret_key",
      "STRIPE_KEY:secret_text",
    ]);
    expect(await getScriptSettings(client, scope, "billing")).toMatchObject({ logpush: true, tail_consumers: [{ service: "log-sink" }] });
    expect((await getSubdomain(client, scope, "billing")).enabled).toBe(true);
    emulator.clearRequests();

    expect(ops(await engine.up(PROGRAM, { secretConfig }))).toEqual([
      "billing-settings:same",
      "billing-subdomain:same",
      "signing-key:same",
      "stripe-key:same",
    ]);
    expect(emulator.requests).toEqual([]);
  }, 120_000);

  it("survives a redeploy of the code by wrangler: nothing drifts", async () => {
    // wrangler's redeploy path: a new version and deployment, then PATCH script-settings of what it knows.
    await uploadScript(client, scope, "billing", {
      metadata: {
        main_module: "index.js",
        compatibility_date: "2025-09-01",
        keep_bindings: ["secret_text", "secret_key"],
        logpush: true,
        tail_consumers: [{ service: "log-sink" }],
      },
      modules: [
        {
          name: "index.js",
          contentType: "application/javascript+module",
          content: Buffer.from("export default { fetch() { return new Response('bill v2') } }"),
        },
      ],
    });
    const refresh = await engine.refresh();
    expect(refresh.outcomes.filter((o) => o.changedKeys?.length)).toEqual([]);
    expect(ops(await engine.preview(PROGRAM, { secretConfig }))).toEqual([
      "billing-settings:same",
      "billing-subdomain:same",
      "signing-key:same",
      "stripe-key:same",
    ]);
  }, 120_000);

  it("destroy removes the secrets and gives the settings back, but leaves wrangler's Worker", async () => {
    ops(await engine.destroy());
    expect(await listSecrets(client, scope, "billing")).toEqual([]);
    expect(await getScriptSettings(client, scope, "billing")).toMatchObject({ logpush: false });
    expect((await getSubdomain(client, scope, "billing")).enabled).toBe(false);
  }, 120_000);
});

describe("examples/dispatch-namespace through the engine", () => {
  const PROGRAM = path.join(__dirname, "../../examples/dispatch-namespace/index.ts");
  const secretConfig = { customerKey: "customer-key-value" };
  let engine: Engine;

  beforeAll(async () => {
    engine = await Engine.start({ env: engineEnv() });
    emulator.clearRequests();
  }, 60_000);
  afterAll(() => engine?.close());

  it("creates the namespace, the Worker and its secret inside it, and a second up changes nothing", async () => {
    expect(ops(await engine.up(PROGRAM, { secretConfig }))).toEqual(["customer-key:create", "customer-worker:create", "customers:create"]);
    expect(writes()).toEqual([
      "POST /workers/dispatch/namespaces",
      "PUT /workers/dispatch/namespaces/customers/scripts/customer-acme",
      "PUT /workers/dispatch/namespaces/customers/scripts/customer-acme/secrets",
    ]);
    expect(ops(await engine.up(PROGRAM, { secretConfig }))).toEqual(["customer-key:same", "customer-worker:same", "customers:same"]);
    expect(emulator.requests).toEqual([]);
  }, 120_000);

  it("updates the plan binding in place and replaces the Worker when the customer changes", async () => {
    expect(ops(await engine.up(PROGRAM, { config: { plan: "pro" }, secretConfig }))).toEqual([
      "customer-key:same",
      "customer-worker:update",
      "customers:same",
    ]);
    expect(writes()).toEqual(["PATCH /workers/dispatch/namespaces/customers/scripts/customer-acme/settings"]);
    const replaced = await engine.up(PROGRAM, { config: { plan: "pro", customer: "globex" }, secretConfig });
    expect(ops(replaced)).toEqual(["customer-key:replace", "customer-worker:replace", "customers:same"]);
    expect(replaced.outcomes.find((o) => o.name === "customer-worker")!.replaceKeys).toEqual(["scriptName"]);
    const deployed = engine.state;
    expect([...deployed.values()].filter((r) => r.outputs.scriptName).map((r) => r.outputs.scriptName)).toEqual([
      "customer-globex",
      "customer-globex",
    ]);
    // Create before delete: the new Worker and secret exist before the old ones go.
    expect(writes()).toEqual([
      "DELETE /workers/dispatch/namespaces/customers/scripts/customer-acme",
      "DELETE /workers/dispatch/namespaces/customers/scripts/customer-acme/secrets/CUSTOMER_KEY",
      "PUT /workers/dispatch/namespaces/customers/scripts/customer-globex",
      "PUT /workers/dispatch/namespaces/customers/scripts/customer-globex/secrets",
    ]);
  }, 120_000);

  it("destroy deletes the Worker, its secret and then the namespace", async () => {
    const report = await engine.destroy();
    ops(report);
    expect(report.outcomes.map((o) => o.name).pop()).toBe("customers");
    expect(writes()).toEqual([
      "DELETE /workers/dispatch/namespaces/customers",
      "DELETE /workers/dispatch/namespaces/customers/scripts/customer-globex",
      "DELETE /workers/dispatch/namespaces/customers/scripts/customer-globex/secrets/CUSTOMER_KEY",
    ]);
  }, 120_000);
});
