/**
 * A Worker project written to a temporary folder, as a user has it: a TypeScript entry importing an npm
 * package (whose `exports` answer differently under the `workerd` and `node` conditions), a `.txt` and a
 * `.wasm` file, a helper module and a type-only import. Each test gets its own copy and removes it.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A WebAssembly module exporting `add(a: i32, b: i32): i32`. */
export const ADD_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07,
  0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);

export const ENTRY = `import { runtimeName } from "tiny-runtime";
import greeting from "./greeting.txt";
import addModule from "./add.wasm";
import { shout } from "./lib/format";
import type { Env } from "./types";

// The sum is computed by the WebAssembly module.
const add = (new WebAssembly.Instance(addModule).exports as { add(a: number, b: number): number }).add;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const name = new URL(request.url).searchParams.get("name") ?? env.DEFAULT_NAME;
    return new Response(\`\${shout(greeting.trim())}, \${name}! 2+3=\${add(2, 3)} on \${runtimeName()}\`);
  },
};
`;

export const FILES: Record<string, string | Uint8Array> = {
  "src/index.ts": ENTRY,
  "src/lib/format.ts": `export function shout(text: string): string {\n  return text.toUpperCase();\n}\n`,
  "src/types.ts": `export interface Env {\n  DEFAULT_NAME: string;\n}\n`,
  "src/greeting.txt": "hello\n",
  "src/add.wasm": ADD_WASM,
  "src/global.d.ts": `declare module "*.txt" { const text: string; export default text; }\ndeclare module "*.wasm" { const mod: WebAssembly.Module; export default mod; }\n`,
  "tsconfig.json": JSON.stringify({ compilerOptions: { target: "es2022", module: "es2022", strict: true } }, null, 2),
  "package.json": JSON.stringify({ name: "my-worker", private: true, dependencies: { "tiny-runtime": "1.0.0" } }, null, 2),
  "node_modules/tiny-runtime/package.json": JSON.stringify({
    name: "tiny-runtime",
    version: "1.0.0",
    exports: { ".": { workerd: "./workerd.js", node: "./node.js", default: "./default.js" } },
  }),
  "node_modules/tiny-runtime/workerd.js": `export const runtimeName = () => "workerd";\n`,
  "node_modules/tiny-runtime/node.js": `export const runtimeName = () => "node";\n`,
  "node_modules/tiny-runtime/default.js": `export const runtimeName = () => "default";\n`,
};

export interface Project {
  dir: string;
  path(file: string): string;
  read(file: string): string;
  write(file: string, content: string | Uint8Array): void;
  remove(): void;
}

/** A fresh copy of the project (with `changes` applied) in a new temporary folder. */
export function writeProject(changes: Record<string, string | Uint8Array> = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), "cfw-bundle-"));
  const project: Project = {
    dir,
    path: (file) => join(dir, file),
    read: (file) => readFileSync(join(dir, file), "utf8"),
    write(file, content) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), content);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [file, content] of Object.entries({ ...FILES, ...changes })) project.write(file, content);
  return project;
}
