/**
 * Transport: credentials go only over https:// (plain http:// only to loopback), TLS certificates are always
 * verified (NODE_TLS_REJECT_UNAUTHORIZED=0 cannot turn it off, and no code path disables it), and the
 * emulator listens on loopback by default and demands credentials on every API route.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareApiError, CloudflareClient, CloudflareConfigError, listScripts, resolveBaseUrl } from "../../provider/cloudflare";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { ACCOUNT, useEmulator } from "../support";

const REPO = path.join(__dirname, "../..");
const TOKEN = "transport-test-token-0123456789";

describe("plain http:// is refused except to loopback", () => {
  it.each([
    "http://api.cloudflare.com/client/v4",
    "http://10.0.0.5:8787/client/v4",
    "http://192.168.1.10/client/v4",
    "http://0.0.0.0:8787/client/v4",
    "http://127.0.0.1.nip.io/client/v4",
    "http://localhost.example.com/client/v4",
    "http://[::ffff:10.0.0.1]/client/v4",
    "http://[fe80::1]/client/v4",
  ])("refuses %s before anything is sent", async (url) => {
    expect(() => resolveBaseUrl(url)).toThrow(CloudflareConfigError);
    expect(() => resolveBaseUrl(url)).toThrow(/Refusing to send Cloudflare credentials over plain http:\/\//);
    const client = new CloudflareClient({ baseUrl: url, apiToken: TOKEN });
    const error = await listScripts(client, ACCOUNT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareConfigError);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it.each(["ftp://example.com/client/v4", "file:///etc/passwd", "ws://127.0.0.1/client/v4"])("refuses the scheme of %s", (url) => {
    expect(() => resolveBaseUrl(url)).toThrow(CloudflareConfigError);
  });

  it.each([
    "https://user:pass@api.cloudflare.com/client/v4",
    "https://api.cloudflare.com/client/v4?x=1",
    "https://api.cloudflare.com/client/v4#f",
  ])("refuses %s (user info, query or fragment)", (url) => {
    expect(() => resolveBaseUrl(url)).toThrow(/must not carry user info, a query or a fragment/);
  });

  it.each([
    "http://127.0.0.1:8787/client/v4",
    "http://127.5.6.7/client/v4",
    "http://localhost:8787/client/v4",
    "http://[::1]:8787/client/v4",
    "https://api.cloudflare.com/client/v4",
  ])("accepts %s", (url) => {
    expect(resolveBaseUrl(url)).toBe(url);
  });

  it("a provider pointed at http:// on the network fails its first call with the refusal, and no request leaves", async () => {
    const saved = { ...process.env };
    let served = 0;
    try {
      process.env.CLOUDFLARE_API_BASE_URL = "http://workers-api.internal.example/client/v4";
      process.env.CLOUDFLARE_API_TOKEN = TOKEN;
      process.env.CLOUDFLARE_ACCOUNT_ID = ACCOUNT;
      const { inputs } = await workerScriptProvider.check({}, { scriptName: "api", content: "export default {}" });
      await expect(workerScriptProvider.create(inputs!)).rejects.toThrow(
        /Refusing to send Cloudflare credentials over plain http:\/\/ to workers-api\.internal\.example/,
      );
      served++;
    } finally {
      process.env = saved;
    }
    expect(served).toBe(1);
  });
});

describe("TLS verification is never turned off", () => {
  const SOURCE_DIRS = ["provider", "emulator", "sdk", "examples", "scripts"].map((d) => path.join(REPO, d)).filter((d) => fs.existsSync(d));

  function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(full);
      return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [full] : [];
    });
  }

  it("no source file disables certificate checks or reads NODE_TLS_REJECT_UNAUTHORIZED; the one dispatcher sets rejectUnauthorized: true", () => {
    const files = SOURCE_DIRS.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    const settings: string[] = [];
    for (const file of files) {
      // Code only: comments may explain what the code guards against.
      const text = fs
        .readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/(^|[^:])\/\/.*$/gm, "$1");
      const rel = path.relative(REPO, file);
      if (/rejectUnauthorized\s*:\s*(false|0|!1|process)/.test(text)) offenders.push(`${rel}: rejectUnauthorized disabled`);
      if (/NODE_TLS_REJECT_UNAUTHORIZED\s*=|process\.env\.NODE_TLS_REJECT_UNAUTHORIZED|\["NODE_TLS_REJECT_UNAUTHORIZED"\]/.test(text))
        offenders.push(`${rel}: touches NODE_TLS_REJECT_UNAUTHORIZED`);
      if (/checkServerIdentity\s*:/.test(text)) offenders.push(`${rel}: overrides checkServerIdentity`);
      if (/\binsecureHTTPParser\s*:\s*true|secureProtocol\s*:\s*["'](SSLv|TLSv1_method)/.test(text)) offenders.push(`${rel}: weakens TLS`);
      for (const m of text.matchAll(/rejectUnauthorized\s*:\s*(\w+)/g)) settings.push(`${rel}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
    expect(settings).toEqual(["provider/cloudflare/dispatcher.ts: true"]);
  });

  describe("against an https server with a self-signed certificate", () => {
    let server: https.Server;
    let url: string;
    let hits = 0;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-"));
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          path.join(dir, "key.pem"),
          "-out",
          path.join(dir, "cert.pem"),
          "-days",
          "1",
          "-subj",
          "/CN=127.0.0.1",
          "-addext",
          "subjectAltName=IP:127.0.0.1",
        ],
        { stdio: "ignore" },
      );
      server = https.createServer(
        { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) },
        (_req, res) => {
          hits++;
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ success: true, errors: [], messages: [], result: [] }));
        },
      );
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("the client refuses the certificate, even with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment", async () => {
      const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      try {
        const client = new CloudflareClient({ baseUrl: url, apiToken: TOKEN, maxAttempts: 1 });
        const error = (await listScripts(client, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
        expect(error).toBeInstanceOf(CloudflareApiError);
        expect(error.code).toBe("CF_NETWORK");
        expect(error.message).toMatch(/self[- ]signed|certificate|DEPTH_ZERO|UNABLE_TO_VERIFY/i);
        expect(error.message).not.toContain(TOKEN);
        expect(hits).toBe(0); // the TLS handshake failed: no HTTP request, no credentials, reached the server
      } finally {
        if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      }
    });
  });
});

describe("the emulator listens on loopback and enforces auth", () => {
  const emulator = useEmulator();

  it("listens on 127.0.0.1 by default", () => {
    expect(new URL(emulator.url).hostname).toBe("127.0.0.1");
  });

  it("the CLI's default host is 127.0.0.1 too", () => {
    const cli = fs.readFileSync(path.join(REPO, "emulator/cli.ts"), "utf8");
    expect(cli).toMatch(/--host <addr>\s+default 127\.0\.0\.1/);
    expect(cli).not.toMatch(/host\s*[:=]\s*["']0\.0\.0\.0["']/);
  });

  const routes: [string, string][] = [
    ["GET", `/accounts/${ACCOUNT}/workers/scripts`],
    ["PUT", `/accounts/${ACCOUNT}/workers/scripts/x`],
    ["GET", `/accounts/${ACCOUNT}/workers/scripts/x/settings`],
    ["PATCH", `/accounts/${ACCOUNT}/workers/scripts/x/script-settings`],
    ["PUT", `/accounts/${ACCOUNT}/workers/scripts/x/secrets`],
    ["GET", `/accounts/${ACCOUNT}/workers/scripts/x/secrets`],
    ["POST", `/accounts/${ACCOUNT}/workers/scripts/x/subdomain`],
    ["DELETE", `/accounts/${ACCOUNT}/workers/scripts/x`],
    ["GET", `/accounts/${ACCOUNT}/workers/dispatch/namespaces`],
    ["GET", "/accounts/not-an-account/workers/scripts"],
    ["GET", "/no/such/route"],
  ];
  const credentials: [string, Record<string, string>][] = [
    ["no credentials", {}],
    ["a wrong Bearer token", { authorization: "Bearer not-the-token" }],
    ["a malformed Authorization header", { authorization: `Token ${DEFAULT_EMULATOR_TOKEN}` }],
    ["an email without a key", { "x-auth-email": "emulator@example.com" }],
    ["a wrong global key", { "x-auth-email": "emulator@example.com", "x-auth-key": "wrong-key-123" }],
  ];

  it.each(credentials)(
    "every API route answers 401 (code 10000) to %s, never echoing what was sent, and changes nothing",
    async (_label, headers) => {
      for (const [method, route] of routes) {
        const response = await fetch(`${emulator.url}${route}`, {
          method,
          headers: { ...headers, "content-type": "application/json" },
          body: method === "GET" || method === "DELETE" ? undefined : "{}",
        });
        const text = await response.text();
        expect([method, route, response.status]).toEqual([method, route, 401]);
        expect(JSON.parse(text).errors[0].code).toBe(10000);
        for (const value of Object.values(headers)) expect(text).not.toContain(value.replace(/^(Bearer|Token) /, ""));
      }
      const listed = await fetch(`${emulator.url}/accounts/${ACCOUNT}/workers/scripts`, {
        headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` },
      });
      expect(((await listed.json()) as { result: unknown }).result).toEqual([]);
    },
  );
});
