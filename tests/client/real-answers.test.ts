/**
 * Every parser fed the answers the real API gives (shared/reference/recorded-answers.md and the official SDK's
 * types): envelopes whose `errors`/`messages` are null, observability full of nulls, server-filled and unknown
 * fields, binding types we do not model, a known type in an unexpected shape, 204 content, 10007 for a Worker
 * without secrets, 10090. None may fail.
 */
import {
  CloudflareClient,
  closeDispatchers,
  createDeployment,
  createRoute,
  deleteDomain,
  getDispatchScript,
  getDomain,
  getSchedules,
  getNamespace,
  getNewestVersion,
  getScriptContent,
  getScriptSettings,
  getSecret,
  getSettings,
  getSubdomain,
  getVersion,
  isNotFound,
  listDomains,
  listRoutes,
  listScripts,
  listSecrets,
  listVersions,
  newestVersion,
  patchScriptSettings,
  putSchedules,
  putScriptContent,
  readScriptLevelSettings,
  routeScript,
  setSubdomain,
  uploadScript,
  writeScriptLevelSettings,
  type Scope,
} from "../../provider/cloudflare";
import { recordingSleep } from "./helpers/clocks";
import { sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

const ZONE = "5f1e0d9c8b7a69584736251403f2e1d0";
const scope: Scope = { accountId: ACCOUNT };
const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };

/** A success envelope as the recorded versions list has it: `errors` and `messages` null. */
function recorded(result: unknown, extra: Record<string, unknown> = {}): unknown {
  return { result, success: true, errors: null, messages: null, ...extra };
}

/** The observability object of a Worker configured by wrangler, as the API echoes it. */
const OBSERVABILITY = {
  enabled: true,
  head_sampling_rate: null,
  logs: { enabled: true, invocation_logs: true, head_sampling_rate: null, persist: null, destinations: null },
  traces: null,
  issues: null,
};

/** The recorded answer of PUT …/content (anonymised): a whole Script, `tail_consumers: null`. */
const CONTENT_ANSWER = {
  created_on: "2026-05-12T23:33:56.055046Z",
  modified_on: "2026-05-21T18:30:49.933929Z",
  id: "my-worker",
  tag: "0123456789abcdef0123456789abcdef",
  entry_point: "worker.js",
  tags: [],
  deployment_id: "00112233445566778899aabbccddeeff",
  tail_consumers: null,
  logpush: false,
  observability: {
    enabled: true,
    head_sampling_rate: 1,
    logs: { enabled: true, head_sampling_rate: 1, persist: true, invocation_logs: true },
    traces: { enabled: false, persist: true, head_sampling_rate: 1 },
  },
  has_assets: true,
  has_modules: true,
  etag: "a".repeat(64),
  handlers: ["fetch"],
  last_deployed_from: "api",
  compatibility_date: "2026-05-12",
  usage_model: "standard",
  startup_time_ms: 0,
};

/** Bindings as a settings answer may carry them. */
const BINDINGS = [
  { type: "durable_object_namespace", name: "COUNTER", class_name: "Counter", namespace_id: "f".repeat(32) },
  { type: "messaging", name: "MSG", namespace: "n" },
  { type: "pipelines", name: "PIPE", stream: "s" },
  { type: "kv_namespace", name: "KV", namespace_id: "0".repeat(32), added_later: { x: [1, null] } },
  { type: "secret_text", name: "TOKEN" },
];

let server: TestServer;
let client: CloudflareClient;
beforeEach(async () => {
  server = await startTestServer();
  client = new CloudflareClient({
    apiToken: "real-answers-token-abcdef",
    baseUrl: server.url,
    limiter: unlimited,
    sleep: recordingSleep().sleep,
  });
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await closeDispatchers();
});

