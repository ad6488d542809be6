/**
 * The benchmark's site: a deterministic tree of about 2,000 files and 50 MB (text pages, styles and scripts,
 * images, fonts) in about 40 folders, and the "1% changed" edit of it. Same seed, same bytes, every run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface GeneratedTree {
  dir: string;
  files: string[];
  totalBytes: number;
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(" ");

function textContent(random: () => number, size: number, kind: string): Buffer {
  const parts: string[] = [kind === "html" ? "<!doctype html><html><body>\n" : `/* ${kind} */\n`];
  let length = parts[0]!.length;
  while (length < size) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    parts.push(word, random() < 0.1 ? "\n" : " ");
    length += word.length + 1;
  }
  return Buffer.from(parts.join("")).subarray(0, size);
}

function binaryContent(random: () => number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let seed = Math.floor(random() * 0xffffffff) | 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    buffer.writeInt32LE(seed | 0, i);
  }
  for (let i = size - (size % 4); i < size; i++) buffer[i] = i & 255;
  return buffer;
}

const KINDS: { share: number; ext: string[]; min: number; max: number; binary: boolean }[] = [
  { share: 0.6, ext: ["html", "css", "js", "json", "svg"], min: 2_000, max: 30_000, binary: false },
  { share: 0.35, ext: ["png", "jpg", "webp"], min: 10_000, max: 70_000, binary: true },
  { share: 0.05, ext: ["woff2", "wasm", "mp4"], min: 10_000, max: 50_000, binary: true },
];

/** Writes the tree into `dir` (which must be empty or absent). */
export function generateTree(dir: string, fileCount = 2_000, seed = 6): GeneratedTree {
  const random = prng(seed);
  const folders = Array.from({ length: 40 }, (_, i) => (i === 0 ? "" : `section-${i % 8}/part-${i}`));
  const files: string[] = [];
  let totalBytes = 0;
  let index = 0;
  for (const kind of KINDS) {
    const count = Math.round(fileCount * kind.share);
    for (let i = 0; i < count && index < fileCount; i++, index++) {
      const ext = kind.ext[i % kind.ext.length]!;
      const size = Math.floor(kind.min + random() * (kind.max - kind.min));
      const folder = folders[Math.floor(random() * folders.length)]!;
      const relative = join(folder, `asset-${String(index).padStart(5, "0")}.${ext}`);
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, kind.binary ? binaryContent(random, size) : textContent(random, size, ext));
      files.push(relative);
      totalBytes += size;
    }
  }
  // Metafiles and ignored files, so that the benchmark also compares what each tool leaves out.
  writeFileSync(join(dir, ".assetsignore"), "# build leftovers\n*.map\ndrafts/\n/private-*\n!private-ok.txt\n");
  writeFileSync(join(dir, "_headers"), "/*\n  X-Content-Type-Options: nosniff\n");
  writeFileSync(join(dir, "_redirects"), "/old /new 301\n");
  const extra = [
    "asset-00000.js.map",
    "section-1/part-9/app.js.map",
    "drafts/wip.html",
    "drafts/nested/more.html",
    "private-a.txt",
    "private-ok.txt",
    "section-2/private-b.txt",
  ];
  for (const ignored of extra) {
    mkdirSync(dirname(join(dir, ignored)), { recursive: true });
    writeFileSync(join(dir, ignored), "not served\n");
  }
  return { dir, files, totalBytes };
}

/** Rewrites `fraction` of the files (evenly spread) with new content of the same size. Returns their paths. */
export function changeFraction(tree: GeneratedTree, fraction: number, seed = 66): string[] {
  const random = prng(seed);
  const step = Math.max(1, Math.round(1 / fraction));
  const changed = tree.files.filter((_, i) => i % step === 0);
  for (const relative of changed) {
    const path = join(tree.dir, relative);
    const size = Math.floor(2_000 + random() * 20_000);
    writeFileSync(path, binaryContent(random, size));
  }
  return changed;
}
