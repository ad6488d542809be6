/**
 * What goes into Pulumi state for the assets, so that the diff can tell whether they changed and the preview
 * can say how: a hash of everything served (manifest + configuration) and a compact per-file map.
 *
 * The per-file map keeps the first ASSETS_STATE_HASH_HEX hex characters of each wrangler hash: enough to count
 * added/changed/removed files (a collision among 2^64 values is not a concern), half the size of full hashes
 * (100,000 files ≈ 5 MB of state at most). The decision "changed or not" never rests on it: `hash` does that.
 */
import type { LocalAssets } from "./manifest";

export const ASSETS_STATE_HASH_HEX = 16;
/** `hash` when a refresh found the Worker without the assets this program uploaded. */
export const ASSETS_GONE_MARK = "assets-removed-outside-pulumi";

export interface AssetsState {
  /** sha256 of manifest + configuration (LocalAssets.hash); decides whether the assets changed. */
  hash: string;
  /** `/relative/path` → the first ASSETS_STATE_HASH_HEX hex of its wrangler hash. */
  files: Record<string, string>;
  fileCount: number;
  totalBytes: number;
}

export interface AssetsChange {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  /** Manifest or configuration differ (also when no file did: `_headers`, `notFoundHandling`, …). */
  differs: boolean;
}

/** The state of freshly checked assets. Pure. */
export function assetsState(assets: LocalAssets): AssetsState {
  const files: Record<string, string> = {};
  for (const [key, entry] of Object.entries(assets.manifest)) files[key] = entry.hash.slice(0, ASSETS_STATE_HASH_HEX);
  return { hash: assets.hash, files, fileCount: assets.fileCount, totalBytes: assets.totalBytes };
}

/** How `next` differs from `old` (either may be absent: no assets). Pure. */
export function assetsChange(old: AssetsState | undefined, next: AssetsState | undefined): AssetsChange {
  const before = old?.files ?? {};
  const after = next?.files ?? {};
  let added = 0;
  let changed = 0;
  let unchanged = 0;
  for (const [key, hash] of Object.entries(after)) {
    const previous = before[key];
    if (previous === undefined) added++;
    else if (previous === hash) unchanged++;
    else changed++;
  }
  const removed = Object.keys(before).filter((key) => after[key] === undefined).length;
  return { added, changed, removed, unchanged, differs: old?.hash !== next?.hash };
}

/** "3 added, 1 changed, 0 removed (2,000 files, 48.2 MiB)" — for the preview. Pure. */
export function describeAssetsChange(change: AssetsChange, next: AssetsState | undefined): string {
  if (next === undefined) return change.removed > 0 ? `assets removed (${change.removed.toLocaleString("en-US")} files)` : "no assets";
  const size = `${next.fileCount.toLocaleString("en-US")} files, ${(next.totalBytes / (1024 * 1024)).toFixed(1)} MiB`;
  const counts = `${change.added} added, ${change.changed} changed, ${change.removed} removed`;
  if (!change.differs) return `unchanged (${size})`;
  if (change.added + change.changed + change.removed === 0) return `configuration changed, no file changed (${size})`;
  return `${counts} (${size})`;
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
