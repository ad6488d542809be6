/**
 * Static assets, in three steps:
 * 1. POST `…/assets-upload-session` with a manifest: answers a session JWT and the missing hashes grouped in
 *    buckets of at most `ASSET_BUCKET_SIZE` (with no missing hash the JWT is already the completion token);
 * 2. POST `/workers/assets/upload` per bucket, Bearer = session JWT, one part per hash (`?base64=true`: the
 *    part holds base64): 202 while files are missing, 201 `{jwt}` (the completion token) once all arrived;
 * 3. the completion token in upload metadata `assets.jwt` attaches the manifest to the new version.
 * Blobs are kept by hash per account, so a second session for the same files asks for nothing.
 */
import { assetsUploadSessionInputSchema } from "../../provider/cloudflare/schemas";
import { signAssetToken, verifyAssetToken } from "../asset-tokens";
import { ApiError, ERROR, ok, validation, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, inBothScopes, type RouteContext, type Route } from "../router";
import { scopeOf } from "../scope";
import type { StoredAccount } from "../state";
import { readJson, readMultipart, schemaError } from "../upload-form";
import { newVersionId } from "../worker-model";

/** Hashes per bucket in an upload-session answer. */
export const ASSET_BUCKET_SIZE = 10;
/** Largest asset file accepted (the API's limit). */
export const ASSET_MAX_FILE_BYTES = 25 * 1024 * 1024;

type Manifest = Record<string, { hash: string; size: number }>;

function completionToken(ctx: RouteContext, manifest: Manifest): string {
  const sid = newVersionId();
  const exp = Date.now() + ctx.runtime.assetsSessionTtlMs;
  ctx.account.asset_completions[sid] = { manifest, expires_at: exp };
  return signAssetToken({ kind: "completion", sid, acct: ctx.account.id, exp }, ctx.runtime.store.state.signing_key);
}

/** Forgets sessions and completion tokens that have expired. */
function pruneExpired(account: StoredAccount): void {
  const now = Date.now();
  for (const [id, s] of Object.entries(account.asset_sessions)) if (s.expires_at <= now) delete account.asset_sessions[id];
  for (const [id, c] of Object.entries(account.asset_completions)) if (c.expires_at <= now) delete account.asset_completions[id];
}

function createSession(ctx: RouteContext): Reply {
  const scope = scopeOf(ctx);
  const parsed = assetsUploadSessionInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "assets upload session");
  const manifest = parsed.data.manifest as Manifest;
  for (const [path, entry] of Object.entries(manifest)) {
    if (entry.size > ASSET_MAX_FILE_BYTES)
      throw validation(`asset ${path} is ${entry.size} bytes; the limit is ${ASSET_MAX_FILE_BYTES}`, `/manifest/${path}`);
  }
  pruneExpired(ctx.account);
  const missing = [...new Set(Object.values(manifest).map((e) => e.hash))].filter((h) => ctx.account.asset_blobs[h] === undefined);
  if (missing.length === 0) return ok({ jwt: completionToken(ctx, manifest), buckets: [] });
  const id = newVersionId();
  const expiresAt = Date.now() + ctx.runtime.assetsSessionTtlMs;
  const scriptLabel = scope.namespace === undefined ? ctx.params.script! : `${scope.namespace.namespace_name}/${ctx.params.script!}`;
  ctx.account.asset_sessions[id] = { id, script: scriptLabel, manifest, expires_at: expiresAt };
  const buckets: string[][] = [];
  for (let i = 0; i < missing.length; i += ASSET_BUCKET_SIZE) buckets.push(missing.slice(i, i + ASSET_BUCKET_SIZE));
  const jwt = signAssetToken({ kind: "session", sid: id, acct: ctx.account.id, exp: expiresAt }, ctx.runtime.store.state.signing_key);
  return ok({ jwt, buckets });
}

function bearer(ctx: RouteContext): string {
  const raw = ctx.headers.authorization;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(Array.isArray(raw) ? (raw[0] ?? "") : (raw ?? ""));
  if (m === null)
    throw new ApiError(401, ERROR.AUTH, "Authentication error: the assets upload needs the upload session JWT as Bearer token");
  return m[1]!;
}

function uploadBucket(ctx: RouteContext): Reply {
  const verdict = verifyAssetToken(bearer(ctx), ctx.runtime.store.state.signing_key, { kind: "session", acct: ctx.account.id });
  if (!verdict.ok) throw new ApiError(401, ERROR.AUTH, `Authentication error: the upload session JWT is invalid (${verdict.reason})`);
  const session = ctx.account.asset_sessions[verdict.claims.sid];
  if (session === undefined) throw new ApiError(401, ERROR.AUTH, "Authentication error: the upload session has ended");
  const wanted = new Set(Object.values(session.manifest).map((e) => e.hash));
  const base64 = ctx.query.get("base64") === "true";
  for (const part of readMultipart(ctx.headers, ctx.body)) {
    if (!wanted.has(part.name)) throw validation(`part ${JSON.stringify(part.name)} is not a hash of this upload session's manifest`);
    const bytes = base64 ? Buffer.from(part.data.toString("ascii"), "base64") : part.data;
    ctx.account.asset_blobs[part.name] = { data: bytes.toString("base64"), content_type: part.contentType ?? "application/octet-stream" };
  }
  const complete = [...wanted].every((h) => ctx.account.asset_blobs[h] !== undefined);
  if (!complete) return ok({}, { status: 202 });
  return ok({ jwt: completionToken(ctx, session.manifest) }, { status: 201 });
}

export const assetRoutes: Route[] = [
  ...inBothScopes("POST", "/assets-upload-session", createSession),
  { method: "POST", pattern: `${ACCOUNT_PREFIX}/workers/assets/upload`, handler: uploadBucket, auth: "assets-session" },
];
