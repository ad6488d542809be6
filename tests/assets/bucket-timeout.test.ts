import { randomBytes } from "node:crypto";
import { CloudflareClient, type Scope } from "../../provider/cloudflare";
import type { RequestEvent } from "../../provider/cloudflare/client";
import { setStackConfig } from "../../provider/cloudflare/config";
import { bucketTransferMs, checkAssets, clearAssetHashCache, deployAssets, type LocalAssets } from "../../provider/resources/assets";
import { ACCOUNT } from "../support/account";
import { useEmulator } from "../support/emulator";
import { numberedFiles, tempTree, type TempTree } from "./fixtures";

describe("bucketTransferMs: what a bucket adds to the per-attempt timeout", () => {
  it("allows 128 KiB/s for the bucket's bytes", () => {
    expect(bucketTransferMs(0)).toBe(0);
    expect(bucketTransferMs(128 * 1024)).toBe(1_000);
    expect(bucketTransferMs(67 * 1024 * 1024)).toBe(536_000);
  });
});

describe("a bucket upload's per-attempt timeout follows cloudflare-workers:timeoutMs", () => {
  const emulator = useEmulator();
  const scope: Scope = { accountId: ACCOUNT };
  let attempts: RequestEvent[] = [];
  /** Retries without real backoff waits; every attempt seen from the client (an attempt cut short never reaches the emulator's log). */
  const noWait = { sleep: async () => {}, onRequest: (event: RequestEvent) => attempts.push(event) };
  let tree: TempTree | undefined;

  beforeEach(() => {
    attempts = [];
  });
  afterEach(() => {
    setStackConfig({});
    tree?.cleanup();
    clearAssetHashCache();
  });

  async function assetsOf(files: Record<string, string | Buffer>): Promise<LocalAssets> {
    tree = tempTree(files);
    const { failures, assets } = await checkAssets({ directory: tree.dir });
    expect(failures).toEqual([]);
    return assets!;
  }
  const bucketsSent = () => attempts.filter((a) => a.method === "POST" && a.path.endsWith("/workers/assets/upload")).length;
  const stallFirstBucket = (delayMs: number) =>
    emulator.injectFault({ method: "POST", path: /\/workers\/assets\/upload$/, delayMs, times: 1 });

  it("cuts a stalled bucket short after the configured time and sends it again", async () => {
    const assets = await assetsOf(numberedFiles(5));
    setStackConfig({ "cloudflare-workers:timeoutMs": "300" });
    stallFirstBucket(1_500);
    await deployAssets(scope, "site", assets, { clientOptions: noWait });
    expect(bucketsSent()).toBe(2);
  });

  it("waits for a slow bucket when the configured time allows it", async () => {
    const assets = await assetsOf(numberedFiles(5));
    setStackConfig({ "cloudflare-workers:timeoutMs": "5000" });
    stallFirstBucket(1_500);
    await deployAssets(scope, "site", assets, { clientOptions: noWait });
    expect(bucketsSent()).toBe(1);
  });

  it("gives a large bucket its transfer time on top, also through a client given by the caller (WorkerScript's)", async () => {
    // 300 KB of content: about 400 KB of base64, about 3 s at 128 KiB/s on top of the configured 300 ms.
    const assets = await assetsOf({ "big.bin": randomBytes(300_000) });
    setStackConfig({ "cloudflare-workers:timeoutMs": "300" });
    stallFirstBucket(1_200);
    await deployAssets(scope, "site", assets, { client: new CloudflareClient(noWait) });
    expect(bucketsSent()).toBe(1);
  });
});
