/**
 * What Pulumi stores as each resource's `__provider`: a small lazy-require object, never credentials,
 * inputs or secret values.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sdk from "../../sdk";

const TOKEN = "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ123456";
const SECRET = "s3cr3t-value-that-must-stay-hidden";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

describe("the serialized provider", () => {
  const registered: Registered[] = [];

  beforeAll(async () => {
    process.env.CLOUDFLARE_API_TOKEN = TOKEN;
    process.env.CLOUDFLARE_ACCOUNT_ID = "0123456789abcdef0123456789abcdef";
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "proj",
      "dev",
      false,
    );
    const script = new sdk.WorkerScript("api", {
      scriptName: "api",
      content: "export default { fetch() { return new Response('ok') } }",
      bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }],
    });
    new sdk.WorkerSecret("token", { scriptName: script.scriptName, name: "TOKEN", text: pulumi.secret(SECRET) });
    new sdk.WorkerScriptSettings("settings", { scriptName: script.scriptName, logpush: true });
    new sdk.WorkerSubdomain("subdomain", { scriptName: script.scriptName, enabled: true });
    const canary = new sdk.WorkerVersion("canary", {
      scriptName: script.scriptName,
      content: "export default { fetch() { return new Response('v2') } }",
      bindings: [{ type: "secret_text", name: "PER_VERSION", text: SECRET }],
    });
    new sdk.WorkerDeployment("traffic", { scriptName: script.scriptName, versions: [{ versionId: canary.versionId, percentage: 100 }] });
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  it("registers each resource under its own dynamic type", () => {
    expect(registered.map((r) => r.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/cloudflare-workers:WorkerDeployment",
      "pulumi-nodejs:dynamic/cloudflare-workers:WorkerScript",
      "pulumi-nodejs:dynamic/cloudflare-workers:WorkerScriptSettings",
      "pulumi-nodejs:dynamic/cloudflare-workers:WorkerSecret",
      "pulumi-nodejs:dynamic/cloudflare-workers:WorkerSubdomain",
      "pulumi-nodejs:dynamic/cloudflare-workers:WorkerVersion",
    ]);
  });

  it("is a small object that requires the implementation lazily", () => {
    for (const r of registered) {
      const text = r.inputs.__provider as string;
      expect(typeof text).toBe("string");
      expect(text.length).toBeLessThan(4000);
      expect(text).toContain('require("pulumi-cloudflare-workers/provider")');
    }
  });

  it("holds no credentials, inputs or secret values", () => {
    for (const r of registered) {
      const text = r.inputs.__provider as string;
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("0123456789abcdef0123456789abcdef");
      expect(text).not.toContain("GREETING");
    }
  });

  it("is the same text for every resource of one type, whatever its inputs", () => {
    const scripts = registered.filter((r) => r.type.endsWith(":WorkerScript"));
    expect(scripts).toHaveLength(1);
    const secret = registered.find((r) => r.type.endsWith(":WorkerSecret"))!;
    expect((secret.inputs.__provider as string).replaceAll("workerSecretProvider", "X")).toBe(
      (scripts[0]!.inputs.__provider as string).replaceAll("workerScriptProvider", "X"),
    );
  });
});
