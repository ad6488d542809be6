/**
 * Step 2 of the import: the Pulumi TypeScript program, as files, from what step 1 read. Pure: the same
 * account gives the same files, byte for byte.
 *
 * The program's inputs are exactly what the resources' reads report for the live Workers, so its first
 * `pulumi up` adopts them as they are and the next diff is empty:
 * - WorkerScript: modules by `path` (the files written beside the program, with their type), every binding
 *   but secrets, and the versioned configuration where it differs from the API's defaults (read through
 *   WorkerScript's own table, worker-config.ts); secrets are left out of the bindings (WorkerSecret owns them
 *   and keepBindings carries them over).
 * - WorkerSecret: one per secret; values come from config secrets, because the API never returns them.
 * - WorkerScriptSettings and WorkerSubdomain (account Workers): the live values.
 * - WorkerCronTrigger, WorkerRoute (one per pattern) and WorkerCustomDomain (one per hostname): what the
 *   account's schedules, zone routes and custom domains hold for the Worker.
 * - WorkerQueueConsumer (one per queue the Worker consumes, by queue name, with the live settings) and
 *   Workflow (one per Workflow whose class the Worker exports).
 * - DispatchNamespace (namespace imports): adopted and protected, since deleting it deletes its Workers.
 */
import * as path from "node:path";
import type { ImportedAccount, ImportedWorker } from "./collect";
import { comment, identifierFor, tsLiteral, UniqueNames } from "./ts-source";

export interface RenderOptions {
  /** Pulumi project name. */
  project: string;
  /** Version range of pulumi-cloudflare-workers for the program's package.json. */
  packageVersion: string;
  /** Shown in the header; omitted when undefined (tests compare output byte for byte). */
  generatedAt?: string;
}

export interface GeneratedFile {
  /** Relative to the program folder, with `/` separators. */
  path: string;
  content: string | Uint8Array;
}

export interface SecretToSet {
  configKey: string;
  scriptName: string;
  secretName: string;
  type: string;
}

export interface RenderedProgram {
  files: GeneratedFile[];
  /** The config secrets the user must set before the first `pulumi up`. */
  secrets: SecretToSet[];
  warnings: { scriptName: string; message: string }[];
}

const PULUMI_VERSION_RANGE = "^3.150.0";

/** Where a Worker's modules are written, relative to the program folder. */
export function moduleDir(worker: ImportedWorker): string {
  return path.posix.join("workers", ...(worker.dispatchNamespace ? [worker.dispatchNamespace] : []), worker.scriptName);
}

function configKeyFor(worker: ImportedWorker, secretName: string): string {
  return [worker.dispatchNamespace, worker.scriptName, secretName].filter((p) => p !== undefined).join("_");
}

function secretExample(secret: SecretToSet): string {
  if (secret.type === "secret_key") {
    return `pulumi config set --secret ${secret.configKey} '{"format":"raw","algorithm":{"name":"HMAC","hash":"SHA-256"},"usages":["sign","verify"],"keyBase64":"<base64 key>"}'`;
  }
  return `pulumi config set --secret ${secret.configKey} '<value>'`;
}