describe("answers as the real API gives them", () => {
  test("the account listing with one Worker full of nulls, unknown fields and an odd row", async () => {
    const rows = [
      {
        id: "wrangler-worker",
        etag: "e1",
        observability: OBSERVABILITY,
        routes: null,
        tags: null,
        tail_consumers: null,
        cache_options: { enabled: true },
        exports: { X: { type: "worker" } },
      },
      { id: "odd", etag: 7, handlers: "fetch", placement_mode: "smart" },
      { id: "api", etag: "e3" },
    ];
    server.handle((_req, res) => sendJson(res, 200, recorded(rows)));
    const listed = await listScripts(client, ACCOUNT);
    expect(listed.map((s) => s.id)).toEqual(["wrangler-worker", "odd", "api"]);
    expect(listed[0]).toEqual(rows[0]);
    // The odd row keeps what it can: its id, and the fields that read.
    expect(listed[1]).toEqual({ id: "odd", placement_mode: "smart" });
  });

  test("PUT …/content answering a whole Script with tail_consumers null", async () => {
    server.handle((_req, res) => sendJson(res, 200, recorded(CONTENT_ANSWER)));
    const script = await putScriptContent(client, scope, "my-worker", {
      mainModule: "worker.js",
      modules: [
        { name: "worker.js", contentType: "application/javascript+module", content: new TextEncoder().encode("export default {}") },
      ],
    });
    expect(script).toEqual(CONTENT_ANSWER);
  });

  test("the upload answer with observability nulls", async () => {
    server.handle((_req, res) => sendJson(res, 200, recorded({ ...CONTENT_ANSWER, observability: OBSERVABILITY })));
    const script = await uploadScript(client, scope, "my-worker", {
      metadata: { main_module: "worker.js" },
      modules: [
        { name: "worker.js", contentType: "application/javascript+module", content: new TextEncoder().encode("export default {}") },
      ],
    });
    expect(script.observability).toEqual(OBSERVABILITY);
  });

  test("settings with a server-filled DO id, unmodelled binding types, an unexpected shape and nulls", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        recorded({
          bindings: BINDINGS,
          observability: OBSERVABILITY,
          tags: null,
          tail_consumers: null,
          placement: null,
          compatibility_date: "2026-01-01",
        }),
      ),
    );
    const settings = await getSettings(client, scope, "w");
    expect(settings.bindings).toEqual(BINDINGS);
    expect(settings.observability).toEqual(OBSERVABILITY);
  });

  test("script-settings with nulls, read and written", async () => {
    const answer = { logpush: false, observability: OBSERVABILITY, tags: null, tail_consumers: null };
    server.handle((_req, res) => sendJson(res, 200, recorded(answer)));
    expect(await getScriptSettings(client, scope, "w")).toEqual(answer);
    expect(await patchScriptSettings(client, scope, "w", { observability: { enabled: true } })).toEqual(answer);
  });

  test("a Worker that never had a secret: 10007 on the list reads as no secrets", async () => {
    server.handle((_req, res) =>
      sendJson(res, 404, {
        success: false,
        errors: [{ code: 10007, message: "This Worker does not exist on your account." }],
        messages: null,
        result: null,
      }),
    );
    await expect(listSecrets(client, scope, "w")).resolves.toEqual([]);
  });

  test("secrets and the subdomain with null envelope lists", async () => {
    server.handle((req, res) =>
      sendJson(
        res,
        200,
        recorded(
          req.path.endsWith("/subdomain")
            ? { enabled: true, previews_enabled: false }
            : req.path.endsWith("/secrets")
              ? [{ name: "A", type: "secret_text" }]
              : { name: "A", type: "secret_text" },
        ),
      ),
    );
    expect(await listSecrets(client, scope, "w")).toEqual([{ name: "A", type: "secret_text" }]);
    expect(await getSecret(client, scope, "w", "A")).toEqual({ name: "A", type: "secret_text" });
    expect(await getSubdomain(client, scope, "w")).toEqual({ enabled: true, previews_enabled: false });
  });

  test("10090 means not found, like 10007", async () => {
    server.handle((_req, res) =>
      sendJson(res, 404, {
        success: false,
        errors: [{ code: 10090, message: "workers.api.error.service_not_found" }],
        messages: [],
        result: null,
      }),
    );
    const error = await getSettings(client, scope, "gone").catch((e: unknown) => e);
    expect(isNotFound(error)).toBe(true);
  });

  test("the recorded versions list and version detail (errors and messages null)", async () => {
    const item = {
      id: "11111111-2222-3333-4444-555555555555",
      number: 39,
      metadata: {
        created_on: "2026-05-21T18:30:49.933929Z",
        source: "api",
        author_id: "0".repeat(32),
        author_email: "a@example.com",
        has_preview: true,
      },
      annotations: { "workers/triggered_by": "upload" },
    };
    server.handle((req, res) =>
      sendJson(
        res,
        200,
        req.path.endsWith("/versions")
          ? recorded({ items: [item] }, { result_info: { page: 1, per_page: 1, count: 1, total_count: 39 } })
          : recorded({
              ...item,
              resources: {
                script: { etag: "e", handlers: ["fetch"] },
                script_runtime: { usage_model: "standard", assets: { serve_directly: true } },
                bindings: [{ name: "TOKEN", type: "secret_text" }],
              },
            }),
      ),
    );
    const { items, resultInfo } = await listVersions(client, scope, "w", { perPage: 1 });
    expect(items).toEqual([item]);
    expect(resultInfo?.total_count).toBe(39);
    expect((await getVersion(client, scope, "w", item.id)).number).toBe(39);
  });

  test("the newest version is found by created_on, whatever the list's order", async () => {
    const at = (n: number) => `2026-05-0${n}T00:00:00Z`;
    const items = [3, 1, 4, 2].map((n) => ({ id: `v${n}`, number: n, metadata: { created_on: at(n) } }));
    expect(newestVersion(items)?.id).toBe("v4");
    // Oldest first over two pages: the last page is read too.
    server.handle((req, res) => {
      const page = Number(req.query.get("page"));
      const rows =
        page === 1
          ? [1, 2].map((n) => ({ id: `v${n}`, number: n, metadata: { created_on: at(n) } }))
          : [{ id: "v3", number: 3, metadata: { created_on: at(3) } }];
      sendJson(res, 200, recorded({ items: rows }, { result_info: { page, per_page: 100, total_count: 3, total_pages: 2 } }));
    });
    expect((await getNewestVersion(client, scope, "w"))?.id).toBe("v3");
    expect(server.requests.map((r) => r.query.get("page"))).toEqual(["1", "2"]);
  });

  test("GET …/content/v2 answering 204 for an assets-only Worker is a Worker without modules", async () => {
    server.handle((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await getScriptContent(client, scope, "site")).toEqual({ modules: [] });
  });

  test("a namespaced Worker's detail and its namespace, with SDK-optional fields absent", async () => {
    const ns: Scope = { accountId: ACCOUNT, dispatchNamespace: "tenants" };
    server.handle((req, res) =>
      sendJson(
        res,
        200,
        recorded(
          req.path.endsWith("/scripts/t")
            ? { created_on: "2026-01-01T00:00:00Z", script: { id: "t", observability: OBSERVABILITY, tail_consumers: null } }
            : { namespace_id: "n1" },
        ),
      ),
    );
    expect((await getDispatchScript(client, ns, "t")).script?.observability).toEqual(OBSERVABILITY);
    expect(await getNamespace(client, ACCOUNT, "tenants")).toEqual({ namespace_id: "n1" });
  });
});

