/** Asset trees written to temporary folders for the assets tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempTree {
  dir: string;
  write(relative: string, content: string | Buffer): void;
  remove(relative: string): void;
  cleanup(): void;
}

export function tempTree(files: Record<string, string | Buffer> = {}): TempTree {
  const dir = mkdtempSync(join(tmpdir(), "assets-test-"));
  const tree: TempTree = {
    dir,
    write(relative, content) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    },
    remove(relative) {
      rmSync(join(dir, relative), { force: true, recursive: true });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const [relative, content] of Object.entries(files)) tree.write(relative, content);
  return tree;
}

/** `count` small distinct files `/f/0000.txt`, … */
export function numberedFiles(count: number, prefix = "f"): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`${prefix}/${String(i).padStart(4, "0")}.txt`] = `file ${prefix} ${i}\n`;
  return files;
}
