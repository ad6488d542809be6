import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { checkAssets, clearAssetHashCache, loadAssets } from "../../provider/resources/assets";
import { ASSET_MAX_FILE_BYTES } from "../../provider/resources/assets/inputs";
import { tempTree, numberedFiles, type TempTree } from "./fixtures";

// Independently computed (BLAKE3 over base64(content) + extension; see hash.test.ts).
const HELLO_HTML = "569c49c876d9d1d37936e494e70a80e8";
const EMPTY_NO_EXTENSION = "af1349b9f5f9a1a6a0404dea36dcc949";

describe("checkAssets: the manifest of an assets directory", () => {
  let tree: TempTree;
  afterEach(() => {
    tree?.cleanup();
    clearAssetHashCache();
  });

  it("keys every file by /relative/path with / separators, with wrangler's hash and the size", async () => {
    tree = tempTree({ "index.html": "<h1>Hello</h1>\n", "css/site.css": "body{}", "deep/a/b/LICENSE": "" });
    const { failures, assets } = await checkAssets({ directory: tree.dir });
    expect(failures).toEqual([]);
    expect(Object.keys(assets!.manifest)).toEqual(["/css/site.css", "/deep/a/b/LICENSE", "/index.html"]);
    expect(assets!.manifest["/index.html"]).toEqual({ hash: HELLO_HTML, size: 15 });
    expect(assets!.manifest["/deep/a/b/LICENSE"]).toEqual({ hash: EMPTY_NO_EXTENSION, size: 0 });
    expect(assets!.fileCount).toBe(3);
    expect(assets!.totalBytes).toBe(15 + 6);
    expect(assets!.directory).toBe(tree.dir);
  });

  it("resolves a relative directory against the working directory given", async () => {
    tree = tempTree({ "public/index.html": "<h1>Hello</h1>\n" });
    const { assets } = await checkAssets({ directory: "public" }, "assets", tree.dir);
    expect(assets!.manifest).toEqual({ "/index.html": { hash: HELLO_HTML, size: 15 } });
  });

  it("leaves out what .assetsignore lists, and the three metafiles, without entering ignored folders", async () => {
    tree = tempTree({
      ".assetsignore": "node_modules\n*.map\n!keep.map\n",
      _headers: "/*\n  X-Frame-Options: DENY\n",
      _redirects: "/old /new 301\n",
      "index.html": "hi",
      "app.js": "x",
      "app.js.map": "{}",
      "keep.map": "{}",
      "node_modules/pkg/index.js": "x",
      "sub/_headers": "not the root one",
    });
    const { assets } = await checkAssets({ directory: tree.dir });
    expect(Object.keys(assets!.manifest)).toEqual(["/app.js", "/index.html", "/keep.map", "/sub/_headers"]);
  });

  it("leaves out a folder named _headers, as wrangler's rule /_headers does, and reads no headers from it", async () => {
    tree = tempTree({ "_headers/readme.txt": "a folder, not the headers file", "index.html": "hi" });
    const { failures, assets } = await checkAssets({ directory: tree.dir });
    expect(failures).toEqual([]);
    expect(Object.keys(assets!.manifest)).toEqual(["/index.html"]);
    expect(assets!.config._headers).toBeUndefined();
  });

  it("puts _headers and _redirects into the configuration, beside the user's settings in wire form", async () => {
    tree = tempTree({ _headers: "/*\n  X-Frame-Options: DENY\n", _redirects: "/old /new 301\n", "index.html": "hi" });
    const { assets } = await checkAssets({
      directory: tree.dir,
      config: {
        htmlHandling: "drop-trailing-slash",
        notFoundHandling: "single-page-application",
        runWorkerFirst: ["/api/*", "!/api/docs/*"],
      },
    });
    expect(assets!.config).toEqual({
      html_handling: "drop-trailing-slash",
      not_found_handling: "single-page-application",
      run_worker_first: ["/api/*", "!/api/docs/*"],
      _headers: "/*\n  X-Frame-Options: DENY\n",
      _redirects: "/old /new 301\n",
    });
  });

  it("changes the assets hash when a file, a file name, _headers or the configuration changes, and only then", async () => {
    tree = tempTree({ "index.html": "hi", "a.css": "x" });
    const hashOf = async (input: object = {}) => (await checkAssets({ directory: tree.dir, ...input })).assets!.hash;
    const first = await hashOf();
    expect(await hashOf()).toBe(first);
    tree.write("a.css", "y");
    const second = await hashOf();
    expect(second).not.toBe(first);
    tree.write("_headers", "/*\n  X-A: b\n");
    const third = await hashOf();
    expect(third).not.toBe(second);
    expect(await hashOf({ config: { notFoundHandling: "404-page" } })).not.toBe(third);
    tree.remove("a.css");
    tree.write("b.css", "y");
    expect(await hashOf()).not.toBe(third);
  });

  it("follows a symbolic link to a file but not one to a folder, and names a broken link", async () => {
    tree = tempTree({ "real/index.html": "<h1>Hello</h1>\n", "other/x.txt": "x" });
    symlinkSync(join(tree.dir, "real/index.html"), join(tree.dir, "linked.html"));
    symlinkSync(join(tree.dir, "other"), join(tree.dir, "linked-folder"));
    const { assets } = await checkAssets({ directory: tree.dir });
    expect(Object.keys(assets!.manifest)).toEqual(["/linked.html", "/other/x.txt", "/real/index.html"]);
    expect(assets!.manifest["/linked.html"]!.hash).toBe(HELLO_HTML);

    symlinkSync(join(tree.dir, "missing.html"), join(tree.dir, "broken.html"));
    const broken = await checkAssets({ directory: tree.dir });
    expect(broken.assets).toBeUndefined();
    expect(broken.failures).toEqual([{ property: "assets", reason: expect.stringMatching(/cannot read \/broken\.html: ENOENT/) }]);
  });
});

