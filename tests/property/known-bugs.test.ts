/**
 * Bugs found by the property tests, now fixed; each test states the behaviour a user needs.
 */
import { Response } from "undici";
import { buildUploadForm } from "../../provider/cloudflare/multipart";
import { multipartBoundary, parseMultipart as emulatorParse } from "../../emulator/multipart";
import { normaliseBindings } from "../../provider/resources/normalise";
import { sameValue } from "../../provider/resources/common";
import { loadModules } from "../../provider/resources/modules";

describe("multipart part names (found by the property tests)", () => {
  // The multipart format (HTML standard, as undici writes it) escapes `"` as %22 but not `%` itself, so a
  // literal "%22" in a name cannot round trip: check refuses '%' in module names, before anything is sent.
  it("check refuses a module name holding '%', which no multipart parser could read back unambiguously", () => {
    const { failures } = loadModules({
      modules: { "lib/100%22.js": { content: "x" }, "index.js": { content: "y" } },
      mainModule: "index.js",
    });
    expect(failures.map((f) => f.property)).toEqual(["modules"]);
    expect(failures[0]!.reason).toContain("'%'");
  });

  // undici's FormData escapes names as the HTML standard says (" → %22, CR → %0D, LF → %0A, backslash kept);
  // the emulator's parser undoes backslash escapes instead, so `a\b.js` arrives as `ab.js` and `a"b.js` as `a%22b.js`.
  it("the emulator's parser reads a part name with a backslash or a double quote as undici's FormData wrote it", async () => {
    const names = ["a\\b.js", 'a"b.js'];
    const form = buildUploadForm(
      { main_module: names[0] } as never,
      names.map((name) => ({ name, contentType: "text/plain", content: new Uint8Array([1]) })),
    );
    const response = new Response(form);
    const body = Buffer.from(await response.arrayBuffer());
    const parts = emulatorParse(body, multipartBoundary(response.headers.get("content-type")!)!);
    expect(parts.slice(1).map((p) => p.name)).toEqual(names);
  });
});

describe("normalisation (found by the property tests)", () => {
  // normaliseBindings sorts with String.prototype.localeCompare, which calls distinct names equal when they
  // differ only by a character collation ignores (here U+200D ZERO WIDTH JOINER, which a binding name may
  // hold): the sort keeps their input order, so the API returning the same bindings in another order shows
  // as a change in the diff.
  it("normaliseBindings gives one order for bindings whose names collation calls equal", () => {
    const list = [
      { type: "plain_text", name: "ab", text: "1" },
      { type: "plain_text", name: "a\u200db", text: "2" },
    ];
    expect(sameValue(normaliseBindings(list), normaliseBindings([...list].reverse()))).toBe(true);
  });
});