function workerBlock(
  worker: ImportedWorker,
  names: UniqueNames,
  resourceNames: UniqueNames,
  secrets: SecretToSet[],
  namespaceVar: string | undefined,
): string {
  const variable = names.take(identifierFor(worker.scriptName));
  const baseName = resourceNames.take(
    worker.dispatchNamespace ? `${worker.dispatchNamespace}-${worker.scriptName}` : worker.scriptName,
    "-",
  );
  const dir = moduleDir(worker);
  const lines: string[] = [];
  const where = worker.dispatchNamespace ? ` in dispatch namespace "${worker.dispatchNamespace}"` : "";

  lines.push(comment([`Worker "${worker.scriptName}"${where}${worker.etag ? ` (content etag ${worker.etag.slice(0, 12)}…)` : ""}`]));
  if (worker.warnings.length > 0) lines.push(comment(worker.warnings.map((w) => `WARNING: ${w}`)));

  const modules = Object.fromEntries(worker.modules.map((m) => [m.name, { path: `${dir}/${m.name}`, type: m.type }]));
  const scriptArgs: Record<string, unknown> = {
    scriptName: worker.scriptName,
    mainModule: worker.mainModule ?? worker.modules[0]?.name,
    modules,
    bindings: worker.bindings.length > 0 ? worker.bindings : undefined,
    ...worker.configuration,
    adopt: true,
  };
  lines.push(`const ${variable} = new WorkerScript(${JSON.stringify(baseName)}, ${argsLiteral(scriptArgs, namespaceVar)});`);

  const scriptRef = `${variable}.scriptName`;
  for (const secret of worker.secrets) {
    const configKey = configKeyFor(worker, secret.name);
    const toSet = { configKey, scriptName: worker.scriptName, secretName: secret.name, type: secret.type };
    secrets.push(toSet);
    const resourceName = resourceNames.take(`${baseName}-${secret.name}`, "-");
    lines.push("");
    if (secret.type === "secret_key") {
      lines.push(
        comment([
          `secret_key ${secret.name}: neither its key nor its format, algorithm and usages can be read from the API.`,
          `Set them as one JSON config secret before the first \`pulumi up\`:`,
          `  ${secretExample(toSet)}`,
        ]),
      );
      lines.push(
        `new WorkerSecret(${JSON.stringify(resourceName)}, ${argsLiteral({ scriptName: raw(scriptRef), name: secret.name, secretKey: raw(`config.requireSecretObject<WorkerSecretKeyArgs>(${JSON.stringify(configKey)})`), adopt: true }, namespaceVar)});`,
      );
    } else {
      lines.push(
        comment([`Secret values cannot be read from the API. Set this one before the first \`pulumi up\`:`, `  ${secretExample(toSet)}`]),
      );
      if (secret.type !== "secret_text")
        lines.push(comment([`WARNING: the API reports type "${secret.type}"; WorkerSecret manages secret_text and secret_key.`]));
      lines.push(
        `new WorkerSecret(${JSON.stringify(resourceName)}, ${argsLiteral({ scriptName: raw(scriptRef), name: secret.name, text: raw(`config.requireSecret(${JSON.stringify(configKey)})`), adopt: true }, namespaceVar)});`,
      );
    }
  }

  if (worker.scriptSettings) {
    lines.push("");
    lines.push(
      `new WorkerScriptSettings(${JSON.stringify(resourceNames.take(`${baseName}-settings`, "-"))}, ${argsLiteral({ scriptName: raw(scriptRef), ...worker.scriptSettings, adopt: true }, namespaceVar)});`,
    );
  }
  if (worker.subdomain) {
    lines.push("");
    lines.push(
      `new WorkerSubdomain(${JSON.stringify(resourceNames.take(`${baseName}-subdomain`, "-"))}, ${argsLiteral({ scriptName: raw(scriptRef), ...worker.subdomain, adopt: true }, namespaceVar)});`,
    );
  }
  if (worker.crons && worker.crons.length > 0) {
    lines.push("");
    lines.push(
      `new WorkerCronTrigger(${JSON.stringify(resourceNames.take(`${baseName}-crons`, "-"))}, ${argsLiteral({ scriptName: raw(scriptRef), crons: worker.crons, adopt: true }, namespaceVar)});`,
    );
  }
  (worker.routes ?? []).forEach((route, i) => {
    lines.push("");
    // Routes belong to a zone, not to the account: no accountId.
    lines.push(
      `new WorkerRoute(${JSON.stringify(resourceNames.take(`${baseName}-route-${i + 1}`, "-"))}, ${argsLiteral({ zoneId: route.zoneId, pattern: route.pattern, scriptName: raw(scriptRef), adopt: true }, undefined, false)});`,
    );
  });
  for (const domain of worker.customDomains ?? []) {
    lines.push("");
    lines.push(
      `new WorkerCustomDomain(${JSON.stringify(resourceNames.take(`${baseName}-${domain.hostname}`, "-"))}, ${argsLiteral({ hostname: domain.hostname, scriptName: raw(scriptRef), zoneId: domain.zoneId, adopt: true }, namespaceVar)});`,
    );
  }
  for (const { queueName, ...settings } of worker.queueConsumers ?? []) {
    lines.push("");
    lines.push(
      `new WorkerQueueConsumer(${JSON.stringify(resourceNames.take(`${baseName}-consumes-${queueName}`, "-"))}, ${argsLiteral({ queueName, scriptName: raw(scriptRef), ...settings, adopt: true }, undefined)});`,
    );
  }
  for (const workflow of worker.workflows ?? []) {
    lines.push("");
    lines.push(
      `new Workflow(${JSON.stringify(resourceNames.take(`${baseName}-workflow-${workflow.workflowName}`, "-"))}, ${argsLiteral({ workflowName: workflow.workflowName, scriptName: raw(scriptRef), className: workflow.className, adopt: true }, undefined)});`,
    );
  }
  return lines.join("\n");
}

