/**
 * The Cloudflare v4 envelope as the emulator answers it, the error codes it uses, and the `Reply` that route
 * handlers return. Handlers throw `ApiError` for failures; the server turns it into the failure envelope.
 */
import type { ResultInfo } from "../provider/cloudflare/schemas";

/**
 * Error codes. Those marked "chosen" are not documented by Cloudflare for that situation: the emulator picks
 * one and keeps it stable (listed in the README's emulator section).
 */
export const ERROR = {
  AUTH: 10000,
  NOT_FOUND: 10007,
  UNKNOWN: 10013,
  INVALID_NAME: 10016,
  VALIDATION: 10021,
  UNPARSABLE_BODY: 10026,
  TOO_LARGE: 10027,
  INHERIT_UNRESOLVED: 10057,
  SECRET_EDIT_UNDEPLOYED: 10215,
  /** A settings PATCH while the latest version is not the deployed one (wrangler-action#374, workers-sdk#10585). */
  SETTINGS_EDIT_UNDEPLOYED: 10214,
  /** A migration whose `old_tag` is not the Worker's migration tag (HTTP 412; workers-sdk#705, pulumi-cloudflare#1215). */
  MIGRATION_TAG_PRECONDITION: 10079,
  /** A deployment of an older version whose secrets have changed, without `?force=true` (wrangler's rollback). */
  ROLLBACK_SECRETS_CHANGED: 10220,
  TAG_TOO_LONG: 100102,
  TOO_MANY_TAGS: 100103,
  INVALID_TAG: 100134,
  NAMESPACE_NOT_FOUND: 100119,
  RATE_LIMITED: 971,
  /** chosen: no route for that URI (the real API answers 7000 for unknown paths). */
  NO_ROUTE: 7000,
  /** chosen: the account id in the path is not a 32-hex id (the real API answers 7003). */
  BAD_ACCOUNT: 7003,
  /** "Could not route to …": a path the API does not route, e.g. a namespace-scope path it lacks (same code). */
  NOT_ROUTED: 7003,
  /** chosen: method not allowed on a known path. */
  METHOD_NOT_ALLOWED: 10405,
  /** chosen: DELETE without `force` of a Worker that another Worker binds (service binding). */
  SCRIPT_IN_USE: 10064,
  /** chosen: a dispatch namespace with that name exists already. */
  NAMESPACE_EXISTS: 100120,
  /** chosen: a secret PUT whose name is taken by a binding that is not a secret. */
  BINDING_NAME_IN_USE: 10053,
  /** chosen: a secret named in the path does not exist. */
  SECRET_NOT_FOUND: 10056,
  /** A version named in the path or in a deployment does not exist (wrangler's containers deploy retries on 100146). */
  VERSION_NOT_FOUND: 100146,
} as const;

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
  }
}

export const notFound = (message = "This Worker does not exist on your account."): ApiError => new ApiError(404, ERROR.NOT_FOUND, message);
export const validation = (message: string, pointer?: string): ApiError => new ApiError(400, ERROR.VALIDATION, message, pointer);

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

/**
 * A success envelope. `nullLists`: `errors` and `messages` as `null`, as a recorded live answer of the
 * versions list has them (shared/reference/recorded-answers.md).
 */
export function ok(
  result: unknown,
  options: { status?: number; resultInfo?: ResultInfo; headers?: Record<string, string>; nullLists?: boolean } = {},
): Reply {
  const lists = options.nullLists === true ? null : [];
  const envelope: Record<string, unknown> = { success: true, errors: lists, messages: lists, result };
  if (options.resultInfo !== undefined) envelope.result_info = options.resultInfo;
  return jsonReply(options.status ?? 200, envelope, options.headers);
}

export function failure(
  status: number,
  errors: { code: number; message: string; pointer?: string }[],
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(
    status,
    {
      success: false,
      errors: errors.map((e) =>
        e.pointer === undefined
          ? { code: e.code, message: e.message }
          : { code: e.code, message: e.message, source: { pointer: e.pointer } },
      ),
      messages: [],
      result: null,
    },
    headers,
  );
}

export function errorReply(error: ApiError): Reply {
  return failure(error.status, [
    { code: error.code, message: error.message, ...(error.pointer === undefined ? {} : { pointer: error.pointer }) },
  ]);
}

export function rawReply(status: number, body: Buffer | string, contentType: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": contentType, ...headers }, body: typeof body === "string" ? Buffer.from(body) : body };
}

/** `result_info` for one page of `total` items. */
export function pageInfo(page: number, perPage: number, count: number, total: number): ResultInfo {
  return { page, per_page: perPage, count, total_count: total, total_pages: Math.max(1, Math.ceil(total / perPage)) };
}

/** `result_info` without `total_pages`, as the recorded versions list answers it. */
export function pageInfoWithoutPages(page: number, perPage: number, count: number, total: number): ResultInfo {
  const { total_pages: _pages, ...info } = pageInfo(page, perPage, count, total);
  return info;
}
