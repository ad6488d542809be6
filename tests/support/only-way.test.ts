/**
 * tests/support is the only way tests start the emulator: useEmulator / withEmulator set the environment,
 * reset between tests, close the emulator and put everything back, so no test file repeats that (or forgets
 * a part of it). Every .ts file under tests/, outside tests/support, that reaches the emulator module's
 * `startEmulator` (an import, a re-export, a require, an `import()`, or a child process's script that
 * requires the emulator) is named here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PACKAGE_ROOT } from "../engine/paths";

const TESTS = path.join(PACKAGE_ROOT, "tests");
const SUPPORT = path.join(TESTS, "support");

/**
 * Files allowed to start an emulator themselves, each with its reason. Nothing else: a new entry needs a
 * reason as strong as this one.
 */
const ALLOWED: Record<string, string> = {
  "tests/emulator/runtime.test.ts":
    "its child `tsx -e` script starts an emulator in a fresh process to prove that without runWorkers the emulator " +
    "module never loads miniflare; a fixture in the jest process could not show what a fresh process loads",
};

/** The emulator module, as source, as built, and as the package exports it. */
const EMULATOR_MODULES = new Set(
  ["emulator", "emulator/index", "dist/emulator", "dist/emulator/index"].map((m) => path.join(PACKAGE_ROOT, m)),
);
const PACKAGE_EXPORT = "pulumi-cloudflare-workers/emulator";

function isEmulatorModule(file: string, specifier: string): boolean {
  if (specifier === PACKAGE_EXPORT) return true;
  if (!specifier.startsWith(".")) return false;
  return EMULATOR_MODULES.has(path.resolve(path.dirname(file), specifier).replace(/\.[cm]?[jt]s$/, ""));
}

/** A script for a child process that loads the emulator module (its folder unknown: any path ending in emulator). */
const CHILD_SCRIPT_LOADS_EMULATOR = /\b(?:require|import)\s*\(\s*["'][^"']*\bemulator(?:\/index(?:\.[cm]?[jt]s)?)?["']\s*\)/;

/**
 * How the source text of `file` starts the emulator itself: one line per way, empty when it does not.
 * Comments and strings that only mention `startEmulator` do not count.
 */
export function waysToStartTheEmulator(file: string, source: string): string[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imported: string[] = [];
  const childScripts: string[] = [];
  let namesStartEmulator = false;
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      isEmulatorModule(file, node.moduleSpecifier.text)
    ) {
      imported.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      isEmulatorModule(file, node.arguments[0].text)
    ) {
      imported.push(node.arguments[0].text);
    } else if (ts.isIdentifier(node) && node.text === "startEmulator") {
      namesStartEmulator = true;
    } else if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) {
      const text = node.getText(sourceFile);
      if (CHILD_SCRIPT_LOADS_EMULATOR.test(text) && /\bstartEmulator\b/.test(text)) {
        const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
        childScripts.push(`a child process's script (line ${line + 1}) starts one`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const taken = namesStartEmulator ? [...new Set(imported)].map((m) => `takes startEmulator from "${m}"`) : [];
  return [...taken, ...childScripts];
}

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : typeScriptFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

const relative = (file: string) => path.relative(PACKAGE_ROOT, file).split(path.sep).join("/");

describe("tests/support is the only way tests start the emulator", () => {
  let files: string[];
  let found: Map<string, string[]>;
  beforeAll(() => {
    files = typeScriptFiles(TESTS).filter((file) => !file.startsWith(SUPPORT + path.sep));
    found = new Map(files.map((file) => [relative(file), waysToStartTheEmulator(file, fs.readFileSync(file, "utf8"))]));
  });

  it("reads the test files", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it("no test file outside tests/support starts the emulator itself", () => {
    const offenders = [...found]
      .filter(([file, ways]) => ways.length > 0 && !(file in ALLOWED))
      .map(([file, ways]) => `${file}: ${ways.join("; ")} (use useEmulator / withEmulator from tests/support)`);
    expect(offenders).toEqual([]);
  });

  it("each allowed file still starts one, only in a child process's script, so the list holds nothing stale", () => {
    for (const file of Object.keys(ALLOWED)) {
      const ways = found.get(file);
      expect({ file, ways }).toEqual({ file, ways: [expect.stringMatching(/^a child process's script/)] });
    }
  });

  const FILE = path.join(TESTS, "client", "example.test.ts");
  const STARTS = {
    "a named import": `import { startEmulator } from "../../emulator";\nawait startEmulator();`,
    "an import under another name": `import { startEmulator as start, DEFAULT_ZONE } from "../../emulator/index";\nawait start();`,
    "a namespace import": `import * as emu from "../../emulator";\nawait emu.startEmulator();`,
    "the built module": `import { startEmulator } from "../../dist/emulator/index.js";`,
    "the package export": `import { startEmulator } from "pulumi-cloudflare-workers/emulator";`,
    "a require": `const { startEmulator } = require("../../emulator");`,
    "a dynamic import": `const emulator = await (await import("../../emulator")).startEmulator();`,
    "a re-export": `export { startEmulator } from "../../emulator";`,
    "a child process's script": 'spawnSync("tsx", ["-e", `const { startEmulator } = require("./emulator"); startEmulator();`]);',
  };
  it.each(Object.entries(STARTS))("names a file that starts the emulator through %s", (_way, source) => {
    expect(waysToStartTheEmulator(FILE, source)).toHaveLength(1);
  });

  const DOES_NOT = {
    "the fixture": `import { useEmulator } from "../support";\nconst emulator = useEmulator();`,
    "other names from the emulator, and startEmulator in a comment": `// never startEmulator here\nimport { DEFAULT_ZONE } from "../../emulator";`,
    "a type from the emulator, and startEmulator in a string": `import type { Emulator } from "../../emulator";\nconst hint = "startEmulator";`,
    "a startEmulator of another module": `import { startEmulator } from "./helpers/fake";`,
  };
  it.each(Object.entries(DOES_NOT))("leaves alone %s", (_case, source) => {
    expect(waysToStartTheEmulator(FILE, source)).toEqual([]);
  });
});
