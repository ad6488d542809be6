/**
 * The one request function of the API client. Everything that touches the wire happens here, in this
 * order for every attempt: configuration (read now, not at import), URL building, auth headers, the
 * limiter of these credentials, the request itself with a per-attempt timeout, then the answer: envelope, zod
 * parse of `result`, or a typed `CloudflareApiError`. Retries live here and nowhere else.
 */
import { inspect } from "node:util";
import { z } from "zod";
import type { FormData } from "undici";
import {
  credentialSecrets,
  resolveAccountId,
  resolveBaseUrl,
  resolveCredentials,
  resolveMaxAttempts,
  resolveTimeoutMs,
  type Credentials,
  type ExplicitSettings,
} from "./config";
import { dispatcherFor } from "./dispatcher";
import {
  describeFailure,
  describeForeignAnswer,
  describeNonJsonBody,
  MIN_REDACTED_VALUE_LENGTH,
  redact,
  type FailureContext,
} from "./error-messages";
import { CloudflareApiError, classifyStatus, type CloudflareErrorCode } from "./errors";
import { sharedLimiter, type RequestLimiter } from "./limiter";
import { formatDuration, notice, noticeEnabled } from "./notices";
import { RunState, type RunSlot } from "./run-state";
import {
  isRetrySafe,
  isRetryableStatus,
  isTransientNetworkError,
  MAX_RETRY_AFTER_MS,
  networkErrorCode,
  parseRetryAfter,
  retryDelay,
  wasNeverSent,
} from "./retry";
import { envelopeSchema, type CfMessage, type ResultInfo } from "./schemas";

export { path, scriptPath, type Scope } from "./paths";

export type HttpMethod = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";

/** One attempt, as the `onRequest` hook sees it: never a credential, header or body. */
export interface RequestEvent {
  method: string;
  path: string;
  status?: number;
  attempt: number;
  durationMs: number;
  error?: string;
}

/** A client's explicit settings (config.ts) and the dependencies it is given: hooks, clock, limiter. */
export interface ClientOptions extends ExplicitSettings {
  /** Observation hook, called once per attempt; it never sees credentials. */
  onRequest?: (event: RequestEvent) => void;
  /** Test hook: waits between attempts (backoff, Retry-After). Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
  /** Test hook: jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Test hook: wall clock used to read an HTTP-date Retry-After. Default Date.now. */
  now?: () => number;
  /** The limiter every request passes through. Default: the one shared by every request with the same credentials. */
  limiter?: RequestLimiter;
}

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Relative to the base URL, built with the `path` tag, e.g. /accounts/…/workers/scripts/x. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  json?: unknown;
  /** Multipart body, built fresh for each attempt (undici FormData). */
  form?: () => FormData;
  headers?: Record<string, string>;
  /** Parses `result` (or, with `raw`, the RawResponse). */
  schema: z.ZodType<T>;
  /** Default: true for GET/PUT/DELETE, false for POST/PATCH. Set true only for endpoints idempotent by nature. */
  retrySafe?: boolean;
  /** Use this Bearer token instead of the configured credentials (assets upload JWT). */
  bearer?: string;
  /** The success body is not the JSON envelope (download, content/v2): `schema` receives a RawResponse. */
  raw?: boolean;
  /**
   * Secret values this request carries (a secret's text, key material of secret bindings): removed from
   * every error it may produce, like the credentials, should the API quote them. Values shorter than
   * 4 characters are ignored (redacting "a" would garble the message).
   */
  redact?: string[];
  /** Added to the configured per-attempt timeout for this request: the time its large body takes to send. */
  extraTimeoutMs?: number;
}

/** A successful answer whose body is not the JSON envelope. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** `result` together with what the envelope carries besides it. */
export interface EnvelopeResult<T> {
  result: T;
  resultInfo?: ResultInfo;
  status: number;
}

