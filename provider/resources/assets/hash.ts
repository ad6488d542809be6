/**
 * Asset hashes as wrangler computes them, so that files wrangler (or an earlier deployment) already uploaded
 * are reused by the API: the first 32 hex characters of BLAKE3(base64(file bytes) + extension without the dot).
 *
 * Files are hashed in chunks: a chunk of 3·k bytes encodes to base64 without padding, and consecutive chunks
 * encode to exactly the base64 of the whole file, so hashing never holds more than one chunk per file.
 */
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { createBLAKE3, type IHasher } from "hash-wasm";

/** Length of an asset hash: 32 hex characters (128 bits). */
export const ASSET_HASH_HEX_LENGTH = 32;
/** Bytes read at a time while hashing; a multiple of 3 so each chunk's base64 has no padding. */
export const HASH_CHUNK_BYTES = 3 * 512 * 1024;

/** The extension that goes into the hash: `extname` without its dot ("" for `README`, `.htaccess`, `a.`). */
export function hashExtension(filePath: string): string {
  return extname(filePath).slice(1);
}

let hasherPool: IHasher[] = [];

/** A BLAKE3 hasher from a small pool (each holds its own WebAssembly instance). */
async function takeHasher(): Promise<IHasher> {
  return hasherPool.pop() ?? createBLAKE3();
}

function giveBack(hasher: IHasher): void {
  if (hasherPool.length < 16) hasherPool.push(hasher);
}

/** Releases the pooled hashers (tests, long-lived processes). */
export function releaseHashers(): void {
  hasherPool = [];
}

/** The wrangler hash of content held in memory. `filePath` only supplies the extension. */
export async function assetHash(content: Uint8Array, filePath: string): Promise<string> {
  const hasher = await takeHasher();
  try {
    hasher.init();
    const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    for (let offset = 0; offset < bytes.byteLength; offset += HASH_CHUNK_BYTES) {
      hasher.update(bytes.toString("base64", offset, Math.min(bytes.byteLength, offset + HASH_CHUNK_BYTES)));
    }
    hasher.update(hashExtension(filePath));
    return hasher.digest("hex").slice(0, ASSET_HASH_HEX_LENGTH);
  } finally {
    giveBack(hasher);
  }
}

/**
 * The wrangler hash of a file on disk, read in chunks of HASH_CHUNK_BYTES (memory stays bounded whatever the
 * file's size). Also returns the number of bytes read, which is the size that goes into the manifest.
 */
export async function hashAssetFile(
  absolutePath: string,
  buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES),
): Promise<{ hash: string; size: number }> {
  if (buffer.byteLength % 3 !== 0) throw new RangeError("the hashing buffer must hold a multiple of 3 bytes");
  const hasher = await takeHasher();
  const file = await open(absolutePath, "r");
  try {
    hasher.init();
    let size = 0;
    for (;;) {
      // Fill the whole buffer (short reads happen) so that only the last chunk can need base64 padding.
      let filled = 0;
      while (filled < buffer.byteLength) {
        const { bytesRead } = await file.read(buffer, filled, buffer.byteLength - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled > 0) hasher.update(buffer.toString("base64", 0, filled));
      size += filled;
      if (filled < buffer.byteLength) break;
    }
    hasher.update(hashExtension(absolutePath));
    return { hash: hasher.digest("hex").slice(0, ASSET_HASH_HEX_LENGTH), size };
  } finally {
    await file.close();
    giveBack(hasher);
  }
}
