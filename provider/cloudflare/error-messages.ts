/**
 * Messages a person can act on, built from what went wrong: which call (method and path), what came back
 * (HTTP status, Cloudflare's codes and messages) and what to do about it. Pure functions, tested without
 * a network. Secrets are removed by `redact` before anything leaves the client.
 */
import { ENV_VARS, HOW_TO_SET_CREDENTIALS, HOW_TO_SET_TIMEOUT, STACK_CONFIG_KEYS, describeCredentials, type Credentials } from "./config";
import { ROUTING_CODES, type CloudflareErrorCode } from "./errors";
import { RATE_LIMIT_REQUESTS } from "./limiter";
import { describeScope } from "./paths";
import type { CfMessage } from "./schemas";

export const REDACTED = "[redacted]";
/** Strings shorter than this are not treated as secrets (redacting "a" would garble every message). */
const MIN_SECRET_LENGTH = 6;
/** Secret values of a request (`RequestSpec.redact`) shorter than this are left alone. */
export const MIN_REDACTED_VALUE_LENGTH = 4;

/** Replaces every occurrence of each secret (and its URL-encoded form) in `text`. */
export function redact(text: string, secrets: readonly string[], minLength = MIN_SECRET_LENGTH): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length < minLength) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** What the path names, read back from it (segments are percent-decoded). */
export interface PathSubject {
  accountId?: string;
  dispatchNamespace?: string;
  scriptName?: string;
  secretName?: string;
  versionId?: string;
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function subjectOfPath(path: string): PathSubject {
  const m =
    /^\/accounts\/([^/]+)(?:\/workers(?:\/dispatch\/namespaces\/([^/?]+))?(?:\/scripts\/([^/?]+)(?:\/secrets\/([^/?]+)|\/versions\/([^/?]+))?)?)?/.exec(
      path,
    );
  if (m === null) return {};
  const subject: PathSubject = {};
  const [, account, ns, script, secret, version] = m.map(decode);
  if (account !== undefined) subject.accountId = account;
  if (ns !== undefined) subject.dispatchNamespace = ns;
  if (script !== undefined) subject.scriptName = script;
  if (secret !== undefined) subject.secretName = secret;
  if (version !== undefined) subject.versionId = version;
  return subject;
}

function where(subject: PathSubject): string {
  if (subject.accountId !== undefined) return describeScope({ accountId: subject.accountId, dispatchNamespace: subject.dispatchNamespace });
  return subject.dispatchNamespace === undefined
    ? "this account"
    : `dispatch namespace ${JSON.stringify(subject.dispatchNamespace)} of this account`;
}

/** "Cloudflare 10007: This Worker does not exist on your account.; 10021: …" */
export function formatCloudflareErrors(errors: readonly CfMessage[]): string {
  return errors.map((e) => `${e.code}: ${e.message}`).join("; ");
}

export interface FailureContext {
  code: CloudflareErrorCode;
  method: string;
  path: string;
  status: number;
  errors: readonly CfMessage[];
  attempts: number;
  retrySafe: boolean;
  /** Credentials used, or undefined when the call carried its own bearer (assets upload JWT). */
  credentials?: Credentials;
  retryAfterMs?: number;
  /** Network failures, timeouts, unexpected bodies: what happened, in a few words. */
  detail?: string;
  timeoutMs?: number;
  origin?: string;
  /** The proxy requests went through (scheme://host:port, never user info), when one was configured. */
  proxy?: string;
}

/** Where the base URL is set, for messages. */
const BASE_URL_SETTING = `${STACK_CONFIG_KEYS.baseUrl} / ${ENV_VARS.baseUrl}`;

function viaProxy(ctx: FailureContext): string {
  return ctx.proxy === undefined
    ? "No proxy is in use (HTTPS_PROXY, HTTP_PROXY unset or bypassed by NO_PROXY)."
    : `Requests go through the proxy ${ctx.proxy} (from HTTPS_PROXY / HTTP_PROXY; NO_PROXY lists hosts reached directly).`;
}

/** For a request that is not safe to repeat and whose answer was lost: it may have taken effect. */
function mayHaveApplied(ctx: FailureContext): string {
  return ctx.retrySafe
    ? ""
    : ` ${ctx.method} on this endpoint is not safe to repeat, so it was not retried; it may have taken effect: check before running it again.`;
}

function hint(ctx: FailureContext): string {
  const subject = subjectOfPath(ctx.path);
  const codes = ctx.errors.map((e) => e.code);
  switch (ctx.code) {
    case "CF_NOT_FOUND":
      if (codes.includes(100119) || (subject.dispatchNamespace !== undefined && subject.scriptName === undefined)) {
        return `The dispatch namespace "${subject.dispatchNamespace ?? "?"}" does not exist on account ${subject.accountId ?? "?"}: create it first, or check its name.`;
      }
      if (subject.secretName !== undefined && !codes.includes(10007)) {
        return `The secret "${subject.secretName}" does not exist on Worker "${subject.scriptName}" in ${where(subject)}.`;
      }
      if (subject.versionId !== undefined && !codes.includes(10007)) {
        return `Version ${subject.versionId} does not exist on Worker "${subject.scriptName}" in ${where(subject)}.`;
      }
      if (subject.scriptName !== undefined) {
        return `The Worker "${subject.scriptName}" does not exist in ${where(subject)}: it was deleted or never created, or the account id is wrong.`;
      }
      return `Nothing exists at this path: check the account id (${subject.accountId ?? "none"}) and the base URL.`;
    case "CF_AUTH":
      if (ctx.credentials === undefined) {
        return "The upload session token was refused: it may have expired (they are valid for one hour); start a new assets upload session.";
      }
      return (
        `Cloudflare refused ${describeCredentials(ctx.credentials)}: check that it is valid and has the ` +
        `"Workers Scripts: Edit" permission on ${where(subject)}. To use another credential, ${HOW_TO_SET_CREDENTIALS}.`
      );
    case "CF_RATE_LIMITED": {
      const wait = ctx.retryAfterMs === undefined ? "" : ` Cloudflare asks to wait ${Math.ceil(ctx.retryAfterMs / 1000)} s.`;
      const notRepeated = ctx.retrySafe
        ? ""
        : ` ${ctx.method} on this endpoint is not safe to repeat, so it was not retried automatically.`;
      return `Cloudflare is rate limiting these credentials (${RATE_LIMIT_REQUESTS} requests per 5 minutes, dashboard included).${wait}${notRepeated} Run the operation again later.`;
    }
    case "CF_CONFLICT":
      return "Another change to this Worker was in progress at the same time: run the operation again.";
    case "CF_SERVER":
      return ctx.retrySafe
        ? "Cloudflare failed on its side; this is usually temporary: try again in a few minutes (status: https://www.cloudflarestatus.com)."
        : `Cloudflare failed on its side. ${ctx.method} on this endpoint is not safe to repeat, so it was not retried: check whether it took effect, then run the operation again.`;
    case "CF_VALIDATION":
      if (codes.some((c) => ROUTING_CODES.includes(c))) {
        return (
          `Cloudflare could not route this request: check the account id (${subject.accountId ?? "none"}), and that this ` +
          `operation exists ${subject.dispatchNamespace === undefined ? "on the account" : "for scripts in a dispatch namespace"}.`
        );
      }
      return "Cloudflare refused the request as it was sent: fix what its messages above point out.";
    case "CF_NETWORK":
      return `Could not reach ${ctx.origin ?? "the API"}: ${ctx.detail ?? "network error"}. ${viaProxy(ctx)} Check the network connection and the base URL (${BASE_URL_SETTING}).${mayHaveApplied(ctx)}`;
    case "CF_TIMEOUT":
      return `No complete answer within ${ctx.timeoutMs ?? "?"} ms. Cloudflare may be slow or unreachable; run the operation again, or raise the limit per attempt with ${HOW_TO_SET_TIMEOUT}. ${viaProxy(ctx)}${mayHaveApplied(ctx)}`;
    case "CF_UNEXPECTED_RESPONSE":
      if (ctx.status === 404 && ctx.errors.length === 0) {
        return (
          `This 404 was not Cloudflare's: ${ctx.detail ?? "an empty body"}, without Cloudflare's JSON error envelope, so it ` +
          `says nothing about whether the resource exists (a proxy or a wrong ${BASE_URL_SETTING}? requests go to ` +
          `${ctx.origin ?? "the configured base URL"}). Nothing was concluded from it: run the operation again once the API answers.`
        );
      }
      return `The answer was not what this endpoint returns: ${ctx.detail ?? "unreadable body"}.`;
  }
}

/** `PUT /accounts/…/scripts/x failed: HTTP 400, Cloudflare 10021: …, after 3 attempts. <what to do>` */
export function describeFailure(ctx: FailureContext): string {
  const what: string[] = [];
  if (ctx.status > 0) what.push(`HTTP ${ctx.status}`);
  if (ctx.errors.length > 0) what.push(`Cloudflare ${formatCloudflareErrors(ctx.errors)}`);
  // A body that was not the envelope (an HTML error page from a proxy): say what it was.
  if (ctx.status > 0 && ctx.detail !== undefined && ctx.code !== "CF_UNEXPECTED_RESPONSE") what.push(ctx.detail);
  const attempts = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : "";
  const head = `${ctx.method} ${ctx.path} failed${what.length > 0 ? ` (${what.join(", ")})` : ""}${attempts}.`;
  return `${head} ${hint(ctx)}`;
}

/** What answered a request when it was not the Cloudflare envelope: the body in a few words and its content type. */
export function describeForeignAnswer(body: string, contentType: string | undefined): string {
  const what =
    body.trim() === ""
      ? "an empty body"
      : /^\s*\{/.test(body)
        ? "a JSON body that is not the Cloudflare envelope"
        : describeNonJsonBody(body, contentType);
  return `${what} (content-type: ${contentType ?? "none"})`;
}

/** A short description of a non-JSON error body (e.g. an HTML error page from a proxy). */
export function describeNonJsonBody(body: string, contentType: string | undefined): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<[^>]+>/gi, " "))
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
  const kind = /html/i.test(contentType ?? "") || /^\s*</.test(body) ? "an HTML page" : `a ${contentType ?? "non-JSON"} body`;
  return text.length > 0 ? `${kind} instead of JSON: "${text}"` : `${kind} instead of JSON`;
}