describe("checkAssets: failures name the input and the file", () => {
  let tree: TempTree;
  afterEach(() => tree?.cleanup());

  it("names the file that is over the 25 MiB limit, with its size", async () => {
    tree = tempTree({ "ok.txt": "fine", "video/big.mp4": Buffer.alloc(ASSET_MAX_FILE_BYTES + 1) });
    const { failures, assets } = await checkAssets({ directory: tree.dir });
    expect(assets).toBeUndefined();
    expect(failures).toEqual([
      {
        property: "assets",
        reason:
          "assets.directory: /video/big.mp4 is 26,214,401 bytes (25.00 MiB); an asset can be at most 26,214,400 bytes (25.00 MiB). Leave it out with .assetsignore or serve it from R2",
      },
    ]);
  });

  it("accepts a file of exactly 25 MiB", async () => {
    tree = tempTree({ "exact.bin": Buffer.alloc(ASSET_MAX_FILE_BYTES) });
    const { failures, assets } = await checkAssets({ directory: tree.dir });
    expect(failures).toEqual([]);
    expect(assets!.manifest["/exact.bin"]!.size).toBe(ASSET_MAX_FILE_BYTES);
  });

  it("names the first file past the file-count limit, which maxFiles raises", async () => {
    tree = tempTree(numberedFiles(6));
    const over = await checkAssets({ directory: tree.dir, maxFiles: 5 });
    expect(over.failures).toHaveLength(1);
    expect(over.failures[0]!.reason).toMatch(
      /^assets\.directory: 6 files in ".*", more than the limit of 5 \(the first file past it is \/f\/0005\.txt\); leave files out with \.assetsignore, or raise assets\.maxFiles \(up to 100,000 on Workers Paid\)$/,
    );
    expect((await checkAssets({ directory: tree.dir, maxFiles: 6 })).failures).toEqual([]);
  });

  it("counts only files that are not ignored", async () => {
    tree = tempTree({ ...numberedFiles(6), ".assetsignore": "f/0000.txt\n" });
    expect((await checkAssets({ directory: tree.dir, maxFiles: 5 })).failures).toEqual([]);
  });

  it("reports a missing directory, and a file given as the directory", async () => {
    tree = tempTree({ "file.txt": "x" });
    const missing = await checkAssets({ directory: join(tree.dir, "dist") }, "assets");
    expect(missing.failures).toEqual([
      {
        property: "assets",
        reason: `assets.directory: "${join(tree.dir, "dist")}" does not exist; build the site first or correct the path`,
      },
    ]);
    const notDir = await checkAssets({ directory: join(tree.dir, "file.txt") });
    expect(notDir.failures[0]!.reason).toMatch(/is not a directory/);
  });

  it("reports unknown fields and bad configuration values with their path", async () => {
    tree = tempTree({ "a.txt": "x" });
    const { failures } = await checkAssets(
      { directory: tree.dir, config: { htmlHandling: "sometimes", runWorkerFirst: ["api/*"], extra: 1 } },
      "assets",
    );
    const reasons = failures.map((f) => f.reason).join("\n");
    expect(failures.every((f) => f.property === "assets")).toBe(true);
    expect(reasons).toMatch(/assets\.config\.htmlHandling: /);
    expect(reasons).toMatch(/assets\.config\.runWorkerFirst\[0\]: a runWorkerFirst rule is a path pattern starting with '\/'/);
    expect(reasons).toMatch(/unknown field extra/);
    expect((await checkAssets({ config: {} })).failures[0]!.reason).toMatch(/^assets\.directory: /);
    expect((await checkAssets({ directory: tree.dir, maxFiles: 100_001 })).failures[0]!.reason).toMatch(/^assets\.maxFiles: /);
  });

  it("refuses a Pages _worker.js unless an .assetsignore decides about it", async () => {
    tree = tempTree({ "_worker.js": "export default {}", "index.html": "x" });
    const refused = await checkAssets({ directory: tree.dir });
    expect(refused.failures[0]!.reason).toMatch(/\/_worker\.js would be uploaded as a public asset/);
    tree.write(".assetsignore", "_worker.js\n");
    const ignoredNow = await checkAssets({ directory: tree.dir });
    expect(Object.keys(ignoredNow.assets!.manifest)).toEqual(["/index.html"]);
    tree.write(".assetsignore", "");
    expect(Object.keys((await checkAssets({ directory: tree.dir })).assets!.manifest)).toEqual(["/_worker.js", "/index.html"]);
  });
});

describe("loadAssets: the assets again at deployment", () => {
  let tree: TempTree;
  afterEach(() => tree?.cleanup());

  it("refuses to deploy assets that differ from what the preview checked", async () => {
    tree = tempTree({ "index.html": "v1" });
    const checked = (await checkAssets({ directory: tree.dir })).assets!;
    await expect(loadAssets({ directory: tree.dir }, checked.hash)).resolves.toMatchObject({ hash: checked.hash });
    tree.write("index.html", "v2 (rebuilt after the preview)");
    await expect(loadAssets({ directory: tree.dir }, checked.hash)).rejects.toThrow(/changed between the preview and the deployment/);
  });
});
