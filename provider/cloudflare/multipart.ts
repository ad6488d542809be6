/**
 * Multipart bodies, as pure functions: the forms we send are built with undici's own FormData (undici
 * refuses any other FormData) and node:buffer's File (the class undici itself uses), one fresh form per
 * attempt; the multipart answers we receive (content/v2, download) are read by a small bounded parser of
 * our own that keeps every part's exact bytes and Content-Type, whether or not the part has a filename.
 */
import { File } from "node:buffer";
import { moduleContentTypeOfName } from "./schemas/modules";
import type { FormData } from "undici";
import { undici } from "./dispatcher";
import type { UploadMetadata, ScriptSettings } from "./schemas";

/** One module (file) of a Worker. */
export interface WorkerModule {
  name: string;
  contentType: string;
  content: Uint8Array;
}

export const JSON_CONTENT_TYPE = "application/json";

function jsonFile(value: unknown, filename: string): File {
  return new File([JSON.stringify(value)], filename, { type: JSON_CONTENT_TYPE });
}

function appendModules(form: FormData, modules: readonly WorkerModule[]): void {
  const seen = new Set<string>();
  for (const module of modules) {
    if (module.name === "" || module.name === "metadata") {
      throw new TypeError(`a module cannot be named "${module.name}"`);
    }
    if (seen.has(module.name)) throw new TypeError(`two modules are named "${module.name}"`);
    seen.add(module.name);
    // part name = filename = module name; the part's Content-Type tells the runtime what the module is.
    form.append(module.name, new File([module.content], module.name, { type: module.contentType }), module.name);
  }
}

/** PUT `…/scripts/{name}`: a `metadata` part (JSON file, application/json) then one part per module. */
export function buildUploadForm(metadata: UploadMetadata, modules: readonly WorkerModule[]): FormData {
  const form = new (undici().FormData)();
  form.append("metadata", jsonFile(metadata, "metadata.json"), "metadata.json");
  appendModules(form, modules);
  return form;
}

export interface ContentInput {
  /** ES modules: the module that is the entry point. */
  mainModule?: string;
  /** Service-worker syntax: the part holding the script. */
  bodyPart?: string;
  modules: readonly WorkerModule[];
}

/** PUT `…/content`: metadata `{main_module}` or `{body_part}` and the module parts; bindings and settings stay. */
export function buildContentForm(input: ContentInput): FormData {
  if ((input.mainModule === undefined) === (input.bodyPart === undefined)) {
    throw new TypeError("a content upload names exactly one of mainModule (ES modules) or bodyPart (service worker)");
  }
  const entry = input.mainModule ?? input.bodyPart;
  if (!input.modules.some((m) => m.name === entry)) {
    throw new TypeError(`the entry point "${entry}" is not one of the modules`);
  }
  const form = new (undici().FormData)();
  const metadata = input.mainModule !== undefined ? { main_module: input.mainModule } : { body_part: input.bodyPart };
  form.append("metadata", jsonFile(metadata, "metadata.json"), "metadata.json");
  appendModules(form, input.modules);
  return form;
}

/** PATCH `…/settings`: exactly one part, `settings`, holding the JSON of the fields to change. */
export function buildSettingsForm(settings: Partial<ScriptSettings>): FormData {
  const form = new (undici().FormData)();
  form.append("settings", jsonFile(settings, "settings.json"), "settings.json");
  return form;
}

export interface AssetFilePart {
  hash: string;
  contentType: string;
  /** The file's bytes, base64-encoded (the upload is sent with `?base64=true`). */
  base64: string;
}

/** POST `/workers/assets/upload?base64=true`: one part per file, name = filename = hash. */
export function buildAssetsBucketForm(files: readonly AssetFilePart[]): FormData {
  const form = new (undici().FormData)();
  for (const file of files) {
    form.append(file.hash, new File([file.base64], file.hash, { type: file.contentType }), file.hash);
  }
  return form;
}

// ---------------------------------------------------------------------------------------------------------
// Reading multipart answers

/** Bounds of the parser: a Worker is at most a few tens of MiB and a few hundred modules. */
export const MULTIPART_MAX_BYTES = 128 * 1024 * 1024;
export const MULTIPART_MAX_PARTS = 1_000;
const MAX_PART_HEADER_BYTES = 16 * 1024;

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: Uint8Array;
}

export class MultipartParseError extends Error {
  override readonly name = "MultipartParseError";
}

/** The boundary of a `multipart/…; boundary=…` Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary !== undefined && boundary.length <= 200 ? boundary : undefined;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const re = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i");
  const match = re.exec(disposition);
  if (match === null) return undefined;
  // The HTML standard's escaping, as undici writes it: a backslash is an ordinary character.
  if (match[1] !== undefined) return match[1].replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
  return match[2];
}

/** Parses a multipart body into its parts, in order. Throws MultipartParseError on anything malformed. */
export function parseMultipart(body: Uint8Array, contentType: string | undefined): MultipartPart[] {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) throw new MultipartParseError(`not a multipart body (Content-Type: ${contentType ?? "none"})`);
  if (body.byteLength > MULTIPART_MAX_BYTES) throw new MultipartParseError(`multipart body larger than ${MULTIPART_MAX_BYTES} bytes`);
  const delimiter = Buffer.from(`--${boundary}`);
  const crlf = Buffer.from("\r\n");
  const headerEnd = Buffer.from("\r\n\r\n");
  const parts: MultipartPart[] = [];

  let pos = indexOf(body, delimiter, 0);
  if (pos < 0) throw new MultipartParseError("multipart boundary not found in the body");
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartParseError("malformed multipart delimiter line");
    pos += 2;
    const headersEnd = indexOf(body, headerEnd, pos);
    if (headersEnd < 0 || headersEnd - pos > MAX_PART_HEADER_BYTES) throw new MultipartParseError("multipart part headers not terminated");
    const headers = new Map<string, string>();
    for (const line of Buffer.from(body.subarray(pos, headersEnd)).toString("utf8").split("\r\n")) {
      if (line === "") continue;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new MultipartParseError(`malformed multipart header line "${line.slice(0, 80)}"`);
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const contentStart = headersEnd + headerEnd.length;
    const next = indexOf(body, Buffer.concat([crlf, delimiter]), contentStart);
    if (next < 0) throw new MultipartParseError("multipart body ends inside a part");
    const disposition = headers.get("content-disposition") ?? "";
    const name = dispositionParam(disposition, "name");
    if (!/^form-data\b/i.test(disposition) || name === undefined) {
      throw new MultipartParseError("multipart part without Content-Disposition: form-data; name=…");
    }
    const filename = dispositionParam(disposition, "filename");
    const type = headers.get("content-type");
    parts.push({
      name,
      ...(filename === undefined ? {} : { filename }),
      ...(type === undefined ? {} : { contentType: type }),
      content: body.slice(contentStart, next),
    });
    if (parts.length > MULTIPART_MAX_PARTS) throw new MultipartParseError(`more than ${MULTIPART_MAX_PARTS} multipart parts`);
    pos = next + crlf.length;
  }
}

/** Content types by extension, for a part that came without one. */
export const guessModuleContentType = moduleContentTypeOfName;

/** The modules of a multipart script body (content/v2, content, download): one part per module. */
export function parseModulesMultipart(body: Uint8Array, contentType: string | undefined): WorkerModule[] {
  return parseMultipart(body, contentType)
    .filter((part) => part.name !== "metadata")
    .map((part) => ({
      name: part.name,
      contentType: (part.contentType ?? guessModuleContentType(part.name)).trim(),
      content: part.content,
    }));
}
