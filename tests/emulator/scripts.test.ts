import { FormData } from "undici";
import { parseMultipart, multipartBoundary } from "../../emulator/multipart";
import { deploy, TestApi, uploadForm, WORKER_JS } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

function partsOf(res: { headers: Record<string, unknown>; raw: Buffer }) {
  const boundary = multipartBoundary(String(res.headers["content-type"]));
  if (boundary === undefined) throw new Error(`not multipart: ${String(res.headers["content-type"])}`);
  return parseMultipart(res.raw, boundary);
}

describe("uploading a Worker", () => {
  it("answers the Script object with etag, handlers, defaults and a startup time", async () => {
    const res = await deploy(api, "hello", { bindings: [{ type: "plain_text", name: "GREETING", text: "hi" }] });
    expect(res.json.success).toBe(true);
    expect(res.json.errors).toEqual([]);
    const r = res.json.result;
    expect(r).toMatchObject({
      id: "hello",
      handlers: ["fetch", "scheduled"],
      has_modules: true,
      has_assets: false,
      logpush: false,
      usage_model: "standard",
      tags: [],
      // As a recorded live answer has it: no tail consumers is null, not [].
      tail_consumers: null,
      compatibility_date: "2025-01-01",
      compatibility_flags: [],
      entry_point: "index.js",
    });
    expect(r.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(r.tag).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof r.startup_time_ms).toBe("number");
    expect(r.observability).toBeUndefined();
    expect(r.placement).toBeUndefined();
    expect(Date.parse(r.created_on)).not.toBeNaN();
  });

  it("keeps the same etag for identical code and changes it when the code changes", async () => {
    const a = await deploy(api, "same");
    const b = await deploy(api, "same");
    const c = await deploy(api, "same", {}, [{ name: "index.js", content: WORKER_JS + "// changed\n" }]);
    expect(b.json.result.etag).toBe(a.json.result.etag);
    expect(c.json.result.etag).not.toBe(a.json.result.etag);
    expect(c.json.result.created_on).toBe(a.json.result.created_on);
  });

  it("returns the same modules byte for byte from content/v2 with the cf-entrypoint header", async () => {
    const wasm = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
    const modules = [
      { name: "main.mjs", content: 'import w from "./lib.wasm";\nexport default { fetch() { return new Response("x") } }\n' },
      { name: "lib.wasm", content: wasm, type: "application/wasm" },
      { name: "notes.txt", content: "line1\r\n--not-a-boundary\r\n", type: "text/plain" },
    ];
    await deploy(api, "round-trip", {}, modules);
    const res = await api.call("GET", "/workers/scripts/round-trip/content/v2");
    expect(res.status).toBe(200);
    expect(res.headers["cf-entrypoint"]).toBe("main.mjs");
    const parts = partsOf(res);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["main.mjs", "main.mjs", "application/javascript+module"],
      ["lib.wasm", "lib.wasm", "application/wasm"],
      ["notes.txt", "notes.txt", "text/plain"],
    ]);
    modules.forEach((m, i) => expect(parts[i]!.data.equals(Buffer.from(m.content))).toBe(true));
  });

  it("downloads a module Worker as multipart without a metadata part", async () => {
    await deploy(api, "dl");
    const res = await api.call("GET", "/workers/scripts/dl");
    expect(res.status).toBe(200);
    const parts = partsOf(res);
    expect(parts.map((p) => p.name)).toEqual(["index.js"]);
    expect(parts[0]!.data.toString()).toBe(WORKER_JS);
  });

  it("accepts a service-worker upload (body_part) and derives its handlers from addEventListener", async () => {
    const form = uploadForm({ body_part: "worker.js", main_module: undefined }, [
      {
        name: "worker.js",
        content: 'addEventListener("fetch", (e) => e.respondWith(new Response("ok")));',
        type: "application/javascript",
      },
    ]);
    const res = await api.call("PUT", "/workers/scripts/sw", { form });
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ has_modules: false, handlers: ["fetch"] });
    const dl = await api.call("GET", "/workers/scripts/sw");
    expect(dl.raw.toString()).toContain("addEventListener");
  });

  it("derives named handlers from exported classes", async () => {
    const src = `import { DurableObject } from "cloudflare:workers";\nexport class Counter extends DurableObject {\n  async fetch(req) { return new Response("1") }\n}\nexport default {\n  fetch() { return new Response("x") }\n};\n`;
    const res = await deploy(api, "do", {}, [{ name: "index.js", content: src }]);
    expect(res.json.result.named_handlers).toEqual([{ name: "Counter", handlers: ["class", "fetch"] }]);
    expect(res.json.result.handlers).toEqual(["fetch"]);
  });

  it("refuses an invalid name with 10016", async () => {
    const res = await api.call("PUT", "/workers/scripts/Bad.Name", { form: uploadForm({}) });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, result: null, errors: [{ code: 10016 }] });
  });

  it("refuses a missing main module part with 10021", async () => {
    const res = await api.call("PUT", "/workers/scripts/nomain", { form: uploadForm({ main_module: "missing.js" }) });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].code).toBe(10021);
    expect(res.json.errors[0].message).toContain("missing.js");
    expect((await api.call("GET", "/workers/scripts/nomain/settings")).status).toBe(404);
  });

  it("refuses metadata that is not JSON, or that lacks an entry point, with 10021", async () => {
    const form = new FormData();
    form.set("metadata", "{not json");
    form.set("index.js", new Blob([WORKER_JS], { type: "application/javascript+module" }), "index.js");
    expect((await api.call("PUT", "/workers/scripts/x", { form })).json.errors[0].code).toBe(10021);
    const noEntry = await api.call("PUT", "/workers/scripts/x", { form: uploadForm({ main_module: undefined }) });
    expect(noEntry.json.errors[0].code).toBe(10021);
    const noMetadata = new FormData();
    noMetadata.set("index.js", new Blob([WORKER_JS]), "index.js");
    expect((await api.call("PUT", "/workers/scripts/x", { form: noMetadata })).json.errors[0].code).toBe(10021);
  });

  it("refuses two parts carrying the same module name with 10021", async () => {
    const form = uploadForm({}, [{ name: "index.js", content: "export default {}" }]);
    form.append("index.js", new Blob(["other"], { type: "application/javascript+module" }), "index.js");
    const res = await api.call("PUT", "/workers/scripts/dup-parts", { form });
    expect([res.status, res.json.errors[0].code]).toEqual([400, 10021]);
  });

  it("refuses a body that is not multipart with 10026", async () => {
    const res = await api.call("PUT", "/workers/scripts/x", { body: "hello", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].code).toBe(10026);
    const broken = await api.call("PUT", "/workers/scripts/x", {
      body: "--b\r\nno end",
      headers: { "content-type": "multipart/form-data; boundary=b" },
    });
    expect(broken.json.errors[0].code).toBe(10026);
  });

  it("refuses duplicate binding names and malformed bindings with 10021", async () => {
    const dup = await api.call("PUT", "/workers/scripts/x", {
      form: uploadForm({
        bindings: [
          { type: "plain_text", name: "A", text: "1" },
          { type: "plain_text", name: "A", text: "2" },
        ],
      }),
    });
    expect(dup.status).toBe(400);
    expect(dup.json.errors[0]).toMatchObject({ code: 10021 });
    expect(dup.json.errors[0].message).toContain("duplicate binding name");
    const malformed = await api.call("PUT", "/workers/scripts/x", {
      form: uploadForm({ bindings: [{ type: "kv_namespace", name: "KV" }] }),
    });
    expect(malformed.json.errors[0].code).toBe(10021);
    expect(malformed.json.errors[0].source.pointer).toBe("/bindings/0/namespace_id");
  });

  it("refuses a secret binding in metadata that carries no value", async () => {
    const res = await api.call("PUT", "/workers/scripts/x", { form: uploadForm({ bindings: [{ type: "secret_text", name: "S" }] }) });
    expect(res.json.errors[0]).toMatchObject({ code: 10021, source: { pointer: "/bindings/0/text" } });
  });

  it("treats names like __proto__ and constructor as ordinary Worker names", async () => {
    await deploy(api, "__proto__");
    await deploy(api, "constructor");
    const list = await api.call("GET", "/workers/scripts");
    expect(list.json.result.map((s: { id: string }) => s.id).sort()).toEqual(["__proto__", "constructor"]);
    expect((await api.call("GET", "/workers/scripts/hasOwnProperty/settings")).status).toBe(404);
    expect((await api.call("DELETE", "/workers/scripts/__proto__")).status).toBe(200);
    expect((await api.call("GET", "/workers/scripts")).json.result.map((s: { id: string }) => s.id)).toEqual(["constructor"]);
  });

  it("ignores unknown metadata fields and keeps unknown binding types as given", async () => {
    const unknown = { type: "future_thing", name: "F", some: { nested: [1, 2] } };
    await deploy(api, "lenient", { some_future_field: true, bindings: [unknown] });
    const settings = await api.call("GET", "/workers/scripts/lenient/settings");
    expect(settings.json.result.bindings).toEqual([unknown]);
  });

  it("applies the tag limits: 100103 too many, 100102 too long, 100134 invalid", async () => {
    const codes = async (tags: string[]) =>
      (await api.call("PUT", "/workers/scripts/t", { form: uploadForm({ tags }) })).json.errors?.[0]?.code;
    expect(await codes(["a", "b", "c", "d", "e", "f", "g", "h", "i"])).toBe(100103);
    expect(await codes(["x".repeat(1025)])).toBe(100102);
    expect(await codes(["a,b"])).toBe(100134);
  });
});

