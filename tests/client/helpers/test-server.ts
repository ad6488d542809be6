/** A tiny scripted HTTP server on 127.0.0.1:0 that records every request it receives. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (req: ReceivedRequest, res: http.ServerResponse, index: number) => void | Promise<void>;

export interface TestServer {
  /** Base URL including /client/v4. */
  url: string;
  origin: string;
  requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function ok(result: unknown, extra: Record<string, unknown> = {}): unknown {
  return { success: true, errors: [], messages: [], result, ...extra };
}

export function fail(errors: { code: number; message: string }[]): unknown {
  return { success: false, errors, messages: [], result: null };
}

export async function startTestServer(initial?: Handler): Promise<TestServer> {
  let handler: Handler = initial ?? ((_req, res) => sendJson(res, 200, ok({})));
  const requests: ReceivedRequest[] = [];
  const state = { connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const received: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        path: url.pathname.replace(/^\/client\/v4/, ""),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(received);
      Promise.resolve(handler(received, res, requests.length - 1)).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      });
    });
  });
  server.on("connection", () => {
    state.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/client/v4`,
    origin,
    requests,
    get connections() {
      return state.connections;
    },
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
