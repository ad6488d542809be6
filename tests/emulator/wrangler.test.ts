/**
 * Opt-in: drives a real, unmodified wrangler 4.x against the emulator. Skipped unless WRANGLER_BIN names a
 * wrangler executable (install it outside the repo: `mkdir /tmp/wr && cd /tmp/wr && npm i wrangler@4`).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { TestApi } from "./helpers";
import { emulatorEnv, useEmulator } from "../support";

const run = promisify(execFile);
const WRANGLER_BIN = process.env.WRANGLER_BIN;
const describeWithWrangler = WRANGLER_BIN ? describe : describe.skip;

describeWithWrangler("an unmodified wrangler against the emulator", () => {
  jest.setTimeout(180_000);
  const emulator = useEmulator({ keepState: true });
  const api = new TestApi(emulator);
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "emulator-wrangler-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const wrangler = async (cwd: string, args: string[], input?: string) => {
    const env = {
      ...process.env,
      ...emulatorEnv(emulator),
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CI: "true",
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, ".config"),
    };
    const child = run(WRANGLER_BIN!, args, { cwd, env, timeout: 120_000 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  };

  function project(name: string, files: Record<string, string>): string {
    const root = join(dir, name);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  it("deploys, redeploys, manages secrets, deploys assets and deletes, leaving the state it reports", async () => {
    const code = (greeting: string) =>
      `export default { async fetch(req, env) { return new Response("${greeting} " + env.GREETING); } };\n`;
    const hello = project("hello", {
      "src/index.js": code("hello"),
      "wrangler.toml":
        'name = "wr-hello"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\nworkers_dev = true\n\n[vars]\nGREETING = "world"\n',
    });
    await wrangler(hello, ["deploy"]);
    let settings = await api.call("GET", "/workers/scripts/wr-hello/settings");
    expect(settings.json.result.bindings).toEqual([{ type: "plain_text", name: "GREETING", text: "world" }]);
    expect((await api.call("GET", "/workers/scripts/wr-hello/subdomain")).json.result.enabled).toBe(true);

    writeFileSync(join(hello, "src/index.js"), code("hello again"));
    await wrangler(hello, ["deploy"]);
    expect((await api.call("GET", "/workers/scripts/wr-hello/content/v2")).raw.toString()).toContain("hello again");

    await wrangler(hello, ["secret", "put", "MY_SECRET"], "top-secret-value");
    expect((await api.call("GET", "/workers/scripts/wr-hello/secrets")).json.result).toEqual([{ name: "MY_SECRET", type: "secret_text" }]);
    expect(await wrangler(hello, ["secret", "list"])).toContain("MY_SECRET");
    await wrangler(hello, ["secret", "delete", "MY_SECRET"]);
    expect((await api.call("GET", "/workers/scripts/wr-hello/secrets")).json.result).toEqual([]);
    settings = await api.call("GET", "/workers/scripts/wr-hello/settings");
    expect(settings.json.result.bindings).toEqual([{ type: "plain_text", name: "GREETING", text: "world" }]);

    const site = project("site", {
      "public/index.html": "<h1>home</h1>",
      "public/css/style.css": "body{}",
      "wrangler.toml": 'name = "wr-site"\ncompatibility_date = "2025-01-01"\n\n[assets]\ndirectory = "./public"\n',
    });
    await wrangler(site, ["deploy"]);
    const list = await api.call("GET", "/workers/scripts");
    expect(list.json.result.find((s: { id: string }) => s.id === "wr-site")).toMatchObject({ has_assets: true });

    await wrangler(hello, ["delete"]);
    await wrangler(site, ["delete", "--name", "wr-site"]);
    expect((await api.call("GET", "/workers/scripts")).json.result).toEqual([]);
  });
});
