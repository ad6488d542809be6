import type { EmulatorOptions } from "../../emulator";
import { startRecordingProxy, type RecordingProxy, type WireRequest } from "../../bench/assets/recording-proxy";
import { CloudflareClient, createNamespace, listScripts, uploadScript, type Scope } from "../../provider/cloudflare";
import {
  AssetsUploadError,
  checkAssets,
  clearAssetHashCache,
  deployAssets,
  type LocalAssets,
  type WireAssetsConfig,
} from "../../provider/resources/assets";
import { numberedFiles, tempTree, type TempTree } from "./fixtures";
import { ACCOUNT, useEmulator } from "../support";
import { captureNotices } from "../client/helpers/notices";

const scope: Scope = { accountId: ACCOUNT };
const SESSION = `POST /accounts/${ACCOUNT}/workers/scripts/site/assets-upload-session`;
const BUCKET = `POST /accounts/${ACCOUNT}/workers/assets/upload?base64=true`;

const emulator = useEmulator();
let proxy: RecordingProxy;
let tree: TempTree;
/** Retries without real backoff waits; everything else as in production. */
const noWait = { sleep: async () => {} };
const client = new CloudflareClient(noWait);
const options = { clientOptions: noWait };

/**
 * Puts a recording proxy in front of the emulator (restarted first with `options` when given, for this test
 * only) and points the client at it, so tests see what went on the wire.
 */
async function start(options?: EmulatorOptions): Promise<void> {
  if (options !== undefined) await emulator.restart(options);
  proxy = await startRecordingProxy(emulator.url);
  process.env.CLOUDFLARE_API_BASE_URL = proxy.url;
}

afterEach(async () => {
  await proxy?.close();
  tree?.cleanup();
  clearAssetHashCache();
});

async function assetsOf(dir: string): Promise<LocalAssets> {
  const { failures, assets } = await checkAssets({ directory: dir });
  expect(failures).toEqual([]);
  return assets!;
}

/** The calls since the last take, as `METHOD /path?query`; clears the log. */
function takeWire(): WireRequest[] {
  const calls = [...proxy.requests];
  proxy.clear();
  return calls;
}
const line = (r: WireRequest) => `${r.method} ${r.path}${r.query}`;
const buckets = (calls: WireRequest[]) => calls.filter((r) => line(r) === BUCKET);
const sentHashes = (calls: WireRequest[]) => buckets(calls).flatMap((r) => r.parts);
const accepted = (calls: WireRequest[]) =>
  buckets(calls)
    .filter((r) => r.status === 201 || r.status === 202)
    .flatMap((r) => r.parts);

/** Attaches the assets to an assets-only Worker: the completion token is what the Worker upload needs. */
async function attach(jwt: string, config: WireAssetsConfig): Promise<void> {
  await uploadScript(client, scope, "site", { metadata: { assets: { jwt, config } }, modules: [] });
  const listed = (await listScripts(client, ACCOUNT)).find((s) => s.id === "site");
  expect(listed?.has_assets).toBe(true);
}

