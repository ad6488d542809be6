import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { request } from "undici";
import { parseCliArgs } from "../../emulator/cli";

describe("the emulator CLI's arguments", () => {
  it("defaults to port 8787 and reads every option, in both --flag value and --flag=value forms", () => {
    expect(parseCliArgs([])).toEqual({ port: 8787 });
    expect(
      parseCliArgs(["--port", "0", "--host=127.0.0.2", "--token", "a", "--token=b", "--latency-ms", "5", "--state-file", "/tmp/s.json"]),
    ).toEqual({
      port: 0,
      host: "127.0.0.2",
      tokens: ["a", "b"],
      latencyMs: 5,
      stateFile: "/tmp/s.json",
    });
  });

  it("refuses unknown options and bad numbers", () => {
    expect(() => parseCliArgs(["--prot", "1"])).toThrow(/unknown option --prot/);
    expect(() => parseCliArgs(["--port", "abc"])).toThrow(/non-negative integer/);
    expect(() => parseCliArgs(["--token"])).toThrow(/needs a value/);
  });
});

describe("the emulator CLI", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGTERM");
    child = undefined;
  });

  it("prints the base URL, the token and the env vars to export, and serves the API there", async () => {
    const tsx = join(__dirname, "../../node_modules/.bin/tsx");
    child = spawn(tsx, [join(__dirname, "../../emulator/cli.ts"), "--port", "0", "--token", "cli-token"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = await new Promise<string>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`no banner in time: ${text}`)), 20_000);
      child!.stdout!.on("data", (d: Buffer) => {
        text += d.toString();
        if (text.includes("CLOUDFLARE_ACCOUNT_ID=")) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      child!.once("exit", (code) => reject(new Error(`exited with ${code}: ${text}`)));
    });
    const url = /export CLOUDFLARE_API_BASE_URL=(\S+)/.exec(output)?.[1];
    const account = /export CLOUDFLARE_ACCOUNT_ID=(\S+)/.exec(output)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/client\/v4$/);
    expect(output).toContain("export CLOUDFLARE_API_TOKEN=cli-token");
    expect(account).toMatch(/^[0-9a-f]{32}$/);
    const res = await request(`${url}/accounts/${account}/workers/scripts`, { headers: { authorization: "Bearer cli-token" } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ success: true, result: [] });
  });
});
