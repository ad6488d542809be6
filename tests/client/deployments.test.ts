/**
 * The version-upload and deployment endpoint functions: against the emulator (what goes on the wire, what
 * comes back), and against a scripted server for the liberal readers (nulls and unknown fields accepted).
 */
import {
  CloudflareApiError,
  CloudflareClient,
  closeDispatchers,
  createDeployment,
  dashedVersionId,
  listDeployments,
  listVersions,
  uploadScript,
  uploadVersion,
  type WorkerModule,
} from "../../provider/cloudflare";
import { ACCOUNT, scope, useEmulator } from "../support";
import { ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";

const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };
const code = (n: number): WorkerModule => ({
  name: "index.js",
  contentType: "application/javascript+module",
  content: new TextEncoder().encode(`export default { fetch() { return new Response("v${n}"); } };\n`),
});

describe("against the emulator", () => {
  const emulator = useEmulator();
  let client: CloudflareClient;
  beforeAll(() => {
    client = new CloudflareClient({ baseUrl: emulator.url, limiter: unlimited });
  });
  afterAll(() => closeDispatchers());

  it("uploads a version that is not deployed, deploys it at 10% then 100%, and lists the deployments newest first", async () => {
    const first = await uploadScript(client, scope, "w", { metadata: { main_module: "index.js" }, modules: [code(1)] });
    emulator.clearRequests();
    const v2 = await uploadVersion(client, scope, "w", {
      metadata: { main_module: "index.js", keep_bindings: ["secret_text"], annotations: { "workers/message": "canary" } },
      modules: [code(2)],
    });
    expect(v2).toMatchObject({ number: 2 });
    const split = await createDeployment(client, scope, "w", {
      versions: [
        { versionId: v2.id!, percentage: 10 },
        { versionId: first.deployment_id!, percentage: 90 },
      ],
      message: "canary at 10%",
    });
    // The answer carries only the id (recorded); the upload's undashed deployment_id went out dashed.
    expect(split).toEqual({ id: expect.any(String) });
    await createDeployment(client, scope, "w", { versions: [{ versionId: v2.id!, percentage: 100 }] });
    const deployments = await listDeployments(client, scope, "w");
    expect(deployments.map((d) => d.versions?.map((v) => v.percentage))).toEqual([[100], [10, 90], [100]]);
    expect(deployments[1]!.annotations?.["workers/message"]).toBe("canary at 10%");
    expect(deployments[1]!.versions).toEqual([
      { version_id: v2.id, percentage: 10 },
      { version_id: dashedVersionId(first.deployment_id!), percentage: 90 },
    ]);
    expect(first.deployment_id).toMatch(/^[0-9a-f]{32}$/);
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /accounts/${ACCOUNT}/workers/scripts/w/versions`,
      `POST /accounts/${ACCOUNT}/workers/scripts/w/deployments`,
      `POST /accounts/${ACCOUNT}/workers/scripts/w/deployments`,
      `GET /accounts/${ACCOUNT}/workers/scripts/w/deployments`,
    ]);
    expect((await listVersions(client, scope, "w")).items.map((i) => i.number)).toEqual([2, 1]);
  });

  it("refuses to send a deployment of three versions (strict writer) and passes force=true on", async () => {
    await uploadScript(client, scope, "w", { metadata: { main_module: "index.js" }, modules: [code(1)] });
    await expect(
      createDeployment(client, scope, "w", { versions: [1, 2, 3].map((n) => ({ versionId: `v${n}`, percentage: 100 / 3 })) }),
    ).rejects.toThrow();
    emulator.clearRequests();
    const unknown = createDeployment(client, scope, "w", { versions: [{ versionId: "nope", percentage: 100 }], force: true });
    await expect(unknown).rejects.toBeInstanceOf(CloudflareApiError);
    expect(emulator.requests[0]!.query).toEqual({ force: "true" });
  });
});

describe("liberal readers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("reads deployments with nulls and unknown fields, and a version answer with only an id", async () => {
    const client = new CloudflareClient({ apiToken: "t", baseUrl: server.url, limiter: unlimited });
    server.handle((req, res) => {
      if (req.method === "GET") {
        sendJson(
          res,
          200,
          ok({
            deployments: [
              {
                id: "d1",
                versions: [{ version_id: "a", percentage: 100, extra: 1 }],
                annotations: null,
                author_email: null,
                future: { x: 1 },
              },
            ],
          }),
        );
      } else sendJson(res, 200, ok({ id: "v-only", number: null, metadata: null }));
    });
    const deployments = await listDeployments(client, scope, "w");
    expect(deployments[0]).toMatchObject({ id: "d1", versions: [{ version_id: "a", percentage: 100 }] });
    const version = await uploadVersion(client, scope, "w", { metadata: { main_module: "index.js" }, modules: [code(1)] });
    expect(version.id).toBe("v-only");
    server.handle((_req, res) => sendJson(res, 200, ok({ deployments: null })));
    expect(await listDeployments(client, scope, "w")).toEqual([]);
  });
});
