import { deploy, TestApi } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const SECRET_KEY = {
  name: "SIGNING",
  type: "secret_key",
  format: "raw",
  algorithm: { name: "HMAC", hash: "SHA-256" },
  usages: ["sign", "verify"],
  key_base64: Buffer.from("super-secret-key").toString("base64"),
};

describe("secrets", () => {
  it("puts, lists, gets and deletes secrets without ever returning a value", async () => {
    await deploy(api, "w");
    const put = await api.call("PUT", "/workers/scripts/w/secrets", {
      json: { name: "API_KEY", text: "s3cr3t-value", type: "secret_text" },
    });
    expect(put.status).toBe(200);
    expect(put.json.result).toEqual({ name: "API_KEY", type: "secret_text" });
    const key = await api.call("PUT", "/workers/scripts/w/secrets", { json: SECRET_KEY });
    expect(key.json.result).toEqual({ name: "SIGNING", type: "secret_key" });

    const list = await api.call("GET", "/workers/scripts/w/secrets");
    expect(list.json.result).toEqual([
      { name: "API_KEY", type: "secret_text" },
      { name: "SIGNING", type: "secret_key" },
    ]);
    const one = await api.call("GET", "/workers/scripts/w/secrets/API_KEY");
    expect(one.json.result).toEqual({ name: "API_KEY", type: "secret_text" });

    for (const path of ["/secrets", "/secrets/API_KEY", "/settings", "/versions", ""]) {
      const res = await api.call("GET", `/workers/scripts/w${path}`);
      expect(res.raw.toString()).not.toContain("s3cr3t-value");
      expect(res.raw.toString()).not.toContain(SECRET_KEY.key_base64);
    }

    const del = await api.call("DELETE", "/workers/scripts/w/secrets/API_KEY");
    expect(del.json).toEqual({ success: true, errors: [], messages: [], result: null });
    expect((await api.call("GET", "/workers/scripts/w/secrets")).json.result).toEqual([{ name: "SIGNING", type: "secret_key" }]);
  });

  it("makes a new version per change and keeps the code", async () => {
    const first = await deploy(api, "w");
    await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "A", text: "1", type: "secret_text" } });
    await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "A", text: "2", type: "secret_text" } });
    const versions = await api.call("GET", "/workers/scripts/w/versions");
    expect(versions.json.result.items.map((v: { number: number }) => v.number)).toEqual([3, 2, 1]);
    const list = await api.call("GET", "/workers/scripts");
    expect(list.json.result[0].etag).toBe(first.json.result.etag);
    expect((await api.call("GET", "/workers/scripts/w/secrets")).json.result).toEqual([{ name: "A", type: "secret_text" }]);
  });

  it("accepts percent-encoded names and url_encoded=true", async () => {
    await deploy(api, "w");
    await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "MY SECRET/1", text: "x", type: "secret_text" } });
    const res = await api.call("GET", `/workers/scripts/w/secrets/${encodeURIComponent("MY SECRET/1")}?url_encoded=true`);
    expect(res.json.result).toEqual({ name: "MY SECRET/1", type: "secret_text" });
    expect((await api.call("DELETE", `/workers/scripts/w/secrets/${encodeURIComponent("MY SECRET/1")}?url_encoded=true`)).status).toBe(200);
  });

  it("refuses a secret whose name a non-secret binding uses (10053) and a secret_key without its key", async () => {
    await deploy(api, "w", { bindings: [{ type: "plain_text", name: "TAKEN", text: "x" }] });
    const taken = await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "TAKEN", text: "1", type: "secret_text" } });
    expect([taken.status, taken.json.errors[0].code]).toEqual([400, 10053]);
    const { key_base64: _omitted, ...noKey } = SECRET_KEY;
    const missingKey = await api.call("PUT", "/workers/scripts/w/secrets", { json: noKey });
    expect(missingKey.json.errors[0]).toMatchObject({ code: 10021, source: { pointer: "/key_base64" } });
    expect((await api.call("GET", "/workers/scripts/w/secrets")).json.result).toEqual([]);
  });

  it("answers 10007 for a secret PUT to a Worker that does not exist", async () => {
    const res = await api.call("PUT", "/workers/scripts/missing/secrets", { json: { name: "A", text: "1", type: "secret_text" } });
    expect(res.status).toBe(404);
    expect(res.json.errors[0].code).toBe(10007);
  });

  it("answers 404 for a secret that does not exist and 10021 for a malformed secret", async () => {
    await deploy(api, "w");
    const res = await api.call("GET", "/workers/scripts/w/secrets/NOPE");
    expect(res.status).toBe(404);
    expect(res.json.errors[0].code).toBe(10056);
    const bad = await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "A", type: "secret_text" } });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10021]);
    expect(bad.json.errors[0].source.pointer).toBe("/text");
  });
});
