import { Response } from "undici";
import {
  buildAssetsBucketForm,
  buildContentForm,
  buildSettingsForm,
  buildUploadForm,
  parseModulesMultipart,
  parseMultipart,
  MultipartParseError,
  type WorkerModule,
} from "../../provider/cloudflare";
import { modulesFromContent } from "../../provider/cloudflare/endpoints/scripts";
import type { FormData } from "undici";

const enc = new TextEncoder();
const modules: WorkerModule[] = [
  { name: "index.js", contentType: "application/javascript+module", content: enc.encode("import './lib/util.js'; export default {}") },
  { name: "lib/util.js", contentType: "application/javascript+module", content: enc.encode("export const x = 1;") },
  { name: "add.wasm", contentType: "application/wasm", content: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 0xff, 0x0d, 0x0a]) },
  { name: "data.txt", contentType: "text/plain", content: enc.encode("line1\r\n--not-a-boundary\r\n") },
];

/** Serialises a form exactly as undici sends it. */
async function serialise(form: FormData): Promise<{ body: Uint8Array; contentType: string }> {
  const response = new Response(form);
  return { body: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get("content-type")! };
}

describe("multipart bodies", () => {
  test("the upload form: metadata as a JSON file part, then one part per module named and typed after it", async () => {
    const form = buildUploadForm(
      { main_module: "index.js", compatibility_date: "2026-01-01", bindings: [{ type: "plain_text", name: "A", text: "a" }] },
      modules,
    );
    const { body, contentType } = await serialise(form);
    const parts = parseMultipart(body, contentType);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["metadata", "metadata.json", "application/json"],
      ["index.js", "index.js", "application/javascript+module"],
      ["lib/util.js", "lib/util.js", "application/javascript+module"],
      ["add.wasm", "add.wasm", "application/wasm"],
      ["data.txt", "data.txt", "text/plain"],
    ]);
    expect(JSON.parse(Buffer.from(parts[0]!.content).toString())).toEqual({
      main_module: "index.js",
      compatibility_date: "2026-01-01",
      bindings: [{ type: "plain_text", name: "A", text: "a" }],
    });
    expect(parts[3]!.content).toEqual(modules[2]!.content);
  });

  test("builders are pure: each call gives a new form with the same parts", async () => {
    const a = buildUploadForm({ main_module: "index.js" }, modules);
    const b = buildUploadForm({ main_module: "index.js" }, modules);
    expect(a).not.toBe(b);
    const pa = parseMultipart(...(Object.values(await serialise(a)) as [Uint8Array, string]));
    const pb = parseMultipart(...(Object.values(await serialise(b)) as [Uint8Array, string]));
    expect(pa).toEqual(pb);
  });

  test("the upload form refuses duplicate module names and a module called metadata", () => {
    expect(() => buildUploadForm({}, [modules[0]!, modules[0]!])).toThrow(/two modules are named "index.js"/);
    expect(() => buildUploadForm({}, [{ ...modules[0]!, name: "metadata" }])).toThrow(/cannot be named/);
  });

  test("the content form carries {main_module} or {body_part} and the modules, nothing else", async () => {
    const esm = parseMultipart(
      ...(Object.values(await serialise(buildContentForm({ mainModule: "index.js", modules }))) as [Uint8Array, string]),
    );
    expect(JSON.parse(Buffer.from(esm[0]!.content).toString())).toEqual({ main_module: "index.js" });
    expect(esm.map((p) => p.name)).toEqual(["metadata", "index.js", "lib/util.js", "add.wasm", "data.txt"]);
    const sw = parseMultipart(
      ...(Object.values(
        await serialise(
          buildContentForm({
            bodyPart: "worker.js",
            modules: [
              { name: "worker.js", contentType: "application/javascript", content: enc.encode("addEventListener('fetch',()=>{})") },
            ],
          }),
        ),
      ) as [Uint8Array, string]),
    );
    expect(JSON.parse(Buffer.from(sw[0]!.content).toString())).toEqual({ body_part: "worker.js" });
    expect(sw[1]!.contentType).toBe("application/javascript");
    expect(() => buildContentForm({ modules })).toThrow(/exactly one/);
    expect(() => buildContentForm({ mainModule: "missing.js", modules })).toThrow(/not one of the modules/);
  });

  test("the settings form has exactly one part, settings, holding JSON", async () => {
    const parts = parseMultipart(
      ...(Object.values(await serialise(buildSettingsForm({ logpush: true, tags: ["a"] }))) as [Uint8Array, string]),
    );
    expect(parts).toHaveLength(1);
    expect(parts[0]!.name).toBe("settings");
    expect(parts[0]!.contentType).toBe("application/json");
    expect(JSON.parse(Buffer.from(parts[0]!.content).toString())).toEqual({ logpush: true, tags: ["a"] });
  });

  test("the assets bucket form: one part per hash, body base64, typed as the file", async () => {
    const hash = "0123456789abcdef0123456789abcdef";
    const parts = parseMultipart(
      ...(Object.values(await serialise(buildAssetsBucketForm([{ hash, contentType: "text/html", base64: "PGgxPmhpPC9oMT4=" }]))) as [
        Uint8Array,
        string,
      ]),
    );
    expect(parts).toEqual([{ name: hash, filename: hash, contentType: "text/html", content: enc.encode("PGgxPmhpPC9oMT4=") }]);
  });

  test("reads modules back from a multipart answer, bytes intact, metadata ignored", async () => {
    const { body, contentType } = await serialise(buildUploadForm({ main_module: "index.js" }, modules));
    expect(parseModulesMultipart(body, contentType)).toEqual(modules);
  });

  test("content answers: cf-entrypoint names the main module; a non-multipart answer is one module", () => {
    const single = modulesFromContent({
      status: 200,
      headers: { "content-type": "application/javascript", "cf-entrypoint": "worker.js" },
      body: enc.encode("addEventListener('fetch', () => {})"),
    });
    expect(single).toEqual({
      mainModule: "worker.js",
      modules: [{ name: "worker.js", contentType: "application/javascript", content: enc.encode("addEventListener('fetch', () => {})") }],
    });
  });

  test("a part without a Content-Type gets one from its extension", () => {
    const body = enc.encode('--B\r\nContent-Disposition: form-data; name="m.wasm"\r\n\r\n\x00asm\r\n--B--\r\n');
    expect(parseModulesMultipart(body, 'multipart/form-data; boundary="B"')).toEqual([
      { name: "m.wasm", contentType: "application/wasm", content: enc.encode("\x00asm") },
    ]);
  });

  test("malformed bodies are refused, not guessed at", () => {
    expect(() => parseMultipart(enc.encode("x"), "application/json")).toThrow(MultipartParseError);
    expect(() =>
      parseMultipart(enc.encode('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), "multipart/form-data; boundary=B"),
    ).toThrow(/ends inside a part/);
    expect(() => parseMultipart(enc.encode("--B\r\nX: y\r\n\r\nv\r\n--B--"), "multipart/form-data; boundary=B")).toThrow(
      /Content-Disposition/,
    );
  });
});
