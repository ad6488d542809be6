/**
 * The emulator's HTTP server: bounded body reading, latency, fault injection, authentication, the request
 * log, routing to the handlers, persisting the state after changes, and the `/__emulator` control endpoints.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ACCOUNT_ID_PATTERN } from "../provider/cloudflare/schemas";
import { ApiError, ERROR, errorReply, failure, jsonReply, ok, type Reply } from "./envelope";
import { faultFromJson, faultReply, type FaultQueue, type FaultRule } from "./faults";
import type { RateLimit } from "./rate-limit";
import { Router, type EmulatorRuntime, type RouteContext } from "./router";
import { RuntimeRequestError, type WorkersRuntime } from "./runtime";
import { newAccount } from "./state";

export const API_PREFIX = "/client/v4";
export const CONTROL_PREFIX = "/__emulator";

export interface RecordedRequest {
  method: string;
  /** Path relative to `/client/v4`, as received. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  durationMs: number;
  /** When the request arrived, ms since the epoch. */
  time: number;
  /**
   * Set when a fault holds the answer (`holdMs`): the request is logged as soon as it is applied, with the
   * status it will answer, so a test can act (kill the client) while the answer has not left.
   */
  held?: boolean;
}

export interface ServerConfig {
  runtime: EmulatorRuntime;
  router: Router;
  faults: FaultQueue;
  requests: RecordedRequest[];
  tokens: Set<string>;
  globalKeys: { email: string; key: string }[];
  latencyMs: number;
  maxBodyBytes: number;
  maxRecordedRequests: number;
  controlEndpoints: boolean;
  /** The API's rate limit, when enforced (emulator/rate-limit.ts). */
  rateLimit?: RateLimit;
  /** Empties state, requests and faults (POST /__emulator/reset). */
  reset: () => void;
  /** Runs the deployed Workers and answers requests for them (`runWorkers`); absent: the API only. */
  workers?: WorkersRuntime;
}

class BodyTooLarge extends Error {}

/** Reads the body, refusing (without buffering) more than `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off("data", onData);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Bearer token or X-Auth-Email + X-Auth-Key; 401 with code 10000 otherwise. Never echoes a credential. */
function authenticate(req: IncomingMessage, config: ServerConfig): void {
  const authorization = header(req, "authorization");
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m === null) throw new ApiError(401, ERROR.AUTH, "Authentication error: the Authorization header must be 'Bearer <token>'");
    if (!config.tokens.has(m[1]!)) throw new ApiError(401, ERROR.AUTH, "Authentication error: the API token is not recognised");
    return;
  }
  const email = header(req, "x-auth-email");
  const key = header(req, "x-auth-key");
  if (email !== undefined || key !== undefined) {
    if (email === undefined || key === undefined)
      throw new ApiError(401, ERROR.AUTH, "Authentication error: X-Auth-Email and X-Auth-Key go together");
    if (!config.globalKeys.some((g) => g.email.toLowerCase() === email.toLowerCase() && g.key === key)) {
      throw new ApiError(401, ERROR.AUTH, "Authentication error: unknown X-Auth-Email/X-Auth-Key pair");
    }
    return;
  }
  throw new ApiError(401, ERROR.AUTH, "Authentication error: missing Authorization header (or X-Auth-Email and X-Auth-Key)");
}

function send(res: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(reply.status, { ...reply.headers, ...extraHeaders, "content-length": String(reply.body.length) });
  res.end(reply.body);
}

function dropConnection(req: IncomingMessage, res: ServerResponse): void {
  res.socket?.destroy();
  req.socket.destroy();
}

/** Runs a request through auth, routing and the handler; every failure becomes an envelope error. */
async function dispatch(
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  body: Buffer,
  config: ServerConfig,
): Promise<{ reply: Reply; mutated: boolean }> {
  const method = (req.method ?? "GET").toUpperCase();
  let matched: ReturnType<Router["match"]> | undefined;
  let routeError: unknown;
  try {
    matched = config.router.match(method, path);
  } catch (e) {
    routeError = e;
  }
  if (matched?.route.auth !== "assets-session") authenticate(req, config);
  if (matched === undefined) throw routeError;
  const accountId = matched.params.account;
  if (accountId !== undefined && !ACCOUNT_ID_PATTERN.test(accountId)) {
    throw new ApiError(
      404,
      ERROR.BAD_ACCOUNT,
      `Could not route to /accounts/${accountId}: an account id is 32 lower-case hexadecimal characters`,
    );
  }
  const ctx: RouteContext = {
    method,
    path,
    params: matched.params,
    query,
    headers: req.headers,
    body,
    account: accountId === undefined ? newAccount("") : config.runtime.store.account(accountId),
    runtime: config.runtime,
    source: /wrangler/i.test(header(req, "user-agent") ?? "") ? "wrangler" : "api",
  };
  const reply = await matched.route.handler(ctx);
  return { reply, mutated: method !== "GET" && method !== "HEAD" && reply.status < 400 };
}