describe("deployAssets: only what the API lacks goes on the wire", () => {
  beforeEach(() => start());

  it("uploads every file exactly once on the first deployment, and the completion token attaches them", async () => {
    tree = tempTree(numberedFiles(25));
    const assets = await assetsOf(tree.dir);
    const result = await deployAssets(scope, "site", assets, options);
    const calls = takeWire();
    expect(calls.map(line)).toEqual([SESSION, BUCKET, BUCKET, BUCKET]);
    expect(
      buckets(calls)
        .map((r) => r.status)
        .sort(),
    ).toEqual([201, 202, 202]);
    expect(sentHashes(calls).sort()).toEqual(
      Object.values(assets.manifest)
        .map((e) => e.hash)
        .sort(),
    );
    expect(result.report).toEqual({ sessions: 1, buckets: 3, files: 25, bytes: assets.totalBytes });
    await attach(result.jwt, result.config);
  });

  it("uploads nothing on a second deployment of the same files: one session call, already complete", async () => {
    tree = tempTree(numberedFiles(25));
    const assets = await assetsOf(tree.dir);
    await deployAssets(scope, "site", assets, options);
    takeWire();
    const again = await deployAssets(scope, "site", assets, options);
    expect(takeWire().map(line)).toEqual([SESSION]);
    expect(again.report).toEqual({ sessions: 1, buckets: 0, files: 0, bytes: 0 });
    await attach(again.jwt, again.config);
  });

  it("after a partial change uploads only the changed and added files", async () => {
    tree = tempTree(numberedFiles(30));
    await deployAssets(scope, "site", await assetsOf(tree.dir), options);
    tree.write("f/0003.txt", "changed\n");
    tree.write("f/0017.txt", "changed too\n");
    tree.write("new/page.html", "<p>new</p>");
    tree.remove("f/0020.txt");
    const next = await assetsOf(tree.dir);
    takeWire();
    await deployAssets(scope, "site", next, options);
    const calls = takeWire();
    expect(calls.map(line)).toEqual([SESSION, BUCKET]);
    expect(sentHashes(calls).sort()).toEqual(
      [next.manifest["/f/0003.txt"]!.hash, next.manifest["/f/0017.txt"]!.hash, next.manifest["/new/page.html"]!.hash].sort(),
    );
  });

  it("reads from disk only the files the API asks for", async () => {
    tree = tempTree(numberedFiles(12));
    const assets = await assetsOf(tree.dir);
    await deployAssets(scope, "site", assets, options);
    // The API has them all now: a file gone from disk does not matter, since nothing is read.
    tree.remove("f/0004.txt");
    takeWire();
    const again = await deployAssets(scope, "site", assets, options);
    expect(again.report.files).toBe(0);
    expect(takeWire().map(line)).toEqual([SESSION]);
  });

  it("sends a content shared by several files once", async () => {
    tree = tempTree({ "a/logo.svg": "<svg/>", "b/logo.svg": "<svg/>", "c.txt": "c" });
    const assets = await assetsOf(tree.dir);
    await deployAssets(scope, "site", assets, options);
    const sent = sentHashes(takeWire());
    expect(sent).toHaveLength(2);
    expect(new Set(sent)).toEqual(new Set([assets.manifest["/a/logo.svg"]!.hash, assets.manifest["/c.txt"]!.hash]));
  });

  it("sends each file base64-encoded with its content type, as the part named by its hash", async () => {
    tree = tempTree({ "index.html": "<h1>hi</h1>", "img/logo.png": Buffer.from([137, 80, 78, 71]), "data.unknownext": "?" });
    const assets = await assetsOf(tree.dir);
    await deployAssets(scope, "site", assets, options);
    const [bucket] = buckets(takeWire());
    const typeOf = (key: string) => bucket!.partTypes[bucket!.parts.indexOf(assets.manifest[key]!.hash)];
    expect(typeOf("/index.html")).toBe("text/html; charset=utf-8");
    expect(typeOf("/img/logo.png")).toBe("image/png");
    expect(typeOf("/data.unknownext")).toBe("application/null");
  });

  it("opens the session inside a dispatch namespace for a Worker there, and reports progress per bucket", async () => {
    await createNamespace(client, ACCOUNT, { name: "customers" });
    takeWire();
    tree = tempTree(numberedFiles(25));
    const progress: string[] = [];
    await deployAssets({ accountId: ACCOUNT, dispatchNamespace: "customers" }, "site", await assetsOf(tree.dir), {
      ...options,
      onProgress: ({ uploadedFiles, filesToUpload }) => progress.push(`${uploadedFiles}/${filesToUpload}`),
    });
    expect(takeWire().map(line)).toEqual([
      `POST /accounts/${ACCOUNT}/workers/dispatch/namespaces/customers/scripts/site/assets-upload-session`,
      BUCKET,
      BUCKET,
      BUCKET,
    ]);
    expect(progress.at(-1)).toBe("25/25");
    expect(progress).toHaveLength(3);
  });

  it("prints a progress line per accepted bucket in pulumi up's output", async () => {
    tree = tempTree(numberedFiles(25));
    const notices = captureNotices();
    try {
      await deployAssets(scope, "site", await assetsOf(tree.dir), options);
    } finally {
      notices.restore();
    }
    expect(notices.lines).toHaveLength(3);
    expect(notices.lines.at(-1)).toMatch(/^cloudflare-workers: Worker "site" assets: 25 of 25 files uploaded \(\d+ bytes so far\)\.$/);
  });

  it("keeps at most 3 buckets in flight", async () => {
    await proxy.close();
    await start({ latencyMs: 40 });
    tree = tempTree(numberedFiles(90));
    await deployAssets(scope, "site", await assetsOf(tree.dir), options);
    const uploads = emulator.requests.filter((r) => r.path.endsWith("/workers/assets/upload"));
    expect(uploads).toHaveLength(9);
    const events = uploads
      .flatMap((r) => [
        { t: r.time, d: 1 },
        { t: r.time + r.durationMs, d: -1 },
      ])
      .sort((a, b) => a.t - b.t || a.d - b.d);
    let inFlight = 0;
    let peak = 0;
    for (const e of events) peak = Math.max(peak, (inFlight += e.d));
    expect(peak).toBe(3);
  });
});