/** Source text that is inserted as it is (references to other resources, config reads). */
class Raw {
  constructor(readonly text: string) {}
}
function raw(text: string): Raw {
  return new Raw(text);
}

/** `{ accountId, [dispatchNamespace,] …args }` as a literal; Raw values are written as code. */
function argsLiteral(args: Record<string, unknown>, namespaceVar: string | undefined, withAccount = true): string {
  const lines = withAccount ? ["  accountId,"] : [];
  if (namespaceVar !== undefined) lines.push(`  dispatchNamespace: ${namespaceVar}.name,`);
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    lines.push(`  ${key}: ${value instanceof Raw ? value.text : tsLiteral(value, "  ")},`);
  }
  return `{\n${lines.join("\n")}\n}`;
}

function header(account: ImportedAccount, secrets: SecretToSet[], options: RenderOptions): string {
  const scope = account.dispatchNamespace
    ? `dispatch namespace "${account.dispatchNamespace}" of account ${account.accountId}`
    : `account ${account.accountId}`;
  const lines = [
    `Generated by \`pulumi-cloudflare-workers import\` from ${scope}${options.generatedAt ? ` on ${options.generatedAt}` : ""}.`,
    "",
    `Every resource takes over what already exists (adopt: true), with the configuration read from the API, so the`,
    `first \`pulumi up\` adopts the Workers as they are and the next \`pulumi preview\` shows no change. Each Worker's`,
    `code was downloaded into workers/<name>/ and is uploaded from there when you change it.`,
  ];
  if (secrets.length > 0) {
    lines.push(
      "",
      "Secret values cannot be read from the Cloudflare API. This program takes them from config secrets; set every",
      "one before the first `pulumi up` (the value deployed today is replaced by the one you set):",
      ...secrets.map((s) => `  ${secretExample(s)}`),
    );
  }
  lines.push("", "Credentials: `pulumi config set --secret cloudflare:apiToken …` or CLOUDFLARE_API_TOKEN in the environment.");
  return comment(lines);
}

