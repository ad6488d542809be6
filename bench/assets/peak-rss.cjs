// Preloaded (NODE_OPTIONS=--require) into every Node process of a benchmarked command, wrangler's child
// processes included: at exit, appends "pid maxRSS-in-KiB" to the file named by BENCH_RSS_FILE.
"use strict";
const { appendFileSync } = require("node:fs");
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    try {
      appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS}\n`);
    } catch {
      // measuring must never break the measured command
    }
  });
}
