/**
 * Properties of the multipart code on both sides of the wire: what the client's builders (undici FormData)
 * send, the emulator's parser reads back part by part, byte for byte; what the emulator's writer answers, the
 * client's parser reads back; and no truncated or corrupted body makes either parser hang or throw anything
 * but its own error.
 */
import fc from "fast-check";
import { Response, type FormData } from "undici";
import {
  buildAssetsBucketForm,
  buildContentForm,
  buildSettingsForm,
  buildUploadForm,
  MultipartParseError,
  parseMultipart as clientParse,
  type WorkerModule,
} from "../../provider/cloudflare/multipart";
import { buildMultipart, MultipartError, multipartBoundary, parseMultipart as emulatorParse } from "../../emulator/multipart";
import { loadModules, MODULE_TYPES } from "../../provider/resources/modules";
import { RUNS } from "./runs";

async function serialise(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const response = new Response(form);
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type")! };
}

function emulatorRead(body: Buffer, contentType: string) {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  return emulatorParse(body, boundary);
}

/** A module name as check accepts it: relative path segments, no control characters, quotes or backslashes. */
const segment = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
  .filter((s) => s !== "." && s !== ".." && !/[\u0000-\u001f\u007f"\\/]/.test(s));
const moduleName = fc
  .array(segment, { minLength: 1, maxLength: 3 })
  .map((segments) => segments.join("/"))
  .filter((n) => n !== "metadata" && n.length <= 255);

const moduleArb: fc.Arbitrary<WorkerModule> = fc.record({
  name: moduleName,
  contentType: fc.constantFrom(...Object.values(MODULE_TYPES)),
  content: fc.uint8Array({ maxLength: 300 }),
});
const modulesArb = fc.uniqueArray(moduleArb, { minLength: 1, maxLength: 6, selector: (m) => m.name });

/** Bytes that look like multipart syntax, so contents collide with delimiters and header ends. */
const trickyBytes = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 20 }),
      fc.constantFrom("\r\n", "--", "\r\n\r\n", 'Content-Disposition: form-data; name="x"', "--boundary").map((s) => Buffer.from(s)),
    ),
    { maxLength: 8 },
  )
  .map((chunks) => new Uint8Array(Buffer.concat(chunks.map((c) => Buffer.from(c)))));

describe("multipart: the client's builders against the emulator's parser (properties)", () => {
  it("an upload form round-trips: metadata first, then every module with its name, filename, type and bytes", async () => {
    await fc.assert(
      fc.asyncProperty(modulesArb, fc.jsonValue({ maxDepth: 2 }), async (modules, extra) => {
        const metadata = { main_module: modules[0]!.name, bindings: [{ type: "json", name: "X", json: extra }] };
        const { body, contentType } = await serialise(buildUploadForm(metadata as never, modules));
        const parts = emulatorRead(body, contentType);
        expect(parts.map((p) => p.name)).toEqual(["metadata", ...modules.map((m) => m.name)]);
        expect(JSON.parse(parts[0]!.data.toString("utf8"))).toEqual(JSON.parse(JSON.stringify(metadata)));
        modules.forEach((m, i) => {
          const part = parts[i + 1]!;
          expect(part.filename).toBe(m.name);
          expect(part.contentType).toBe(m.contentType);
          expect(part.data.equals(Buffer.from(m.content))).toBe(true);
        });
      }),
      { numRuns: RUNS.light },
    );
  });

  it("module contents that contain CRLF, '--' and header-like text survive byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(trickyBytes, { minLength: 1, maxLength: 4 }), async (contents) => {
        const modules = contents.map((content, i) => ({ name: `m${i}.bin`, contentType: MODULE_TYPES.data, content }));
        const { body, contentType } = await serialise(buildContentForm({ mainModule: "m0.bin", modules }));
        const parts = emulatorRead(body, contentType);
        expect(parts.slice(1).map((p) => Buffer.from(p.data).toString("hex"))).toEqual(contents.map((c) => Buffer.from(c).toString("hex")));
        expect(JSON.parse(parts[0]!.data.toString())).toEqual({ main_module: "m0.bin" });
      }),
      { numRuns: RUNS.light },
    );
  });

  it("a settings form is exactly one part named settings holding the JSON given", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), async (settings) => {
        const { body, contentType } = await serialise(buildSettingsForm(settings as never));
        const parts = emulatorRead(body, contentType);
        expect(parts).toHaveLength(1);
        expect(parts[0]!.name).toBe("settings");
        expect(JSON.parse(parts[0]!.data.toString("utf8"))).toEqual(JSON.parse(JSON.stringify(settings)));
      }),
      { numRuns: RUNS.light },
    );
  });

  it("an assets bucket form round-trips every file by hash, with its content type and base64 text", async () => {
    const file = fc.record({
      hash: fc.stringMatching(/^[0-9a-f]{32}$/),
      contentType: fc.constantFrom("text/html", "image/png", "application/octet-stream", "text/css; charset=utf-8"),
      base64: fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b).toString("base64")),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(file, { maxLength: 6, selector: (f) => f.hash }), async (files) => {
        const { body, contentType } = await serialise(buildAssetsBucketForm(files));
        const parts = files.length === 0 ? [] : emulatorRead(body, contentType);
        expect(parts.map((p) => [p.name, p.filename, p.contentType, p.data.toString("utf8")])).toEqual(
          files.map((f) => [f.hash, f.hash, f.contentType, f.base64]),
        );
      }),
      { numRuns: RUNS.light },
    );
  });
});

