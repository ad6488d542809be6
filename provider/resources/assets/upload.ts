/**
 * Deploy time: the three-step assets upload, sending only what the API lacks and surviving failures.
 *
 *   1. open an upload session with the manifest → the hashes the API lacks, grouped in buckets, and a session
 *      JWT (no bucket: the JWT is already the completion token);
 *   2. upload the buckets ASSETS_UPLOAD_CONCURRENCY at a time. A bucket's body is read from disk only when it
 *      is sent (memory holds at most that many buckets), each file's hash is verified against the manifest
 *      first (what the API stores under a hash must be that content), and each bucket is retried on its own by
 *      the API client (5 attempts, backoff, Retry-After), with a per-attempt timeout sized to the bucket: the
 *      configured one (`cloudflare-workers:timeoutMs`) plus the bucket's time on a slow link. When the session JWT is refused part-way (it
 *      expired: a slow link, a huge site), no new bucket is started, a new session is opened and the API asks
 *      only for what it still lacks: what was accepted is never sent again;
 *   3. the completion token and the wire configuration, for `metadata.assets` of the Worker upload.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CloudflareApiError,
  CloudflareClient,
  createAssetsUploadSession,
  getDefaultClient,
  uploadAssetsBucket,
  type AssetFilePart,
  type ClientOptions,
  type Scope,
} from "../../cloudflare";
import { notice } from "../../cloudflare/notices";
import { contentTypeOf } from "./content-type";
import { assetHash } from "./hash";
import type { WireAssetsConfig } from "./inputs";
import type { LocalAssets } from "./manifest";

/** Buckets uploaded at the same time (wrangler's figure). */
export const ASSETS_UPLOAD_CONCURRENCY = 3;
/** Upload sessions opened for one deployment before giving up (each one must make progress). */
export const ASSETS_MAX_SESSIONS = 5;
const FILES_NAMED_IN_ERRORS = 3;
/**
 * The slowest upload rate per bucket that still succeeds: a bucket (up to tens of MB) gets the time its bytes
 * take at this rate on top of the per-attempt timeout, so a slow link is not taken for a stall (and a stall is
 * still cut short).
 */
export const ASSETS_MIN_BYTES_PER_SECOND = 128 * 1024;

/**
 * The time `wireBytes` take at ASSETS_MIN_BYTES_PER_SECOND: a bucket upload's per-attempt timeout is the
 * configured one (`cloudflare-workers:timeoutMs`, CLOUDFLARE_WORKERS_TIMEOUT_MS, 60 s by default) plus this. Pure.
 */
export function bucketTransferMs(wireBytes: number): number {
  return Math.ceil((wireBytes / ASSETS_MIN_BYTES_PER_SECOND) * 1000);
}

export interface DeployAssetsOptions {
  /** The client of every request; a bucket's per-attempt timeout is the client's plus its transfer time. Default: see `clientOptions`. */
  client?: CloudflareClient;
  /** Options of the client made when `client` is not given. */
  clientOptions?: ClientOptions;
  concurrency?: number;
  maxSessions?: number;
  /** Called after each accepted bucket. */
  onProgress?: (progress: { uploadedFiles: number; filesToUpload: number }) => void;
}

export interface AssetsUploadReport {
  /** Upload sessions opened (1 unless a session expired part-way). */
  sessions: number;
  /** Bucket uploads accepted by the API. */
  buckets: number;
  /** Files sent (each at most once unless a bucket had to be repeated). */
  files: number;
  /** Bytes of file content sent, before base64. */
  bytes: number;
}

export interface DeployedAssets {
  /** The completion token: `metadata.assets.jwt` of the Worker upload (valid one hour). */
  jwt: string;
  /** `metadata.assets.config`. */
  config: WireAssetsConfig;
  report: AssetsUploadReport;
}

/** Raised when the assets could not all be uploaded; what was accepted stays with the API for the next run. */
export class AssetsUploadError extends Error {
  override readonly name = "AssetsUploadError";
}

function describeKeys(keys: string[]): string {
  const shown = keys.slice(0, FILES_NAMED_IN_ERRORS).join(", ");
  return keys.length > FILES_NAMED_IN_ERRORS ? `${shown} and ${keys.length - FILES_NAMED_IN_ERRORS} more` : shown;
}

/** A refused session JWT: the bucket endpoint authenticates with nothing else. */
function isSessionRefused(error: unknown): boolean {
  return error instanceof CloudflareApiError && error.status === 401;
}

interface SessionOutcome {
  completion?: string;
  expired: boolean;
  acceptedBuckets: number;
  failure?: unknown;
  /** Hashes of the bucket that failed. */
  failedBucket?: string[];
}

