/**
 * Check time: the assets directory turned into the manifest the upload session needs, as wrangler builds it.
 *
 *   1. validate the input (directory, config, maxFiles);
 *   2. walk the directory: `.assetsignore` honoured (ignored folders are not even entered), symbolic links
 *      followed to files, never to folders; keys `/relative/path` with `/` separators;
 *   3. limits, before any file is read: the file count (naming the first file past the limit) and the
 *      per-file size (naming each file too large);
 *   4. `_headers` / `_redirects` read into the configuration;
 *   5. every file hashed (wrangler's hash), a few at a time, each in bounded chunks.
 *
 * Hashes are cached per provider process by (path, size, mtime, inode): the preview and the deployment of
 * one `pulumi up` hash each file once.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { AssetManifest } from "../../cloudflare";
import { failuresFrom, printable, stableStringify, type CheckFailure } from "../common";
import { ResourceInputError } from "../refusals";
import { HASH_CHUNK_BYTES, hashAssetFile } from "./hash";
import { ASSETS_IGNORE_FILE, HEADERS_FILE, REDIRECTS_FILE, compileIgnore } from "./ignore";
import {
  ASSET_MAX_FILE_BYTES,
  ASSETS_DEFAULT_MAX_FILES,
  ASSETS_PAID_MAX_FILES,
  assetsInputSchema,
  wireAssetsConfig,
  type AssetsInput,
  type WireAssetsConfig,
} from "./inputs";

/** Files hashed at the same time (reads overlap; hashing itself is one thread). */
export const HASH_CONCURRENCY = 8;
/** Oversized files named in one check failure each, at most. */
const MAX_SIZE_FAILURES = 10;
const LEGACY_WORKER_FILE = "_worker.js";

/** The assets of a directory, ready for an upload session. */
export interface LocalAssets {
  /** Absolute path of the assets directory. */
  directory: string;
  /** The wire manifest: `/relative/path` → {hash, size}, keys sorted. */
  manifest: AssetManifest;
  /** `metadata.assets.config`, with `_headers` / `_redirects`. */
  config: WireAssetsConfig;
  /** sha256 (hex) of the manifest and the configuration: any change to what is served changes it. */
  hash: string;
  /** sha256 (hex) of the manifest alone: tells a change of files from a change of configuration only. */
  filesHash: string;
  fileCount: number;
  totalBytes: number;
}

export interface CheckAssetsResult {
  failures: CheckFailure[];
  assets?: LocalAssets;
}

interface FoundFile {
  key: string;
  absolutePath: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

const hashCache = new Map<string, { size: number; mtimeMs: number; ino: number; hash: string }>();

/** Forgets cached file hashes (a new Pulumi operation starts a new provider process anyway). */
export function clearAssetHashCache(): void {
  hashCache.clear();
}

/** A metafile's text; undefined when there is none, or a folder by that name. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR") return undefined;
    throw error;
  }
}

/** Step 2: every file to upload, in key order. Failures name what could not be read. */
async function walk(root: string, ignoreText: string | undefined, property: string, failures: CheckFailure[]): Promise<FoundFile[]> {
  const { ignoresEntry } = compileIgnore(ignoreText);
  const found: FoundFile[] = [];
  const visit = async (relativeDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, relativeDir), { withFileTypes: true });
    } catch (error) {
      failures.push({
        property,
        reason: `${property}: cannot list /${printable(relativeDir)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relative = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      const absolutePath = join(root, relative);
      let isDirectory = entry.isDirectory();
      let info;
      if (entry.isSymbolicLink() || entry.isFile()) {
        try {
          info = await stat(absolutePath);
        } catch (error) {
          failures.push({
            property,
            reason: `${property}: cannot read /${printable(relative)}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (a broken symbolic link?)`,
          });
          continue;
        }
        // Like wrangler: a link to a folder is not followed.
        if (info.isDirectory()) continue;
        isDirectory = false;
      }
      if (ignoresEntry(relative, isDirectory)) continue;
      if (isDirectory) await visit(relative);
      else if (info?.isFile()) found.push({ key: `/${relative}`, absolutePath, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino });
    }
  };
  await visit("");
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString("en-US")} bytes`;
  return bytes >= 1024 * 1024 ? `${exact} (${(bytes / (1024 * 1024)).toFixed(2)} MiB)` : exact;
}

/** Step 3. */
function checkLimits(files: FoundFile[], maxFiles: number, directory: string, property: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (files.length > maxFiles) {
    const raise =
      maxFiles < ASSETS_PAID_MAX_FILES
        ? `, or raise ${property}.maxFiles (up to ${ASSETS_PAID_MAX_FILES.toLocaleString("en-US")} on Workers Paid)`
        : "";
    failures.push({
      property,
      reason:
        `${property}.directory: ${files.length.toLocaleString("en-US")} files in "${directory}", more than the limit of ${maxFiles.toLocaleString("en-US")} ` +
        `(the first file past it is ${printable(files[maxFiles]!.key)}); leave files out with ${ASSETS_IGNORE_FILE}${raise}`,
    });
  }
  const tooLarge = files.filter((f) => f.size > ASSET_MAX_FILE_BYTES);
  for (const file of tooLarge.slice(0, MAX_SIZE_FAILURES)) {
    failures.push({
      property,
      reason: `${property}.directory: ${printable(file.key)} is ${formatBytes(file.size)}; an asset can be at most ${formatBytes(ASSET_MAX_FILE_BYTES)}. Leave it out with ${ASSETS_IGNORE_FILE} or serve it from R2`,
    });
  }
  if (tooLarge.length > MAX_SIZE_FAILURES) {
    failures.push({
      property,
      reason: `${property}.directory: ${tooLarge.length - MAX_SIZE_FAILURES} more files are larger than ${formatBytes(ASSET_MAX_FILE_BYTES)}`,
    });
  }
  return failures;
}

/** Step 5: wrangler hashes, HASH_CONCURRENCY files at a time, each read in chunks. */
async function hashFiles(files: FoundFile[]): Promise<string[]> {
  const hashes = new Array<string>(files.length);
  let next = 0;
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i]!;
      const cached = hashCache.get(file.absolutePath);
      if (cached && cached.size === file.size && cached.mtimeMs === file.mtimeMs && cached.ino === file.ino) {
        hashes[i] = cached.hash;
        continue;
      }
      const { hash, size } = await hashAssetFile(file.absolutePath, buffer);
      if (size !== file.size) throw new Error(`asset ${file.key} changed while it was being read; run again once the directory is stable`);
      hashCache.set(file.absolutePath, { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, hash });
      hashes[i] = hash;
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, files.length) }, worker));
  return hashes;
}

