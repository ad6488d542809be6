/**
 * Every example through the real Pulumi CLI against the emulator, as a user runs it in the example's folder:
 * `pulumi stack init`, `pulumi config set [--secret]`, `pulumi up --yes --skip-preview`, `pulumi preview --expect-no-changes`,
 * a change made through the API caught by `pulumi preview --refresh --expect-no-changes` (non-zero exit) and
 * repaired by `pulumi up --refresh --yes --skip-preview`, an update, `pulumi destroy --yes`; the state (`pulumi stack export`,
 * every file of the file backend, the stack's config file) never holds the API token or a secret value.
 *
 * Skipped, saying why, when `npm run -s pulumi-cli` finds no CLI and cannot build one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CloudflareClient,
  findQueuesByName,
  getSchedules,
  getScriptSettings,
  getSubdomain,
  listScripts,
  listQueueConsumers,
  listSecrets,
  queueSchema,
  updateQueueConsumer,
  uploadScript,
} from "../../provider/cloudflare";
import { ACCOUNT, emulatorEnv, scope, useEmulator } from "../support";
import { describeWithCli, opsOf, PulumiStack, type CommandResult } from "./pulumi-cli";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");
const STEP_TIMEOUT = 180_000;

interface ExampleSpec {
  example: string;
  secretConfig: Record<string, string>;
  /** What the user adds to the project folder after copying the example (e.g. `npm install zod`). */
  inProject?: (projectDir: string) => void;
  /** What exists before the stack (e.g. a Worker wrangler deployed). */
  before?: (client: CloudflareClient) => Promise<void>;
  created: string[];
  /** A change made outside Pulumi, the resource a refresh must report, and how to see it was repaired. */
  drift: {
    resource: string;
    make: (api: Api, client: CloudflareClient) => Promise<void>;
    repaired: (client: CloudflareClient) => Promise<void>;
    /** Also check that a second `pulumi preview --refresh --expect-no-changes` is clean (one example: ~8 s each). */
    thenClean?: boolean;
  };
  update: { config?: Record<string, string>; secretConfig?: Record<string, string>; ops: string[] };
}

type Api = (method: string, apiPath: string, body?: unknown) => Promise<void>;

