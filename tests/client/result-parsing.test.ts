import {
  CloudflareClient,
  closeDispatchers,
  getSettings,
  getVersion,
  listVersions,
  searchAllScripts,
  uploadAssetsBucket,
} from "../../provider/cloudflare";
import { recordingSleep } from "./helpers/clocks";
import { fail, ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };

let server: TestServer;
let client: CloudflareClient;
beforeEach(async () => {
  server = await startTestServer();
  client = new CloudflareClient({
    apiToken: "parsing-token-abcdef",
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

describe("results", () => {
  test("unknown fields and unknown binding types pass through, never dropped", async () => {
    const bindings = [
      { type: "plain_text", name: "A", text: "a", added_later: { x: 1 } },
      { type: "quantum_entangler", name: "Q", particles: 2 },
      { type: "secret_text", name: "S" },
    ];
    server.handle((_req, res) => sendJson(res, 200, ok({ bindings, compatibility_date: "2026-01-01", brand_new_setting: true })));
    const settings = await getSettings(client, { accountId: ACCOUNT }, "w");
    expect(settings.bindings).toEqual(bindings);
    expect((settings as Record<string, unknown>).brand_new_setting).toBe(true);
  });

  test("listVersions returns the items and result_info", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        ok(
          {
            items: [
              { id: "v2", number: 2 },
              { id: "v1", number: 1 },
            ],
          },
          { result_info: { page: 1, per_page: 2, total_count: 7 } },
        ),
      ),
    );
    const answer = await listVersions(client, { accountId: ACCOUNT }, "w", { page: 1, perPage: 2, deployable: true });
    expect(answer).toEqual({
      items: [
        { id: "v2", number: 2 },
        { id: "v1", number: 1 },
      ],
      resultInfo: { page: 1, per_page: 2, total_count: 7 },
    });
    expect(Object.fromEntries(server.requests[0]!.query)).toEqual({ page: "1", per_page: "2", deployable: "true" });
  });

  test("searchAllScripts follows total_pages and stops at the last page", async () => {
    server.handle((req, res) => {
      const page = Number(req.query.get("page"));
      const rows =
        page <= 3 ? Array.from({ length: page < 3 ? 100 : 7 }, (_, i) => ({ id: `${page}-${i}`, script_name: `s${page}-${i}` })) : [];
      sendJson(res, 200, ok(rows, { result_info: { page, per_page: 100, total_pages: 3, total_count: 207 } }));
    });
    const rows = await searchAllScripts(client, ACCOUNT);
    expect(rows).toHaveLength(207);
    expect(server.requests.map((r) => r.query.get("page"))).toEqual(["1", "2", "3"]);
    expect(server.requests.every((r) => r.query.get("per_page") === "100")).toBe(true);
  });

  test("an unknown version is reported as such, not as a missing Worker", async () => {
    server.handle((_req, res) => sendJson(res, 404, fail([{ code: 10220, message: "version not found" }])));
    const error = await getVersion(client, { accountId: ACCOUNT }, "w", "0000-1111").catch((e: unknown) => e as Error);
    expect(error.message).toContain('Version 0000-1111 does not exist on Worker "w"');
  });

  test("uploadAssetsBucket uses the session JWT as Bearer and never the account token; a 202 means more to come", async () => {
    server.handle((_req, res) => sendJson(res, 202, ok({})));
    const answer = await uploadAssetsBucket(client, ACCOUNT, "session.jwt.value", [
      { hash: "0123456789abcdef0123456789abcdef", contentType: "text/html", base64: "PGgxPjwvaDE+" },
    ]);
    expect(answer).toEqual({});
    const req = server.requests[0]!;
    expect(req.headers.authorization).toBe("Bearer session.jwt.value");
    expect(req.url).toBe(`/client/v4/accounts/${ACCOUNT}/workers/assets/upload?base64=true`);
    expect(String(req.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
  });
});
