/**
 * The Content-Type sent with each uploaded asset; Cloudflare serves the file with it. Same rules as wrangler:
 * the standard MIME type of the extension, `; charset=utf-8` added to `text/*`, and for an unknown extension
 * `application/null`, which the API reads as "send no Content-Type" (form encoders replace an empty type).
 */
import { extname } from "node:path";

export const UNKNOWN_CONTENT_TYPE = "application/null";

const TYPES: Record<string, string> = {
  html: "text/html", htm: "text/html", shtml: "text/html", css: "text/css", js: "text/javascript",
  mjs: "text/javascript", cjs: "application/node", json: "application/json", map: "application/json",
  jsonld: "application/ld+json", webmanifest: "application/manifest+json", xml: "application/xml",
  txt: "text/plain", text: "text/plain", md: "text/markdown", markdown: "text/markdown", csv: "text/csv",
  tsv: "text/tab-separated-values", ics: "text/calendar", vtt: "text/vtt", yaml: "text/yaml", yml: "text/yaml",
  rss: "application/rss+xml", atom: "application/atom+xml", xhtml: "application/xhtml+xml",
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", jpe: "image/jpeg", gif: "image/gif",
  webp: "image/webp", avif: "image/avif", svg: "image/svg+xml", svgz: "image/svg+xml", ico: "image/vnd.microsoft.icon",
  bmp: "image/bmp", tif: "image/tiff", tiff: "image/tiff", apng: "image/apng", heic: "image/heic", heif: "image/heif",
  jxl: "image/jxl", woff: "font/woff", woff2: "font/woff2", ttf: "font/ttf", otf: "font/otf",
  eot: "application/vnd.ms-fontobject", mp3: "audio/mpeg", m4a: "audio/mp4", aac: "audio/aac", ogg: "audio/ogg",
  oga: "audio/ogg", opus: "audio/ogg", wav: "audio/wav", flac: "audio/flac", weba: "audio/webm", mid: "audio/midi",
  midi: "audio/midi", mp4: "video/mp4", m4v: "video/mp4", webm: "video/webm", ogv: "video/ogg", mov: "video/quicktime",
  avi: "video/x-msvideo", mpeg: "video/mpeg", mpg: "video/mpeg", ts: "video/mp2t", m3u8: "application/vnd.apple.mpegurl",
  pdf: "application/pdf", wasm: "application/wasm", zip: "application/zip", gz: "application/gzip",
  tgz: "application/gzip", br: "application/x-brotli", tar: "application/x-tar", "7z": "application/x-7z-compressed",
  rar: "application/vnd.rar", bin: "application/octet-stream", exe: "application/octet-stream",
  dmg: "application/octet-stream", iso: "application/octet-stream", doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ppt: "application/vnd.ms-powerpoint",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation", epub: "application/epub+zip",
  rtf: "application/rtf", swf: "application/x-shockwave-flash", glb: "model/gltf-binary", gltf: "model/gltf+json",
  usdz: "model/vnd.usdz+zip", wgsl: "text/wgsl", sh: "application/x-sh", toml: "application/toml",
  pem: "application/x-pem-file", crt: "application/x-x509-ca-cert", cer: "application/pkix-cert",
  appcache: "text/cache-manifest", manifest: "text/cache-manifest", jsx: "text/jsx", mdx: "text/mdx",
  sass: "text/x-sass", scss: "text/x-scss", less: "text/less", vcf: "text/vcard", xsl: "application/xslt+xml",
  webapp: "application/x-web-app-manifest+json", avifs: "image/avif-sequence", jp2: "image/jp2",
};

/** The Content-Type of an asset from its file name. */
export function contentTypeOf(filePath: string): string {
  const type = TYPES[extname(filePath).slice(1).toLowerCase()];
  if (type === undefined) return UNKNOWN_CONTENT_TYPE;
  return type.startsWith("text/") ? `${type}; charset=utf-8` : type;
}