const SPECS: ExampleSpec[] = [
  {
    example: "worker-with-bindings",
    secretConfig: { apiToken: "cli-api-token-first" },
    created: ["api-crons:create", "api-route:create", "api-settings:create", "api-subdomain:create", "api-token:create", "api:create"],
    drift: {
      resource: "api-settings",
      thenClean: true,
      make: (api) => api("PATCH", "/workers/scripts/hello-api/script-settings", { logpush: false }),
      repaired: async (client) => expect(await getScriptSettings(client, scope, "hello-api")).toMatchObject({ logpush: true }),
    },
    update: {
      config: { greeting: "Bonjour" },
      secretConfig: { apiToken: "cli-api-token-rotated" },
      ops: ["api-crons:same", "api-route:same", "api-settings:same", "api-subdomain:same", "api-token:update", "api:update"],
    },
  },
  {
    example: "wrangler-deployed",
    secretConfig: { stripeKey: "sk_test_cli_stripe", signingKey: "Y2xpLXNpZ25pbmcta2V5LWJ5dGVz" },
    before: async (client) => {
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
    },
    created: ["billing-settings:create", "billing-subdomain:create", "signing-key:create", "stripe-key:create"],
    drift: {
      resource: "billing-subdomain",
      make: (api) => api("POST", "/workers/scripts/billing/subdomain", { enabled: false }),
      repaired: async (client) => expect((await getSubdomain(client, scope, "billing")).enabled).toBe(true),
    },
    update: {
      config: { tailConsumer: "audit-sink" },
      ops: ["billing-settings:update", "billing-subdomain:same", "signing-key:same", "stripe-key:same"],
    },
  },
  {
    example: "dispatch-namespace",
    secretConfig: { customerKey: "cli-customer-key-value" },
    created: ["customer-key:create", "customer-worker:create", "customers:create"],
    drift: {
      resource: "customer-key",
      make: (api) => api("DELETE", "/workers/dispatch/namespaces/customers/scripts/customer-acme/secrets/CUSTOMER_KEY"),
      repaired: async (client) =>
        expect((await listSecrets(client, { ...scope, dispatchNamespace: "customers" }, "customer-acme")).map((s) => s.name)).toEqual([
          "CUSTOMER_KEY",
        ]),
    },
    update: { config: { plan: "pro" }, ops: ["customer-key:same", "customer-worker:update", "customers:same"] },
  },
  {
    example: "assets-site",
    secretConfig: {},
    created: ["app:create", "docs:create"],
    drift: {
      resource: "docs",
      make: (api) => api("DELETE", "/workers/scripts/docs"),
      repaired: async (client) => expect(await scriptNames(client)).toContain("docs"),
    },
    // A new script name replaces the Worker: create the new one, then delete the old one.
    update: { config: { appName: "app-v2" }, ops: ["app:create-replacement", "app:delete-replaced", "app:replace", "docs:same"] },
  },
  {
    example: "custom-domain",
    secretConfig: {},
    created: ["site-legacy:create", "site-nightly:create", "site-www:create", "site:create"],
    drift: {
      resource: "site-nightly",
      make: (api) => api("PUT", "/workers/scripts/site/schedules", [{ cron: "0 4 * * *" }]),
      repaired: async (client) => expect((await getSchedules(client, ACCOUNT, "site")).schedules.map((s) => s.cron)).toEqual(["0 3 * * *"]),
    },
    update: { config: { nightly: "30 2 * * *" }, ops: ["site-legacy:same", "site-nightly:update", "site-www:same", "site:same"] },
  },
  {
    example: "queue-workflow",
    secretConfig: {},
    // The queue is made outside the stack, as the example says (a cloudflare.Queue or `wrangler queues create`).
    before: async (client) => {
      await client.request({ method: "POST", path: `/accounts/${ACCOUNT}/queues`, json: { queue_name: "jobs" }, schema: queueSchema });
    },
    created: ["consumer:create", "fulfil:create", "jobs-consumer:create", "producer-workers-dev:create", "producer:create"],
    drift: {
      resource: "jobs-consumer",
      make: async (_api, client) => {
        const [queue] = await findQueuesByName(client, ACCOUNT, "jobs");
        const [consumer] = await listQueueConsumers(client, ACCOUNT, queue!.queue_id!);
        await updateQueueConsumer(client, ACCOUNT, queue!.queue_id!, consumer!.consumer_id!, {
          type: "worker",
          script_name: "orders-consumer",
          settings: { batch_size: 99 },
        });
      },
      repaired: async (client) => {
        const [queue] = await findQueuesByName(client, ACCOUNT, "jobs");
        const [consumer] = await listQueueConsumers(client, ACCOUNT, queue!.queue_id!);
        expect(consumer!.settings).toMatchObject({ batch_size: 10, max_retries: 3, max_wait_time_ms: 2000, retry_delay: 30 });
      },
    },
    update: {
      config: { deadLetterQueue: "jobs-dlq" },
      ops: ["consumer:same", "fulfil:same", "jobs-consumer:update", "producer-workers-dev:same", "producer:same"],
    },
  },
  {
    // Bundled from TypeScript by the provider at check, inside the real CLI's provider host.
    example: "typescript-worker",
    secretConfig: {},
    // The Worker's npm dependency, installed in the project as `npm install zod` would.
    inProject: (projectDir) =>
      fs.symlinkSync(path.dirname(require.resolve("zod/package.json")), path.join(projectDir, "node_modules", "zod"), "dir"),
    created: ["greeter-subdomain:create", "greeter:create"],
    drift: {
      resource: "greeter-subdomain",
      make: (api) => api("POST", "/workers/scripts/ts-greeter/subdomain", { enabled: false }),
      repaired: async (client) => expect((await getSubdomain(client, scope, "ts-greeter")).enabled).toBe(true),
    },
    update: { config: { greeting: "Bonjour" }, ops: ["greeter-subdomain:same", "greeter:update"] },
  },
];

async function scriptNames(client: CloudflareClient): Promise<string[]> {
  return (await listScripts(client, ACCOUNT)).map((s) => s.id ?? "").sort();
}

function describeFailure(result: CommandResult): string {
  return `${result.command} exited ${result.code}\n${result.stdout}\n${result.stderr}`;
}

