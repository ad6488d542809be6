import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { request } from "undici";
import { DEFAULT_EMULATOR_TOKEN, DEFAULT_GLOBAL_KEY } from "../../emulator";
import { deploy, TestApi, uploadForm } from "./helpers";
import { ACCOUNT, useEmulator, withEmulator } from "../support";

describe("authentication", () => {
  const api = new TestApi(
    useEmulator({
      tokens: ["tok-a", DEFAULT_EMULATOR_TOKEN],
      globalKeys: [{ email: "me@example.com", key: "k1" }],
      keepState: true,
    }),
  );

  it("accepts every configured bearer token", async () => {
    expect((await api.call("GET", "/workers/scripts", { auth: { authorization: "Bearer tok-a" } })).status).toBe(200);
    expect((await api.call("GET", "/workers/scripts")).status).toBe(200);
  });

  it("accepts a configured X-Auth-Email + X-Auth-Key pair", async () => {
    const res = await api.call("GET", "/workers/scripts", { auth: { "x-auth-email": "me@example.com", "x-auth-key": "k1" } });
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(true);
  });

  it.each([
    ["no credentials", {}],
    ["an unknown token", { authorization: "Bearer wrong-token" }],
    ["a malformed Authorization header", { authorization: "Basic abc" }],
    ["a wrong global key", { "x-auth-email": "me@example.com", "x-auth-key": "nope" }],
    ["an email without a key", { "x-auth-email": "me@example.com" }],
  ])("refuses %s with 401 and code 10000, without echoing the credential", async (_label, auth) => {
    const res = await api.call("GET", "/workers/scripts", { auth: auth as Record<string, string> });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ success: false, result: null, messages: [], errors: [{ code: 10000 }] });
    expect(res.raw.toString()).not.toContain("wrong-token");
    expect(res.raw.toString()).not.toContain("nope");
  });

  it("uses the default global key when none is configured", async () => {
    await withEmulator({}, async (other) => {
      const res = await new TestApi(other).call("GET", "/workers/scripts", {
        auth: { "x-auth-email": DEFAULT_GLOBAL_KEY.email, "x-auth-key": DEFAULT_GLOBAL_KEY.key },
      });
      expect(res.status).toBe(200);
    });
  });
});

describe("routing and accounts", () => {
  const api = new TestApi(useEmulator({ keepState: true }));

  it("answers 404 with code 7000 for an unknown path and 405 for a wrong method", async () => {
    const unknown = await api.call("GET", "/workers/nothing-here");
    expect([unknown.status, unknown.json.errors[0].code]).toEqual([404, 7000]);
    const wrong = await api.call("POST", "/workers/scripts");
    expect([wrong.status, wrong.json.errors[0].code]).toEqual([405, 10405]);
  });

  it("refuses an account id that is not 32 hex characters", async () => {
    const res = await api.call("GET", "//accounts/not-an-account/workers/scripts");
    expect(res.status).toBe(404);
    expect(res.json.errors[0].code).toBe(7003);
  });

  it("keeps accounts apart", async () => {
    await deploy(api, "mine");
    const other = await api.call("GET", "//accounts/ffffffffffffffffffffffffffffffff/workers/scripts");
    expect(other.json.result).toEqual([]);
  });
});

