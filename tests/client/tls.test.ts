import https from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { CloudflareApiError, CloudflareClient, closeDispatchers, listScripts } from "../../provider/cloudflare";
import { recordingSleep } from "./helpers/clocks";

// A throw-away self-signed certificate for 127.0.0.1, made for this test only.
const key = readFileSync(join(__dirname, "fixtures", "self-signed-key.pem"));
const cert = readFileSync(join(__dirname, "fixtures", "self-signed-cert.pem"));

let server: https.Server;
let url: string;
let hits = 0;
const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;

beforeAll(async () => {
  server = https.createServer({ key, cert }, (_req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ success: true, errors: [], messages: [], result: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
  await closeDispatchers();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("TLS certificates are verified even when NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  const client = new CloudflareClient({
    apiToken: "tls-test-token-abcdef",
    baseUrl: url,
    sleep: recordingSleep().sleep,
    limiter: { acquire: () => Promise.resolve(), pauseFor: () => undefined },
  });
  const error = (await listScripts(client, "0123456789abcdef0123456789abcdef").catch((e: unknown) => e)) as CloudflareApiError;
  expect(error).toBeInstanceOf(CloudflareApiError);
  expect(error.code).toBe("CF_NETWORK");
  expect(error.attempts).toBe(1); // a certificate problem does not go away by retrying
  expect(error.message).toContain("SELF_SIGNED_CERT");
  expect(hits).toBe(0);
});
