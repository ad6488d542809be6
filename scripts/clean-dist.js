// Empties dist/ before a build: tsc writes the output of every source but never deletes the output of a source
// that was removed or renamed, and `npm pack` ships whatever dist/ holds.
const fs = require("node:fs");
const path = require("node:path");

fs.rmSync(path.join(__dirname, "..", "dist"), { recursive: true, force: true });
