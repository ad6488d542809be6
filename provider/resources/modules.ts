/**
 * A Worker's code as the user gives it (`content`, or `modules` + `mainModule`) turned into upload parts,
 * and the content hash that tells the diff whether the code changed.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { WorkerModule } from "../cloudflare";
import { MODULE_TYPES, MODULE_TYPE_NAMES, moduleTypeOfName, type ModuleType } from "../cloudflare/schemas/modules";
import type { CheckFailure } from "./common";

export { MODULE_TYPES, type ModuleType } from "../cloudflare/schemas/modules";

/** The module name used when a Worker is given as a single `content` string. */
export const SINGLE_MODULE_NAME = "worker.js";
/** Far above any Worker the API accepts (10 MB compressed); refuses what is surely a mistake before upload. */
export const MAX_TOTAL_MODULE_BYTES = 64 * 1024 * 1024;
const MODULE_NAME_MAX_LENGTH = 255;
/** The multipart part that carries the upload metadata: no module can have its name. */
const RESERVED_PART_NAME = "metadata";

/**
 * A module as the program gives it: inline `content` or a file `path`, and its `type` (inferred from the
 * extension when omitted). The shape gives the type; `loadModules` checks it, with messages naming the module.
 */
export const moduleInputSchema = z.strictObject({
  content: z.string().optional(),
  path: z.string().optional(),
  type: z.enum(MODULE_TYPE_NAMES).optional(),
});
export type ModuleInput = z.infer<typeof moduleInputSchema>;

export interface CodeInputs {
  content?: string;
  modules?: Record<string, ModuleInput>;
  mainModule?: string;
}

/** The module type a name's extension implies. */
export const inferModuleType = moduleTypeOfName;

/** The main module actually uploaded: `mainModule`, or the single module's name. */
export function effectiveMainModule(code: CodeInputs): string | undefined {
  if (code.content !== undefined) return code.mainModule ?? SINGLE_MODULE_NAME;
  if (code.mainModule !== undefined) return code.mainModule;
  const names = Object.keys(code.modules ?? {});
  return names.length === 1 ? names[0] : undefined;
}

function moduleNameProblem(name: string): string | undefined {
  if (name.length === 0) return "a module name cannot be empty";
  if (name === RESERVED_PART_NAME) return `"${RESERVED_PART_NAME}" is the name of the upload's metadata part; rename the module`;
  if (name.length > MODULE_NAME_MAX_LENGTH) return `a module name has at most ${MODULE_NAME_MAX_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f"\\%]/.test(name))
    return "a module name cannot contain control characters, quotes, backslashes or '%' (the multipart format cannot carry them unambiguously)";
  if (name.startsWith("/") || name.split("/").some((s) => s === ".." || s === "." || s === "")) {
    return "a module name is a relative path without '.', '..' or empty segments";
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bytes of one module, from its inline content or its file (relative to the project folder). */
function moduleBytes(mod: ModuleInput): Uint8Array {
  if (mod.content !== undefined) return Buffer.from(mod.content, "utf8");
  return readFileSync(resolve(mod.path!));
}

/**
 * Validates the code inputs and reads every module; returns the parts to upload, or failures naming the
 * property. Runs in `check` (so preview reports a missing file) and again before a write.
 */
export function loadModules(code: CodeInputs): { modules?: WorkerModule[]; mainModule?: string; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  if (code.content !== undefined && code.modules !== undefined) {
    fail("content", "content and modules are mutually exclusive: give the single module as content, or every module in modules");
    return { failures };
  }
  if (code.content === undefined && code.modules === undefined) {
    fail("modules", "a Worker needs code: set content (one ES module) or modules plus mainModule");
    return { failures };
  }
  const entries: [string, ModuleInput][] =
    code.content !== undefined
      ? [[code.mainModule ?? SINGLE_MODULE_NAME, { content: code.content, type: "esm" }]]
      : Object.entries(code.modules ?? {});
  if (typeof code.content !== "undefined" && typeof code.content !== "string") {
    fail("content", "content: expected the module's source text (a string)");
    return { failures };
  }
  if (entries.length === 0) fail("modules", "modules: give at least one module");

  const modules: WorkerModule[] = [];
  let total = 0;
  for (const [name, mod] of entries) {
    const where = code.content !== undefined ? "content" : `modules["${name}"]`;
    const nameProblem = moduleNameProblem(name);
    if (nameProblem) {
      fail(code.content !== undefined ? "mainModule" : "modules", `${where}: ${nameProblem}`);
      continue;
    }
    if (mod === null || typeof mod !== "object") {
      fail("modules", `${where}: expected { content } or { path }`);
      continue;
    }
    const unknown = Object.keys(mod).filter((k) => !["content", "path", "type"].includes(k));
    if (unknown.length > 0) fail("modules", `${where}: unknown field ${unknown.join(", ")}: a module has content, path and type`);
    if ((mod.content === undefined) === (mod.path === undefined)) {
      fail("modules", `${where}: give exactly one of content (inline source) or path (a file)`);
      continue;
    }
    if (mod.content !== undefined && (typeof mod.content !== "string" || LONE_SURROGATE.test(mod.content))) {
      fail(code.content !== undefined ? "content" : "modules", `${where}: content must be valid Unicode text`);
      continue;
    }
    const type = (mod.type ?? inferModuleType(name)) as ModuleType | undefined;
    if (type === undefined || !(type in MODULE_TYPES)) {
      fail(
        "modules",
        `${where}: ${mod.type === undefined ? "cannot infer the module type from the file extension" : `unknown type "${mod.type}"`}; set type to one of ${Object.keys(MODULE_TYPES).join(", ")}`,
      );
      continue;
    }
    let bytes: Uint8Array;
    try {
      if (mod.path !== undefined && !statSync(resolve(mod.path)).isFile()) throw new Error("not a file");
      bytes = moduleBytes(mod);
    } catch (error) {
      fail(
        "modules",
        `${where}: cannot read ${mod.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); paths are relative to the Pulumi project folder`,
      );
      continue;
    }
    if (mod.path !== undefined && (type === "esm" || type === "commonjs" || type === "python")) {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        fail("modules", `${where}: ${mod.path} is not valid UTF-8 text; a ${type} module must be UTF-8`);
        continue;
      }
    }
    total += bytes.byteLength;
    modules.push({ name, contentType: MODULE_TYPES[type], content: bytes });
  }
  if (total > MAX_TOTAL_MODULE_BYTES) {
    fail(
      "modules",
      `the Worker's modules add up to ${total} bytes; the limit checked here is ${MAX_TOTAL_MODULE_BYTES} bytes (the API accepts at most 10 MB compressed)`,
    );
  }

  const mainModule = effectiveMainModule(code);
  if (code.content === undefined && entries.length > 1 && code.mainModule === undefined) {
    fail("mainModule", `mainModule: required when there are several modules; one of ${entries.map(([n]) => n).join(", ")}`);
  } else if (mainModule !== undefined && !entries.some(([n]) => n === mainModule)) {
    fail("mainModule", `mainModule "${mainModule}" is not among the modules (${entries.map(([n]) => n).join(", ")})`);
  }
  return failures.length > 0 ? { failures } : { modules, mainModule, failures };
}

/** SHA-256 over the main module and every module's name, type and bytes, independent of module order. */
export function contentHash(modules: WorkerModule[], mainModule: string | undefined): string {
  const parts = modules.map((m) => [m.name, m.contentType, createHash("sha256").update(m.content).digest("hex")].join("\u0000")).sort();
  return createHash("sha256")
    .update(JSON.stringify([mainModule ?? "", parts]))
    .digest("hex");
}
