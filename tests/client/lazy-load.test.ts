/**
 * What a provider process loads before it sends a request. The engine starts a provider process for every
 * command, and a no-op preview's check and diff send nothing: undici (~0.1 s to load on a quiet machine,
 * ~0.7 s on a loaded one) is loaded with the first request body or connection. (esbuild cannot be probed
 * this way: tsx, which runs the probe, loads it itself.)
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ACCOUNT = "0123456789abcdef0123456789abcdef";

/** Runs `body` in a fresh Node process with the provider loaded; whether undici is in require.cache then. */
function undiciLoadedAfter(body: string): boolean {
  const script = `
    const provider = require("./provider");
    const loaded = (name) => Object.keys(require.cache).some((k) => k.includes("node_modules/" + name + "/"));
    (async () => {
      ${body}
      console.log(JSON.stringify(loaded("undici")));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const run = spawnSync(require.resolve("tsx/cli"), ["-e", script], {
    cwd: path.join(__dirname, "..", ".."),
    encoding: "utf8",
    env: { ...process.env, CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_API_BASE_URL: "" },
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

const inputs = {
  accountId: ACCOUNT,
  scriptName: "api",
  mainModule: "index.js",
  modules: { "index.js": { content: "export default { fetch() { return new Response('ok'); } };" } },
  compatibilityDate: "2025-09-01",
};

describe("a provider process loads undici only when it sends", () => {
  it("check and diff of a WorkerScript (a no-op preview's calls) do not load it", () => {
    expect(
      undiciLoadedAfter(`
        const checked = await provider.workerScriptProvider.check(${JSON.stringify(inputs)}, ${JSON.stringify(inputs)});
        if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
        await provider.workerScriptProvider.diff("${ACCOUNT}/api", checked.inputs, checked.inputs);`),
    ).toBe(false);
  }, 60_000);

  it("building a request body loads undici (the probe sees a loaded package)", () => {
    expect(
      undiciLoadedAfter(`
        require("./provider/cloudflare/multipart").buildSettingsForm({ logpush: true });`),
    ).toBe(true);
  }, 60_000);
});