async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, config: ServerConfig): Promise<void> {
  const started = performance.now();
  const path = url.pathname.slice(API_PREFIX.length) || "/";
  const method = (req.method ?? "GET").toUpperCase();
  const record: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), status: 0, durationMs: 0, time: Date.now() };
  const finish = (status: number) => {
    record.status = status;
    record.durationMs = performance.now() - started;
    config.requests.push(record);
    // Bounded: a long-running emulator keeps the most recent requests only.
    if (config.requests.length > config.maxRecordedRequests) config.requests.splice(0, config.requests.length - config.maxRecordedRequests);
  };

  let body: Buffer;
  try {
    body = await readBody(req, config.maxBodyBytes);
  } catch (e) {
    const reply =
      e instanceof BodyTooLarge
        ? failure(413, [{ code: ERROR.TOO_LARGE, message: `request body too large: the limit is ${config.maxBodyBytes} bytes` }])
        : failure(400, [{ code: ERROR.UNPARSABLE_BODY, message: "could not read the request body" }]);
    res.once("finish", () => req.destroy());
    send(res, reply, { connection: "close" });
    finish(reply.status);
    return;
  }

  // Counted on arrival; a refused request still takes the latency to answer.
  const admission = config.rateLimit?.admit(req.headers);
  for (const [name, value] of Object.entries(admission?.headers ?? {})) res.setHeader(name, value);
  if (config.latencyMs > 0) await sleep(config.latencyMs);
  if (admission?.refused) {
    send(res, admission.refused);
    finish(admission.refused.status);
    return;
  }
  const fault = config.faults.take(method, path);
  if (fault !== undefined && fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault !== undefined && fault.applyFirst !== true && answerFault(req, res, fault, finish)) return;

  let reply: Reply;
  try {
    const out = await dispatch(req, path, url.searchParams, body, config);
    reply = out.reply;
    if (out.mutated) {
      config.runtime.store.save();
      config.workers?.changed();
    }
  } catch (e) {
    if (e instanceof ApiError) reply = errorReply(e);
    else {
      console.error("emulator: unexpected error", e instanceof Error ? e.message : e);
      reply = failure(500, [{ code: ERROR.UNKNOWN, message: "internal emulator error" }]);
    }
  }
  if (fault !== undefined && fault.applyFirst === true && fault.holdMs !== undefined) {
    record.held = true;
    finish(fault.dropConnection === true ? 0 : (faultReply(fault)?.status ?? reply.status));
    if (!(await holdAnswer(req, res, fault.holdMs))) return;
    if (answerFault(req, res, fault, () => undefined)) return;
    send(res, reply);
    return;
  }
  if (fault !== undefined && fault.applyFirst === true && answerFault(req, res, fault, finish)) return;
  send(res, reply);
  finish(reply.status);
}

/**
 * Holds an applied request's answer for `ms`; false when the client went away meanwhile (nothing to send).
 * The timer is dropped with the connection, so closing the emulator never waits for a held answer.
 */
function holdAnswer(req: IncomingMessage, res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", gone);
      resolve(!res.destroyed && !req.socket.destroyed);
    }, ms);
    res.once("close", gone);
  });
}

/** Answers with the fault (or drops the connection); false when the fault only delays. */
function answerFault(req: IncomingMessage, res: ServerResponse, fault: FaultRule, finish: (status: number) => void): boolean {
  if (fault.dropConnection === true) {
    finish(0);
    dropConnection(req, res);
    return true;
  }
  const reply = faultReply(fault);
  if (reply === undefined) return false;
  send(res, reply);
  finish(reply.status);
  return true;
}

