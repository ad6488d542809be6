import {
  ASSETS_GONE_MARK,
  assetsAfterRead,
  assetsChange,
  assetsDiffKey,
  assetsState,
  describeAssetsChange,
  type AssetsState,
  type LocalAssets,
} from "../../provider/resources/assets";

const h = (c: string) => c.repeat(32);

function local(files: Record<string, string>, hash = "m1"): LocalAssets {
  const manifest = Object.fromEntries(Object.entries(files).map(([k, c]) => [k, { hash: h(c), size: 10 }]));
  return {
    directory: "/tmp/x",
    manifest,
    config: {},
    hash,
    fileCount: Object.keys(files).length,
    totalBytes: 10 * Object.keys(files).length,
  };
}

describe("assets state and diff", () => {
  it("keeps the assets hash and, per file, the first 16 hex of its wrangler hash", () => {
    expect(assetsState(local({ "/a.html": "a", "/b.css": "b" }))).toEqual({
      hash: "m1",
      files: { "/a.html": "a".repeat(16), "/b.css": "b".repeat(16) },
      fileCount: 2,
      totalBytes: 20,
    });
  });

  it("counts added, changed, removed and unchanged files", () => {
    const old = assetsState(local({ "/a.html": "a", "/b.css": "b", "/c.js": "c" }, "m1"));
    const next = assetsState(local({ "/a.html": "a", "/b.css": "d", "/e.png": "e", "/f.png": "f" }, "m2"));
    expect(assetsChange(old, next)).toEqual({ added: 2, changed: 1, removed: 1, unchanged: 1, differs: true });
    expect(describeAssetsChange(assetsChange(old, next), next)).toBe("2 added, 1 changed, 1 removed (4 files, 0.0 MiB)");
  });

  it("treats first assets as all added and dropped assets as all removed", () => {
    const next = assetsState(local({ "/a.html": "a", "/b.css": "b" }));
    expect(assetsChange(undefined, next)).toEqual({ added: 2, changed: 0, removed: 0, unchanged: 0, differs: true });
    expect(assetsChange(next, undefined)).toEqual({ added: 0, changed: 0, removed: 2, unchanged: 0, differs: true });
    expect(describeAssetsChange(assetsChange(next, undefined), undefined)).toBe("assets removed (2 files)");
    expect(assetsChange(undefined, undefined).differs).toBe(false);
  });

  it("says when only the configuration changed, and when nothing did", () => {
    const a = assetsState(local({ "/a.html": "a" }, "m1"));
    const b = assetsState(local({ "/a.html": "a" }, "m2"));
    expect(describeAssetsChange(assetsChange(a, b), b)).toBe("configuration changed, no file changed (1 files, 0.0 MiB)");
    expect(describeAssetsChange(assetsChange(a, a), a)).toBe("unchanged (1 files, 0.0 MiB)");
  });

  it("lets only the assets hash decide the diff", () => {
    const a: AssetsState = { hash: "m1", files: { "/a": "1" }, fileCount: 1, totalBytes: 1 };
    expect(assetsDiffKey(a)).toBe("m1");
    expect(assetsDiffKey({ ...a, files: {}, totalBytes: 9 })).toBe("m1");
    expect(assetsDiffKey(undefined)).toBeUndefined();
  });

  it("marks the state on read when the live Worker no longer has assets, so the next update uploads them again", () => {
    const a: AssetsState = { hash: "m1", files: { "/a": "1" }, fileCount: 1, totalBytes: 1 };
    expect(assetsAfterRead(a, true)).toBe(a);
    expect(assetsAfterRead(a, undefined)).toBe(a);
    expect(assetsAfterRead(a, false)).toEqual({ ...a, hash: ASSETS_GONE_MARK });
    expect(assetsAfterRead(undefined, false)).toBeUndefined();
  });
});
