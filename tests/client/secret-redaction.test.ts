import { inspect } from "node:util";
import { z } from "zod";
import {
  CloudflareApiError,
  CloudflareClient,
  closeDispatchers,
  patchSettings,
  putSecret,
  uploadScript,
  type ClientOptions,
} from "../../provider/cloudflare";
import { recordingSleep } from "./helpers/clocks";
import { fail, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

const scope = { accountId: ACCOUNT };
const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await closeDispatchers();
});

function client(extra: Partial<ClientOptions> = {}) {
  return new CloudflareClient({
    apiToken: "redaction-test-token-abcdef",
    baseUrl: server.url,
    sleep: recordingSleep().sleep,
    limiter: unlimited,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<CloudflareApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudflareApiError);
  return error as CloudflareApiError;
}

/** Every place a user or a log could see the error. */
function surfaces(error: CloudflareApiError): string[] {
  return [error.message, String(error.stack), JSON.stringify(error), JSON.stringify(error.errors), inspect(error, { depth: 10 })];
}

/** Answers 400 with Cloudflare errors quoting each value. */
function echo(...values: string[]): void {
  server.handle((_req, res) =>
    sendJson(res, 400, fail(values.map((v, i) => ({ code: 10021 + i, message: `invalid value "${v}" in binding` })))),
  );
}

describe("secret values of a request are removed from its errors (RequestSpec.redact)", () => {
  test("the values given in redact are removed from Cloudflare's messages, also JSON-escaped; values under 4 characters are left alone", async () => {
    const VALUE = 'sk_live_0123"quoted"\nline2';
    server.handle((_req, res) =>
      sendJson(
        res,
        400,
        fail([
          { code: 10021, message: `value ${VALUE} rejected` },
          { code: 10022, message: `as JSON: ${JSON.stringify(VALUE)}; short abc kept` },
        ]),
      ),
    );
    const error = await failure(
      client().request({
        method: "PUT",
        path: `/accounts/${ACCOUNT}/workers/scripts/w/secrets`,
        json: {},
        schema: z.unknown(),
        redact: [VALUE, "abc"],
      }),
    );
    for (const text of surfaces(error)) {
      expect(text).not.toContain(VALUE);
      expect(text).not.toContain(JSON.stringify(VALUE).slice(1, -1));
      expect(text).not.toContain("sk_live_0123");
    }
    expect(error.errors.map((e) => e.message)).toEqual(["value [redacted] rejected", 'as JSON: "[redacted]"; short abc kept']);
    expect(error.message).toContain("short abc kept");
  });

  test("a value quoted by a body that is not the envelope (an error page) is removed from the detail", async () => {
    const VALUE = "page-echoed-secret-42";
    server.handle((_req, res) => {
      res.writeHead(400, { "content-type": "text/html" });
      res.end(`<html><title>Bad request: ${VALUE}</title></html>`);
    });
    const error = await failure(
      client().request({ method: "GET", path: `/accounts/${ACCOUNT}/workers/scripts/w`, schema: z.unknown(), redact: [VALUE] }),
    );
    expect(error.message).toContain('"Bad request: [redacted]"');
    for (const text of surfaces(error)) expect(text).not.toContain(VALUE);
  });

  test("putSecret removes a secret_key's key material (key_jwk as JSON and its private members) from its errors", async () => {
    const jwk = { kty: "oct", k: "c2VjcmV0LWhtYWMta2V5LW1hdGVyaWFs", alg: "HS256" };
    echo(JSON.stringify(jwk), jwk.k);
    const error = await failure(
      putSecret(client(), scope, "w", {
        name: "SIGNING",
        type: "secret_key",
        format: "jwk",
        algorithm: { name: "HMAC", hash: "SHA-256" },
        usages: ["sign"],
        key_jwk: jwk,
      }),
    );
    for (const text of surfaces(error)) expect(text).not.toContain(jwk.k);
    expect(error.errors.map((e) => e.message)).toEqual(['invalid value "[redacted]" in binding', 'invalid value "[redacted]" in binding']);
  });

  test("uploadScript removes the values of secret_text and secret_key bindings in the metadata from its errors", async () => {
    const TEXT = "upload-secret-text-value";
    const KEY = "MC4CAQAwBQYDK2VwBCIEIBase64KeyMaterial";
    echo(TEXT, KEY);
    const error = await failure(
      uploadScript(client(), scope, "w", {
        metadata: {
          main_module: "index.js",
          bindings: [
            { type: "secret_text", name: "API_TOKEN", text: TEXT },
            { type: "secret_key", name: "KEY", format: "pkcs8", algorithm: { name: "Ed25519" }, usages: ["sign"], key_base64: KEY },
            { type: "plain_text", name: "GREETING", text: "in binding" },
          ],
        },
        modules: [
          { name: "index.js", contentType: "application/javascript+module", content: new TextEncoder().encode("export default {}") },
        ],
      }),
    );
    for (const text of surfaces(error)) {
      expect(text).not.toContain(TEXT);
      expect(text).not.toContain(KEY);
    }
    // A plain_text binding is not secret: its text is not redacted.
    expect(error.message).toContain("in binding");
  });

  test("patchSettings removes a secret_text binding's value from its errors", async () => {
    const TEXT = "settings-secret-value";
    echo(TEXT);
    const error = await failure(
      patchSettings(client(), scope, "w", { bindings: [{ type: "secret_text", name: "API_TOKEN", text: TEXT }] }),
    );
    for (const text of surfaces(error)) expect(text).not.toContain(TEXT);
    expect(error.message).toContain('invalid value "[redacted]" in binding');
  });
});
