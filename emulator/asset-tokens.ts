/**
 * The emulator's asset JWTs: an upload-session token (Bearer of `workers/assets/upload`) and a completion
 * token (the `assets.jwt` of upload metadata). Both are HS256 JWTs over `{kind, sid, acct, exp}`, signed with
 * the store's signing key; the manifest they stand for stays in the state store under `sid`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type AssetTokenKind = "session" | "completion";

export interface AssetTokenClaims {
  kind: AssetTokenKind;
  sid: string;
  acct: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

export function signAssetToken(claims: AssetTokenClaims, key: string): string {
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** The claims of a valid, unexpired token of the expected kind and account; otherwise a reason. */
export function verifyAssetToken(
  token: string,
  key: string,
  expect: { kind: AssetTokenKind; acct: string; now?: number },
): { ok: true; claims: AssetTokenClaims } | { ok: false; reason: string } {
  const pieces = token.split(".");
  if (pieces.length !== 3) return { ok: false, reason: "not a JWT" };
  const [head, body, sig] = pieces as [string, string, string];
  const expected = createHmac("sha256", key).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  let claims: AssetTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as AssetTokenClaims;
  } catch {
    return { ok: false, reason: "unreadable claims" };
  }
  if (claims.kind !== expect.kind) return { ok: false, reason: `not a ${expect.kind} token` };
  if (claims.acct !== expect.acct) return { ok: false, reason: "issued for another account" };
  if (claims.exp <= (expect.now ?? Date.now())) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}
