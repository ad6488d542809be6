// Run by scripts/prepare.js (`prepare`, after every `npm install` / `npm ci` in this repo): links node_modules/pulumi-cloudflare-workers
// to the repo itself, as `npm install pulumi-cloudflare-workers` does in a user's project. A stack program run
// in place (`cd examples/worker-with-bindings && pulumi up`) serializes providers that `require()` the package
// by name from inside @pulumi/pulumi's dynamic-provider host, and that lookup only finds node_modules/.
const fs = require("node:fs");
const path = require("node:path");

const link = path.join(__dirname, "..", "node_modules", require("../package.json").name);
try {
  if (fs.readlinkSync(link) === "..") process.exit(0);
  fs.rmSync(link, { force: true });
} catch {
  // absent: make it
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
