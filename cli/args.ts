/** Command-line arguments of `pulumi-cloudflare-workers`. Pure: argv in, options or a usage error out. */
import { parseArgs } from "node:util";
import { accountIdSchema, dispatchNamespaceNameSchema } from "../provider/cloudflare/schemas";

export const USAGE = `Usage: pulumi-cloudflare-workers import --account <id> --out <dir> [options]

Writes a Pulumi TypeScript program that adopts existing Cloudflare Workers (adopt: true on every resource):
their code (downloaded beside the program), bindings, compatibility settings, secrets (values from config
secrets), script settings and workers.dev subdomain. Its first \`pulumi up\` changes no Worker.

Options:
  --account <id>               the account (default: CLOUDFLARE_ACCOUNT_ID)
  --out <dir>                  the folder to write the program into
  --name <filter>              only Workers whose name contains <filter>
  --tags <tag[:yes|no],...>    only Workers with (or, with :no, without) these tags
  --dispatch-namespace <ns>    import Workers of this Workers for Platforms namespace instead of the account;
                               name them with --script (the API cannot list a namespace's Workers)
  --script <name>              with --dispatch-namespace: a Worker to import (repeat, or separate with commas)
  --project <name>             the Pulumi project name (default: the folder's name)
  --force                      overwrite a program already in --out
  -h, --help                   show this help

Credentials: CLOUDFLARE_API_TOKEN (or CLOUDFLARE_API_KEY + CLOUDFLARE_EMAIL); CLOUDFLARE_API_BASE_URL to
point at another endpoint (the emulator).`;

export class UsageError extends Error {}

export interface ImportArgs {
  command: "import";
  accountId: string;
  out: string;
  name?: string;
  tags?: string[];
  dispatchNamespace?: string;
  scripts?: string[];
  project?: string;
  force: boolean;
}

export type CliArgs = ImportArgs | { command: "help" };

function list(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const items = values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return items.length > 0 ? items : undefined;
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") return { command: "help" };
  if (command !== "import") throw new UsageError(`unknown command "${command}"; the command is: import`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        account: { type: "string" },
        out: { type: "string" },
        name: { type: "string" },
        tags: { type: "string", multiple: true },
        "dispatch-namespace": { type: "string" },
        script: { type: "string", multiple: true },
        project: { type: "string" },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { command: "help" };
  const accountId = v.account ?? env.CLOUDFLARE_ACCOUNT_ID;
  if (accountId === undefined || accountId === "") throw new UsageError("--account <id> is required (or set CLOUDFLARE_ACCOUNT_ID)");
  if (!accountIdSchema.safeParse(accountId).success)
    throw new UsageError(`--account: "${accountId}" is not an account id (32 lower-case hexadecimal characters)`);
  if (v.out === undefined || v.out === "") throw new UsageError("--out <dir> is required: the folder to write the program into");
  const dispatchNamespace = v["dispatch-namespace"];
  const scripts = list(v.script);
  if (dispatchNamespace !== undefined) {
    if (!dispatchNamespaceNameSchema.safeParse(dispatchNamespace).success)
      throw new UsageError(`--dispatch-namespace: "${dispatchNamespace}" is not a namespace name`);
    if (scripts === undefined)
      throw new UsageError(
        "--dispatch-namespace needs --script <name> for each Worker to import: the Cloudflare API cannot list the Workers of a namespace",
      );
    if (v.name !== undefined)
      throw new UsageError("--name works on the account's Workers; in a dispatch namespace, name the Workers with --script");
  } else if (scripts !== undefined) {
    throw new UsageError("--script only with --dispatch-namespace; on the account, select Workers with --name or --tags");
  }
  return {
    command: "import",
    accountId,
    out: v.out,
    name: v.name,
    tags: list(v.tags),
    dispatchNamespace,
    scripts,
    project: v.project,
    force: v.force === true,
  };
}
