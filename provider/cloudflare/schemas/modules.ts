/**
 * Worker module types: the content type each travels under in a multipart upload, the extensions that imply
 * one, and the content types the API also answers with. One table for the client, the resources, the
 * emulator and the import generator.
 *
 * Content types: https://developers.cloudflare.com/workers/configuration/multipart-upload-metadata/
 * Extensions: wrangler's default module rules (`Text` for .txt, .html and .sql; `Data` for .bin;
 * `CompiledWasm` for .wasm; .js/.mjs ES modules, .cjs CommonJS, .py Python), plus .map source maps.
 * `.json` and `.css` are not module types there (wrangler bundles JSON into the JavaScript); give `type`.
 */
export const MODULE_TYPES = {
  esm: "application/javascript+module",
  commonjs: "application/javascript",
  text: "text/plain",
  data: "application/octet-stream",
  wasm: "application/wasm",
  python: "text/x-python",
  sourcemap: "application/source-map",
} as const;
export type ModuleType = keyof typeof MODULE_TYPES;
export const MODULE_TYPE_NAMES = Object.keys(MODULE_TYPES) as [ModuleType, ...ModuleType[]];

/** The module type an extension implies. */
export const MODULE_TYPE_BY_EXTENSION: Readonly<Record<string, ModuleType>> = {
  js: "esm",
  mjs: "esm",
  cjs: "commonjs",
  py: "python",
  wasm: "wasm",
  txt: "text",
  html: "text",
  sql: "text",
  bin: "data",
  map: "sourcemap",
};

/** Other spellings of the content types that the API answers with (content/v2). */
const CONTENT_TYPE_ALIASES: Readonly<Record<string, ModuleType>> = {
  "text/javascript+module": "esm",
  "text/javascript": "commonjs",
  "application/x-python": "python",
};

const TYPE_BY_CONTENT_TYPE: Readonly<Record<string, ModuleType>> = {
  ...Object.fromEntries(Object.entries(MODULE_TYPES).map(([type, contentType]) => [contentType, type as ModuleType])),
  ...CONTENT_TYPE_ALIASES,
};

export function moduleTypeOfName(name: string): ModuleType | undefined {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? undefined : MODULE_TYPE_BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}

/** A module type from a part's content type (parameters ignored), else from its name's extension. */
export function moduleTypeOf(contentType: string | undefined, name: string): ModuleType | undefined {
  const bare = contentType?.split(";")[0]!.trim().toLowerCase();
  return (bare ? TYPE_BY_CONTENT_TYPE[bare] : undefined) ?? moduleTypeOfName(name);
}

/** The content type for a part that came without one: by extension, else opaque bytes. */
export function moduleContentTypeOfName(name: string): string {
  return MODULE_TYPES[moduleTypeOfName(name) ?? "data"];
}
