/**
 * examples/assets-site: its assets as checkAssets sees them, and (once WorkerScript takes `assets`) the whole
 * program through Pulumi's dynamic-provider host against the emulator, every call on the wire recorded.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startRecordingProxy, type RecordingProxy, type WireRequest } from "../../bench/assets/recording-proxy";
import { CloudflareClient, listScripts, uploadScript } from "../../provider/cloudflare";
import { checkAssets, clearAssetHashCache } from "../../provider/resources/assets";
import { Engine, type StepReport } from "../engine/harness";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";

const EXAMPLE = path.join(__dirname, "../../examples/assets-site");
const PROGRAM = path.join(EXAMPLE, "index.ts");

describe("examples/assets-site: what its directories upload", () => {
  afterEach(() => clearAssetHashCache());

  it("serves the pages, styles, scripts and images, with _headers/_redirects in the config and drafts and maps left out", async () => {
    const { failures, assets } = await checkAssets({ directory: path.join(EXAMPLE, "public"), config: { notFoundHandling: "404-page" } });
    expect(failures).toEqual([]);
    expect(Object.keys(assets!.manifest)).toEqual(["/404.html", "/css/site.css", "/img/logo.svg", "/index.html", "/js/app.js"]);
    expect(assets!.config).toEqual({
      not_found_handling: "404-page",
      _headers: expect.stringContaining("X-Content-Type-Options: nosniff"),
      _redirects: "/home / 301\n/docs/* /:splat 302\n",
    });
  });

  it("gives the app its index page and the rule that runs the Worker first for /api/*", async () => {
    const { assets } = await checkAssets({ directory: path.join(EXAMPLE, "app", "public"), config: { runWorkerFirst: ["/api/*"] } });
    expect(Object.keys(assets!.manifest)).toEqual(["/index.html"]);
    expect(assets!.config).toEqual({ run_worker_first: ["/api/*"] });
  });
});

describe("examples/assets-site through the engine", () => {
  const emulator = useEmulator({ keepState: true });
  let proxy: RecordingProxy;
  let engine: Engine;
  let docsDir: string;
  const client = () => new CloudflareClient({ baseUrl: emulator.url });
  const run = () => ({ config: { docsDir } });

  beforeAll(async () => {
    proxy = await startRecordingProxy(emulator.url);
    docsDir = path.join(mkdtempSync(path.join(tmpdir(), "assets-site-")), "public");
    cpSync(path.join(EXAMPLE, "public"), docsDir, { recursive: true });
    engine = await Engine.start({
      env: { ...emulatorEnv(emulator), CLOUDFLARE_API_BASE_URL: proxy.url },
    });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await proxy?.close();
    rmSync(path.dirname(docsDir), { recursive: true, force: true });
  });

  function ops(report: StepReport): string[] {
    expect(report.programErrors).toEqual([]);
    expect(report.outcomes.filter((o) => o.error || o.failures?.length)).toEqual([]);
    return report.outcomes.map((o) => `${o.name}:${o.op}`).sort();
  }
  function takeWrites(): WireRequest[] {
    const writes = proxy.requests.filter((r) => r.method !== "GET");
    proxy.clear();
    return writes;
  }
  const bucketParts = (writes: WireRequest[]) => writes.filter((r) => r.path.endsWith("/workers/assets/upload")).flatMap((r) => r.parts);
  const sessions = (writes: WireRequest[]) =>
    writes.filter((r) => r.path.endsWith("/assets-upload-session")).map((r) => r.path.split("/")[5]);

  it("creates both Workers with their files uploaded once, and a second up sends nothing at all", async () => {
    proxy.clear();
    expect(ops(await engine.up(PROGRAM, run()))).toEqual(["app:create", "docs:create"]);
    const writes = takeWrites();
    expect(sessions(writes).sort()).toEqual(["app", "docs"]);
    expect(bucketParts(writes)).toHaveLength(6); // 5 docs files + the app's index.html
    const listed = await listScripts(client(), ACCOUNT);
    expect(
      listed
        .filter((s) => s.has_assets)
        .map((s) => s.id)
        .sort(),
    ).toEqual(["app", "docs"]);

    expect(ops(await engine.up(PROGRAM, run()))).toEqual(["app:same", "docs:same"]);
    expect(takeWrites()).toEqual([]);
  }, 120_000);

  it("updates the docs after one file changed by uploading that file only", async () => {
    writeFileSync(path.join(docsDir, "css", "site.css"), "body { color: #222; }\n");
    const changed = (await checkAssets({ directory: docsDir })).assets!.manifest["/css/site.css"]!.hash;
    const report = await engine.up(PROGRAM, run());
    expect(ops(report)).toEqual(["app:same", "docs:update"]);
    expect(report.outcomes.find((o) => o.name === "docs")!.changedKeys).toContain("assetsState");
    const writes = takeWrites();
    expect(sessions(writes)).toEqual(["docs"]);
    expect(bucketParts(writes)).toEqual([changed]);
  }, 120_000);

  it("notices on refresh that the assets were removed outside Pulumi, and the next up attaches them again without uploading", async () => {
    await uploadScript(client(), { accountId: ACCOUNT }, "docs", {
      metadata: { main_module: "index.js", compatibility_date: "2025-09-01" },
      modules: [
        {
          name: "index.js",
          contentType: "application/javascript+module",
          content: Buffer.from("export default { fetch() { return new Response('x') } }"),
        },
      ],
    });
    const refresh = await engine.refresh();
    expect(refresh.outcomes.find((o) => o.name === "docs")!.changedKeys).toContain("assetsState");
    proxy.clear();
    expect(ops(await engine.up(PROGRAM, run()))).toEqual(["app:same", "docs:update"]);
    const writes = takeWrites();
    expect(sessions(writes)).toEqual(["docs"]);
    expect(bucketParts(writes)).toEqual([]);
    expect((await listScripts(client(), ACCOUNT)).find((s) => s.id === "docs")!.has_assets).toBe(true);
  }, 120_000);

  it("destroys both Workers", async () => {
    expect(ops(await engine.destroy())).toEqual(["app:delete", "docs:delete"]);
    expect(await listScripts(client(), ACCOUNT)).toEqual([]);
  }, 120_000);
});