describe("a plain redeploy", () => {
  it("resets logpush and tail_consumers it omits, and keeps secrets only with keep_bindings", async () => {
    await deploy(api, "w", { logpush: true, tail_consumers: [{ service: "tail" }] });
    await api.call("PUT", "/workers/scripts/w/secrets", { json: { name: "S1", text: "v", type: "secret_text" } });
    let s = await api.call("GET", "/workers/scripts/w/settings");
    expect(s.json.result).toMatchObject({ logpush: true, tail_consumers: [{ service: "tail" }] });

    await deploy(api, "w", { keep_bindings: ["secret_text", "secret_key"] });
    s = await api.call("GET", "/workers/scripts/w/settings");
    expect(s.json.result).toMatchObject({ logpush: false, tail_consumers: [] });
    expect(s.json.result.bindings).toEqual([{ name: "S1", type: "secret_text" }]);

    await deploy(api, "w");
    s = await api.call("GET", "/workers/scripts/w/settings");
    expect(s.json.result.bindings).toEqual([]);
    expect((await api.call("GET", "/workers/scripts/w/secrets")).json.result).toEqual([]);
  });

  it("resolves inherit bindings from the previous version, and refuses unresolvable ones with strict (10057)", async () => {
    await deploy(api, "inh", { bindings: [{ type: "kv_namespace", name: "KV", namespace_id: "abc" }] });
    await deploy(api, "inh", {
      bindings: [
        { type: "inherit", name: "STORE", old_name: "KV" },
        { type: "inherit", name: "GONE" },
      ],
    });
    const s = await api.call("GET", "/workers/scripts/inh/settings");
    expect(s.json.result.bindings).toEqual([{ type: "kv_namespace", name: "STORE", namespace_id: "abc" }]);
    const strict = await api.call("PUT", "/workers/scripts/inh?bindings_inherit=strict", {
      form: uploadForm({ bindings: [{ type: "inherit", name: "NOPE" }] }),
    });
    expect(strict.status).toBe(400);
    expect(strict.json.errors[0].code).toBe(10057);
  });
});