/** Step 2 for one session: the buckets, a few at a time, stopping early on completion, expiry or failure. */
async function uploadBuckets(
  accountId: string,
  sessionJwt: string,
  buckets: string[][],
  readBucket: (hashes: string[]) => Promise<{ parts: AssetFilePart[]; bytes: number }>,
  client: CloudflareClient,
  concurrency: number,
  onAccepted: (files: number, bytes: number) => void,
): Promise<SessionOutcome> {
  const outcome: SessionOutcome = { expired: false, acceptedBuckets: 0 };
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < buckets.length) {
      const hashes = buckets[next++]!;
      try {
        // Built only now, dropped once sent: memory holds `concurrency` buckets at most.
        const bucket = await readBucket(hashes);
        const wireBytes = bucket.parts.reduce((sum, part) => sum + part.base64.length, 0);
        const { jwt } = await uploadAssetsBucket(client, accountId, sessionJwt, bucket.parts, {
          extraTimeoutMs: bucketTransferMs(wireBytes),
        });
        outcome.acceptedBuckets++;
        onAccepted(hashes.length, bucket.bytes);
        if (jwt !== undefined) {
          outcome.completion = jwt;
          stop = true;
        }
      } catch (error) {
        stop = true;
        if (isSessionRefused(error)) outcome.expired = true;
        else if (outcome.failure === undefined) {
          outcome.failure = error;
          outcome.failedBucket = hashes;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, buckets.length)) }, worker));
  return outcome;
}

/**
 * Uploads the assets of `assets` (from checkAssets / loadAssets) for Worker `scriptName` and returns what the
 * Worker upload needs. Sends only the files the API asks for; see the module comment for failures.
 */
export async function deployAssets(
  scope: Scope,
  scriptName: string,
  assets: LocalAssets,
  options: DeployAssetsOptions = {},
): Promise<DeployedAssets> {
  const client = options.client ?? (options.clientOptions ? new CloudflareClient(options.clientOptions) : getDefaultClient());
  const concurrency = options.concurrency ?? ASSETS_UPLOAD_CONCURRENCY;
  const maxSessions = options.maxSessions ?? ASSETS_MAX_SESSIONS;
  const report: AssetsUploadReport = { sessions: 0, buckets: 0, files: 0, bytes: 0 };
  const keyOfHash = new Map<string, string>();
  for (const [key, entry] of Object.entries(assets.manifest)) if (!keyOfHash.has(entry.hash)) keyOfHash.set(entry.hash, key);

  const readBucket = async (hashes: string[]) => {
    const keys = hashes.map((hash) => keyOfHash.get(hash)!);
    const parts: AssetFilePart[] = [];
    let bytes = 0;
    for (const [i, hash] of hashes.entries()) {
      const key = keys[i]!;
      const content = await readFile(join(assets.directory, key));
      if ((await assetHash(content, key)) !== hash) {
        throw new AssetsUploadError(
          `asset ${key} changed after the assets were checked; run the deployment again once the directory is stable`,
        );
      }
      parts.push({ hash, contentType: contentTypeOf(key), base64: content.toString("base64") });
      bytes += content.byteLength;
    }
    return { parts, bytes };
  };

  let filesToUpload = 0;
  let uploadedFiles = 0;
  for (;;) {
    // 1.
    report.sessions++;
    const session = await createAssetsUploadSession(client, scope, scriptName, assets.manifest);
    const buckets = session.buckets.filter((bucket) => bucket.length > 0);
    if (buckets.length === 0) return { jwt: session.jwt, config: assets.config, report };
    const unknown = buckets.flat().find((hash) => !keyOfHash.has(hash));
    if (unknown !== undefined)
      throw new AssetsUploadError(`the API asked for an asset with hash ${unknown}, which is not in the manifest sent`);
    if (report.sessions === 1) filesToUpload = buckets.flat().length;

    // 2.
    const outcome = await uploadBuckets(scope.accountId, session.jwt, buckets, readBucket, client, concurrency, (files, bytes) => {
      report.buckets++;
      report.files += files;
      report.bytes += bytes;
      uploadedFiles += files;
      options.onProgress?.({ uploadedFiles, filesToUpload });
      notice("info", `Worker "${scriptName}" assets: ${uploadedFiles} of ${filesToUpload} files uploaded (${report.bytes} bytes so far).`);
    });

    // 3.
    if (outcome.completion !== undefined) return { jwt: outcome.completion, config: assets.config, report };
    if (outcome.failure !== undefined) {
      if (outcome.failure instanceof AssetsUploadError) throw outcome.failure;
      const cause = outcome.failure instanceof Error ? outcome.failure.message : String(outcome.failure);
      throw new AssetsUploadError(
        `uploading the assets of Worker "${scriptName}" failed on ${describeKeys((outcome.failedBucket ?? []).map((hash) => keyOfHash.get(hash)!))}: ${cause}. ` +
          `${uploadedFiles} of ${filesToUpload} files were accepted and are kept; running the deployment again sends only the rest.`,
        { cause: outcome.failure },
      );
    }
    // Expired part-way (or every bucket accepted without a completion token): a new session asks for the rest.
    if (outcome.acceptedBuckets === 0 && outcome.expired) {
      throw new AssetsUploadError(
        `the API refused the assets upload session of Worker "${scriptName}" before any file was accepted (HTTP 401); check the account's access to Workers assets`,
      );
    }
    if (report.sessions >= maxSessions) {
      throw new AssetsUploadError(
        `the assets of Worker "${scriptName}" were not complete after ${report.sessions} upload sessions (${uploadedFiles} files sent); run the deployment again: what was accepted is kept`,
      );
    }
  }
}
