/**
 * Corporate networks: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured. A proxy on loopback records what it
 * is asked: absolute-URI requests for plain http:// (the emulator), CONNECT tunnels for https://, and TLS is
 * still verified through the tunnel.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { CloudflareApiError, CloudflareClient, closeDispatchers, listScripts } from "../../provider/cloudflare";
import { ACCOUNT, useEmulator } from "../support";
import { recordingSleep } from "./helpers/clocks";

const PROXY_ENV = ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"];
const saved: Record<string, string | undefined> = {};

interface LoopbackProxy {
  url: string;
  /** "GET http://127.0.0.1:…/client/v4/…" or "CONNECT 127.0.0.1:…", in order. */
  seen: string[];
  close(): Promise<void>;
}

/** A forwarding proxy: plain requests with an absolute URI, and CONNECT tunnels. */
async function startProxy(): Promise<LoopbackProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "");
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
  });
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const emulator = useEmulator();
let proxy: LoopbackProxy;

beforeAll(() => {
  for (const n of PROXY_ENV) saved[n] = process.env[n];
});
beforeEach(async () => {
  for (const n of PROXY_ENV) delete process.env[n];
  await closeDispatchers(); // the environment is read when an origin's dispatcher is made
  proxy = await startProxy();
});
afterEach(async () => {
  await closeDispatchers();
  await proxy.close();
});
afterAll(async () => {
  for (const n of PROXY_ENV) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

const client = (baseUrl: string) =>
  new CloudflareClient({
    baseUrl,
    maxAttempts: 1,
    sleep: recordingSleep().sleep,
    limiter: { acquire: () => Promise.resolve(), pauseFor: () => undefined },
  });

test("with HTTP_PROXY set, requests to the emulator go through the proxy and get the emulator's answers", async () => {
  process.env.HTTP_PROXY = proxy.url;
  await expect(listScripts(client(emulator.url), ACCOUNT)).resolves.toEqual([]);
  expect(proxy.seen).toEqual([`GET ${emulator.url}/accounts/${ACCOUNT}/workers/scripts`]);
  expect(emulator.requests).toHaveLength(1);
});

test("with HTTPS_PROXY set, an https API is reached through a CONNECT tunnel, and its certificate is still verified", async () => {
  // Nothing listens for TLS at the far end of this tunnel but our own emulator: the handshake must fail,
  // for the tunnel does not make the client trust what answers.
  process.env.HTTPS_PROXY = proxy.url;
  const target = new URL(emulator.url);
  const error = (await listScripts(client(`https://127.0.0.1:${target.port}/client/v4`), ACCOUNT).catch(
    (e: unknown) => e,
  )) as CloudflareApiError;
  expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${target.port}`]);
  expect(error).toBeInstanceOf(CloudflareApiError);
  expect(error.code).toBe("CF_NETWORK");
  expect(error.message).toContain(`Requests go through the proxy ${proxy.url}`);
});

test("NO_PROXY naming the host sends requests directly", async () => {
  process.env.HTTP_PROXY = proxy.url;
  process.env.NO_PROXY = "localhost,127.0.0.1";
  await expect(listScripts(client(emulator.url), ACCOUNT)).resolves.toEqual([]);
  expect(proxy.seen).toEqual([]);
});

test("a proxy's user info never appears in an error", async () => {
  const { port } = new URL(proxy.url);
  await proxy.close();
  process.env.HTTP_PROXY = `http://corp-user:proxy-pass-123456@127.0.0.1:${port}`;
  const error = (await listScripts(client(emulator.url), ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
  expect(error.code).toBe("CF_NETWORK");
  expect(error.message).toContain(`Requests go through the proxy http://127.0.0.1:${port}`);
  expect(error.message).not.toContain("proxy-pass-123456");
  expect(JSON.stringify(error)).not.toContain("proxy-pass-123456");
  proxy = await startProxy(); // afterEach closes one
});
