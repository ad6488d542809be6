import { buildMultipart, MULTIPART_MAX_PARTS, MultipartError, multipartBoundary, parseMultipart } from "../../emulator/multipart";

describe("the emulator's multipart parser and writer", () => {
  it("round-trips parts with binary data, filenames and content types", () => {
    const binary = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
    const { contentType, body } = buildMultipart([
      { name: "metadata", data: '{"main_module":"a.js"}' },
      { name: "a.js", filename: "a.js", contentType: "application/javascript+module", data: "export default {}" },
      { name: "b.bin", filename: 'we"ird.bin', contentType: "application/octet-stream", data: binary },
    ]);
    const parts = parseMultipart(body, multipartBoundary(contentType)!);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["metadata", undefined, undefined],
      ["a.js", "a.js", "application/javascript+module"],
      ["b.bin", 'we"ird.bin', "application/octet-stream"],
    ]);
    expect(parts[2]!.data.equals(binary)).toBe(true);
  });

  it("reads the boundary only from multipart/form-data, quoted or not", () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b;c"')).toBe("a b;c");
    expect(multipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=xyz")).toBe("xyz");
    expect(multipartBoundary("application/json")).toBeUndefined();
    expect(multipartBoundary("multipart/form-data")).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
  });

  it("accepts a filename* in UTF-8 percent-encoding", () => {
    const body = Buffer.from("--b\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''caf%C3%A9.js\r\n\r\nx\r\n--b--\r\n");
    expect(parseMultipart(body, "b")[0]!.filename).toBe("café.js");
  });

  it.each([
    ["no boundary at all", "hello"],
    ["no closing boundary", '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'],
    ["a part without Content-Disposition", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"],
    ["a part without a name", "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"],
    ["a malformed header line", "--b\r\nnot a header\r\n\r\nx\r\n--b--"],
    ["garbage after a boundary", "--bXX\r\n"],
  ])("refuses %s with a MultipartError", (_label, text) => {
    expect(() => parseMultipart(Buffer.from(text), "b")).toThrow(MultipartError);
  });

  it("refuses more parts than MULTIPART_MAX_PARTS", () => {
    const one = '--b\r\nContent-Disposition: form-data; name="p"\r\n\r\nx\r\n';
    const body = Buffer.from(one.repeat(MULTIPART_MAX_PARTS + 1) + "--b--\r\n");
    expect(() => parseMultipart(body, "b")).toThrow(/more than/);
  });
});
