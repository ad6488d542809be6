import { createHash } from "node:crypto";
import { FormData } from "undici";
import { assetsUploadSessionSchema } from "../../provider/cloudflare/schemas";
import { TestApi, uploadForm } from "./helpers";
import { useEmulator, withEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const hashOf = (content: string) => createHash("sha256").update(content).digest("hex").slice(0, 32);

function files(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`/page-${i}.html`] = `<p>page ${i}</p>`;
  return out;
}

function manifestOf(f: Record<string, string>) {
  return Object.fromEntries(Object.entries(f).map(([path, content]) => [path, { hash: hashOf(content), size: content.length }]));
}

function bucketForm(f: Record<string, string>, hashes: string[]): FormData {
  const byHash = new Map(Object.values(f).map((c) => [hashOf(c), c]));
  const form = new FormData();
  for (const h of hashes) form.append(h, new Blob([Buffer.from(byHash.get(h)!).toString("base64")], { type: "text/html" }), h);
  return form;
}

async function session(f: Record<string, string>, script = "site") {
  const res = await api.call("POST", `/workers/scripts/${script}/assets-upload-session`, { json: { manifest: manifestOf(f) } });
  expect(res.status).toBe(200);
  return assetsUploadSessionSchema.parse(res.json.result);
}

describe("static assets", () => {
  it("asks for missing files in buckets, answers 202 until all arrived, then 201 with a completion token that attaches them", async () => {
    const f = files(12);
    const s = await session(f);
    expect(s.buckets.map((b) => b.length)).toEqual([10, 2]);
    expect(s.buckets.flat().sort()).toEqual(Object.values(f).map(hashOf).sort());

    const first = await api.call("POST", "/workers/assets/upload?base64=true", {
      form: bucketForm(f, s.buckets[0]!),
      auth: { authorization: `Bearer ${s.jwt}` },
    });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ success: true, result: {} });
    const last = await api.call("POST", "/workers/assets/upload?base64=true", {
      form: bucketForm(f, s.buckets[1]!),
      auth: { authorization: `Bearer ${s.jwt}` },
    });
    expect(last.status).toBe(201);
    const completion = last.json.result.jwt as string;
    expect(typeof completion).toBe("string");

    const up = await api.call("PUT", "/workers/scripts/site", {
      form: uploadForm({ compatibility_date: "2025-01-01", assets: { jwt: completion, config: { html_handling: "auto-trailing-slash" } } }),
    });
    expect(up.status).toBe(200);
    expect(up.json.result.has_assets).toBe(true);
    const redeploy = await api.call("PUT", "/workers/scripts/site", { form: uploadForm({ keep_assets: true }) });
    expect(redeploy.json.result.has_assets).toBe(true);
    const without = await api.call("PUT", "/workers/scripts/site", { form: uploadForm({}) });
    expect(without.json.result.has_assets).toBe(false);
  });

  it("asks for nothing when every file is already stored, and the jwt is then the completion token", async () => {
    const f = files(3);
    const s = await session(f);
    await api.call("POST", "/workers/assets/upload?base64=true", {
      form: bucketForm(f, s.buckets[0]!),
      auth: { authorization: `Bearer ${s.jwt}` },
    });
    const again = await session(f, "other-site");
    expect(again.buckets).toEqual([]);
    const up = await api.call("PUT", "/workers/scripts/other-site", { form: uploadForm({ assets: { jwt: again.jwt } }) });
    expect(up.json.result.has_assets).toBe(true);
  });

  it("accepts an assets-only Worker with no code", async () => {
    const f = files(1);
    const s = await session(f);
    const done = await api.call("POST", "/workers/assets/upload?base64=true", {
      form: bucketForm(f, s.buckets[0]!),
      auth: { authorization: `Bearer ${s.jwt}` },
    });
    const form = new FormData();
    form.set("metadata", JSON.stringify({ compatibility_date: "2025-01-01", assets: { jwt: done.json.result.jwt } }));
    const up = await api.call("PUT", "/workers/scripts/static-only", { form });
    expect(up.status).toBe(200);
    expect(up.json.result).toMatchObject({ has_assets: true, has_modules: false, handlers: [] });
    // Its version has no handlers at all: null, as wrangler's ApiVersion types it.
    const [version] = (await api.call("GET", "/workers/scripts/static-only/versions")).json.result.items;
    const detail = await api.call("GET", `/workers/scripts/static-only/versions/${version.id}`);
    expect(detail.json.result.resources.script.handlers).toBeNull();
  });

  it("refuses bucket uploads without a valid session JWT (the API token is not enough) with 401", async () => {
    const f = files(1);
    const s = await session(f);
    const withApiToken = await api.call("POST", "/workers/assets/upload?base64=true", { form: bucketForm(f, s.buckets[0]!) });
    expect([withApiToken.status, withApiToken.json.errors[0].code]).toEqual([401, 10000]);
    // One character well inside the signature (the last one carries bits that base64url decoding drops).
    const at = s.jwt.length - 5;
    const tampered = s.jwt.slice(0, at) + (s.jwt[at] === "A" ? "B" : "A") + s.jwt.slice(at + 1);
    const res = await api.call("POST", "/workers/assets/upload?base64=true", {
      form: bucketForm(f, s.buckets[0]!),
      auth: { authorization: `Bearer ${tampered}` },
    });
    expect(res.status).toBe(401);
  });

  it("refuses parts that are not in the session's manifest", async () => {
    const f = files(1);
    const s = await session(f);
    const form = new FormData();
    form.append("ffffffffffffffffffffffffffffffff", new Blob(["eA=="]), "ffffffffffffffffffffffffffffffff");
    const res = await api.call("POST", "/workers/assets/upload?base64=true", { form, auth: { authorization: `Bearer ${s.jwt}` } });
    expect([res.status, res.json.errors[0].code]).toEqual([400, 10021]);
  });

  it("refuses an invalid completion token in upload metadata and a malformed manifest", async () => {
    const up = await api.call("PUT", "/workers/scripts/site", { form: uploadForm({ assets: { jwt: "not.a.token" } }) });
    expect([up.status, up.json.errors[0].code]).toEqual([400, 10021]);
    const bad = await api.call("POST", "/workers/scripts/site/assets-upload-session", {
      json: { manifest: { "no-slash.html": { hash: "x", size: 1 } } },
    });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10021]);
  });
});

describe("asset tokens expire", () => {
  it("refuses an expired session JWT and an expired completion token", async () => {
    await withEmulator({ assetsSessionTtlMs: 50 }, async (short) => {
      const shortApi = new TestApi(short);
      const f = files(1);
      const res = await shortApi.call("POST", "/workers/scripts/site/assets-upload-session", { json: { manifest: manifestOf(f) } });
      const s = assetsUploadSessionSchema.parse(res.json.result);
      await new Promise((r) => setTimeout(r, 80));
      const late = await shortApi.call("POST", "/workers/assets/upload?base64=true", {
        form: bucketForm(f, s.buckets[0]!),
        auth: { authorization: `Bearer ${s.jwt}` },
      });
      expect([late.status, late.json.errors[0].code]).toEqual([401, 10000]);
      expect(late.json.errors[0].message).toContain("expired");
    });
  });
});
