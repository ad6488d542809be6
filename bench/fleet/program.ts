/**
 * The fleet stack program of the benchmark: N Workers, each a module with three bindings, a WorkerSecret, a
 * WorkerScriptSettings and a WorkerSubdomain (4 resources per Worker).
 *
 * Config (all optional, the defaults are the "create" variant):
 *   count           number of Workers (default 1)
 *   prefix          script name prefix (default "fleet")
 *   codeVersion     changes the code of every Worker            (code change)
 *   secretVersion   value of the secret of every Worker         (secret rotation)
 */
import * as pulumi from "@pulumi/pulumi";
import { WorkerScript, WorkerScriptSettings, WorkerSecret, WorkerSubdomain } from "pulumi-cloudflare-workers";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 1;
const prefix = config.get("prefix") ?? "fleet";
const codeVersion = config.get("codeVersion") ?? "1";
const secretVersion = config.get("secretVersion") ?? "1";

export const workers: pulumi.Output<string>[] = [];

for (let i = 0; i < count; i++) {
  const name = `${prefix}-${i}`;
  const worker = new WorkerScript(name, {
    scriptName: name,
    modules: {
      "index.js": {
        content:
          `// ${name}, code version ${codeVersion}\n` +
          `export default {\n  async fetch(request, env) {\n    return new Response(env.GREETING + " from ${name} v${codeVersion}");\n  },\n};\n`,
      },
    },
    mainModule: "index.js",
    compatibilityDate: "2025-09-01",
    bindings: [
      { type: "plain_text", name: "GREETING", text: "Hello" },
      { type: "kv_namespace", name: "CACHE", namespaceId: "a1b2c3d4e5f60718293a4b5c6d7e8f90" },
      { type: "json", name: "LIMITS", json: { worker: i, burst: 10 } },
    ],
  });
  const secret = new WorkerSecret(`${name}-api-key`, {
    scriptName: worker.scriptName,
    name: "API_KEY",
    text: pulumi.secret(`api-key-${i}-v${secretVersion}`),
  });
  new WorkerScriptSettings(`${name}-settings`, {
    scriptName: worker.scriptName,
    logpush: true,
    observability: { enabled: true, headSamplingRate: 1 },
  });
  new WorkerSubdomain(
    `${name}-subdomain`,
    { scriptName: worker.scriptName, enabled: true, previewsEnabled: false },
    { dependsOn: [secret] },
  );
  workers.push(worker.scriptName);
}
