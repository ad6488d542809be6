/**
 * What goes into Pulumi state for the assets, so that the diff can tell whether they changed and the preview
 * can say how: hashes and totals, never the manifest. The engine rewrites the whole snapshot after every
 * resource step, so a per-file map (100,000 files are a few MB) would be paid by every step of every
 * deployment; the upload itself finds out file by file what the API lacks, and says how many it sent.
 *
 * State written by release 0.1.0 also holds `files` (a per-file map) and no `filesHash`: it is still read
 * (only `hash` decides the diff), and the next change of the assets writes the compact form.
 */
import type { LocalAssets } from "./manifest";

/** `hash` when a refresh found the Worker without the assets this program uploaded. */
export const ASSETS_GONE_MARK = "assets-removed-outside-pulumi";

export interface AssetsState {
  /** sha256 of manifest + configuration (LocalAssets.hash); decides whether the assets changed. */
  hash: string;
  /** sha256 of the manifest alone (LocalAssets.filesHash): a change of files, or of the configuration only. */
  filesHash?: string;
  fileCount: number;
  totalBytes: number;
  /** Release 0.1.0's per-file map (`/path` → 16 hex of its hash): read in old state, never written. */
  files?: Record<string, string>;
}

export interface AssetsChange {
  /** Manifest or configuration differ (also when no file did: `_headers`, `notFoundHandling`, …). */
  differs: boolean;
  /** Whether the files differ: unknown when the old state has no `filesHash` (release 0.1.0). */
  files: "same" | "changed" | "unknown";
  /** The totals of the old state, when there was one. */
  before?: { fileCount: number; totalBytes: number };
}

/** The state of freshly checked assets. Pure. */
export function assetsState(assets: LocalAssets): AssetsState {
  return { hash: assets.hash, filesHash: assets.filesHash, fileCount: assets.fileCount, totalBytes: assets.totalBytes };
}

/** How `next` differs from `old` (either may be absent: no assets). Pure. */
export function assetsChange(old: AssetsState | undefined, next: AssetsState | undefined): AssetsChange {
  const files =
    old === undefined || next === undefined
      ? "changed"
      : old.filesHash === undefined || next.filesHash === undefined
        ? old.hash === next.hash
          ? "same"
          : "unknown"
        : old.filesHash === next.filesHash
          ? "same"
          : "changed";
  return {
    differs: old?.hash !== next?.hash,
    files,
    ...(old === undefined ? {} : { before: { fileCount: old.fileCount, totalBytes: old.totalBytes } }),
  };
}

const totals = (t: { fileCount: number; totalBytes: number }) =>
  `${t.fileCount.toLocaleString("en-US")} files, ${(t.totalBytes / (1024 * 1024)).toFixed(1)} MiB`;

/** "files changed (2,000 files, 48.2 MiB; before: 1,998 files, 48.1 MiB)" — for the preview. Pure. */
export function describeAssetsChange(change: AssetsChange, next: AssetsState | undefined): string {
  if (next === undefined) return change.before ? `assets removed (${change.before.fileCount.toLocaleString("en-US")} files)` : "no assets";
  if (!change.differs) return `unchanged (${totals(next)})`;
  if (change.before === undefined) return `added (${totals(next)})`;
  if (change.files === "same") return `configuration changed, no file changed (${totals(next)})`;
  return `${change.files === "changed" ? "files changed" : "changed"} (${totals(next)}; before: ${totals(change.before)})`;
}

/** The diff normaliser for the state: only `hash` decides (the map is for counting). Pure. */
export function assetsDiffKey(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value !== "object") return undefined;
  const hash = (value as Partial<AssetsState>).hash;
  return typeof hash === "string" ? hash : undefined;
}

/**
 * Read: the stored state as the live Worker shows it. When the listing says the Worker no longer has assets
 * (`has_assets: false`), the hash is marked so that the next diff re-uploads them; otherwise state stands
 * (the API does not return the manifest of a version). Pure.
 */
export function assetsAfterRead(stored: AssetsState | undefined, hasAssets: boolean | undefined): AssetsState | undefined {
  if (stored === undefined || hasAssets !== false) return stored;
  return { ...stored, hash: ASSETS_GONE_MARK };
}