async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, config: ServerConfig): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const route = `${method} ${url.pathname.replace(/\/$/, "")}`;
  let body: Buffer;
  try {
    body = await readBody(req, 1024 * 1024);
  } catch {
    send(res, failure(413, [{ code: ERROR.TOO_LARGE, message: "control request too large" }]), { connection: "close" });
    return;
  }
  switch (route) {
    case `GET ${CONTROL_PREFIX}/requests`:
      return send(res, ok(config.requests));
    case `DELETE ${CONTROL_PREFIX}/requests`:
      config.requests.length = 0;
      return send(res, ok(null));
    case `POST ${CONTROL_PREFIX}/faults`: {
      try {
        const parsed: unknown = JSON.parse(body.toString("utf8"));
        const rules = Array.isArray(parsed) ? parsed.map(faultFromJson) : [faultFromJson(parsed)];
        rules.forEach((r) => config.faults.add(r));
        return send(res, ok({ queued: rules.length }));
      } catch (e) {
        return send(
          res,
          failure(400, [{ code: ERROR.VALIDATION, message: `bad fault rule: ${e instanceof Error ? e.message : String(e)}` }]),
        );
      }
    }
    case `POST ${CONTROL_PREFIX}/reset`:
      config.reset();
      return send(res, ok(null));
    case `POST ${CONTROL_PREFIX}/scheduled`:
      return send(res, await fireScheduled(body, config));
    default:
      return send(res, failure(404, [{ code: ERROR.NO_ROUTE, message: `no control endpoint ${route}` }]));
  }
}

/** `POST /__emulator/scheduled` `{script, cron?, account?}`: fires the Worker's `scheduled()` for one of its cron triggers. */
async function fireScheduled(body: Buffer, config: ServerConfig): Promise<Reply> {
  if (config.workers === undefined)
    return failure(404, [{ code: ERROR.NO_ROUTE, message: "the emulator does not run Workers: start it with runWorkers (--run-workers)" }]);
  let request: { script?: unknown; cron?: unknown; account?: unknown };
  try {
    request = JSON.parse(body.toString("utf8") || "{}") as typeof request;
  } catch {
    return failure(400, [{ code: ERROR.UNPARSABLE_BODY, message: 'the body is not JSON: send {"script": "name", "cron": "* * * * *"}' }]);
  }
  if (typeof request.script !== "string")
    return failure(400, [{ code: ERROR.VALIDATION, message: "script is required: the name of the Worker whose scheduled() to fire" }]);
  try {
    return ok(
      await config.workers.scheduled(request.script, {
        ...(typeof request.cron === "string" ? { cron: request.cron } : {}),
        ...(typeof request.account === "string" ? { accountId: request.account } : {}),
      }),
    );
  } catch (e) {
    if (e instanceof RuntimeRequestError) return failure(e.status, [{ code: ERROR.VALIDATION, message: e.message }]);
    throw e;
  }
}

/** A request for a deployed Worker (by Host, or the `/__workers/` path form): read its body, let the runtime answer. */
async function handleWorker(
  req: IncomingMessage,
  res: ServerResponse,
  workers: WorkersRuntime,
  target: NonNullable<ReturnType<WorkersRuntime["target"]>>,
  config: ServerConfig,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, config.maxBodyBytes);
  } catch {
    res.once("finish", () => req.destroy());
    send(res, failure(413, [{ code: ERROR.TOO_LARGE, message: `request body too large: the limit is ${config.maxBodyBytes} bytes` }]), {
      connection: "close",
    });
    return;
  }
  await workers.serve(target, req, res, body);
}

export function createEmulatorServer(config: ServerConfig): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    let work: Promise<void>;
    const workerTarget = config.workers?.target(req);
    if (config.workers !== undefined && workerTarget !== undefined) work = handleWorker(req, res, config.workers, workerTarget, config);
    else if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) work = handleApi(req, res, url, config);
    else if (config.controlEndpoints && url.pathname.startsWith(`${CONTROL_PREFIX}/`)) work = handleControl(req, res, url, config);
    else {
      send(
        res,
        jsonReply(404, {
          success: false,
          errors: [{ code: ERROR.NO_ROUTE, message: "No route for that URI" }],
          messages: [],
          result: null,
        }),
      );
      return;
    }
    work.catch((e: unknown) => {
      console.error("emulator: request failed", e instanceof Error ? e.message : e);
      if (!res.headersSent) send(res, failure(500, [{ code: ERROR.UNKNOWN, message: "internal emulator error" }]));
      else res.destroy();
    });
  });
}
