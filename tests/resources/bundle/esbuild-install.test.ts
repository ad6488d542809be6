/**
 * esbuild reaches a user's install with its platform binary and no install script: npm 11 runs no dependency's
 * scripts unless approved, and esbuild's binary comes in its optional `@esbuild/<platform>` package (its own
 * postinstall only checks and optimises). Proved on a fresh project installing this package's esbuild with
 * scripts off, then bundling with it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version: string; dev?: boolean; optional?: boolean }>;
};

describe("esbuild as a dependency", () => {
  jest.setTimeout(180_000);

  it("is a runtime dependency at one exact version, its platform packages installed for users too (not dev-only)", () => {
    const version = manifest.dependencies.esbuild;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.packages["node_modules/esbuild"]).toMatchObject({ version });
    expect(lock.packages["node_modules/esbuild"]!.dev).toBeUndefined();
    const platform = `node_modules/@esbuild/${process.platform}-${process.arch}`;
    expect(lock.packages[platform]).toMatchObject({ version, optional: true });
    expect(lock.packages[platform]!.dev).toBeUndefined();
  });

  it("bundles in a fresh project installed with --ignore-scripts", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfw-esbuild-install-"));
    try {
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({ name: "fresh", private: true, dependencies: { esbuild: manifest.dependencies.esbuild } }),
      );
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      execFileSync(npm, ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
        cwd: dir,
        stdio: "pipe",
      });
      const out = execFileSync(
        process.execPath,
        [
          "-e",
          `require("esbuild").build({ stdin: { contents: "export default { fetch: () => new Response(1 + 1) }" }, bundle: true, format: "esm", write: false })
             .then((r) => console.log(r.outputFiles[0].text))`,
        ],
        { cwd: dir, encoding: "utf8" },
      );
      expect(out).toContain("new Response(1 + 1)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
