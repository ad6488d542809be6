// One deployment of an assets-only Worker by this provider's code, as a separate process so that its wall
// time and peak memory can be set beside wrangler's: check (manifest + hashes), upload, Worker upload.
// Plain CommonJS over the build output (dist/), as an installed package runs: `npm run bench` builds first.
// Usage: node deploy-ours.cjs <assets directory> <script name>; prints one JSON line.
"use strict";
const started = performance.now();
const { checkAssets, deployAssets } = require("../../dist/provider/resources/assets");
const { getDefaultClient, uploadScript } = require("../../dist/provider/cloudflare");

async function main() {
  const [directory, scriptName] = process.argv.slice(2);
  const scope = { accountId: process.env.CLOUDFLARE_ACCOUNT_ID };
  const { failures, assets } = await checkAssets({ directory });
  if (!assets) throw new Error(failures.map((f) => f.reason).join("; "));
  const checked = performance.now();
  const deployed = await deployAssets(scope, scriptName, assets);
  const uploaded = performance.now();
  await uploadScript(getDefaultClient(), scope, scriptName, {
    metadata: { assets: { jwt: deployed.jwt, config: deployed.config } },
    modules: [],
  });
  const done = performance.now();
  process.stdout.write(
    JSON.stringify({
      files: assets.fileCount,
      bytes: assets.totalBytes,
      checkMs: checked - started,
      uploadMs: uploaded - checked,
      workerUploadMs: done - uploaded,
      report: deployed.report,
    }) + "\n",
  );
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
