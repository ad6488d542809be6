/**
 * Bundling a Worker from its sources (provider/resources/bundle): the modules it yields, their bytes across
 * builds and folders, what changes them and what does not, build errors, source maps, and the bundle run in
 * Node answering as the sources say.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bundleRuns,
  bundleWorker,
  clearBundleCache,
  type Bundle,
  type BuildInput,
  type BundleContext,
} from "../../../provider/resources/bundle";
import { ruleFor, ruleMatchers } from "../../../provider/resources/bundle/rules";
import { contentHash } from "../../../provider/resources/modules";
import { ADD_WASM, writeProject, type Project } from "./project";

let project: Project;
beforeEach(() => {
  clearBundleCache();
  project = writeProject();
});
afterEach(() => project.remove());

const ENTRY: BuildInput = { entryPoint: "src/index.ts" };

async function bundled(build: BuildInput = ENTRY, context: BundleContext = {}, dir = project.dir): Promise<Bundle> {
  const outcome = await bundleWorker(build, { compatibilityDate: "2025-09-01", ...context, cwd: dir });
  expect(outcome.failures).toEqual([]);
  return outcome.bundle!;
}

async function failures(build: BuildInput = ENTRY, context: BundleContext = {}): Promise<string[]> {
  const outcome = await bundleWorker(build, { compatibilityDate: "2025-09-01", ...context, cwd: project.dir });
  expect(outcome.bundle).toBeUndefined();
  return outcome.failures.map((f) => `${f.property}: ${f.reason}`);
}

const text = (bundle: Bundle, name = bundle.mainModule) =>
  Buffer.from(bundle.modules.find((m) => m.name === name)!.content).toString("utf8");
const hashOf = (bundle: Bundle) => contentHash(bundle.modules, bundle.mainModule);
const sha1Name = (bytes: Uint8Array | string, name: string) =>
  `${require("node:crypto").createHash("sha1").update(bytes).digest("hex")}-${name}`;

describe("bundling a Worker from its TypeScript sources", () => {
  it("yields the bundle as index.js plus the .wasm and .txt imports as modules of their own, named as wrangler names them", async () => {
    const bundle = await bundled();
    const wasm = sha1Name(ADD_WASM, "add.wasm");
    const txt = sha1Name("hello\n", "greeting.txt");
    expect(bundle.mainModule).toBe("index.js");
    expect(bundle.modules.map((m) => [m.name, m.contentType])).toEqual([
      ["index.js", "application/javascript+module"],
      [wasm, "application/wasm"],
      [txt, "text/plain"],
    ]);
    expect(Buffer.from(bundle.modules[1]!.content)).toEqual(Buffer.from(ADD_WASM));
    expect(text(bundle, txt)).toBe("hello\n");
    const main = text(bundle);
    expect(main).toContain(`from "./${wasm}"`);
    expect(main).toContain(`from "./${txt}"`);
    // The npm package is inlined under the workerd condition; the helper module too; the types vanish.
    expect(main).toContain(`"workerd"`);
    expect(main).not.toContain(`"node"`);
    expect(main).toContain("toUpperCase");
    expect(main).not.toContain("interface");
    expect(bundle.inputs).toEqual([
      "node_modules/tiny-runtime/workerd.js",
      "src/add.wasm",
      "src/greeting.txt",
      "src/index.ts",
      "src/lib/format.ts",
    ]);
  });

  it("gives identical bytes when built twice, and when the project sits in another folder (source map included)", async () => {
    const first = await bundled({ ...ENTRY, sourcemap: true });
    clearBundleCache();
    const runs = bundleRuns();
    const second = await bundled({ ...ENTRY, sourcemap: true });
    expect(bundleRuns()).toBe(runs + 1);
    const elsewhere = mkdtempSync(join(tmpdir(), "cfw-bundle-moved-"));
    try {
      cpSync(project.dir, join(elsewhere, "deeper", "folder"), { recursive: true });
      const moved = await bundled({ ...ENTRY, sourcemap: true }, {}, join(elsewhere, "deeper", "folder"));
      for (const other of [second, moved]) {
        expect(other.modules.map((m) => m.name)).toEqual(first.modules.map((m) => m.name));
        other.modules.forEach((m, i) => expect(Buffer.from(m.content).equals(Buffer.from(first.modules[i]!.content))).toBe(true));
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("changes no byte for an edited comment (source maps off) or a type-only change, and changes the bundle for a code edit", async () => {
    const before = hashOf(await bundled());
    project.write(
      "src/index.ts",
      project.read("src/index.ts").replace("// The sum is computed", "// The sum, as the WebAssembly module computes it"),
    );
    expect(hashOf(await bundled())).toBe(before);
    project.write(
      "src/types.ts",
      `export interface Env {\n  DEFAULT_NAME: string;\n  /** a binding added to the type only */\n  EXTRA?: number;\n}\n`,
    );
    expect(hashOf(await bundled())).toBe(before);
    project.write("src/lib/format.ts", `export function shout(text: string): string {\n  return text.toUpperCase() + "!";\n}\n`);
    expect(hashOf(await bundled())).not.toBe(before);
  });

  it("changes the hash when only an imported .txt or .wasm changes", async () => {
    const before = hashOf(await bundled());
    project.write("src/greeting.txt", "hi\n");
    const afterText = hashOf(await bundled());
    expect(afterText).not.toBe(before);
    project.write("src/add.wasm", Uint8Array.from([...ADD_WASM.slice(0, -1), 0x0b]));
    expect(hashOf(await bundled())).toBe(afterText); // same bytes, same hash
  });

  it("fails with file:line:column and esbuild's message for a syntax error", async () => {
    project.write("src/lib/format.ts", `export function shout(text: string): string {\n  return text.toUpperCase(;\n}\n`);
    expect(await failures()).toEqual([`build: build: src/lib/format.ts:2:27: Unexpected ";"`]);
  });

  it("fails naming an unresolvable import and where it is", async () => {
    project.write("src/lib/format.ts", `import { pad } from "left-pad-missing";\nexport const shout = (t: string) => pad(t);\n`);
    const [failure] = await failures();
    expect(failure).toMatch(/^build: build: src\/lib\/format\.ts:1:21: Could not resolve "left-pad-missing"/);
  });

  it("refuses a Node.js built-in without nodejs_compat, naming the import; leaves it to the runtime with the flag", async () => {
    project.write(
      "src/lib/format.ts",
      `import { Buffer } from "node:buffer";\nimport { EventEmitter } from "events";\nexport const shout = (t: string) => Buffer.from(t).toString() + typeof EventEmitter;\n`,
    );
    expect(await failures()).toEqual([
      `build: build: src/lib/format.ts:1:24: "node:buffer" is a Node.js built-in module; add "nodejs_compat" to compatibilityFlags so the Workers runtime provides it (https://developers.cloudflare.com/workers/runtime-apis/nodejs/)`,
      `build: build: src/lib/format.ts:2:30: "events" is a Node.js built-in module; add "nodejs_compat" to compatibilityFlags so the Workers runtime provides it (https://developers.cloudflare.com/workers/runtime-apis/nodejs/)`,
    ]);
    const main = text(await bundled(ENTRY, { compatibilityFlags: ["nodejs_compat"] }));
    expect(main).toContain(`from "node:buffer"`);
    expect(main).toContain(`from "node:events"`);
  });

  it("refuses an entry point that exports nothing (a Worker here is an ES module)", async () => {
    project.write("src/index.ts", `addEventListener("fetch", () => {});\n`);
    expect(await failures()).toEqual([
      "build: build.entryPoint: src/index.ts exports nothing; a Worker is an ES module with a default export (export default { fetch(request, env, ctx) { … } })",
    ]);
  });

  it("refuses a missing entry point, saying where paths resolve", async () => {
    expect(await failures({ entryPoint: "src/main.ts" })).toEqual([
      "build: build.entryPoint: cannot read src/main.ts (ENOENT); paths are relative to the Pulumi project folder",
    ]);
  });

  it("with sourcemap, uploads index.js.map as wrangler does: type application/source-map, file index.js, sources relative", async () => {
    const bundle = await bundled({ ...ENTRY, sourcemap: true });
    expect(bundle.modules.map((m) => [m.name, m.contentType]).at(-1)).toEqual(["index.js.map", "application/source-map"]);
    const map = JSON.parse(text(bundle, "index.js.map")) as { file: string; sources: string[]; sourcesContent: string[] };
    expect(map.file).toBe("index.js");
    expect(map.sources).toEqual(["node_modules/tiny-runtime/workerd.js", "src/index.ts", "src/lib/format.ts"]);
    expect(text(bundle)).toMatch(/\/\/# sourceMappingURL=index\.js\.map\n$/);
    for (const m of bundle.modules) expect(Buffer.from(m.content).toString("latin1")).not.toContain(project.dir);
    // With maps on, a comment edit changes the map (its sourcesContent), which is what the upload carries.
    const before = hashOf(bundle);
    project.write("src/index.ts", project.read("src/index.ts").replace("// The sum is computed", "// Computed"));
    expect(hashOf(await bundled({ ...ENTRY, sourcemap: true }))).not.toBe(before);
  });

  it.each<[string, BuildInput, (main: string) => void]>([
    [
      "define replaces a global identifier",
      { entryPoint: "src/defined.ts", define: { __GREETING__: '"defined"' } },
      (m) => expect(m).toContain(`new Response("defined")`),
    ],
    ["conditions choose the package's export", { ...ENTRY, conditions: ["node"] }, (m) => expect(m).toContain(`"node"`)],
    [
      "external leaves an import to the runtime",
      { ...ENTRY, external: ["tiny-runtime"] },
      (m) => expect(m).toContain(`from "tiny-runtime"`),
    ],
    ["alias replaces a package", { ...ENTRY, alias: { "tiny-runtime": "./src/fake-runtime.ts" } }, (m) => expect(m).toContain(`"aliased"`)],
    ["minify shortens the output", { ...ENTRY, minify: true }, (m) => expect(m).not.toContain("\n  ")],
    [
      "rules make another extension a module",
      { ...ENTRY, rules: [{ type: "Data", globs: ["**/*.txt"] }] },
      (m) => expect(m).toMatch(/-greeting\.txt"/),
    ],
  ])("%s", async (_name, build, expectation) => {
    project.write("src/fake-runtime.ts", `export const runtimeName = () => "aliased";\n`);
    project.write("src/defined.ts", `declare const __GREETING__: string;\nexport default { fetch: () => new Response(__GREETING__) };\n`);
    const bundle = await bundled(build);
    expectation(text(bundle));
  });

  it("types a .txt import as Data when a program's Data rule claims it, ahead of the default Text rule", async () => {
    const bundle = await bundled({ ...ENTRY, rules: [{ type: "Data", globs: ["**/*.txt"] }] });
    expect(bundle.modules.find((m) => m.name.endsWith("greeting.txt"))!.contentType).toBe("application/octet-stream");
  });

  it("bundles once for the same sources however often check asks, and again after a file changes", async () => {
    const runs = bundleRuns();
    await Promise.all([bundled(), bundled()]);
    await bundled();
    expect(bundleRuns()).toBe(runs + 1);
    project.write("src/greeting.txt", "hey\n");
    expect(text(await bundled(), sha1Name("hey\n", "greeting.txt"))).toBe("hey\n");
    expect(bundleRuns()).toBe(runs + 2);
  });

  it("answers as the sources say when the bundle's fetch handler is imported in Node", async () => {
    const bundle = await bundled();
    const out = mkdtempSync(join(tmpdir(), "cfw-bundle-run-"));
    try {
      for (const m of bundle.modules) writeFileSync(join(out, m.name === "index.js" ? "index.mjs" : m.name), m.content);
      // workerd's module types in Node: a Text module's default export is its text, a CompiledWasm one's a WebAssembly.Module.
      const hooks = `
        import { readFileSync } from "node:fs";
        import { fileURLToPath } from "node:url";
        export async function load(url, context, next) {
          if (url.endsWith(".txt")) return { format: "module", shortCircuit: true, source: "export default " + JSON.stringify(readFileSync(fileURLToPath(url), "utf8")) };
          if (url.endsWith(".wasm")) return { format: "module", shortCircuit: true, source: "import { readFileSync } from 'node:fs'; export default new WebAssembly.Module(readFileSync(" + JSON.stringify(fileURLToPath(url)) + "));" };
          return next(url, context);
        }`;
      writeFileSync(join(out, "hooks.mjs"), hooks);
      writeFileSync(join(out, "register.mjs"), `import { register } from "node:module"; register("./hooks.mjs", import.meta.url);`);
      writeFileSync(
        join(out, "main.mjs"),
        `const worker = (await import("./index.mjs")).default;
         const response = await worker.fetch(new Request("https://example.com/?name=Ada"), { DEFAULT_NAME: "you" });
         console.log(response.status, await response.text());`,
      );
      const run = spawnSync(process.execPath, ["--import", "./register.mjs", "main.mjs"], { cwd: out, encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(run.stdout.trim()).toBe("200 HELLO, Ada! 2+3=5 on workerd");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("module rules as wrangler matches them", () => {
  it("matches the defaults against import specifiers, a '*' spanning folders", () => {
    const matchers = ruleMatchers();
    expect(ruleFor(matchers, "./add.wasm")).toBe("CompiledWasm");
    expect(ruleFor(matchers, "./add.wasm?module")).toBe("CompiledWasm");
    expect(ruleFor(matchers, "../pages/index.html")).toBe("Text");
    expect(ruleFor(matchers, "./schema.sql")).toBe("Text");
    expect(ruleFor(matchers, "./blob.bin")).toBe("Data");
    expect(ruleFor(matchers, "./index.ts")).toBeUndefined();
  });

  it("lets a program's rule replace the default of its type, unless it falls through", () => {
    expect(ruleFor(ruleMatchers([{ type: "Text", globs: ["**/*.md"] }]), "./a.txt")).toBeUndefined();
    expect(ruleFor(ruleMatchers([{ type: "Text", globs: ["**/*.md"], fallthrough: true }]), "./a.txt")).toBe("Text");
    expect(ruleFor(ruleMatchers([{ type: "Text", globs: ["**/*.md"] }]), "./a.md")).toBe("Text");
  });
});