describe("request log and faults", () => {
  const emulator = useEmulator();
  const api = new TestApi(emulator);

  it("records method, path relative to /client/v4, decoded query, status and duration", async () => {
    await api.call("GET", "/workers/scripts?tags=a%3Ayes");
    await api.call("GET", "/workers/scripts/missing/settings");
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests[0]).toMatchObject({
      method: "GET",
      path: `/accounts/${ACCOUNT}/workers/scripts`,
      query: { tags: "a:yes" },
      status: 200,
    });
    expect(emulator.requests[1]).toMatchObject({ path: `/accounts/${ACCOUNT}/workers/scripts/missing/settings`, status: 404 });
    expect(emulator.requests[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(emulator.requests[0]!.time).toBeGreaterThan(Date.now() - 60_000);
    emulator.clearRequests();
    expect(emulator.requests).toEqual([]);
  });

  it("answers the next matching requests with the injected status and Retry-After, then recovers", async () => {
    emulator.injectFault({
      method: "GET",
      path: `/accounts/${ACCOUNT}/workers/scripts`,
      status: 429,
      headers: { "retry-after": "3" },
      times: 2,
    });
    const first = await api.call("GET", "/workers/scripts");
    const second = await api.call("GET", "/workers/scripts");
    const third = await api.call("GET", "/workers/scripts");
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers["retry-after"]).toBe("3");
    expect(first.json).toMatchObject({ success: false, errors: [{ code: 971 }] });
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("matches faults by method and by RegExp, and answers a given body", async () => {
    emulator.injectFault({ method: "PUT", path: /\/secrets$/, status: 503, body: "<html>busy</html>", times: 1 });
    expect((await api.call("GET", "/workers/scripts")).status).toBe(200);
    await deploy(api, "w");
    const res = await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "A", text: "1", type: "secret_text" } });
    expect(res.status).toBe(503);
    expect(res.raw.toString()).toBe("<html>busy</html>");
    expect((await api.call("GET", "/workers/scripts/w/secrets")).json.result).toEqual([]);
  });

  it("delays a request by delayMs and then handles it normally", async () => {
    emulator.injectFault({ path: "/accounts", delayMs: 150, times: 1 });
    const started = Date.now();
    const res = await api.call("GET", "/workers/scripts");
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("drops the connection without answering", async () => {
    emulator.injectFault({ path: "/accounts", dropConnection: true, times: 1 });
    await expect(api.call("GET", "/workers/scripts")).rejects.toThrow();
    expect(emulator.requests[0]!.status).toBe(0);
    expect((await api.call("GET", "/workers/scripts")).status).toBe(200);
  });

  it("with applyFirst changes the state and then loses the answer", async () => {
    emulator.injectFault({ method: "PUT", path: `/accounts/${ACCOUNT}/workers/scripts/lost`, status: 500, applyFirst: true, times: 1 });
    const res = await api.call("PUT", "/workers/scripts/lost", { form: uploadForm({}) });
    expect(res.status).toBe(500);
    expect((await api.call("GET", "/workers/scripts/lost/settings")).status).toBe(200);

    emulator.injectFault({ method: "PUT", path: /\/secrets$/, dropConnection: true, applyFirst: true, times: 1 });
    await expect(
      api.call("PUT", "/workers/scripts/lost/secrets", { json: { name: "S", text: "1", type: "secret_text" } }),
    ).rejects.toThrow();
    expect((await api.call("GET", "/workers/scripts/lost/secrets")).json.result).toEqual([{ name: "S", type: "secret_text" }]);
  });

  it("with holdMs applies the write, lists it as held, and answers only after the hold", async () => {
    emulator.injectFault({ method: "PUT", path: /\/secrets$/, applyFirst: true, holdMs: 400, times: 1 });
    await deploy(api, "held");
    const started = Date.now();
    const answer = api.call("PUT", "/workers/scripts/held/secrets", { json: { name: "S", text: "1", type: "secret_text" } });
    while (!emulator.requests.some((r) => r.held)) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(emulator.requests.find((r) => r.held)).toMatchObject({ method: "PUT", status: 200, held: true });
    expect((await api.call("GET", "/workers/scripts/held/secrets")).json.result).toEqual([{ name: "S", type: "secret_text" }]);
    expect((await answer).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(() => emulator.injectFault({ path: "/", holdMs: 1, times: 1 })).toThrow(/needs applyFirst/);
  });

  it("reset empties state, requests and pending faults", async () => {
    await deploy(api, "w");
    emulator.injectFault({ path: "/", status: 500, times: 5 });
    emulator.reset();
    expect(emulator.requests).toEqual([]);
    const res = await api.call("GET", "/workers/scripts");
    expect(res.status).toBe(200);
    expect(res.json.result).toEqual([]);
  });
});

describe("limits", () => {
  it("refuses a body over maxBodyBytes with 413 and code 10027, and changes nothing", async () => {
    await withEmulator({ maxBodyBytes: 2048 }, async (emulator) => {
      const api = new TestApi(emulator);
      const big = uploadForm({}, [{ name: "index.js", content: "x".repeat(4096) }]);
      const res = await api.call("PUT", "/workers/scripts/big", { form: big });
      expect(res.status).toBe(413);
      expect(res.json.errors[0].code).toBe(10027);
      const after = await api.call("GET", "/workers/scripts");
      expect(after.json.result).toEqual([]);
      await deploy(api, "small");
    });
  });

  it("refuses a streamed body (no Content-Length) once it passes maxBodyBytes, without reading it all", async () => {
    await withEmulator({ maxBodyBytes: 64 * 1024 }, async (emulator) => {
      const api = new TestApi(emulator);
      const chunk = Buffer.alloc(64 * 1024, 120);
      let sent = 0;
      const body = Readable.from(
        (function* () {
          for (let i = 0; i < 64; i++) {
            sent += chunk.length;
            yield chunk;
          }
        })(),
      );
      const res = await request(`${emulator.url}/accounts/${ACCOUNT}/workers/scripts/streamed`, {
        method: "PUT",
        body,
        headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}`, "content-type": "multipart/form-data; boundary=b" },
      });
      expect(res.statusCode).toBe(413);
      expect(((await res.body.json()) as { errors: { code: number }[] }).errors[0]!.code).toBe(10027);
      expect(sent).toBeLessThan(64 * chunk.length);
      expect((await api.call("GET", "/workers/scripts")).json.result).toEqual([]);
    });
  });

  it("keeps only the most recent maxRecordedRequests in the request log", async () => {
    await withEmulator({ maxRecordedRequests: 3 }, async (emulator) => {
      const api = new TestApi(emulator);
      const log = emulator.requests;
      for (let i = 0; i < 5; i++) await api.call("GET", `/workers/scripts?n=${i}`);
      expect(emulator.requests).toBe(log);
      expect(emulator.requests.map((r) => r.query.n)).toEqual(["2", "3", "4"]);
    });
  });

  it("adds latencyMs to every request", async () => {
    await withEmulator({ latencyMs: 120 }, async (emulator) => {
      const api = new TestApi(emulator);
      const started = Date.now();
      await api.call("GET", "/workers/scripts");
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    });
  });
});

describe("HTTP control endpoints", () => {
  const emulator = useEmulator({ keepState: true });
  const api = new TestApi(emulator);
  let base: string;
  beforeAll(() => {
    base = emulator.url.replace(/\/client\/v4$/, "");
  });

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${base}/__emulator${path}`, {
      method: method as "GET",
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    return { status: res.statusCode, json: (await res.body.json()) as any };
  };

  it("lists and clears the request log", async () => {
    emulator.clearRequests();
    await api.call("GET", "/workers/scripts?tags=x:yes");
    const list = await control("GET", "/requests");
    expect(list.status).toBe(200);
    expect(list.json.result).toEqual([
      expect.objectContaining({ method: "GET", path: `/accounts/${ACCOUNT}/workers/scripts`, query: { tags: "x:yes" }, status: 200 }),
    ]);
    expect((await control("DELETE", "/requests")).status).toBe(200);
    expect((await control("GET", "/requests")).json.result).toEqual([]);
  });

  it("queues a fault whose path is a regex string", async () => {
    const queued = await control("POST", "/faults", { method: "GET", path: "/workers/scripts$", status: 502, times: 1 });
    expect(queued.json.result).toEqual({ queued: 1 });
    expect((await api.call("GET", "/workers/scripts")).status).toBe(502);
    expect((await api.call("GET", "/workers/scripts")).status).toBe(200);
    const bad = await control("POST", "/faults", { status: 500 });
    expect(bad.status).toBe(400);
  });

  it("resets the state", async () => {
    await deploy(api, "to-reset");
    expect((await control("POST", "/reset")).status).toBe(200);
    expect((await api.call("GET", "/workers/scripts")).json.result).toEqual([]);
  });

  it("are off when controlEndpoints is false", async () => {
    await withEmulator({ controlEndpoints: false }, async (other) => {
      const res = await request(`${other.url.replace(/\/client\/v4$/, "")}/__emulator/requests`);
      expect(res.statusCode).toBe(404);
      await res.body.dump();
    });
  });
});

describe("stateFile", () => {
  it("writes the state after each change and loads it at the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emulator-state-"));
    const stateFile = join(dir, "state.json");
    try {
      await withEmulator({ stateFile }, async (first) => {
        const api = new TestApi(first);
        await deploy(api, "persisted", { bindings: [{ type: "plain_text", name: "A", text: "1" }] });
        await api.call("PUT", "/workers/scripts/persisted/secrets", { json: { name: "S", text: "v", type: "secret_text" } });
      });
      expect(JSON.parse(readFileSync(stateFile, "utf8")).accounts[ACCOUNT].scripts.persisted.name).toBe("persisted");

      await withEmulator({ stateFile }, async (second) => {
        const api = new TestApi(second);
        const settings = await api.call("GET", "/workers/scripts/persisted/settings");
        expect(settings.json.result.bindings).toEqual([
          { type: "plain_text", name: "A", text: "1" },
          { name: "S", type: "secret_text" },
        ]);
        expect((await api.call("GET", "/workers/scripts/persisted/versions")).json.result.items).toHaveLength(2);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
