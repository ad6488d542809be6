import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assetHash, hashAssetFile, hashExtension } from "../../provider/resources/assets/hash";

// Expected values: BLAKE3 reference vectors (empty input, "abc"), and hashes computed with an independent
// BLAKE3 implementation (@noble/hashes) over base64(content) + extension, the algorithm wrangler documents.
const EMPTY_NO_EXTENSION = "af1349b9f5f9a1a6a0404dea36dcc949"; // BLAKE3("")
const EMPTY_ABC = "6437b3ac38465133ffb63b75273a8db5"; // BLAKE3("abc")
const HELLO_HTML = "569c49c876d9d1d37936e494e70a80e8";
const BIG_BIN = "2e96445c98bd4ddf3ad1f739b3d4039d";
const X_TAR_GZ = "5ff97cea8ec5a5f41c0d36ee3bed6eea";

function bigContent(): Buffer {
  const n = 5 * 1024 * 1024 + 7;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 255;
  return b;
}

describe("wrangler's asset hash", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "assets-hash-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the first 32 hex of BLAKE3 over base64(content) followed by the extension without its dot", async () => {
    expect(await assetHash(new Uint8Array(), "README")).toBe(EMPTY_NO_EXTENSION);
    expect(await assetHash(new Uint8Array(), "/x.abc")).toBe(EMPTY_ABC);
    expect(await assetHash(Buffer.from("<h1>Hello</h1>\n"), "/index.html")).toBe(HELLO_HTML);
    expect(await assetHash(Buffer.from("x"), "/archive.tar.gz")).toBe(X_TAR_GZ);
  });

  it("gives the same hash when a large file is hashed in chunks from disk", async () => {
    const content = bigContent();
    writeFileSync(join(dir, "big.bin"), content);
    expect(await assetHash(content, "big.bin")).toBe(BIG_BIN);
    expect(await hashAssetFile(join(dir, "big.bin"))).toEqual({ hash: BIG_BIN, size: content.length });
    // Tiny buffers force many chunk boundaries and short tails.
    expect((await hashAssetFile(join(dir, "big.bin"), Buffer.alloc(3 * 1001))).hash).toBe(BIG_BIN);
  });

  it("hashes an empty file on disk like empty content", async () => {
    writeFileSync(join(dir, "empty"), "");
    expect(await hashAssetFile(join(dir, "empty"))).toEqual({ hash: EMPTY_NO_EXTENSION, size: 0 });
  });

  it("refuses a read buffer whose size is not a multiple of 3 (base64 chunks would be padded)", async () => {
    await expect(hashAssetFile(join(dir, "empty"), Buffer.alloc(1000))).rejects.toThrow(/multiple of 3/);
  });

  it("takes the extension as node's extname does: none for dotfiles, the last one for double extensions", () => {
    expect(hashExtension("/.htaccess")).toBe("");
    expect(hashExtension("/a/b.tar.gz")).toBe("gz");
    expect(hashExtension("/a/noext")).toBe("");
    expect(hashExtension("/a/trailing.")).toBe("");
    expect(hashExtension("/IMG.JPG")).toBe("JPG");
  });
});
