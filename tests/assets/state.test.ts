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

/** Assets whose manifest hash is the files' letters and whose full hash adds the configuration's name. */
function local(files: Record<string, string>, config = "c1"): LocalAssets {
  const manifest = Object.fromEntries(Object.entries(files).map(([k, c]) => [k, { hash: h(c), size: 10 }]));
  const filesHash = Object.values(files).join("");
  return {
    directory: "/tmp/x",
    manifest,
    config: {},
    hash: `${filesHash}+${config}`,
    filesHash,
    fileCount: Object.keys(files).length,
    totalBytes: 10 * Object.keys(files).length,
  };
}

/** WorkerScript's assetsState as release 0.1.0 stored it: a per-file map and no filesHash. */
const RELEASE_0_1_0: AssetsState = {
  hash: "ab+c1",
  files: { "/a.html": "a".repeat(16), "/b.css": "b".repeat(16) },
  fileCount: 2,
  totalBytes: 20,
};

describe("assets state and diff", () => {
  it("stores hashes and totals, not the manifest: its size does not grow with the files", () => {
    const few = assetsState(local({ "/a.html": "a", "/b.css": "b" }));
    expect(few).toEqual({ hash: "ab+c1", filesHash: "ab", fileCount: 2, totalBytes: 20 });
    const many = assetsState(local(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`/f${i}.html`, "x"]))));
    expect(Object.keys(many)).toEqual(["hash", "filesHash", "fileCount", "totalBytes"]);
  });

  it("says when files changed, with the totals before and after", () => {
    const old = assetsState(local({ "/a.html": "a", "/b.css": "b", "/c.js": "c" }));
    const next = assetsState(local({ "/a.html": "a", "/b.css": "d", "/e.png": "e", "/f.png": "f" }));
    expect(assetsChange(old, next)).toEqual({ differs: true, files: "changed", before: { fileCount: 3, totalBytes: 30 } });
    expect(describeAssetsChange(assetsChange(old, next), next)).toBe("files changed (4 files, 0.0 MiB; before: 3 files, 0.0 MiB)");
  });

  it("treats first assets as added and dropped assets as removed", () => {
    const next = assetsState(local({ "/a.html": "a", "/b.css": "b" }));
    expect(assetsChange(undefined, next).differs).toBe(true);
    expect(describeAssetsChange(assetsChange(undefined, next), next)).toBe("added (2 files, 0.0 MiB)");
    expect(describeAssetsChange(assetsChange(next, undefined), undefined)).toBe("assets removed (2 files)");
    expect(assetsChange(undefined, undefined).differs).toBe(false);
    expect(describeAssetsChange(assetsChange(undefined, undefined), undefined)).toBe("no assets");
  });

  it("says when only the configuration changed, and when nothing did", () => {
    const a = assetsState(local({ "/a.html": "a" }, "c1"));
    const b = assetsState(local({ "/a.html": "a" }, "c2"));
    expect(describeAssetsChange(assetsChange(a, b), b)).toBe("configuration changed, no file changed (1 files, 0.0 MiB)");
    expect(describeAssetsChange(assetsChange(a, a), a)).toBe("unchanged (1 files, 0.0 MiB)");
  });

  it("reads release 0.1.0's state: the same assets are unchanged, other assets changed without claiming which part", () => {
    const same = assetsState(local({ "/a.html": "a", "/b.css": "b" }));
    expect(assetsDiffKey(RELEASE_0_1_0)).toBe(assetsDiffKey(same));
    expect(describeAssetsChange(assetsChange(RELEASE_0_1_0, same), same)).toBe("unchanged (2 files, 0.0 MiB)");
    const other = assetsState(local({ "/a.html": "a", "/b.css": "z" }));
    expect(assetsDiffKey(RELEASE_0_1_0)).not.toBe(assetsDiffKey(other));
    expect(describeAssetsChange(assetsChange(RELEASE_0_1_0, other), other)).toBe("changed (2 files, 0.0 MiB; before: 2 files, 0.0 MiB)");
  });

  it("lets only the assets hash decide the diff", () => {
    const a: AssetsState = { hash: "m1", filesHash: "f1", fileCount: 1, totalBytes: 1 };
    expect(assetsDiffKey(a)).toBe("m1");
    expect(assetsDiffKey({ ...a, filesHash: "f2", totalBytes: 9 })).toBe("m1");
    expect(assetsDiffKey(RELEASE_0_1_0)).toBe("ab+c1");
    expect(assetsDiffKey(undefined)).toBeUndefined();
  });

  it("marks the state on read when the live Worker no longer has assets, so the next update uploads them again", () => {
    const a: AssetsState = { hash: "m1", filesHash: "f1", fileCount: 1, totalBytes: 1 };
    expect(assetsAfterRead(a, true)).toBe(a);
    expect(assetsAfterRead(a, undefined)).toBe(a);
    expect(assetsAfterRead(a, false)).toEqual({ ...a, hash: ASSETS_GONE_MARK });
    expect(assetsAfterRead(undefined, false)).toBeUndefined();
    expect(assetsAfterRead(RELEASE_0_1_0, true)).toBe(RELEASE_0_1_0);
  });
});