describe("what we send where the real API differs from our first guess", () => {
  test("POST …/subdomain always carries previews_enabled and wrangler's API date header", async () => {
    server.handle((_req, res) => sendJson(res, 200, recorded({ enabled: true, previews_enabled: false })));
    await setSubdomain(client, scope, "w", { enabled: true, previews_enabled: false });
    const sent = server.requests[0]!;
    expect(JSON.parse(sent.body.toString("utf8"))).toEqual({ enabled: true, previews_enabled: false });
    expect(sent.headers["cloudflare-workers-script-api-date"]).toBe("2025-08-01");
  });

  test("script-level settings of a namespaced Worker go to …/settings and …/tags, never …/script-settings", async () => {
    const ns: Scope = { accountId: ACCOUNT, dispatchNamespace: "tenants" };
    server.handle((req, res) =>
      sendJson(
        res,
        200,
        recorded(
          req.path.endsWith("/tags")
            ? ["a"]
            : { logpush: true, tags: ["a"], tail_consumers: null, observability: OBSERVABILITY, bindings: [] },
        ),
      ),
    );
    await writeScriptLevelSettings(client, ns, "t", { logpush: true, tags: ["a"] });
    expect(await readScriptLevelSettings(client, ns, "t")).toEqual({
      logpush: true,
      tags: ["a"],
      tail_consumers: null,
      observability: OBSERVABILITY,
    });
    const base = `/accounts/${ACCOUNT}/workers/dispatch/namespaces/tenants/scripts/t`;
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT ${base}/tags`,
      `PATCH ${base}/settings`,
      `GET ${base}/settings`,
    ]);
    expect(JSON.parse(server.requests[0]!.body.toString("utf8"))).toEqual(["a"]);
  });
});

describe("the newer endpoints' answers as the real API gives them", () => {
  test("a versions list whose rows carry nulls, and one odd row, reads without failing; the newest is still found", async () => {
    const rows = [
      {
        id: "aaaaaaaa-0000-0000-0000-000000000002",
        number: 2,
        metadata: { created_on: null, source: null, has_preview: true },
        annotations: null,
      },
      {
        id: "aaaaaaaa-0000-0000-0000-000000000001",
        number: 1,
        metadata: null,
        annotations: { "workers/triggered_by": "upload", "workers/tag": null },
      },
      { id: 7, number: "three" },
    ];
    server.handle((_req, res) =>
      sendJson(res, 200, recorded({ items: rows }, { result_info: { page: 1, per_page: 100, count: 3, total_count: 3 } })),
    );
    const { items } = await listVersions(client, scope, "w");
    expect(items.slice(0, 2)).toEqual(rows.slice(0, 2));
    expect((await getNewestVersion(client, scope, "w"))?.id).toBe(rows[0]!.id);
  });

  test("a version whose metadata, annotations and resources carry nulls (an assets-only version: handlers null)", async () => {
    const answer = {
      id: "aaaaaaaa-0000-0000-0000-000000000001",
      number: null,
      metadata: { created_on: null, modified_on: null, author_id: null, author_email: null, source: null, has_preview: null },
      annotations: { "workers/triggered_by": null },
      resources: {
        bindings: null,
        script: { etag: null, handlers: null, named_handlers: null },
        script_runtime: { limits: null, migration_tag: null },
      },
    };
    server.handle((_req, res) => sendJson(res, 200, recorded(answer)));
    expect(await getVersion(client, scope, "w", answer.id)).toEqual(answer);
  });

  test("POST …/deployments answering only {id}, with the version ids sent dashed", async () => {
    server.handle((_req, res) => sendJson(res, 200, recorded({ id: "dddddddd-0000-0000-0000-000000000001" })));
    const made = await createDeployment(client, scope, "w", {
      versions: [{ versionId: "00112233445566778899aabbccddeeff", percentage: 100 }],
    });
    expect(made).toEqual({ id: "dddddddd-0000-0000-0000-000000000001" });
    expect(JSON.parse(server.requests[0]!.body.toString("utf8")).versions).toEqual([
      { version_id: "00112233-4455-6677-8899-aabbccddeeff", percentage: 100 },
    ]);
  });

  test('a route create answering only {id}; routes whose script is null or "" read as without a Worker', async () => {
    server.handle((req, res) =>
      sendJson(
        res,
        200,
        recorded(
          req.method === "POST"
            ? { id: "r1" }
            : [
                { id: "r1", pattern: "example.com/*", script: null },
                { id: "r2", pattern: "example.com/a/*", script: "" },
              ],
        ),
      ),
    );
    expect(await createRoute(client, ZONE, { pattern: "example.com/*", script: "w" })).toEqual({ id: "r1" });
    expect((await listRoutes(client, ZONE)).map(routeScript)).toEqual([undefined, undefined]);
  });

  test("a custom domain DELETE answering 200 with an empty body and no content type is a success", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-length": "0" });
      res.end();
    });
    await expect(deleteDomain(client, ACCOUNT, "d1")).resolves.toBeUndefined();
  });

  test("a custom domain with enabled/previews_enabled, or without them (older answers), and schedules null or without dates", async () => {
    const domain = {
      id: "d1",
      hostname: "a.example.com",
      service: "w",
      zone_id: ZONE,
      zone_name: "example.com",
      environment: "production",
    };
    server.handle((req, res) =>
      sendJson(
        res,
        200,
        recorded(
          req.path.endsWith("/schedules")
            ? { schedules: req.method === "GET" ? null : [{ cron: "0 3 * * *" }] }
            : req.path.endsWith("/d1")
              ? domain
              : [{ ...domain, enabled: false, previews_enabled: true }],
        ),
      ),
    );
    expect(await getDomain(client, ACCOUNT, "d1")).toEqual(domain);
    expect((await listDomains(client, ACCOUNT))[0]).toMatchObject({ enabled: false, previews_enabled: true });
    expect(await getSchedules(client, ACCOUNT, "w")).toEqual({ schedules: [] });
    expect(await putSchedules(client, ACCOUNT, "w", ["0 3 * * *"])).toEqual({ schedules: [{ cron: "0 3 * * *" }] });
  });
});
