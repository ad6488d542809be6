/**
 * Writing TypeScript source text safely: every string goes through JSON.stringify (a name or a value read
 * from the API can never break out of its literal), identifiers are derived and de-duplicated. Pure.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await config accountId pulumi"
  ).split(" "),
);
const INLINE_WIDTH = 100;

/** A TypeScript literal of a JSON-like value, indented by `indent` (the column of the line it starts on). */
export function tsLiteral(value: unknown, indent = ""): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = `[${value.map((v) => tsLiteral(v, inner)).join(", ")}]`;
    if (!flat.includes("\n") && flat.length + indent.length <= INLINE_WIDTH) return flat;
    return `[\n${value.map((v) => `${inner}${tsLiteral(v, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const parts = entries.map(([k, v]) => `${propertyKey(k)}: ${tsLiteral(v, inner)}`);
  const flat = `{ ${parts.join(", ")} }`;
  if (!flat.includes("\n") && flat.length + indent.length <= INLINE_WIDTH) return flat;
  return `{\n${parts.map((p) => `${inner}${p},`).join("\n")}\n${indent}}`;
}

export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** `api-gateway_v2` → `apiGatewayV2`; prefixed when it would start with a digit or be reserved. */
export function identifierFor(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  let id = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
  if (id === "" || /^[0-9]/.test(id)) id = `worker${id.charAt(0).toUpperCase()}${id.slice(1)}`;
  if (RESERVED.has(id)) id = `${id}Worker`;
  return id;
}

/** Hands out names that are unique within one program: the second `x` becomes `x2`. */
export class UniqueNames {
  private readonly taken = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }
  take(wanted: string, separator = ""): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}${separator}${n}`;
    this.taken.add(name);
    return name;
  }
}

/** A `// ` comment block; a line break inside a value cannot end the comment early. */
export function comment(lines: string[], indent = ""): string {
  return lines.map((line) => `${indent}// ${line.replace(/[\r\n\u2028\u2029]+/g, " ")}`.trimEnd()).join("\n");
}
