/**
 * `.assetsignore`: gitignore patterns, matched the way wrangler matches them (it uses the `ignore` package):
 * `#` comments, `!` re-includes, a trailing `/` matches directories only, a pattern with a `/` before its end
 * is anchored at the assets directory, otherwise it matches at any depth; `*`, `?`, `[…]`, `**`. A file
 * inside an ignored directory stays ignored (a directory cannot be re-included from within), so the walk can
 * skip ignored directories altogether. The three files wrangler never uploads from the root are always
 * ignored: `.assetsignore`, `_headers`, `_redirects` (a rule `!_headers` uploads it after all).
 */

export const ASSETS_IGNORE_FILE = ".assetsignore";
export const HEADERS_FILE = "_headers";
export const REDIRECTS_FILE = "_redirects";

/** What wrangler puts before the file's own rules. */
export const DEFAULT_IGNORE_RULES: readonly string[] = [`/${ASSETS_IGNORE_FILE}`, `/${HEADERS_FILE}`, `/${REDIRECTS_FILE}`];

interface IgnoreRule {
  negated: boolean;
  directoryOnly: boolean;
  regex: RegExp;
}

/** `path` relative to the assets directory, `/` separators, no leading `/`. */
export type IgnoreMatcher = (relativePath: string, isDirectory: boolean) => boolean;

const REGEX_SPECIALS = /[.+^${}()|\\\]]/;

/** Glob (already without its leading `/` and trailing `/`) → regex source for the whole path. */
function globToRegexSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const atStart = i === 0 || glob[i - 1] === "/";
      const next = glob[i + 2];
      if (atStart && next === "/") {
        out += "(?:.*/)?"; // `**/`: any number of directories, none included
        i += 2;
      } else if (atStart && next === undefined) {
        out += ".*"; // `/**` at the end: everything inside
        i += 1;
      } else {
        out += "[^/]*"; // `**` elsewhere is an ordinary `*`
        i += 1;
      }
    } else if (c === "*") {
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "\\" && i + 1 < glob.length) {
      const next = glob[++i]!;
      out += REGEX_SPECIALS.test(next) || next === "[" || next === "*" || next === "?" ? `\\${next}` : next;
    } else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
      } else {
        const body = glob.slice(i + 1, close);
        const negated = body.startsWith("!") || body.startsWith("^");
        out += `[${negated ? "^" : ""}${(negated ? body.slice(1) : body).replace(/[\\\]]/g, "\\$&")}]`;
        i = close;
      }
    } else {
      out += REGEX_SPECIALS.test(c) ? `\\${c}` : c;
    }
  }
  return out;
}

/** One line of an ignore file → a rule, or undefined for blank lines and comments. */
export function parseIgnoreLine(raw: string): IgnoreRule | undefined {
  // Trailing whitespace is dropped, except a space escaped with a backslash.
  let line = raw.replace(/(?<!\\)\s+$/, "");
  if (line === "" || line.startsWith("#")) return undefined;
  let negated = false;
  if (line.startsWith("!")) {
    negated = true;
    line = line.slice(1);
  } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
    line = line.slice(1);
  }
  let directoryOnly = false;
  if (line.endsWith("/")) {
    directoryOnly = true;
    line = line.replace(/\/+$/, "");
  }
  const anchored = line.includes("/");
  const glob = line.replace(/^\/+/, "");
  if (glob === "") return undefined;
  const body = globToRegexSource(glob);
  return { negated, directoryOnly, regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) };
}

export interface AssetsIgnore {
  /** Whether a path is ignored, its parent directories included. */
  ignores: IgnoreMatcher;
  /** The same verdict for a path whose parent directories are known not to be ignored (the walk). */
  ignoresEntry: IgnoreMatcher;
}

/** Wrangler's default rules followed by the lines of `.assetsignore` (undefined: there is none). */
export function compileIgnore(assetsIgnoreText: string | undefined): AssetsIgnore {
  const lines = [...DEFAULT_IGNORE_RULES, ...(assetsIgnoreText === undefined ? [] : assetsIgnoreText.split("\n"))];
  const rules = lines.map(parseIgnoreLine).filter((r): r is IgnoreRule => r !== undefined);
  const ignoresEntry: IgnoreMatcher = (path, isDirectory) => {
    let ignored = false;
    for (const rule of rules) {
      if (rule.negated !== ignored) continue; // only a rule that could flip the verdict matters
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.regex.test(path)) ignored = !rule.negated;
    }
    return ignored;
  };
  const ignores: IgnoreMatcher = (path, isDirectory) => {
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) {
      if (ignoresEntry(segments.slice(0, i).join("/"), true)) return true;
    }
    return ignoresEntry(path, isDirectory);
  };
  return { ignores, ignoresEntry };
}
