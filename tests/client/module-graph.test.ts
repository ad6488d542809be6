/**
 * The modules of provider/ import one another in one direction: no cycle, type-only imports included (a
 * type-only cycle says a type lives in the wrong module, as `ClientOptions` did in config.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..", "provider");
const IMPORT = /(?:import|export)\s[^"';]*?from\s+["'](\.[^"']+)["']|import\s+["'](\.[^"']+)["']/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

/** The local modules a file imports (`./x` → x.ts or x/index.ts). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].flatMap((match) => {
    const target = path.resolve(path.dirname(file), match[1] ?? match[2]!);
    return [`${target}.ts`, path.join(target, "index.ts")].filter((candidate) => fs.existsSync(candidate)).slice(0, 1);
  });
}

/** Every cycle found by a depth-first walk, each as the chain of files that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, chain: string[]): void => {
    const at = chain.indexOf(file);
    if (at >= 0) {
      found.push([...chain.slice(at), file].map((f) => path.relative(ROOT, f)));
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...chain, file]);
    done.add(file);
  };
  for (const file of graph.keys()) walk(file, []);
  return found;
}

test("no module of provider/ imports, directly or through others, a module that imports it", () => {
  const graph = new Map(sources(ROOT).map((file) => [file, importsOf(file)]));
  expect(graph.size).toBeGreaterThan(50);
  expect(cycles(graph)).toEqual([]);
});

test("the walk finds a cycle when there is one", () => {
  const graph = new Map([
    [path.join(ROOT, "a.ts"), [path.join(ROOT, "b.ts")]],
    [path.join(ROOT, "b.ts"), [path.join(ROOT, "a.ts")]],
  ]);
  expect(cycles(graph)).toEqual([["a.ts", "b.ts", "a.ts"]]);
});
