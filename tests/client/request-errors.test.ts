import { z } from "zod";
import {
  CloudflareApiError,
  CloudflareClient,
  closeDispatchers,
  createNamespace,
  deleteScript,
  getSecret,
  putScriptContent,
  getSettings,
  isNotFound,
  listScripts,
  listSecrets,
  type ClientOptions,
} from "../../provider/cloudflare";
import { recordingSleep } from "./helpers/clocks";
import { fail, ok, sendJson, startTestServer, type TestServer } from "./helpers/test-server";
import { ACCOUNT } from "../support/account";

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
    apiToken: "errors-test-token-abcdef",
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

describe("error mapping", () => {
  test("404 with code 10007 says the Worker does not exist, and is easy to tell apart", async () => {
    server.handle((_req, res) => sendJson(res, 404, fail([{ code: 10007, message: "This Worker does not exist on your account." }])));
    const error = await failure(getSettings(client(), { accountId: ACCOUNT }, "ghost"));
    expect(error.code).toBe("CF_NOT_FOUND");
    expect(error.isNotFound).toBe(true);
    expect(isNotFound(error)).toBe(true);
    expect(error.status).toBe(404);
    expect(error.codes).toEqual([10007]);
    expect(error.errors[0]).toMatchObject({ code: 10007, message: "This Worker does not exist on your account." });
    expect(error.method).toBe("GET");
    expect(error.path).toBe(`/accounts/${ACCOUNT}/workers/scripts/ghost/settings`);
    expect(error.message).toBe(
      `GET /accounts/${ACCOUNT}/workers/scripts/ghost/settings failed (HTTP 404, Cloudflare 10007: This Worker does not exist on your account.). ` +
        `The Worker "ghost" does not exist in account ${ACCOUNT}: it was deleted or never created, or the account id is wrong.`,
    );
  });

  test("10007 counts as not found even with another HTTP status", async () => {
    server.handle((_req, res) => sendJson(res, 400, fail([{ code: 10007, message: "workers.api.error.script_not_found" }])));
    const error = await failure(getSettings(client(), { accountId: ACCOUNT }, "ghost"));
    expect(error.isNotFound).toBe(true);
  });

  test("a missing Worker in a dispatch namespace names the namespace", async () => {
    server.handle((_req, res) => sendJson(res, 404, fail([{ code: 10007, message: "This Worker does not exist on your account." }])));
    const error = await failure(getSettings(client(), { accountId: ACCOUNT, dispatchNamespace: "tenants" }, "t1"));
    expect(error.message).toContain(`The Worker "t1" does not exist in dispatch namespace "tenants" of account ${ACCOUNT}`);
  });

  test("100119 says the dispatch namespace does not exist", async () => {
    server.handle((_req, res) => sendJson(res, 404, fail([{ code: 100119, message: "dispatch namespace not found" }])));
    const error = await failure(getSettings(client(), { accountId: ACCOUNT, dispatchNamespace: "nope" }, "t1"));
    expect(error.isNotFound).toBe(true);
    expect(error.message).toContain(`The dispatch namespace "nope" does not exist on account ${ACCOUNT}`);
  });

  test("a missing secret on an existing Worker names the secret", async () => {
    server.handle((_req, res) => sendJson(res, 404, fail([{ code: 10056, message: "binding not found" }])));
    const error = await failure(getSecret(client(), { accountId: ACCOUNT }, "w", "API/KEY"));
    expect(error.isNotFound).toBe(true);
    expect(error.message).toContain('The secret "API/KEY" does not exist on Worker "w"');
    expect(server.requests[0]!.url).toBe(`/client/v4/accounts/${ACCOUNT}/workers/scripts/w/secrets/API%2FKEY?url_encoded=true`);
  });

  test("a validation error keeps every Cloudflare code and message", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        400,
        fail([
          { code: 10021, message: "Uncaught ReferenceError: x is not defined" },
          { code: 10052, message: "a binding needs a name" },
        ]),
      ),
    );
    const error = await failure(listScripts(client(), ACCOUNT));
    expect(error.code).toBe("CF_VALIDATION");
    expect(error.isNotFound).toBe(false);
    expect(error.codes).toEqual([10021, 10052]);
    expect(error.message).toContain("Cloudflare 10021: Uncaught ReferenceError: x is not defined; 10052: a binding needs a name");
  });

  test("409 / 10035 is a conflict", async () => {
    server.handle((_req, res) => sendJson(res, 409, fail([{ code: 10035, message: "concurrent modification" }])));
    const error = await failure(listScripts(client(), ACCOUNT));
    expect(error.code).toBe("CF_CONFLICT");
    expect(error.message).toContain("run the operation again");
  });

  test("403 with 10037 (too many Workers) is not mistaken for an auth failure", async () => {
    server.handle((_req, res) => sendJson(res, 403, fail([{ code: 10037, message: "exceeded the limit of 500 Workers" }])));
    const error = await failure(listScripts(client(), ACCOUNT));
    expect(error.code).toBe("CF_VALIDATION");
  });

  test("a result that does not match the endpoint's schema is CF_UNEXPECTED_RESPONSE naming the field", async () => {
    server.handle((_req, res) => sendJson(res, 200, ok([{ name: 42, type: "secret_text" }])));
    const error = await failure(listSecrets(client(), { accountId: ACCOUNT }, "w"));
    expect(error.code).toBe("CF_UNEXPECTED_RESPONSE");
    expect(error.status).toBe(200);
    expect(error.message).toContain("0.name:");
  });

  test("one odd row of the account listing is read field by field instead of failing the listing", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        200,
        ok([
          { id: 42, etag: "e1", future: { x: 1 } },
          { id: "fine", etag: "e2" },
        ]),
      ),
    );
    const rows = await listScripts(client(), ACCOUNT);
    expect(rows).toEqual([
      { etag: "e1", future: { x: 1 } },
      { id: "fine", etag: "e2" },
    ]);
  });

  test("a 200 that is not JSON is CF_UNEXPECTED_RESPONSE describing the body", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><title>Captive portal</title></html>");
    });
    const error = await failure(listScripts(client(), ACCOUNT));
    expect(error.code).toBe("CF_UNEXPECTED_RESPONSE");
    expect(error.message).toContain('an HTML page instead of JSON: "Captive portal"');
  });

  test("success:false inside a 200 is still an error", async () => {
    server.handle((_req, res) => sendJson(res, 200, fail([{ code: 10021, message: "bad metadata" }])));
    const error = await failure(listScripts(client(), ACCOUNT));
    expect(error.code).toBe("CF_VALIDATION");
    expect(error.codes).toEqual([10021]);
  });

  test("a refused connection is CF_NETWORK (and, never having been sent, is retried)", async () => {
    const { origin } = server;
    await server.close();
    const sleeper = recordingSleep();
    const error = await failure(
      new CloudflareClient({
        apiToken: "errors-test-token-abcdef",
        baseUrl: `${origin}/client/v4`,
        sleep: sleeper.sleep,
        limiter: unlimited,
        maxAttempts: 2,
      }).request({
        method: "POST",
        path: "/x",
        json: {},
        schema: z.unknown(),
      }),
    );
    expect(error.code).toBe("CF_NETWORK");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.attempts).toBe(2);
    server = await startTestServer();
  });

  test("a success without a body (204) is a null result, not an error", async () => {
    server.handle((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await expect(deleteScript(client(), { accountId: ACCOUNT }, "w")).resolves.toBeUndefined();
  });

  test("a POST that timed out says it may have taken effect and was not repeated", async () => {
    server.handle((_req, res) => void setTimeout(() => sendJson(res, 200, ok({ namespace_name: "n" })), 500));
    const error = await failure(createNamespace(client({ timeoutMs: 100 }), ACCOUNT, { name: "n" }));
    expect(error.code).toBe("CF_TIMEOUT");
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("it may have taken effect: check before running it again");
    expect(server.requests).toHaveLength(1);
  });

  test("a body builder that refuses its input fails before anything is sent or any token is spent", async () => {
    let acquired = 0;
    const c = client({ limiter: { acquire: async () => void acquired++, pauseFor: () => undefined } });
    const error = await putScriptContent(c, { accountId: ACCOUNT }, "w", { modules: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("exactly one of mainModule");
    expect(acquired).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  test("a routing error (7003, wrong account id) is not 'not found', so nobody concludes a Worker is gone", async () => {
    server.handle((_req, res) =>
      sendJson(
        res,
        404,
        fail([
          {
            code: 7003,
            message: "Could not route to /client/v4/accounts/nope/workers/scripts/w, perhaps your object identifier is invalid?",
          },
        ]),
      ),
    );
    const error = await failure(getSettings(client(), { accountId: "nope" }, "w"));
    expect(error.isNotFound).toBe(false);
    expect(isNotFound(error)).toBe(false);
    expect(error.code).toBe("CF_VALIDATION");
    expect(error.message).toContain("Cloudflare could not route this request: check the account id (nope)");
  });

  test("a 404 answered by an HTML page is not Cloudflare's: not 'not found', and the message says what answered", async () => {
    server.handle((_req, res) => {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      res.end("<html><head><title>404 Not Found</title></head><body><center>nginx</center></body></html>");
    });
    const error = await failure(getSettings(client(), { accountId: ACCOUNT }, "w"));
    expect(error.code).toBe("CF_UNEXPECTED_RESPONSE");
    expect(error.isNotFound).toBe(false);
    expect(isNotFound(error)).toBe(false);
    expect(error.status).toBe(404);
    expect(error.message).toContain("HTTP 404");
    expect(error.message).toContain("This 404 was not Cloudflare's");
    expect(error.message).toContain('an HTML page instead of JSON: "404 Not Found" (content-type: text/html; charset=utf-8)');
    expect(error.message).toContain("a proxy or a wrong cloudflare-workers:apiBaseUrl / CLOUDFLARE_API_BASE_URL?");
    expect(error.message).not.toContain("does not exist");
  });

  test("a DELETE answered 404 with an empty body or JSON that is not the envelope does not report the Worker gone", async () => {
    server.handle((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const empty = await failure(deleteScript(client(), { accountId: ACCOUNT }, "w"));
    expect(empty.code).toBe("CF_UNEXPECTED_RESPONSE");
    expect(empty.message).toContain("an empty body (content-type: none)");
    server.handle((_req, res) => sendJson(res, 404, { error: "not found" }));
    const foreignJson = await failure(deleteScript(client(), { accountId: ACCOUNT }, "w"));
    expect(foreignJson.code).toBe("CF_UNEXPECTED_RESPONSE");
    expect(foreignJson.message).toContain("a JSON body that is not the Cloudflare envelope");
  });

  test("a 404 in Cloudflare's envelope is 'not found' even without a known code", async () => {
    server.handle((_req, res) => sendJson(res, 404, fail([])));
    const error = await failure(getSettings(client(), { accountId: ACCOUNT }, "w"));
    expect(error.code).toBe("CF_NOT_FOUND");
    expect(error.message).toContain('The Worker "w" does not exist');
  });
});
