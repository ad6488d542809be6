import { compileIgnore, parseIgnoreLine } from "../../provider/resources/assets/ignore";

const ignored = (rules: string | undefined, path: string, isDirectory = false) => compileIgnore(rules).ignores(path, isDirectory);

describe(".assetsignore rules (gitignore syntax, as wrangler applies them)", () => {
  it("always ignores .assetsignore, _headers and _redirects at the root, not in sub-folders", () => {
    for (const name of [".assetsignore", "_headers", "_redirects"]) {
      expect(ignored(undefined, name)).toBe(true);
      expect(ignored(undefined, `docs/${name}`)).toBe(false);
    }
    expect(ignored(undefined, "index.html")).toBe(false);
  });

  it("lets a negated rule upload _headers after all", () => {
    expect(ignored("!_headers\n", "_headers")).toBe(false);
  });

  it("matches a name without a slash at any depth, and everything inside a matched folder", () => {
    const rules = "node_modules\n*.map\n";
    expect(ignored(rules, "node_modules/a/index.js")).toBe(true);
    expect(ignored(rules, "lib/node_modules/x.js")).toBe(true);
    expect(ignored(rules, "js/app.js.map")).toBe(true);
    expect(ignored(rules, "js/app.js")).toBe(false);
  });

  it("anchors a pattern that has a slash before its end at the assets directory", () => {
    const rules = "/secret.txt\ndocs/draft-*.html\n";
    expect(ignored(rules, "secret.txt")).toBe(true);
    expect(ignored(rules, "sub/secret.txt")).toBe(false);
    expect(ignored(rules, "docs/draft-1.html")).toBe(true);
    expect(ignored(rules, "x/docs/draft-1.html")).toBe(false);
  });

  it("applies a trailing slash to folders only", () => {
    const rules = "build/\n";
    expect(ignored(rules, "build/out.js")).toBe(true);
    expect(ignored(rules, "build")).toBe(false);
    expect(ignored(rules, "build", true)).toBe(true);
  });

  it("understands ** before, after and between folders", () => {
    expect(ignored("**/cache\n", "a/b/cache/x")).toBe(true);
    expect(ignored("assets/**\n", "assets/img/a.png")).toBe(true);
    expect(ignored("assets/**\n", "other/assets.png")).toBe(false);
    expect(ignored("a/**/z.txt\n", "a/z.txt")).toBe(true);
    expect(ignored("a/**/z.txt\n", "a/b/c/z.txt")).toBe(true);
    expect(ignored("a/**/z.txt\n", "b/a/z.txt")).toBe(false);
  });

  it("understands ?, character classes and negated classes", () => {
    expect(ignored("file?.txt\n", "file1.txt")).toBe(true);
    expect(ignored("file?.txt\n", "file10.txt")).toBe(false);
    expect(ignored("[abc].css\n", "b.css")).toBe(true);
    expect(ignored("[abc].css\n", "d.css")).toBe(false);
    expect(ignored("[!abc].css\n", "d.css")).toBe(true);
  });

  it("lets a later ! rule re-include a file, but never a file inside an ignored folder", () => {
    expect(ignored("*.txt\n!keep.txt\n", "keep.txt")).toBe(false);
    expect(ignored("*.txt\n!keep.txt\n", "drop.txt")).toBe(true);
    expect(ignored("private/\n!private/ok.txt\n", "private/ok.txt")).toBe(true);
  });

  it("skips comments and blank lines, honours escapes, and ignores Windows line endings", () => {
    expect(parseIgnoreLine("# a comment")).toBeUndefined();
    expect(parseIgnoreLine("   ")).toBeUndefined();
    expect(ignored("\\#hash.txt\n", "#hash.txt")).toBe(true);
    expect(ignored("\\!bang.txt\n", "!bang.txt")).toBe(true);
    expect(ignored("a.txt\r\nb.txt\r\n", "b.txt")).toBe(true);
    expect(ignored("trailing.txt   \n", "trailing.txt")).toBe(true);
    expect(ignored("dots.a.b\n", "dotsXaXb")).toBe(false);
  });
});
