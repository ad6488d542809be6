import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentHash, loadModules, MODULE_TYPES } from "../../provider/resources/modules";

const dir = mkdtempSync(join(tmpdir(), "cfw-modules-"));
writeFileSync(join(dir, "index.js"), "export default { fetch() { return new Response('hi') } }");
writeFileSync(join(dir, "add.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
writeFileSync(join(dir, "bad.js"), Buffer.from([0x66, 0xff, 0xfe, 0x67]));

function reasons(code: Parameters<typeof loadModules>[0]) {
  return loadModules(code).failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("loading a Worker's modules", () => {
  it("uploads a single content string as the ES module worker.js", () => {
    const { modules, mainModule } = loadModules({ content: "export default {}" });
    expect(mainModule).toBe("worker.js");
    expect(modules).toEqual([{ name: "worker.js", contentType: MODULE_TYPES.esm, content: Buffer.from("export default {}") }]);
  });

  it("reads files and infers each module's type from its extension", () => {
    const { modules, mainModule } = loadModules({
      modules: { "index.js": { path: join(dir, "index.js") }, "add.wasm": { path: join(dir, "add.wasm") }, "data.txt": { content: "x" } },
      mainModule: "index.js",
    });
    expect(mainModule).toBe("index.js");
    expect(modules!.map((m) => [m.name, m.contentType])).toEqual([
      ["index.js", "application/javascript+module"],
      ["add.wasm", "application/wasm"],
      ["data.txt", "text/plain"],
    ]);
    expect(Buffer.from(modules![1]!.content)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  });

  it.each([
    [{ content: "a", modules: { "a.js": { content: "a" } } }, "content: content and modules are mutually exclusive"],
    [{}, "modules: a Worker needs code"],
    [
      { modules: { "a.js": { content: "a" }, "b.js": { content: "b" } } },
      "mainModule: mainModule: required when there are several modules",
    ],
    [{ modules: { "a.js": { content: "a" } }, mainModule: "b.js" }, 'mainModule: mainModule "b.js" is not among the modules'],
    [{ modules: { "../x.js": { content: "a" } } }, "without '.', '..' or empty segments"],
    [{ modules: { "/abs.js": { content: "a" } } }, "a module name is a relative path"],
    [{ modules: { "a\r\nX-Injected: 1.js": { content: "a" } } }, "cannot contain control characters"],
    [{ modules: { "a.unknown": { content: "a" } } }, "cannot infer the module type from the file extension"],
    [{ modules: { "a.js": { content: "a", type: "typescript" } } }, 'unknown type "typescript"'],
    [{ modules: { "a.js": { content: "a", path: "a.js" } } }, "give exactly one of content"],
    [{ modules: { "a.js": { path: join(dir, "missing.js") } } }, "cannot read"],
    [{ modules: { "a.js": { path: join(dir, "bad.js") } } }, "is not valid UTF-8 text"],
    [{ content: "broken \ud800 surrogate" }, "content must be valid Unicode text"],
    [{ modules: { "a.js": { content: "a", extra: true } } }, "unknown field extra"],
  ])("refuses %j", (code, expected) => {
    expect(reasons(code as never).join("\n")).toContain(expected);
  });

  it("hashes code independently of module order, and sensitively to bytes, types and the main module", () => {
    const a = { name: "a.js", contentType: MODULE_TYPES.esm, content: Buffer.from("1") };
    const b = { name: "b.txt", contentType: MODULE_TYPES.text, content: Buffer.from("2") };
    const base = contentHash([a, b], "a.js");
    expect(contentHash([b, a], "a.js")).toBe(base);
    expect(contentHash([a, { ...b, content: Buffer.from("3") }], "a.js")).not.toBe(base);
    expect(contentHash([a, { ...b, contentType: MODULE_TYPES.data }], "a.js")).not.toBe(base);
    expect(contentHash([a, b], "b.txt")).not.toBe(base);
  });
});
