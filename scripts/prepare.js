// `prepare`: npm runs it after `npm install` / `npm ci` in this repository, before `npm pack` / `npm publish`,
// and in the temporary clone it makes for a git dependency (`npm install <git url>`, with devDependencies
// installed there, not in the user's project: https://docs.npmjs.com/cli/v11/using-npm/scripts#prepare-and-prepublish).
// 1. Build dist/ afresh (the package's entry points, ignored by git) when it is missing or older than a source file,
//    so every one of those paths yields runnable code. `tsc --noCheck` emits the same JavaScript and
//    declarations without type-checking (about a fifth of the CPU time and a third of the memory of a checked
//    build): checking is `npm run typecheck`'s job, and a user installing from git only needs the output.
// 2. Link node_modules/pulumi-cloudflare-workers to this folder (scripts/link-self.js), for examples run in place.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const SOURCES = ["provider", "sdk", "emulator", "cli"];
const ENTRY = path.join(root, "dist", "sdk", "index.js");

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!fs.existsSync(ENTRY)) return true;
  const built = fs.statSync(ENTRY).mtimeMs;
  return SOURCES.some((dir) => fs.existsSync(path.join(root, dir)) && newestSource(path.join(root, dir)) > built);
}

if (isStale()) {
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  } catch {
    console.error("pulumi-cloudflare-workers: cannot build dist/: TypeScript is not installed (run `npm install` with devDependencies)");
    process.exit(1);
  }
  require("./clean-dist.js");
  const build = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // tsc leaves an unchanged output file alone: mark the build done.
  const now = new Date();
  fs.utimesSync(ENTRY, now, now);
}

require("./link-self.js");
