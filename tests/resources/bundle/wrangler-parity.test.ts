/**
 * Opt-in, like tests/emulator/wrangler.test.ts: the same entry bundled by a real wrangler 4.x and by this
 * package yields the same modules with the same types. Skipped unless WRANGLER_BIN names a wrangler
 * executable (installing wrangler pulls workerd, ~100 MB: `npm i --prefix ~/.cache/wrangler wrangler@4`, then
 * WRANGLER_BIN=~/.cache/wrangler/node_modules/.bin/wrangler).
 *
 * The names come from `wrangler deploy --dry-run --outdir` (the files it would upload); the types from a
 * real `wrangler deploy` to the emulator, which keeps each part's content type as wrangler sent it.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_EMULATOR_TOKEN } from "../../../emulator";
import { getScriptContent } from "../../../provider/cloudflare";
import { bundleWorker } from "../../../provider/resources/bundle";
import { ACCOUNT, client, scope, useEmulator } from "../../support";
import { writeProject, type Project } from "./project";

const run = promisify(execFile);
const WRANGLER_BIN = process.env.WRANGLER_BIN;
const describeWithWrangler = WRANGLER_BIN ? describe : describe.skip;

describeWithWrangler("the same entry bundled by wrangler and by this package", () => {
  jest.setTimeout(180_000);
  const emulator = useEmulator();
  let project: Project;
  beforeAll(() => {
    project = writeProject({ "wrangler.toml": 'name = "parity"\nmain = "src/index.ts"\ncompatibility_date = "2025-09-01"\n' });
  });
  afterAll(() => project.remove());

  const wrangler = async (args: string[]) =>
    run(WRANGLER_BIN!, args, {
      cwd: project.dir,
      timeout: 120_000,
      env: {
        ...process.env,
        CLOUDFLARE_API_BASE_URL: emulator.url,
        CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
        CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
        WRANGLER_SEND_METRICS: "false",
        CI: "true",
        HOME: project.dir,
        XDG_CONFIG_HOME: join(project.dir, ".config"),
      },
    });

  it("yields the same set of modules with the same types, and the same main module bytes", async () => {
    await wrangler(["deploy", "--dry-run", "--outdir", "out"]);
    // The dry run also writes its (not uploaded, upload_source_maps is off) source map and a README.
    const wranglerNames = readdirSync(join(project.dir, "out"))
      .filter((f) => f !== "README.md" && !f.endsWith(".map"))
      .sort();
    await wrangler(["deploy"]);
    const deployed = await getScriptContent(client(), scope, "parity");
    // Wrangler writes "./" before an additional module's name; the API resolves both alike.
    const wranglerModules = deployed.modules.map((m) => [m.name.replace(/^\.\//, ""), m.contentType]).sort();

    const ours = (await bundleWorker({ entryPoint: "src/index.ts" }, { compatibilityDate: "2025-09-01", cwd: project.dir })).bundle!;
    const ourModules = ours.modules.map((m) => [m.name, m.contentType]).sort();

    expect(ourModules.map(([name]) => name)).toEqual(wranglerNames);
    expect(ourModules).toEqual(wranglerModules);
    expect(deployed.mainModule).toBe(ours.mainModule);
    // Wrangler always builds a source map and links it; without it the JavaScript is byte for byte ours.
    const theirs = readFileSync(join(project.dir, "out", "index.js"), "utf8").replace(/\/\/# sourceMappingURL=index\.js\.map\n$/, "");
    expect(Buffer.from(ours.modules[0]!.content).toString("utf8")).toBe(theirs);
  });
});
