/**
 * Static assets of a Worker (`WorkerScript.assets`): check (manifest, wrangler hashes, ignore rules, limits),
 * state and diff (what changed, file by file), and the upload (only what the API lacks, resilient).
 */
export {
  checkAssets,
  loadAssets,
  clearAssetHashCache,
  localAssetsHash,
  manifestHash,
  type CheckAssetsResult,
  type LocalAssets,
} from "./manifest";
export {
  deployAssets,
  bucketTransferMs,
  AssetsUploadError,
  ASSETS_UPLOAD_CONCURRENCY,
  ASSETS_MAX_SESSIONS,
  ASSETS_MIN_BYTES_PER_SECOND,
  type AssetsUploadReport,
  type DeployAssetsOptions,
  type DeployedAssets,
} from "./upload";
export {
  assetsState,
  assetsChange,
  describeAssetsChange,
  assetsDiffKey,
  assetsAfterRead,
  ASSETS_GONE_MARK,
  type AssetsChange,
  type AssetsState,
} from "./state";
export {
  assetsInputSchema,
  wireAssetsConfig,
  ASSET_MAX_FILE_BYTES,
  ASSETS_DEFAULT_MAX_FILES,
  ASSETS_PAID_MAX_FILES,
  type AssetsInput,
  type AssetsConfigInput,
  type WireAssetsConfig,
} from "./inputs";
export { assetHash, hashAssetFile } from "./hash";
export { compileIgnore, ASSETS_IGNORE_FILE, HEADERS_FILE, REDIRECTS_FILE } from "./ignore";
export { contentTypeOf } from "./content-type";