describe("multipart: the emulator's writer against the client's parser (properties)", () => {
  it("every part comes back with its name, filename, content type and bytes", () => {
    fc.assert(
      fc.property(fc.uniqueArray(moduleArb, { maxLength: 6, selector: (m) => m.name }), fc.boolean(), (modules, withFilename) => {
        const { body, contentType } = buildMultipart(
          modules.map((m) => ({
            name: m.name,
            ...(withFilename ? { filename: m.name } : {}),
            contentType: m.contentType,
            data: Buffer.from(m.content),
          })),
        );
        const parts = clientParse(body, contentType);
        expect(parts.map((p) => p.name)).toEqual(modules.map((m) => m.name));
        parts.forEach((p, i) => {
          expect(p.filename).toBe(withFilename ? modules[i]!.name : undefined);
          expect(p.contentType).toBe(modules[i]!.contentType);
          expect(Buffer.from(p.content).equals(Buffer.from(modules[i]!.content))).toBe(true);
        });
      }),
      { numRuns: RUNS.normal },
    );
  });

  it("the emulator's own writer and parser agree on any name without CR or LF, quotes and backslashes included", () => {
    const name = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).filter((s) => !/[\r\n]/.test(s));
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, filename: fc.option(name, { nil: undefined }), data: fc.uint8Array({ maxLength: 50 }) }), {
          maxLength: 5,
        }),
        (parts) => {
          const { body, contentType } = buildMultipart(parts.map((p) => ({ ...p, data: Buffer.from(p.data) })));
          const back = parts.length === 0 ? [] : emulatorRead(body, contentType);
          expect(back.map((p) => [p.name, p.filename, p.data.toString("hex")])).toEqual(
            parts.map((p) => [p.name, p.filename, Buffer.from(p.data).toString("hex")]),
          );
        },
      ),
      { numRuns: RUNS.normal },
    );
  });
});

/** Runs a parser and says how it ended: parts, its own error, or something else (a crash). */
function outcome(parse: () => unknown[], ownError: new (...args: never[]) => Error): "parts" | "clean error" | string {
  try {
    parse();
    return "parts";
  } catch (error) {
    return error instanceof ownError
      ? "clean error"
      : `crash: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

describe("multipart: truncated and corrupted bodies (properties)", () => {
  const sample = (() => {
    const { body, contentType } = buildMultipart([
      { name: "metadata", filename: "metadata.json", contentType: "application/json", data: '{"main_module":"index.js"}' },
      {
        name: "index.js",
        filename: "index.js",
        contentType: "application/javascript+module",
        data: "export default { fetch() { return new Response('hi') } }",
      },
      {
        name: "lib/data.bin",
        filename: "lib/data.bin",
        contentType: "application/octet-stream",
        data: Buffer.from([0, 13, 10, 45, 45, 255]),
      },
    ]);
    return { body, contentType, boundary: multipartBoundary(contentType)! };
  })();

  it("a body cut anywhere gives parts or a clean error from both parsers, never a crash, in bounded time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sample.body.length }), (cut) => {
        const body = sample.body.subarray(0, cut);
        const started = performance.now();
        expect(outcome(() => emulatorParse(Buffer.from(body), sample.boundary), MultipartError)).toMatch(/^(parts|clean error)$/);
        expect(outcome(() => clientParse(body, sample.contentType), MultipartParseError)).toMatch(/^(parts|clean error)$/);
        expect(performance.now() - started).toBeLessThan(1_000);
        // Cut before the closing delimiter, the body is incomplete and must be refused.
        if (cut < sample.body.lastIndexOf(Buffer.from(`--${sample.boundary}--`)) + 2) {
          expect(() => emulatorParse(Buffer.from(body), sample.boundary)).toThrow(MultipartError);
          expect(() => clientParse(body, sample.contentType)).toThrow(MultipartParseError);
        }
      }),
      { numRuns: RUNS.normal },
    );
  });

  it("random byte flips, insertions and deletions give parts or a clean error, never a crash", () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("flip", "insert", "delete"),
      byte: fc.constantFrom(0x0d, 0x0a, 0x2d, 0x22, 0x3a, 0x3b, 0x5c, 0x00, 0xff, 0x20),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const bytes = [...sample.body];
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          if (e.kind === "flip" && at < bytes.length) bytes[at] = e.byte;
          else if (e.kind === "insert") bytes.splice(at, 0, e.byte);
          else if (e.kind === "delete") bytes.splice(at, 1);
        }
        const body = Buffer.from(bytes);
        expect(outcome(() => emulatorParse(body, sample.boundary), MultipartError)).toMatch(/^(parts|clean error)$/);
        expect(outcome(() => clientParse(body, sample.contentType), MultipartParseError)).toMatch(/^(parts|clean error)$/);
      }),
      { numRuns: RUNS.heavy },
    );
  });

  it("arbitrary bytes and arbitrary Content-Types give parts or a clean error, never a crash", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.string({ maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 70 }),
        (bytes, contentType, boundary) => {
          const body = Buffer.concat([Buffer.from(`--${boundary}\r\n`), Buffer.from(bytes)]);
          expect(outcome(() => emulatorParse(body, boundary), MultipartError)).toMatch(/^(parts|clean error)$/);
          expect(outcome(() => clientParse(body, `multipart/form-data; boundary=${contentType}`), MultipartParseError)).toMatch(
            /^(parts|clean error)$/,
          );
          expect(outcome(() => clientParse(bytes, contentType), MultipartParseError)).toMatch(/^(parts|clean error)$/);
        },
      ),
      { numRuns: RUNS.heavy },
    );
  });
});

describe("part names at the edges of the multipart format (examples the properties found)", () => {
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

  // undici's FormData escapes names as the HTML standard says (" → %22, CR → %0D, LF → %0A, backslash kept); a
  // parser that undid backslash escapes instead would read `a\b.js` as `ab.js` and `a"b.js` as `a%22b.js`.
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
