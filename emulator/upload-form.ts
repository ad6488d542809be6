/**
 * Reading the multipart bodies of uploads (PUT script, POST versions, PUT content) and settings PATCHes:
 * the metadata part validated with the shared wire schemas, and the module parts.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import { z as zod } from "zod";
import {
  BINDING_FIELDS,
  bindingProblems,
  moduleContentTypeOfName,
  bindingNameSchema,
  isKnownBindingType,
  TAG_MAX_LENGTH,
  TAGS_MAX_COUNT,
  uploadMetadataSchema,
  type UploadMetadata,
} from "../provider/cloudflare/schemas";
import { ApiError, ERROR, validation } from "./envelope";
import { MultipartError, multipartBoundary, parseMultipart, type MultipartPart } from "./multipart";
import type { StoredModule } from "./state";

export function readMultipart(headers: IncomingHttpHeaders, body: Buffer): MultipartPart[] {
  const boundary = multipartBoundary(headers["content-type"]);
  if (boundary === undefined) {
    throw new ApiError(400, ERROR.UNPARSABLE_BODY, "could not parse request body: expected multipart/form-data with a boundary");
  }
  try {
    return parseMultipart(body, boundary);
  } catch (e) {
    if (e instanceof MultipartError) throw new ApiError(400, ERROR.UNPARSABLE_BODY, `could not parse request body: ${e.message}`);
    throw e;
  }
}

export function readJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new ApiError(400, ERROR.UNPARSABLE_BODY, "could not parse request body: not valid JSON");
  }
}

/** The first zod issue as a 10021 error naming the field (pointer like `/bindings/0/name`). */
export function schemaError(error: z.ZodError, what: string): ApiError {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const pointer = `/${path.map(String).join("/")}`;
  return validation(`${what}: ${path.length > 0 ? `${path.join(".")}: ` : ""}${issue?.message ?? "invalid"}`, pointer);
}

/** The API's tag rules: at most 8 tags (100103), each at most 1024 characters (100102), no commas (100134). */
export function checkTags(tags: unknown): void {
  if (!Array.isArray(tags)) return;
  if (tags.length > TAGS_MAX_COUNT)
    throw new ApiError(400, ERROR.TOO_MANY_TAGS, `too many tags: ${tags.length} (at most ${TAGS_MAX_COUNT})`);
  for (const t of tags) {
    if (typeof t !== "string") continue;
    if (t.length > TAG_MAX_LENGTH)
      throw new ApiError(400, ERROR.TAG_TOO_LONG, `tag too long: ${t.length} characters (at most ${TAG_MAX_LENGTH})`);
    if (t.length === 0 || t.includes(","))
      throw new ApiError(400, ERROR.INVALID_TAG, `invalid tag ${JSON.stringify(t)}: tags are non-empty and contain no ','`);
  }
}

/**
 * Checks each binding of a known type against that type's own fields, so an error names the missing field
 * (`/bindings/0/namespace_id`) rather than the union as a whole. Unknown types pass as given.
 */
export function checkKnownBindings(bindings: unknown): void {
  if (!Array.isArray(bindings)) return;
  bindings.forEach((b: unknown, i) => {
    if (typeof b !== "object" || b === null) throw validation(`binding ${i} must be an object`, `/bindings/${i}`);
    const type = (b as { type?: unknown }).type;
    if (typeof type !== "string") throw validation(`binding ${i} needs a type`, `/bindings/${i}/type`);
    if (!isKnownBindingType(type)) return;
    const parsed = zod.looseObject({ type: zod.literal(type), name: bindingNameSchema, ...BINDING_FIELDS[type] }).safeParse(b);
    if (!parsed.success) {
      const e = schemaError(parsed.error, `binding ${i} (${type})`);
      throw validation(e.message, `/bindings/${i}${e.pointer ?? ""}`);
    }
    // A secret sent in metadata must carry its value (to keep one, use `inherit` or `keep_bindings`).
    const problem = bindingProblems(b as Record<string, unknown>, true)[0];
    if (problem) throw validation(`binding ${i} (${type}): ${problem.message}`, `/bindings/${i}/${problem.path.join("/")}`);
  });
}

/** Parses and validates a JSON metadata/settings object with a schema. */
export function parseJsonPart<S extends z.ZodType>(text: string, schema: S, what: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw validation(`${what} is not valid JSON`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw validation(`${what} must be a JSON object`);
  checkTags((raw as { tags?: unknown }).tags);
  checkKnownBindings((raw as { bindings?: unknown }).bindings);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error, what);
  return parsed.data;
}

