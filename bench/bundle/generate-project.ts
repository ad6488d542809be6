/**
 * A TypeScript Worker of `count` modules for the bundling benchmark: an entry importing a tree of modules,
 * each with an interface, a class and a few functions (about 40 lines), one HTML page imported as a Text module.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const name = (i: number) => `m${String(i).padStart(3, "0")}`;

function moduleSource(i: number, count: number): string {
  const children = [2 * i + 1, 2 * i + 2].filter((c) => c < count);
  const imports = children.map((c) => `import { ${name(c)} } from "./${name(c)}";`).join("\n");
  const calls = children.map((c) => `${name(c)}(input.depth + 1)`).join(" + ") || "0";
  return `${imports}

/** Module ${i}: what it receives. */
export interface Input${i} {
  depth: number;
  label?: string;
}

export class Counter${i} {
  private total = 0;
  add(value: number): this {
    this.total += value * ${i + 1};
    return this;
  }
  get value(): number {
    return this.total;
  }
}

function weigh${i}(input: Input${i}): number {
  const counter = new Counter${i}();
  for (let n = 0; n < input.depth; n++) counter.add(n);
  return counter.value % 97;
}

export function describe${i}(input: Input${i}): string {
  return \`\${input.label ?? "module ${i}"} at depth \${input.depth}: \${weigh${i}(input)}\`;
}

export function ${name(i)}(depth: number): number {
  const input: Input${i} = { depth };
  if (depth > 12) return weigh${i}(input);
  return weigh${i}(input) + ${calls};
}
`;
}

/** Writes the project into `dir`; returns the entry point relative to it. */
export function generateProject(dir: string, count: number): string {
  mkdirSync(join(dir, "src"), { recursive: true });
  for (let i = 0; i < count - 1; i++) writeFileSync(join(dir, "src", `${name(i)}.ts`), moduleSource(i, count - 1));
  writeFileSync(join(dir, "src", "page.html"), "<!doctype html><title>bench</title><p>bench</p>\n");
  writeFileSync(
    join(dir, "src", "index.ts"),
    `import { ${name(0)}, describe0 } from "./${name(0)}";
import page from "./page.html";

export default {
  async fetch(request: Request): Promise<Response> {
    const depth = Number(new URL(request.url).searchParams.get("depth") ?? "1");
    return new Response(page + describe0({ depth }) + ${name(0)}(depth));
  },
};
`,
  );
  return "src/index.ts";
}

/** The path of one generated module (what the benchmark edits). */
export const modulePath = (dir: string, i: number) => join(dir, "src", `${name(i)}.ts`);