describe("deployAssets: failures", () => {
  it("retries a failing bucket on its own; the other buckets are sent once", async () => {
    await start();
    tree = tempTree(numberedFiles(25));
    const assets = await assetsOf(tree.dir);
    emulator.injectFault({ method: "POST", path: /\/workers\/assets\/upload$/, status: 503, times: 2 });
    const result = await deployAssets(scope, "site", assets, options);
    const calls = takeWire();
    const statuses = buckets(calls).map((r) => r.status);
    expect(statuses.filter((s) => s === 503)).toHaveLength(2);
    expect(statuses.filter((s) => s === 201 || s === 202)).toHaveLength(3);
    // Every file accepted exactly once; a repeat carries exactly the parts of the bucket that failed.
    expect(accepted(calls).sort()).toEqual(
      Object.values(assets.manifest)
        .map((e) => e.hash)
        .sort(),
    );
    for (const failed of buckets(calls).filter((r) => r.status === 503)) {
      expect(buckets(calls).some((r) => r.status !== 503 && r.parts.join() === failed.parts.join())).toBe(true);
    }
    await attach(result.jwt, result.config);
  });

  it("opens a new session when the session token expires part-way, and does not send accepted files again", async () => {
    await start({ assetsSessionTtlMs: 1_500 });
    tree = tempTree(numberedFiles(50));
    const assets = await assetsOf(tree.dir);
    // The first bucket reaches the API after its session expired; the others are accepted in time.
    emulator.injectFault({ method: "POST", path: /\/workers\/assets\/upload$/, delayMs: 2_000, times: 1 });
    const result = await deployAssets(scope, "site", assets, options);
    const calls = takeWire();
    const expired = buckets(calls).filter((r) => r.status === 401);
    expect(expired).toHaveLength(1);
    expect(calls.filter((r) => line(r) === SESSION)).toHaveLength(2);
    // After the second session: exactly the refused bucket, nothing that had been accepted.
    const secondSession = calls.findIndex((r, i) => i > 0 && line(r) === SESSION);
    expect(sentHashes(calls.slice(secondSession)).sort()).toEqual([...expired[0]!.parts].sort());
    const all = accepted(calls);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(
      Object.values(assets.manifest)
        .map((e) => e.hash)
        .sort(),
    );
    expect(result.report.sessions).toBe(2);
    await attach(result.jwt, result.config);
  });

  it("stops on a bucket the API refuses, names its files, and a new run sends only what was not accepted", async () => {
    await start();
    tree = tempTree(numberedFiles(25));
    const assets = await assetsOf(tree.dir);
    emulator.injectFault({ method: "POST", path: /\/workers\/assets\/upload$/, status: 400, times: 1 });
    const failure = await deployAssets(scope, "site", assets, { client }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AssetsUploadError);
    expect((failure as Error).message).toMatch(
      /^uploading the assets of Worker "site" failed on \/f\/\d{4}\.txt, \/f\/\d{4}\.txt, \/f\/\d{4}\.txt and \d+ more: .*injected fault: HTTP 400.*\. \d+ of 25 files were accepted and are kept; running the deployment again sends only the rest\.$/s,
    );
    const first = takeWire();
    const refused = buckets(first).find((r) => r.status === 400)!;
    await deployAssets(scope, "site", assets, options);
    const second = takeWire();
    expect(sentHashes(second).sort()).toEqual([...refused.parts].sort());
    expect(sentHashes(second).filter((h) => accepted(first).includes(h))).toEqual([]);
  });

  it("never sends a file that changed after the check under the old hash", async () => {
    await start();
    tree = tempTree({ "a.txt": "a", "b.txt": "b" });
    const assets = await assetsOf(tree.dir);
    tree.write("b.txt", "b, rebuilt");
    await expect(deployAssets(scope, "site", assets, { client })).rejects.toThrow(/asset \/b\.txt changed after the assets were checked/);
    expect(sentHashes(takeWire())).not.toContain(assets.manifest["/b.txt"]!.hash);
  });

  it("cuts a stalled bucket short and sends it again", async () => {
    await start();
    tree = tempTree(numberedFiles(5));
    const assets = await assetsOf(tree.dir);
    emulator.injectFault({ method: "POST", path: /\/workers\/assets\/upload$/, delayMs: 1_500, times: 1 });
    const result = await deployAssets(scope, "site", assets, { clientOptions: { ...noWait, timeoutMs: 300 } });
    const sent = buckets(takeWire());
    expect(sent).toHaveLength(2);
    expect(sent[1]!.parts).toEqual(sent[0]!.parts);
    await attach(result.jwt, result.config);
  });

  it("gives up when a new session's token is refused before any file is accepted", async () => {
    await start();
    tree = tempTree(numberedFiles(5));
    const assets = await assetsOf(tree.dir);
    emulator.injectFault({ method: "POST", path: /\/workers\/assets\/upload$/, status: 401, times: 10 });
    await expect(deployAssets(scope, "site", assets, { client })).rejects.toThrow(
      /refused the assets upload session of Worker "site" before any file was accepted/,
    );
    expect(takeWire().map(line)).toEqual([SESSION, BUCKET]);
  });
});