/** Largest answer we buffer: Worker downloads are at most a few tens of MiB. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const USER_AGENT = "pulumi-cloudflare-workers/0.1 (+undici)";

type AttemptOutcome =
  | { kind: "response"; status: number; headers: Record<string, string>; body: Uint8Array }
  | { kind: "failure"; error: unknown; timedOut: boolean };

interface Prepared {
  method: HttpMethod;
  path: string;
  origin: string;
  requestPath: string;
  headers: Record<string, string>;
  credentials: Credentials | undefined;
  secrets: string[];
  /** `RequestSpec.redact`: secret values of this request's body. */
  values: string[];
  retrySafe: boolean;
  maxAttempts: number;
  timeoutMs: number;
  /** The client's own limiter, or the one shared by every request to this origin with these credentials. */
  limiter: RequestLimiter;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function queryString(query: RequestSpec<unknown>["query"]): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

function isJsonBody(contentType: string | undefined, body: Uint8Array): boolean {
  if (/\bjson\b/i.test(contentType ?? "")) return true;
  const first = body.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first === 0x7b; // "{"
}

function summariseZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "result"}: ${issue.message}`)
    .join("; ");
}

export class CloudflareClient {
  readonly #options: ClientOptions;
  readonly #run = new RunState();

  constructor(options: ClientOptions = {}) {
    this.#options = { ...options };
  }

  /** The account to use when none is given: the `accountId` option, stack config, CLOUDFLARE_ACCOUNT_ID. */
  resolveAccountId(explicit?: string): string {
    return resolveAccountId(explicit ?? this.#options.accountId);
  }

  /** This client's cache `slot` for the current run (run-state.ts), made empty on first use. */
  runCache<T>(slot: RunSlot<T>): T {
    return this.#run.get(slot);
  }

  /** Forgets every answer cached for this run, as a new provider process starts without them. */
  newRun(): void {
    this.#run.reset();
  }

  /** One request: URL building, auth, limiter, retries, envelope, zod parse of `result`, typed errors. */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    if (spec.raw === true) {
      const raw = await this.requestRaw(spec);
      return this.#parseResult(spec, raw, raw.status);
    }
    return (await this.requestEnvelope(spec)).result;
  }

  /** Like `request`, also returning `result_info` (paged endpoints). */
  async requestEnvelope<T>(spec: RequestSpec<T>): Promise<EnvelopeResult<T>> {
    const prepared = this.#prepare(spec);
    const response = await this.#send(spec, prepared);
    const text = Buffer.from(response.body).toString("utf8");
    // A success without a body (204, or a DELETE answered with nothing) carries no result.
    if (text.trim() === "") {
      return { result: this.#parseResult(spec, null, response.status, prepared, response.attempts), status: response.status };
    }
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(text));
    } catch (error) {
      // No `cause` here: a parse error quotes the body, which is not ours to vouch for.
      const detail = isJsonBody(response.headers["content-type"], response.body)
        ? `a body that is not the Cloudflare JSON envelope (${error instanceof z.ZodError ? summariseZodError(error) : "invalid JSON"})`
        : describeNonJsonBody(text, response.headers["content-type"]);
      throw this.#error(prepared, { code: "CF_UNEXPECTED_RESPONSE", status: response.status, detail, attempts: response.attempts });
    }
    if (!envelope.success) {
      const code = classifyStatus(
        response.status >= 400 ? response.status : 400,
        envelope.errors.map((e) => e.code),
      );
      throw this.#error(prepared, { code, status: response.status, errors: envelope.errors, attempts: response.attempts });
    }
    const result = this.#parseResult(spec, envelope.result ?? null, response.status, prepared, response.attempts);
    return {
      result,
      status: response.status,
      ...(envelope.result_info === undefined || envelope.result_info === null ? {} : { resultInfo: envelope.result_info }),
    };
  }

  /** A request whose success body is not the envelope (script download, content/v2). Errors are still typed. */
  async requestRaw(spec: Omit<RequestSpec<unknown>, "schema" | "raw">): Promise<RawResponse> {
    const prepared = this.#prepare({ ...spec, raw: true });
    const { status, headers, body } = await this.#send(spec, prepared);
    return { status, headers, body };
  }

  toJSON(): Record<string, unknown> {
    return { client: "CloudflareClient", baseUrl: this.#options.baseUrl, accountId: this.#options.accountId };
  }

  [inspect.custom](): string {
    return `CloudflareClient { baseUrl: ${JSON.stringify(this.#options.baseUrl ?? "(from config)")}, credentials: [hidden] }`;
  }

  #parseResult<T>(spec: RequestSpec<T>, value: unknown, status: number, prepared?: Prepared, attempts = 1): T {
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw this.#error(prepared ?? this.#prepare(spec), {
      code: "CF_UNEXPECTED_RESPONSE",
      status,
      detail: summariseZodError(parsed.error),
      attempts,
    });
  }

  /** Reads configuration now: base URL, credentials, timeouts. Throws CloudflareConfigError before sending. */
  #prepare(spec: Omit<RequestSpec<unknown>, "schema" | "form">): Prepared {
    if (!spec.path.startsWith("/")) throw new TypeError(`request path must start with "/" (got "${spec.path}")`);
    const baseUrl = resolveBaseUrl(this.#options.baseUrl);
    const base = new URL(baseUrl);
    const credentials = spec.bearer === undefined ? resolveCredentials(this.#options) : undefined;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(spec.headers ?? {})) {
      if (!/^(authorization|x-auth-email|x-auth-key|host|content-length)$/i.test(key)) headers[key.toLowerCase()] = value;
    }
    headers["user-agent"] = USER_AGENT;
    headers["accept"] ??= spec.raw === true ? "*/*" : "application/json";
    if (spec.json !== undefined) headers["content-type"] = "application/json";
    if (spec.bearer !== undefined) {
      headers["authorization"] = `Bearer ${spec.bearer}`;
    } else if (credentials?.kind === "token") {
      headers["authorization"] = `Bearer ${credentials.token}`;
    } else if (credentials?.kind === "globalKey") {
      headers["x-auth-email"] = credentials.email;
      headers["x-auth-key"] = credentials.apiKey;
    }
    const retrySafe = isRetrySafe(spec);
    return {
      method: spec.method,
      path: spec.path,
      origin: base.origin,
      requestPath: `${base.pathname.replace(/\/+$/, "")}${spec.path}${queryString(spec.query)}`,
      headers,
      credentials,
      secrets: [...credentialSecrets(credentials), ...(spec.bearer === undefined ? [] : [spec.bearer])],
      // Each value also in its JSON-escaped form, as an error message quoting it in JSON would carry it.
      values: (spec.redact ?? [])
        .filter((value) => value.length >= MIN_REDACTED_VALUE_LENGTH)
        .flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]),
      retrySafe,
      maxAttempts: resolveMaxAttempts(this.#options),
      timeoutMs: resolveTimeoutMs(this.#options) + (spec.extraTimeoutMs ?? 0),
      limiter: this.#options.limiter ?? sharedLimiter(base.origin, credentials ?? this.#configuredCredentials()),
    };
  }

  /**
   * The credentials of a request sent with another bearer (the assets upload's JWT): it is still this user's
   * request for Cloudflare's limit. Undefined when none are configured.
   */
  #configuredCredentials(): Credentials | undefined {
    try {
      return resolveCredentials(this.#options);
    } catch {
      return undefined;
    }
  }

  /** Sends with retries until a 2xx answer (returned) or a final failure (thrown as CloudflareApiError). */
  async #send(spec: Pick<RequestSpec<unknown>, "form" | "json">, prepared: Prepared): Promise<RawResponse & { attempts: number }> {
    const limiter = prepared.limiter;
    const sleep = this.#options.sleep ?? defaultSleep;
    const random = this.#options.random ?? Math.random;
    const now = this.#options.now ?? Date.now;

    for (let attempt = 1; ; attempt++) {
      // A fresh body for every attempt (a multipart form is consumed by sending it). Built before taking a
      // token, so a builder that refuses its input fails without spending one.
      const body = spec.form !== undefined ? spec.form() : spec.json !== undefined ? JSON.stringify(spec.json) : null;
      await limiter.acquire();
      const started = performance.now();
      const outcome = await this.#attempt(prepared, body);
      const durationMs = performance.now() - started;

      if (outcome.kind === "response" && outcome.status >= 200 && outcome.status < 300) {
        this.#emit({ method: prepared.method, path: prepared.path, status: outcome.status, attempt, durationMs });
        return { status: outcome.status, headers: outcome.headers, body: outcome.body, attempts: attempt };
      }

      let failure: CloudflareApiError;
      let mayRepeat: boolean;
      let retryAfterMs: number | undefined;
      if (outcome.kind === "response") {
        retryAfterMs = parseRetryAfter(outcome.headers["retry-after"], now());
        failure = this.#httpError(prepared, outcome, attempt, retryAfterMs);
        mayRepeat = prepared.retrySafe && isRetryableStatus(outcome.status);
        if (retryAfterMs !== undefined && outcome.status === 429) limiter.pauseFor(retryAfterMs);
        if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) mayRepeat = false;
      } else {
        failure = this.#networkError(prepared, outcome, attempt);
        mayRepeat = outcome.timedOut
          ? prepared.retrySafe
          : isTransientNetworkError(outcome.error) && (prepared.retrySafe || wasNeverSent(outcome.error));
      }
      this.#emit({
        method: prepared.method,
        path: prepared.path,
        ...(outcome.kind === "response" ? { status: outcome.status } : {}),
        attempt,
        durationMs,
        error: failure.code,
      });
      if (!mayRepeat || attempt >= prepared.maxAttempts) throw failure;
      const delay = retryDelay(attempt, retryAfterMs, random);
      notice(
        "info",
        `${prepared.method} ${prepared.path}: ${whatFailed(failure)}; retrying in ${formatDuration(delay)}` +
          `${retryAfterMs === undefined ? "" : " (the server's Retry-After)"}, attempt ${attempt + 1} of ${prepared.maxAttempts}.`,
      );
      await sleep(delay);
    }
  }

  /** One attempt on the wire, with its own timeout covering connect, headers and the whole body. */
  async #attempt(prepared: Prepared, body: FormData | string | null): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`attempt timed out after ${prepared.timeoutMs} ms`));
    }, prepared.timeoutMs);
    try {
      const response = await dispatcherFor(prepared.origin).request({
        method: prepared.method,
        path: prepared.requestPath,
        headers: prepared.headers,
        body,
        signal: controller.signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        const buf = chunk as Buffer;
        size += buf.byteLength;
        if (size > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          return {
            kind: "failure",
            error: Object.assign(new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`), { code: "CF_RESPONSE_TOO_LARGE" }),
            timedOut: false,
          };
        }
        chunks.push(buf);
      }
      return {
        kind: "response",
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: new Uint8Array(Buffer.concat(chunks)),
      };
    } catch (error) {
      return { kind: "failure", error, timedOut: timedOut || controller.signal.aborted };
    } finally {
      clearTimeout(timer);
    }
  }

  #httpError(
    prepared: Prepared,
    outcome: Extract<AttemptOutcome, { kind: "response" }>,
    attempts: number,
    retryAfterMs: number | undefined,
  ): CloudflareApiError {
    const text = Buffer.from(outcome.body).toString("utf8");
    let errors: CfMessage[] = [];
    let detail: string | undefined;
    const parsed = (() => {
      try {
        return envelopeSchema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
    })();
    const fromCloudflare = parsed?.success === true;
    if (parsed?.success === true) {
      errors = parsed.data.errors;
    } else if (outcome.status === 404) {
      // Not Cloudflare's answer: say what it was, for it is not "not found" (see classifyStatus).
      detail = describeForeignAnswer(text, outcome.headers["content-type"]);
    } else if (text.trim().length > 0) {
      detail = describeNonJsonBody(text, outcome.headers["content-type"]);
    }
    const code = classifyStatus(
      outcome.status,
      errors.map((e) => e.code),
      fromCloudflare,
    );
    return this.#error(prepared, {
      code,
      status: outcome.status,
      errors,
      attempts,
      ...(detail === undefined ? {} : { detail }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  #networkError(prepared: Prepared, outcome: Extract<AttemptOutcome, { kind: "failure" }>, attempts: number): CloudflareApiError {
    if (outcome.timedOut) {
      return this.#error(prepared, {
        code: "CF_TIMEOUT",
        status: 0,
        attempts,
        detail: `timed out after ${prepared.timeoutMs} ms`,
        cause: outcome.error,
      });
    }
    const error = outcome.error;
    const code = networkErrorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    const detail =
      code === "CF_RESPONSE_TOO_LARGE"
        ? message
        : `${code ?? "network error"}${message && !message.includes(code ?? "\0") ? ` (${message})` : ""}`;
    return this.#error(prepared, {
      code: code === "CF_RESPONSE_TOO_LARGE" ? "CF_UNEXPECTED_RESPONSE" : "CF_NETWORK",
      status: 0,
      attempts,
      detail,
      cause: error,
    });
  }

  #error(
    prepared: Prepared,
    init: {
      code: CloudflareErrorCode;
      status: number;
      attempts: number;
      errors?: CfMessage[];
      detail?: string;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ): CloudflareApiError {
    const clean = (text: string): string => redact(redact(text, prepared.secrets), prepared.values, MIN_REDACTED_VALUE_LENGTH);
    // The facts both the message describes and the error keeps.
    const failure = {
      code: init.code,
      method: prepared.method,
      path: prepared.path,
      status: init.status,
      errors: (init.errors ?? []).map((e) => ({ ...e, message: clean(e.message) })),
      attempts: init.attempts,
      ...(init.retryAfterMs === undefined ? {} : { retryAfterMs: init.retryAfterMs }),
    };
    const ctx: FailureContext = {
      ...failure,
      retrySafe: prepared.retrySafe,
      timeoutMs: prepared.timeoutMs,
      origin: prepared.origin,
      ...(dispatcherFor(prepared.origin).proxy === undefined ? {} : { proxy: dispatcherFor(prepared.origin).proxy }),
      ...(prepared.credentials === undefined ? {} : { credentials: prepared.credentials }),
      ...(init.detail === undefined ? {} : { detail: clean(init.detail) }),
    };
    return new CloudflareApiError({
      message: clean(describeFailure(ctx)),
      ...failure,
      ...(init.cause === undefined ? {} : { cause: init.cause }),
    });
  }

  #emit(event: RequestEvent): void {
    if (noticeEnabled("debug")) {
      const answer = event.status === undefined ? (event.error ?? "no answer") : `HTTP ${event.status}`;
      notice("debug", `${event.method} ${event.path} -> ${answer} in ${formatDuration(event.durationMs)} (attempt ${event.attempt})`);
    }
    const hook = this.#options.onRequest;
    if (hook === undefined) return;
    try {
      hook(event);
    } catch {
      // An observer must never break a request.
    }
  }
}

/** A failed attempt in a few words, for a retry line: "HTTP 429 (rate limited)", "timed out after 60000 ms". */
function whatFailed(failure: CloudflareApiError): string {
  if (failure.status === 0) {
    if (failure.code === "CF_TIMEOUT") return "no complete answer in time";
    const code = networkErrorCode(failure.cause);
    return `the connection failed${code === undefined ? "" : ` (${code})`}`;
  }
  const why = failure.status === 429 ? " (rate limited)" : failure.status >= 500 ? " (Cloudflare failed on its side)" : "";
  return `HTTP ${failure.status}${why}`;
}

let defaultClient: CloudflareClient | undefined;

/** The process-wide client; its options are all resolved per request (stack config, environment). */
export function getDefaultClient(): CloudflareClient {
  defaultClient ??= new CloudflareClient();
  return defaultClient;
}