describeWithCli("examples through the real Pulumi CLI", (cliDir) => {
  // Each example's tests are the steps of one stack (up, update, destroy) on this one emulator.
  const emulator = useEmulator({ keepState: true });
  let client: CloudflareClient;
  const api: Api = async (method, apiPath, body) => {
    const response = await fetch(`${emulator.url}/accounts/${ACCOUNT}${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${emulatorEnv(emulator).CLOUDFLARE_API_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  };

  beforeAll(() => {
    client = new CloudflareClient({ baseUrl: emulator.url });
  });

  describe.each(SPECS)("examples/$example", (spec) => {
    let stack: PulumiStack;
    let scriptsBefore: string[];
    const secrets = () => [
      emulatorEnv(emulator).CLOUDFLARE_API_TOKEN,
      ...Object.values(spec.secretConfig),
      ...Object.values(spec.update.secretConfig ?? {}),
    ];

    beforeAll(async () => {
      await spec.before?.(client);
      scriptsBefore = await scriptNames(client);
      stack = new PulumiStack({
        cliDir,
        example: path.join(EXAMPLES, spec.example),
        env: emulatorEnv(emulator),
      });
      spec.inProject?.(stack.projectDir);
      await stack.init({}, spec.secretConfig);
    }, STEP_TIMEOUT);
    afterAll(() => stack?.cleanup());

    it(
      "pulumi up creates every resource; pulumi preview --expect-no-changes is clean",
      async () => {
        const up = await stack.ok(["up", "--yes", "--skip-preview"], { events: true });
        expect(opsOf(up)).toEqual(spec.created);
        const preview = await stack.run(["preview", "--expect-no-changes"], { events: true });
        expect({ code: preview.code, ops: opsOf(preview) }).toEqual({
          code: 0,
          ops: spec.created.map((s) => s.replace(/:create$/, ":same")),
        });
      },
      STEP_TIMEOUT,
    );

    it(
      "a change made through the API fails pulumi preview --refresh --expect-no-changes; pulumi up --refresh repairs it",
      async () => {
        await spec.drift.make(api, client);
        const check = await stack.run(["preview", "--refresh", "--expect-no-changes"], { events: true });
        expect(check.code).not.toBe(0);
        expect(check.stdout + check.stderr).toMatch(/no changes were expected .*but changes were proposed/);
        expect(opsOf(check).filter((s) => s.startsWith(`${spec.drift.resource}:`) && !s.endsWith(":refresh"))).not.toEqual([
          `${spec.drift.resource}:same`,
        ]);
        const repair = await stack.ok(["up", "--refresh", "--yes", "--skip-preview"], { events: true });
        expect(opsOf(repair).filter((s) => !s.endsWith(":refresh") && !s.endsWith(":same"))[0]).toMatch(
          new RegExp(`^${spec.drift.resource}:`),
        );
        await spec.drift.repaired(client);
        if (spec.drift.thenClean) {
          const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
          expect(clean.code === 0 ? "clean" : describeFailure(clean)).toBe("clean");
        }
      },
      STEP_TIMEOUT,
    );

    it(
      "an update changes exactly what the program changed",
      async () => {
        await stack.setConfig(spec.update.config, spec.update.secretConfig);
        const up = await stack.ok(["up", "--yes", "--skip-preview"], { events: true });
        expect(opsOf(up)).toEqual(spec.update.ops);
      },
      STEP_TIMEOUT,
    );

    it(
      "no API token or secret value in pulumi stack export, the backend's files or the stack config",
      async () => {
        const exported = await stack.exportState();
        const files = stack.backendFiles();
        expect(files.length).toBeGreaterThan(0);
        const texts = [
          { file: "pulumi stack export", text: exported.text },
          ...files,
          { file: `Pulumi.${stack.stack}.yaml`, text: stack.configFileText() },
        ];
        const leaks = texts.flatMap(({ file, text }) =>
          secrets()
            .filter((s) => text.includes(s))
            .map((s) => `${file} holds ${s.slice(0, 4)}…`),
        );
        expect(leaks).toEqual([]);
        // The secrets are there, encrypted: a secret output is stored as a ciphertext marker.
        if (Object.keys(spec.secretConfig).length > 0) expect(exported.text).toContain("4dabf18193072939515e22adb298388d");
      },
      STEP_TIMEOUT,
    );

    it(
      "pulumi destroy deletes everything the stack manages",
      async () => {
        const destroy = await stack.ok(["destroy", "--yes"], { events: true });
        expect(opsOf(destroy)).toEqual([...new Set(spec.update.ops.map((s) => s.replace(/:[\w-]+$/, ":delete")))]);
        // What existed before the stack (wrangler's Worker) is still there; nothing the stack made is.
        expect(await scriptNames(client)).toEqual(scriptsBefore);
        const exported = await stack.exportState();
        expect((exported.deployment.resources ?? []).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))).toEqual([]);
      },
      STEP_TIMEOUT,
    );
  });
});