describe("PUT content", () => {
  it("changes only the code: bindings, settings and script-level fields stay", async () => {
    await deploy(api, "c", {
      logpush: true,
      bindings: [{ type: "plain_text", name: "A", text: "1" }],
      compatibility_flags: ["nodejs_compat"],
    });
    const form = new FormData();
    form.set(
      "new.js",
      new Blob(["export default { fetch() { return new Response('new') } }"], { type: "application/javascript+module" }),
      "new.js",
    );
    const res = await api.call("PUT", "/workers/scripts/c/content", { form, headers: { "CF-WORKER-MAIN-MODULE-PART": "new.js" } });
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ id: "c", logpush: true, compatibility_flags: ["nodejs_compat"] });
    const s = await api.call("GET", "/workers/scripts/c/settings");
    expect(s.json.result.bindings).toEqual([{ type: "plain_text", name: "A", text: "1" }]);
    const content = await api.call("GET", "/workers/scripts/c/content/v2");
    expect(content.headers["cf-entrypoint"]).toBe("new.js");
    expect(partsOf(content)[0]!.data.toString()).toContain("new");
  });

  it("accepts a metadata part naming the main module, and answers 10007 for a missing Worker", async () => {
    await deploy(api, "c2");
    const form = uploadForm({ main_module: "other.js" }, [{ name: "other.js", content: "export default {}" }]);
    expect((await api.call("PUT", "/workers/scripts/c2/content", { form })).status).toBe(200);
    const missing = await api.call("PUT", "/workers/scripts/nope/content", {
      form: uploadForm({ main_module: "other.js" }, [{ name: "other.js", content: "x" }]),
    });
    expect(missing.status).toBe(404);
    expect(missing.json.errors[0].code).toBe(10007);
  });
});