function indexSource(account: ImportedAccount, options: RenderOptions): { source: string; secrets: SecretToSet[] } {
  const secrets: SecretToSet[] = [];
  const names = new UniqueNames(["config", "accountId", "pulumi", "namespace"]);
  const resourceNames = new UniqueNames();
  const blocks: string[] = [];
  const imports = new Set<string>(["WorkerScript"]);
  for (const worker of account.workers) {
    if (worker.secrets.length > 0) imports.add("WorkerSecret");
    if (worker.secrets.some((s) => s.type === "secret_key")) imports.add("type WorkerSecretKeyArgs");
    if (worker.scriptSettings) imports.add("WorkerScriptSettings");
    if (worker.subdomain) imports.add("WorkerSubdomain");
    if (worker.crons && worker.crons.length > 0) imports.add("WorkerCronTrigger");
    if (worker.routes && worker.routes.length > 0) imports.add("WorkerRoute");
    if (worker.customDomains && worker.customDomains.length > 0) imports.add("WorkerCustomDomain");
    if (worker.queueConsumers && worker.queueConsumers.length > 0) imports.add("WorkerQueueConsumer");
    if (worker.workflows && worker.workflows.length > 0) imports.add("Workflow");
  }

  let namespaceVar: string | undefined;
  if (account.dispatchNamespace !== undefined) {
    imports.add("DispatchNamespace");
    namespaceVar = "namespace";
    blocks.push(
      [
        comment([
          `The dispatch namespace, adopted as it is. Deleting this resource deletes the namespace AND EVERY WORKER IN IT,`,
          `including Workers this program does not declare: it is protected; remove protect only if you mean that.`,
        ]),
        `const ${namespaceVar} = new DispatchNamespace(${JSON.stringify(resourceNames.take(account.dispatchNamespace))}, { accountId, name: ${JSON.stringify(account.dispatchNamespace)}, adopt: true }, { protect: true });`,
      ].join("\n"),
    );
  }
  for (const worker of account.workers) blocks.push(workerBlock(worker, names, resourceNames, secrets, namespaceVar));
  if (account.workers.length === 0) blocks.push(comment(["No Worker matched the filters of the import."]));

  const order = [
    "DispatchNamespace",
    "WorkerCronTrigger",
    "WorkerCustomDomain",
    "WorkerQueueConsumer",
    "WorkerRoute",
    "WorkerScript",
    "WorkerScriptSettings",
    "WorkerSecret",
    "WorkerSubdomain",
    "Workflow",
    "type WorkerSecretKeyArgs",
  ];
  const importList = order.filter((name) => imports.has(name)).join(", ");
  const source = [
    header(account, secrets, options),
    `import * as pulumi from "@pulumi/pulumi";`,
    `import { ${importList} } from "pulumi-cloudflare-workers";`,
    "",
    `const config = new pulumi.Config();`,
    `const accountId = config.get("accountId") ?? ${JSON.stringify(account.accountId)};`,
    "",
    blocks.join("\n\n"),
    "",
  ].join("\n");
  return { source, secrets };
}

/** The program's files: Pulumi.yaml, package.json, tsconfig.json, index.ts and every Worker's modules. */
export function renderProgram(account: ImportedAccount, options: RenderOptions): RenderedProgram {
  const { source, secrets } = indexSource(account, options);
  const description = account.dispatchNamespace
    ? `Workers of dispatch namespace ${account.dispatchNamespace}, adopted by pulumi-cloudflare-workers import`
    : `Workers of account ${account.accountId}, adopted by pulumi-cloudflare-workers import`;
  const files: GeneratedFile[] = [
    {
      path: "Pulumi.yaml",
      content: `name: ${options.project}\ndescription: ${JSON.stringify(description)}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
    },
    {
      path: "package.json",
      content: `${JSON.stringify(
        {
          name: options.project,
          private: true,
          main: "index.ts",
          devDependencies: { "@types/node": "^22.0.0", typescript: "^5.0.0" },
          dependencies: { "@pulumi/pulumi": PULUMI_VERSION_RANGE, "pulumi-cloudflare-workers": options.packageVersion },
        },
        null,
        2,
      )}\n`,
    },
    {
      path: "tsconfig.json",
      content: `${JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            outDir: "bin",
            target: "es2020",
            module: "commonjs",
            moduleResolution: "node",
            sourceMap: true,
            skipLibCheck: true,
            forceConsistentCasingInFileNames: true,
          },
          files: ["index.ts"],
        },
        null,
        2,
      )}\n`,
    },
    { path: "index.ts", content: source },
  ];
  for (const worker of account.workers) {
    for (const module of worker.modules) files.push({ path: `${moduleDir(worker)}/${module.name}`, content: module.content });
  }
  const warnings = account.workers.flatMap((w) => w.warnings.map((message) => ({ scriptName: w.scriptName, message })));
  return { files, secrets, warnings };
}