function contentTypeOf(part: MultipartPart): string {
  if (part.contentType !== undefined && part.contentType.length > 0) return part.contentType;
  const name = part.filename ?? part.name;
  return moduleContentTypeOfName(name);
}

export interface ParsedUpload {
  metadata: UploadMetadata;
  modules: StoredModule[];
  /** The entry part; "" for an assets-only Worker. */
  mainModule: string;
  hasModules: boolean;
}

/** The module parts of a form: every part except `metadata`, in the order given. */
export function modulesOf(parts: MultipartPart[]): StoredModule[] {
  const modules = parts
    .filter((p) => p.name !== "metadata")
    .map((p) => ({ name: p.filename ?? p.name, contentType: contentTypeOf(p), data: p.data.toString("base64") }));
  const seen = new Set<string>();
  for (const m of modules) {
    if (seen.has(m.name)) throw validation(`two parts carry the module "${m.name}": module names must be unique`);
    seen.add(m.name);
  }
  return modules;
}

/** Checks that the entry point and every part a binding names are in the form. */
function checkParts(metadata: UploadMetadata, modules: StoredModule[], entry: string): void {
  const names = new Set(modules.map((m) => m.name));
  if (!names.has(entry))
    throw validation(
      `main module or body part "${entry}" is not a part of the upload (parts: ${[...names].join(", ") || "none"})`,
      "/main_module",
    );
  (metadata.bindings ?? []).forEach((b, i) => {
    const part = (b as { part?: unknown }).part;
    if (["wasm_module", "text_blob", "data_blob"].includes(b.type) && typeof part === "string" && !names.has(part)) {
      throw validation(`binding "${b.name}" names part "${part}", which is not in the upload`, `/bindings/${i}/part`);
    }
  });
}

/** A full upload form (PUT script, POST versions): `metadata` part plus module parts. */
export function parseUploadForm(headers: IncomingHttpHeaders, body: Buffer): ParsedUpload {
  const parts = readMultipart(headers, body);
  const metaPart = parts.find((p) => p.name === "metadata");
  if (metaPart === undefined) throw validation("the upload has no metadata part", "/metadata");
  const metadata = parseJsonPart(metaPart.data.toString("utf8"), uploadMetadataSchema, "metadata");
  const modules = modulesOf(parts);
  const entry = metadata.main_module ?? metadata.body_part;
  if (entry === undefined) {
    // An assets-only Worker has no code at all: allowed when the upload attaches assets.
    if (metadata.assets !== undefined && modules.length === 0) return { metadata, modules, mainModule: "", hasModules: false };
    throw validation("metadata needs main_module (ES modules) or body_part (service worker)", "/main_module");
  }
  checkParts(metadata, modules, entry);
  return { metadata, modules, mainModule: entry, hasModules: metadata.main_module !== undefined };
}

/**
 * A code-only form (PUT `…/content`): a `metadata` part with `main_module`/`body_part`, or the
 * `CF-WORKER-MAIN-MODULE-PART` / `CF-WORKER-BODY-PART` header naming the entry part.
 */
export function parseContentForm(
  headers: IncomingHttpHeaders,
  body: Buffer,
): { modules: StoredModule[]; mainModule: string; hasModules: boolean } {
  const parts = readMultipart(headers, body);
  const metaPart = parts.find((p) => p.name === "metadata");
  let main: string | undefined;
  let bodyPart: string | undefined;
  if (metaPart !== undefined) {
    const metadata = parseJsonPart(metaPart.data.toString("utf8"), uploadMetadataSchema, "metadata");
    main = metadata.main_module;
    bodyPart = metadata.body_part;
  } else {
    const h = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    main = h("cf-worker-main-module-part");
    bodyPart = h("cf-worker-body-part");
  }
  const entry = main ?? bodyPart;
  if (entry === undefined) {
    throw validation(
      "name the entry point: metadata main_module/body_part, or the CF-WORKER-MAIN-MODULE-PART / CF-WORKER-BODY-PART header",
      "/main_module",
    );
  }
  const modules = modulesOf(parts);
  checkParts({}, modules, entry);
  return { modules, mainModule: entry, hasModules: main !== undefined };
}