describe("listing and deleting", () => {
  it("lists every Worker with routes, filtered by tags", async () => {
    await deploy(api, "a", { tags: ["team-x", "prod"] });
    await deploy(api, "b", { tags: ["team-x"] });
    await deploy(api, "c");
    const all = await api.call("GET", "/workers/scripts");
    expect(all.json.result.map((s: { id: string }) => s.id)).toEqual(["a", "b", "c"]);
    expect(all.json.result[0]).toMatchObject({ routes: [], tags: ["team-x", "prod"] });
    const filtered = await api.call("GET", "/workers/scripts?tags=team-x:yes,prod:no");
    expect(filtered.json.result.map((s: { id: string }) => s.id)).toEqual(["b"]);
  });

  it("deletes a Worker with its secrets, settings and subdomain", async () => {
    await deploy(api, "gone");
    await api.call("PUT", "/workers/scripts/gone/secrets", { json: { name: "S", text: "x", type: "secret_text" } });
    await api.call("POST", "/workers/scripts/gone/subdomain", { json: { enabled: true } });
    const del = await api.call("DELETE", "/workers/scripts/gone");
    expect(del.status).toBe(200);
    expect(del.json).toEqual({ success: true, errors: [], messages: [], result: null });
    for (const p of ["", "/settings", "/secrets", "/subdomain", "/script-settings"]) {
      const res = await api.call("GET", `/workers/scripts/gone${p}`);
      expect([p, res.status, res.json.errors[0].code]).toEqual([p, 404, 10007]);
    }
    await deploy(api, "gone");
    expect((await api.call("GET", "/workers/scripts/gone/secrets")).json.result).toEqual([]);
    expect((await api.call("GET", "/workers/scripts/gone/subdomain")).json.result).toEqual({ enabled: false, previews_enabled: false });
  });

  it("refuses to delete a Worker bound by another Worker's service binding unless force=true", async () => {
    await deploy(api, "backend");
    await deploy(api, "frontend", { bindings: [{ type: "service", name: "BACKEND", service: "backend" }] });
    const refused = await api.call("DELETE", "/workers/scripts/backend");
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].code).toBe(10064);
    expect(refused.json.errors[0].message).toContain("frontend");
    expect((await api.call("GET", "/workers/scripts/backend/settings")).status).toBe(200);
    expect((await api.call("DELETE", "/workers/scripts/backend?force=true")).status).toBe(200);
    expect((await api.call("GET", "/workers/scripts/backend/settings")).status).toBe(404);
  });

  it("answers 10007 when deleting a Worker that does not exist", async () => {
    const res = await api.call("DELETE", "/workers/scripts/never");
    expect(res.status).toBe(404);
    expect(res.json.errors[0]).toEqual({ code: 10007, message: "This Worker does not exist on your account." });
  });
});
