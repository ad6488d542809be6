#!/usr/bin/env node
/**
 * `cloudflare-workers-emulator` (and `npm run emulator -- …`): starts the emulator and prints the base URL,
 * the token to use and the environment variables a client (wrangler, this package) needs.
 *
 *   --port <n>         default 8787          --host <addr>        default 127.0.0.1
 *   --token <t>        accepted API token (repeatable; default emulator-dev-token)
 *   --latency-ms <n>   added to every request --state-file <path>  persist state as JSON
 *   --zone <name>[=<id>]  a zone for routes and custom domains (repeatable; default example.com)
 *   --rate-limit <n>[/<seconds>]  enforce the API's rate limit: n requests per window (default 300 s), e.g. 1200/300
 */
import "../provider/node-version"; // first: refuses a Node.js older than the floor in one line, before undici loads
import { createHash } from "node:crypto";
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_TOKEN, DEFAULT_ZONE, startEmulator, type EmulatorOptions, type ZoneOption } from "./index";

const USAGE =
  "usage: cloudflare-workers-emulator [--port 8787] [--host 127.0.0.1] [--token T]... [--latency-ms N] [--state-file PATH] [--rate-limit N[/SECONDS]] [--zone NAME[=ID]]... [--run-workers [--run-crons]]";

export function parseCliArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = { port: 8787 };
  const tokens: string[] = [];
  const zones: ZoneOption[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const int = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (flag) {
      case "--port":
        options.port = int();
        break;
      case "--host":
        options.host = value();
        break;
      case "--token":
        tokens.push(value());
        break;
      case "--latency-ms":
        options.latencyMs = int();
        break;
      case "--state-file":
        options.stateFile = value();
        break;
      case "--zone": {
        // `name=id`, or a name alone: its id is derived from the name, so it is the same every run.
        const [name, id] = value().split("=") as [string, string | undefined];
        zones.push({ name, id: id ?? createHash("sha256").update(name.toLowerCase()).digest("hex").slice(0, 32) });
        break;
      }
      case "--rate-limit": {
        const v = value();
        const m = /^(\d+)(?:\/(\d+(?:\.\d+)?))?$/.exec(v);
        if (m === null || Number(m[1]) < 1 || (m[2] !== undefined && !(Number(m[2]) > 0))) {
          throw new Error(`${flag} takes requests[/seconds], e.g. 1200/300 (Cloudflare's limit), got ${JSON.stringify(v)}`);
        }
        options.rateLimit = { requests: Number(m[1]), windowMs: m[2] === undefined ? 300_000 : Number(m[2]) * 1000 };
        break;
      }
      case "--run-workers":
        options.runWorkers = true;
        break;
      case "--run-crons":
        options.runCrons = true;
        break;
      case "--help":
      case "-h":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (tokens.length > 0) options.tokens = tokens;
  if (zones.length > 0) options.zones = zones;
  if (options.runCrons === true && options.runWorkers !== true)
    throw new Error(`--run-crons runs the deployed Workers' schedules: add --run-workers\n${USAGE}`);
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  const token = options.tokens?.[0] ?? DEFAULT_EMULATOR_TOKEN;
  console.log(`Cloudflare Workers API emulator listening on ${emulator.url}`);
  console.log(`API token: ${token}`);
  if (options.rateLimit)
    console.log(
      `Rate limit: ${options.rateLimit.requests} requests per ${options.rateLimit.windowMs / 1000} s per credential (429, code 971, over it)`,
    );
  console.log("");
  console.log(`export CLOUDFLARE_API_BASE_URL=${emulator.url}`);
  console.log(`export CLOUDFLARE_API_TOKEN=${token}`);
  console.log(`export CLOUDFLARE_ACCOUNT_ID=${DEFAULT_ACCOUNT_ID}`);
  console.log("");
  for (const zone of options.zones ?? [DEFAULT_ZONE]) console.log(`zone ${zone.name}: ${zone.id}`);
  if (emulator.workers !== undefined) {
    const origin = new URL(emulator.url).origin;
    console.log("");
    console.log(`Deployed Workers answer on ${origin}: by Host (<script>.<subdomain>.workers.dev, custom domains, routes)`);
    console.log(`or at ${origin}/__workers/<script>/; fire a cron: POST ${origin}/__emulator/scheduled {"script":"<name>"}`);
  }
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
