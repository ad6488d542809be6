/** The import generator writes the cron triggers, routes, custom domains, queue consumers and Workflows of the Workers it imports. */
import { renderProgram } from "../../cli/import/render";
import type { ImportedAccount } from "../../cli/import/collect";
import { workerCronTriggerProvider } from "../../provider/resources/worker-cron-trigger";
import { workerCustomDomainProvider } from "../../provider/resources/worker-custom-domain";
import { workerRouteProvider } from "../../provider/resources/worker-route";
import { workerQueueConsumerProvider } from "../../provider/resources/worker-queue-consumer";
import { workflowProvider } from "../../provider/resources/workflow";
import { ACCOUNT } from "../support/account";

const ZONE = "5f1e0d9c8b7a69584736251403f2e1d0";

const account: ImportedAccount = {
  accountId: ACCOUNT,
  workers: [
    {
      scriptName: "edge",
      modules: [{ name: "index.js", type: "esm", content: Buffer.from("export default { fetch() {}, scheduled() {} }") }],
      mainModule: "index.js",
      configuration: {},
      bindings: [],
      secrets: [],
      warnings: [],
      crons: ["*/15 * * * *", "0 3 * * MON"],
      routes: [
        { zoneId: ZONE, pattern: "api.example.com/*" },
        { zoneId: ZONE, pattern: "example.com/edge/*" },
      ],
      customDomains: [{ hostname: "edge.example.com", zoneId: ZONE }],
    },
  ],
};

const source = String(renderProgram(account, { project: "p", packageVersion: "*" }).files.find((f) => f.path === "index.ts")!.content);

/** The argument literals of every `new <Class>(name, {...})`, evaluated as data (references become a marker). */
function argsOf(className: string): { name: string; args: Record<string, unknown> }[] {
  const out: { name: string; args: Record<string, unknown> }[] = [];
  const re = new RegExp(`new ${className}\\(("[^"]+"), `, "g");
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    const start = m.index + m[0].length;
    const literal = source.slice(start, source.indexOf("});", start) + 1);
    const args = new Function("accountId", "edge", `return (${literal});`)(ACCOUNT, { scriptName: "edge" }) as Record<string, unknown>;
    out.push({ name: JSON.parse(m[1]!) as string, args });
  }
  return out;
}

describe("the import of what runs a Worker", () => {
  it("imports the three resources from the package", () => {
    expect(source).toContain(
      `import { WorkerCronTrigger, WorkerCustomDomain, WorkerRoute, WorkerScript } from "pulumi-cloudflare-workers";`,
    );
  });

  it("writes one WorkerCronTrigger with every cron, adopting them", async () => {
    const [cron, ...more] = argsOf("WorkerCronTrigger");
    expect(more).toEqual([]);
    expect(cron).toEqual({
      name: "edge-crons",
      args: { accountId: ACCOUNT, scriptName: "edge", crons: ["*/15 * * * *", "0 3 * * MON"], adopt: true },
    });
    expect((await workerCronTriggerProvider.check({}, cron!.args)).failures).toBeUndefined();
  });

  it("writes one WorkerRoute per pattern, on its zone and without an account", async () => {
    const routes = argsOf("WorkerRoute");
    expect(routes).toEqual([
      { name: "edge-route-1", args: { zoneId: ZONE, pattern: "api.example.com/*", scriptName: "edge", adopt: true } },
      { name: "edge-route-2", args: { zoneId: ZONE, pattern: "example.com/edge/*", scriptName: "edge", adopt: true } },
    ]);
    for (const route of routes) expect((await workerRouteProvider.check({}, route.args)).failures).toBeUndefined();
  });

  it("writes one WorkerCustomDomain per hostname, with its zone", async () => {
    const domains = argsOf("WorkerCustomDomain");
    expect(domains).toEqual([
      {
        name: "edge-edge.example.com",
        args: { accountId: ACCOUNT, hostname: "edge.example.com", scriptName: "edge", zoneId: ZONE, adopt: true },
      },
    ]);
    expect((await workerCustomDomainProvider.check({}, domains[0]!.args)).failures).toBeUndefined();
  });
});

describe("the import of queue consumers and Workflows", () => {
  const withTriggers: ImportedAccount = {
    accountId: ACCOUNT,
    workers: [
      {
        ...account.workers[0]!,
        crons: undefined,
        routes: undefined,
        customDomains: undefined,
        queueConsumers: [
          { queueName: "orders", deadLetterQueue: "orders-dlq", batchSize: 50, maxRetries: 3, maxWaitTimeMs: 5000, retryDelay: 0 },
        ],
        workflows: [{ workflowName: "fulfil", className: "FulfilWorkflow" }],
      },
    ],
  };
  const program = String(
    renderProgram(withTriggers, { project: "p", packageVersion: "*" }).files.find((f) => f.path === "index.ts")!.content,
  );

  it("imports both classes from the package", () => {
    expect(program).toContain(`import { WorkerQueueConsumer, WorkerScript, Workflow } from "pulumi-cloudflare-workers";`);
  });

  it("writes one WorkerQueueConsumer per queue with its live settings, and one Workflow per name, each adopting and passing check", async () => {
    expect(program).toContain(`new WorkerQueueConsumer("edge-consumes-orders", {
  accountId,
  queueName: "orders",
  scriptName: edge.scriptName,
  deadLetterQueue: "orders-dlq",
  batchSize: 50,
  maxRetries: 3,
  maxWaitTimeMs: 5000,
  retryDelay: 0,
  adopt: true,
});`);
    expect(program).toContain(`new Workflow("edge-workflow-fulfil", {
  accountId,
  workflowName: "fulfil",
  scriptName: edge.scriptName,
  className: "FulfilWorkflow",
  adopt: true,
});`);
    const consumer = {
      accountId: ACCOUNT,
      queueName: "orders",
      scriptName: "edge",
      deadLetterQueue: "orders-dlq",
      batchSize: 50,
      adopt: true,
    };
    expect((await workerQueueConsumerProvider.check({}, consumer)).failures).toBeUndefined();
    const workflow = { accountId: ACCOUNT, workflowName: "fulfil", scriptName: "edge", className: "FulfilWorkflow", adopt: true };
    expect((await workflowProvider.check({}, workflow)).failures).toBeUndefined();
  });
});