/** sha256 of the manifest and the configuration, in canonical form. */
export function localAssetsHash(manifest: AssetManifest, config: WireAssetsConfig): string {
  return createHash("sha256").update(stableStringify({ manifest, config })).digest("hex");
}

/** sha256 of the manifest alone, in canonical form. */
export function manifestHash(manifest: AssetManifest): string {
  return createHash("sha256").update(stableStringify(manifest)).digest("hex");
}

/**
 * Validates the `assets` input and builds the manifest of its directory. Every problem comes back as a check
 * failure on `property` that names the file concerned; nothing is thrown for bad input.
 */
export async function checkAssets(input: unknown, property = "assets", cwd = process.cwd()): Promise<CheckAssetsResult> {
  // 1.
  const parsed = assetsInputSchema.safeParse(input);
  if (!parsed.success) return { failures: failuresFrom(parsed.error, [property]) };
  const assetsInput: AssetsInput = parsed.data;
  const directory = resolve(cwd, assetsInput.directory);
  const info = await stat(directory).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    const what = info === undefined ? "does not exist" : "is not a directory";
    return {
      failures: [
        { property, reason: `${property}.directory: "${printable(directory)}" ${what}; build the site first or correct the path` },
      ],
    };
  }
  // 2.
  const failures: CheckFailure[] = [];
  const ignoreText = await readOptional(join(directory, ASSETS_IGNORE_FILE));
  const files = await walk(directory, ignoreText, property, failures);
  if (ignoreText === undefined) {
    const legacy = files.find((f) => f.key === `/${LEGACY_WORKER_FILE}` || f.key.startsWith(`/${LEGACY_WORKER_FILE}/`));
    if (legacy) {
      failures.push({
        property,
        reason:
          `${property}.directory: ${printable(legacy.key)} would be uploaded as a public asset (Pages' ${LEGACY_WORKER_FILE} is server code). ` +
          `Add "${LEGACY_WORKER_FILE}" to a ${ASSETS_IGNORE_FILE} file at the root of the assets directory, or an empty ${ASSETS_IGNORE_FILE} to upload it anyway`,
      });
    }
  }

  // 3.
  failures.push(...checkLimits(files, assetsInput.maxFiles ?? ASSETS_DEFAULT_MAX_FILES, directory, property));
  if (failures.length > 0) return { failures };

  // 4.
  const [headers, redirects] = await Promise.all([
    readOptional(join(directory, HEADERS_FILE)),
    readOptional(join(directory, REDIRECTS_FILE)),
  ]);
  const config = wireAssetsConfig(assetsInput.config, { headers, redirects });

  // 5.
  const hashes = await hashFiles(files);
  const manifest: AssetManifest = {};
  let totalBytes = 0;
  files.forEach((file, i) => {
    manifest[file.key] = { hash: hashes[i]!, size: file.size };
    totalBytes += file.size;
  });
  return {
    failures: [],
    assets: {
      directory,
      manifest,
      config,
      hash: localAssetsHash(manifest, config),
      filesHash: manifestHash(manifest),
      fileCount: files.length,
      totalBytes,
    },
  };
}

/**
 * Deploy time: the assets again (hashes come from the cache unless a file changed), refusing to deploy when
 * they differ from what the preview showed (`expectedHash`: the `hash` stored by check).
 */
export async function loadAssets(input: unknown, expectedHash?: string, property = "assets", cwd = process.cwd()): Promise<LocalAssets> {
  const { failures, assets } = await checkAssets(input, property, cwd);
  if (assets === undefined) throw new ResourceInputError(failures[0]?.property ?? property, failures.map((f) => f.reason).join("; "));
  if (expectedHash !== undefined && assets.hash !== expectedHash) {
    throw new Error(`${property}: files in "${assets.directory}" changed between the preview and the deployment; run the update again`);
  }
  return assets;
}
