/**
 * A recording HTTP proxy in front of the emulator: what a client really put on the wire (method, path, status,
 * request bytes, and for asset buckets the hashes of the parts), for the assets tests and the benchmark,
 * whoever the client is (this provider, wrangler). Bodies are buffered: it is meant for loopback tests.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface WireRequest {
  method: string;
  /** Path after `/client/v4`, without the query. */
  path: string;
  query: string;
  status: number;
  /** Request body bytes (what was uploaded). */
  bytes: number;
  /** Multipart part names (asset bucket uploads: the file hashes), in order. */
  parts: string[];
  /** The Content-Type of each part ("" when it has none), in the same order. */
  partTypes: string[];
  /** A JSON request body (up to JSON_BODY_LIMIT bytes), e.g. the manifest of an upload session. */
  json?: unknown;
}

export const JSON_BODY_LIMIT = 4 * 1024 * 1024;

export interface RecordingProxy {
  /** Base URL to give clients: `http://127.0.0.1:PORT/client/v4`. */
  url: string;
  requests: WireRequest[];
  clear(): void;
  close(): Promise<void>;
}

const PART_HEADERS = /content-disposition:\s*form-data;\s*name="([^"]*)"[^\r\n]*\r\n(?:content-type:\s*([^\r\n]*)\r\n)?/gi;

function partsOf(contentType: string | undefined, body: Buffer): { names: string[]; types: string[] } {
  if (!/^multipart\/form-data/i.test(contentType ?? "")) return { names: [], types: [] };
  const found = [...body.toString("latin1").matchAll(PART_HEADERS)];
  return { names: found.map((m) => m[1]!), types: found.map((m) => m[2] ?? "") };
}

/** Starts a proxy on 127.0.0.1 (port 0) forwarding to `targetUrl` (the emulator's `…/client/v4`). */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const prefix = target.pathname.replace(/\/$/, "");
  const requests: WireRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://proxy");
      const parts = partsOf(req.headers["content-type"], body);
      const record: WireRequest = {
        method: req.method ?? "GET",
        path: url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
        query: url.search,
        status: 0,
        bytes: body.length,
        parts: parts.names,
        partTypes: parts.types,
      };
      if (/json/i.test(req.headers["content-type"] ?? "") && body.length <= JSON_BODY_LIMIT) {
        try {
          record.json = JSON.parse(body.toString("utf8"));
        } catch {
          // not JSON after all: leave it out
        }
      }
      requests.push(record);
      const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        record.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => {
        record.status = 0;
        res.socket?.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    clear: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
