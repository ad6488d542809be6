/**
 * The sdk's Args are derived from the provider's field tables: these assignments are checked by
 * `npm run typecheck` (a wrong derivation fails it), and the values are run through check to show the
 * provider accepts what the types accept.
 */
import * as pulumi from "@pulumi/pulumi";
import type { WorkerScriptArgs, WorkerSecretArgs, WorkerScriptSettingsArgs, WorkerSubdomainArgs, DispatchNamespaceArgs } from "../../sdk";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { ACCOUNT } from "../support/account";

const script: WorkerScriptArgs = {
  accountId: ACCOUNT,
  scriptName: "api",
  content: "export default {}",
  // placement.target was accepted by check but missing from the hand-written Args.
  placement: { mode: "targeted", target: [{ region: "aws:us-east-1" }] },
  bindings: [{ type: "kv_namespace", name: "CACHE", namespaceId: "0123456789abcdef0123456789abcdef" }],
  compatibilityFlags: ["nodejs_compat"],
  limits: { cpuMs: 50 },
  usageModel: "standard",
};

describe("sdk Args derived from the field tables", () => {
  it("accept what check accepts, including placement.target", async () => {
    const result = await workerScriptProvider.check({}, script as Record<string, unknown>);
    expect(result.failures).toBeUndefined();
  });

  it("take outputs at any level and refuse what check refuses, at compile time", () => {
    const fromOutput: WorkerScriptArgs = {
      scriptName: pulumi.output("api"),
      bindings: [pulumi.output({ type: "plain_text" as const, name: "A", text: "1" })],
    };
    // @ts-expect-error scriptName is required
    const noName: WorkerScriptArgs = { content: "export default {}" };
    // @ts-expect-error not a usage model
    const badModel: WorkerScriptArgs = { scriptName: "api", usageModel: "premium" };
    // @ts-expect-error contentHash is computed by check, not an input
    const computed: WorkerScriptArgs = { scriptName: "api", contentHash: "x" };
    // @ts-expect-error a subdomain has no dispatch namespace
    const subdomain: WorkerSubdomainArgs = { scriptName: "api", enabled: true, dispatchNamespace: "ns" };
    const secret: WorkerSecretArgs = {
      scriptName: "api",
      name: "K",
      // @ts-expect-error usages are WebCrypto usages
      secretKey: { format: "raw", algorithm: {}, usages: ["fly"], keyBase64: "AA==" },
    };
    const settings: WorkerScriptSettingsArgs = {
      scriptName: "api",
      tailConsumers: [{ service: "logs" }],
      observability: { enabled: true, headSamplingRate: 0.5 },
    };
    const namespace: DispatchNamespaceArgs = { name: "customers" };
    expect([fromOutput, noName, badModel, computed, subdomain, secret, settings, namespace]).toHaveLength(8);
  });
});
