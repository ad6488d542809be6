/**
 * A bounded `multipart/form-data` parser and writer of our own (RFC 7578), used by the emulator for uploads,
 * settings PATCHes, asset buckets and for the multipart answers of the content endpoints.
 *
 * The parser works on a body the server has already read under its size limit, and refuses input beyond
 * `MULTIPART_MAX_PARTS` parts or `MULTIPART_MAX_HEADER_BYTES` of part headers, so no input makes it allocate
 * without limit. It never throws anything but `MultipartError`.
 */
import { randomBytes } from "node:crypto";

export const MULTIPART_MAX_PARTS = 10_000;
export const MULTIPART_MAX_HEADER_BYTES = 16 * 1024;

export interface MultipartPart {
  /** The `name` of the part's Content-Disposition. */
  name: string;
  /** The `filename` of the part's Content-Disposition, when it has one. */
  filename?: string;
  /** The part's Content-Type, when it has one. */
  contentType?: string;
  /** Every header of the part, names lower-cased. */
  headers: Record<string, string>;
  data: Buffer;
}

export class MultipartError extends Error {
  override readonly name = "MultipartError";
}

/** The boundary of a `multipart/form-data` Content-Type, or undefined when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const [type, ...params] = splitHeaderParams(contentType);
  if (type === undefined || type.toLowerCase() !== "multipart/form-data") return undefined;
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() === "boundary") {
      const value = unquote(p.slice(eq + 1).trim());
      return value.length > 0 && value.length <= 70 ? value : undefined;
    }
  }
  return undefined;
}

/** Splits `a; b=c; d="e;f"` at the semicolons that are outside quotes. */
function splitHeaderParams(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      out.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  out.push(current.trim());
  return out;
}

/**
 * A quoted parameter as the HTML standard (and undici's FormData) writes it: `"` as %22, CR as %0D, LF as
 * %0A; a backslash is an ordinary character.
 */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
  }
  return value;
}

function parseDisposition(value: string): { name?: string; filename?: string } {
  const [kind, ...params] = splitHeaderParams(value);
  if (kind === undefined || kind.toLowerCase() !== "form-data") throw new MultipartError("a part's Content-Disposition must be form-data");
  const out: { name?: string; filename?: string } = {};
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    const raw = unquote(p.slice(eq + 1).trim());
    if (key === "name") out.name = raw;
    else if (key === "filename") out.filename = raw;
    else if (key === "filename*" && out.filename === undefined) {
      const m = /^utf-8''(.*)$/i.exec(raw);
      if (m) {
        try {
          out.filename = decodeURIComponent(m[1]!);
        } catch {
          throw new MultipartError("a part's filename* is not valid percent-encoding");
        }
      }
    }
  }
  return out;
}

function parsePartHeaders(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  const text = block.toString("utf8");
  if (text.length === 0) return headers;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MultipartError(`malformed part header line: ${JSON.stringify(line.slice(0, 80))}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Parses a whole `multipart/form-data` body. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError("the body does not contain the multipart boundary");
  for (;;) {
    pos += delimiter.length;
    // After a delimiter: "--" closes the body, otherwise optional whitespace and CRLF open a part.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError("expected CRLF after a multipart boundary");
    pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    const blankFirst = body[pos] === 0x0d && body[pos + 1] === 0x0a;
    if (!blankFirst && (headerEnd < 0 || headerEnd - pos > MULTIPART_MAX_HEADER_BYTES)) {
      throw new MultipartError("a part's headers are missing their end or are too long");
    }
    const headers = blankFirst ? {} : parsePartHeaders(body.subarray(pos, headerEnd));
    const dataStart = blankFirst ? pos + 2 : headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), dataStart);
    if (next < 0) throw new MultipartError("the multipart body ends before its closing boundary");
    const disposition = headers["content-disposition"];
    if (disposition === undefined) throw new MultipartError("a part has no Content-Disposition header");
    const { name, filename } = parseDisposition(disposition);
    if (name === undefined) throw new MultipartError("a part's Content-Disposition has no name");
    if (parts.length >= MULTIPART_MAX_PARTS) throw new MultipartError(`more than ${MULTIPART_MAX_PARTS} parts`);
    const part: MultipartPart = { name, headers, data: Buffer.from(body.subarray(dataStart, next)) };
    if (filename !== undefined) part.filename = filename;
    if (headers["content-type"] !== undefined) part.contentType = headers["content-type"];
    parts.push(part);
    pos = next + 2;
  }
}

export interface OutgoingPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

function quoteParam(value: string): string {
  return `"${value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`;
}

/** Builds a `multipart/form-data` body; returns it with the Content-Type header that names its boundary. */
export function buildMultipart(parts: OutgoingPart[]): { contentType: string; body: Buffer } {
  const boundary = `----emulator${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quoteParam(part.name)}`;
    if (part.filename !== undefined) head += `; filename=${quoteParam(part.filename)}`;
    head += "\r\n";
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    head += "\r\n";
    chunks.push(Buffer.from(head), typeof part.data === "string" ? Buffer.from(part.data) : part.data, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
