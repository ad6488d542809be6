/**
 * Client configuration, always read when a request is made (never at import), so a long-lived provider
 * process sees the stack configuration it was handed and the environment it runs in.
 *
 * Precedence for every setting: explicit client option > stack configuration (handed to the dynamic
 * provider's `configure`) > environment (`CLOUDFLARE_*`, the names wrangler uses) > default. Pulumi users
 * expect what they put in the stack to win over whatever happens to be exported in the shell.
 *
 * The `cloudflare:` namespace belongs to @pulumi/cloudflare, which refuses keys it does not define
 * ("is not a valid configuration key for the cloudflare provider", pulumi/pulumi-terraform-bridge#1663), so
 * only keys its v6 defines are read there (`apiToken`, `apiKey`, `email`, `baseUrl`), and both providers
 * live in one stack. Settings of this package only live under `cloudflare-workers:`.
 * Credentials are resolved source by source: the first source holding a complete credential (a token, or
 * an email together with a Global API key) is used, and a token wins over a key within one source.
 */
import { CloudflareConfigError } from "./errors";

export const DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Settings a program gives a client explicitly (`new CloudflareClient({...})`): each wins over the stack
 * configuration and the environment. The client's other options (hooks, limiter) are in client.ts.
 */
export interface ExplicitSettings {
  /** Explicit credentials override stack configuration and environment. */
  apiToken?: string;
  apiKey?: string;
  email?: string;
  /** Default: see resolveBaseUrl. */
  baseUrl?: string;
  /** Default account. */
  accountId?: string;
  /** Per attempt (connect, headers and body). Default: `cloudflare-workers:timeoutMs`, CLOUDFLARE_WORKERS_TIMEOUT_MS, 60 s. */
  timeoutMs?: number;
  /** Attempts for a request that may be repeated, default 5. */
  maxAttempts?: number;
}

/** The stack configuration keys honoured, one per setting. */
export const STACK_CONFIG_KEYS = {
  apiToken: "cloudflare:apiToken",
  apiKey: "cloudflare:apiKey",
  email: "cloudflare:email",
  accountId: "cloudflare-workers:accountId",
  baseUrl: "cloudflare-workers:apiBaseUrl",
  /** Requests per 5 minutes this stack may spend (see provider/cloudflare/limiter.ts). */
  rateLimit: "cloudflare-workers:rateLimit",
  /** Milliseconds one attempt of a request may take. */
  timeoutMs: "cloudflare-workers:timeoutMs",
  /** What the provider prints in `pulumi up`'s output: off, info (default) or debug (every request too). */
  log: "cloudflare-workers:log",
} as const;

/**
 * Every `cloudflare:` key @pulumi/cloudflare v6 defines (https://www.pulumi.com/registry/packages/cloudflare/
 * installation-configuration/). The only `cloudflare:` keys this package may read or recommend.
 */
export const CLOUDFLARE_V6_CONFIG_KEYS = [
  "cloudflare:apiToken",
  "cloudflare:apiKey",
  "cloudflare:email",
  "cloudflare:apiUserServiceKey",
  "cloudflare:baseUrl",
] as const;

/** Read after `cloudflare-workers:apiBaseUrl`: @pulumi/cloudflare v6's own base URL, so one setting points both at one API. */
export const SHARED_BASE_URL_KEY = "cloudflare:baseUrl";

/**
 * Keys outside v6 that version 0.1 of this package read: still honoured in 0.2 with a warning naming the key
 * that replaces each, and no longer read from 0.3 (CHANGELOG.md).
 */
export const DEPRECATED_CONFIG_KEYS = {
  "cloudflare:accountId": "accountId",
  "cloudflare:apiBaseUrl": "baseUrl",
} as const satisfies Record<string, Setting>;

export const ENV_VARS = {
  apiToken: "CLOUDFLARE_API_TOKEN",
  apiKey: "CLOUDFLARE_API_KEY",
  email: "CLOUDFLARE_EMAIL",
  accountId: "CLOUDFLARE_ACCOUNT_ID",
  baseUrl: "CLOUDFLARE_API_BASE_URL",
  rateLimit: "CLOUDFLARE_WORKERS_RATE_LIMIT",
  timeoutMs: "CLOUDFLARE_WORKERS_TIMEOUT_MS",
  log: "CLOUDFLARE_WORKERS_LOG",
} as const;

/** @pulumi/cloudflare v6's variable for its base URL, read after wrangler's CLOUDFLARE_API_BASE_URL. */
export const SHARED_BASE_URL_ENV = "CLOUDFLARE_BASE_URL";

type Setting = keyof typeof STACK_CONFIG_KEYS;
type Settings = Partial<Record<Setting, string>>;

/** Every stack configuration key read (what `configure` forwards to setStackConfig). */
export const READ_CONFIG_KEYS: readonly string[] = [
  ...Object.values(STACK_CONFIG_KEYS),
  SHARED_BASE_URL_KEY,
  ...Object.keys(DEPRECATED_CONFIG_KEYS),
];

/** Kept in this module's memory only: never written to state, logs or errors. */
let stackConfig: Settings = {};
/** Where each stack setting came from, for messages (a deprecated or shared key names itself). */
let stackConfigSource: Partial<Record<Setting, string>> = {};

function configValue(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key] ?? config[key.replace(":", ":config:")];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Records the stack configuration handed to a dynamic provider's `configure()`. Accepts the namespaced keys
 * (`cloudflare:apiToken`) and the long form (`cloudflare:config:apiToken`); other keys are ignored.
 * Calling it again replaces the previous configuration. Returns warnings for the person running the
 * command: one per deprecated key in use, naming the key to use instead.
 */
export function setStackConfig(config: Record<string, unknown>): string[] {
  const next: Settings = {};
  const sources: Partial<Record<Setting, string>> = {};
  const warnings: string[] = [];
  for (const setting of Object.keys(STACK_CONFIG_KEYS) as Setting[]) {
    const value = configValue(config, STACK_CONFIG_KEYS[setting]);
    if (value !== undefined) [next[setting], sources[setting]] = [value, STACK_CONFIG_KEYS[setting]];
  }
  const shared = configValue(config, SHARED_BASE_URL_KEY);
  if (next.baseUrl === undefined && shared !== undefined) [next.baseUrl, sources.baseUrl] = [shared, SHARED_BASE_URL_KEY];
  for (const [old, setting] of Object.entries(DEPRECATED_CONFIG_KEYS)) {
    const value = configValue(config, old);
    if (value === undefined) continue;
    const replacement = STACK_CONFIG_KEYS[setting];
    warnings.push(
      `stack config ${old} is deprecated and read until version 0.3 only; it is not a @pulumi/cloudflare key, which ` +
        `makes @pulumi/cloudflare refuse the stack: move it with \`pulumi config rm ${old} && pulumi config set ${replacement} <value>\`.`,
    );
    if (next[setting] === undefined) [next[setting], sources[setting]] = [value, old];
  }
  stackConfig = next;
  stackConfigSource = sources;
  return warnings;
}

function fromEnv(setting: Setting): string | undefined {
  const value = process.env[ENV_VARS[setting]];
  if (value !== undefined && value !== "") return value;
  const shared = setting === "baseUrl" ? process.env[SHARED_BASE_URL_ENV] : undefined;
  return shared === undefined || shared === "" ? undefined : shared;
}

function envSource(setting: Setting): string {
  const own = process.env[ENV_VARS[setting]];
  return setting === "baseUrl" && (own === undefined || own === "") ? SHARED_BASE_URL_ENV : ENV_VARS[setting];
}

/** A setting from the stack configuration, else the environment, with where it came from (for messages). */
export function configuredSetting(setting: Setting): { value: string; source: string } | undefined {
  const stack = stackConfig[setting];
  if (stack !== undefined) return { value: stack, source: `stack config ${stackConfigSource[setting] ?? STACK_CONFIG_KEYS[setting]}` };
  const env = fromEnv(setting);
  return env === undefined ? undefined : { value: env, source: envSource(setting) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** The default account: explicit → stack config `cloudflare-workers:accountId` → CLOUDFLARE_ACCOUNT_ID. */
export function resolveAccountId(explicit?: string): string {
  const id = nonEmpty(explicit) ?? stackConfig.accountId ?? fromEnv("accountId");
  if (id === undefined) {
    throw new CloudflareConfigError(
      "No Cloudflare account id is configured. Set it in the stack with " +
        `\`pulumi config set ${STACK_CONFIG_KEYS.accountId} <32-hex account id>\` (or pass accountId), ` +
        `or export ${ENV_VARS.accountId}=<account id>. The dashboard shows it under Account home > Account details.`,
    );
  }
  return id;
}

export type Credentials =
  { kind: "token"; token: string; source: string } | { kind: "globalKey"; email: string; apiKey: string; source: string };

interface CredentialSource {
  label: string;
  tokenName: string;
  keyName: string;
  emailName: string;
  values: { apiToken?: string; apiKey?: string; email?: string };
}

function credentialSources(options: ExplicitSettings): CredentialSource[] {
  return [
    {
      label: "client options",
      tokenName: "the apiToken option",
      keyName: "the apiKey option",
      emailName: "the email option",
      values: { apiToken: nonEmpty(options.apiToken), apiKey: nonEmpty(options.apiKey), email: nonEmpty(options.email) },
    },
    {
      label: "stack configuration",
      tokenName: `stack config ${STACK_CONFIG_KEYS.apiToken}`,
      keyName: `stack config ${STACK_CONFIG_KEYS.apiKey}`,
      emailName: `stack config ${STACK_CONFIG_KEYS.email}`,
      values: { apiToken: stackConfig.apiToken, apiKey: stackConfig.apiKey, email: stackConfig.email },
    },
    {
      label: "environment",
      tokenName: ENV_VARS.apiToken,
      keyName: ENV_VARS.apiKey,
      emailName: ENV_VARS.email,
      values: { apiToken: fromEnv("apiToken"), apiKey: fromEnv("apiKey"), email: fromEnv("email") },
    },
  ];
}

/** How to set credentials, for messages. Names only, never values. */
export const HOW_TO_SET_CREDENTIALS =
  `set an API token with \`pulumi config set --secret ${STACK_CONFIG_KEYS.apiToken} <token>\` or export ${ENV_VARS.apiToken}, ` +
  `or use a Global API key: \`pulumi config set ${STACK_CONFIG_KEYS.email} <email>\` + ` +
  `\`pulumi config set --secret ${STACK_CONFIG_KEYS.apiKey} <key>\`, or export ${ENV_VARS.email} and ${ENV_VARS.apiKey}`;

export function resolveCredentials(options: ExplicitSettings = {}): Credentials {
  const halves: string[] = [];
  for (const source of credentialSources(options)) {
    const { apiToken, apiKey, email } = source.values;
    if (apiToken !== undefined) return { kind: "token", token: apiToken, source: source.tokenName };
    if (apiKey !== undefined && email !== undefined) {
      return { kind: "globalKey", email, apiKey, source: `${source.emailName} + ${source.keyName}` };
    }
    if (apiKey !== undefined) halves.push(`${source.keyName} is set but ${source.emailName} is not`);
    if (email !== undefined) halves.push(`${source.emailName} is set but ${source.keyName} is not`);
  }
  const partial = halves.length > 0 ? ` (${halves.join("; ")}: a Global API key needs both)` : "";
  throw new CloudflareConfigError(`No Cloudflare credentials are configured${partial}. To fix it, ${HOW_TO_SET_CREDENTIALS}.`);
}

/** Secret strings of a credential, for redaction. */
export function credentialSecrets(credentials: Credentials | undefined): string[] {
  if (credentials === undefined) return [];
  return credentials.kind === "token" ? [credentials.token] : [credentials.apiKey];
}

/** Describes the credential used, for an authentication error: which kind, from where; never its value. */
export function describeCredentials(credentials: Credentials): string {
  return credentials.kind === "token" ? `the API token from ${credentials.source}` : `the Global API key from ${credentials.source}`;
}

/** Loopback hosts to which plain http:// is allowed (the emulator, test servers). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The base URL to use, without a trailing slash: explicit → stack config `cloudflare-workers:apiBaseUrl` →
 * `cloudflare:baseUrl` (@pulumi/cloudflare v6's) → CLOUDFLARE_API_BASE_URL → CLOUDFLARE_BASE_URL →
 * https://api.cloudflare.com/client/v4. Refuses anything but https://, except
 * http:// to a loopback address; refuses URLs carrying user info, a query or a fragment.
 */
export function resolveBaseUrl(explicit?: string): string {
  const raw = nonEmpty(explicit) ?? stackConfig.baseUrl ?? fromEnv("baseUrl") ?? DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CloudflareConfigError(`The Cloudflare API base URL "${raw}" is not a valid URL (e.g. ${DEFAULT_BASE_URL}).`);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new CloudflareConfigError(
      `The Cloudflare API base URL must not carry user info, a query or a fragment (got ${url.protocol}//${url.host}${url.pathname}).`,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new CloudflareConfigError(
      `Refusing to send Cloudflare credentials over plain http:// to ${url.host}: use https://, ` +
        "or a loopback address (127.0.0.1, ::1, localhost) for a local emulator.",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CloudflareConfigError(`The Cloudflare API base URL must use https:// (got ${url.protocol}).`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Per attempt: the `timeoutMs` option → stack config `cloudflare-workers:timeoutMs` → CLOUDFLARE_WORKERS_TIMEOUT_MS → 60 s. */
export function resolveTimeoutMs(options: ExplicitSettings): number {
  if (options.timeoutMs !== undefined) {
    const t = options.timeoutMs;
    if (!Number.isFinite(t) || t <= 0) throw new CloudflareConfigError(`timeoutMs must be a positive number (got ${t}).`);
    return t;
  }
  const setting = configuredSetting("timeoutMs");
  if (setting === undefined) return DEFAULT_TIMEOUT_MS;
  const t = Number(setting.value);
  if (!Number.isInteger(t) || t < 1) {
    throw new CloudflareConfigError(
      `${setting.source} must be a whole number of milliseconds, at least 1 (got ${JSON.stringify(setting.value.slice(0, 40))}); ` +
        `the default is ${DEFAULT_TIMEOUT_MS}.`,
    );
  }
  return t;
}

/** How to raise the per-attempt timeout, for messages. */
export const HOW_TO_SET_TIMEOUT = `\`pulumi config set ${STACK_CONFIG_KEYS.timeoutMs} <ms>\` or export ${ENV_VARS.timeoutMs}=<ms>`;

export type LogLevel = "off" | "info" | "debug";
const LOG_LEVELS: readonly LogLevel[] = ["off", "info", "debug"];

/**
 * What the provider prints while it works: stack config `cloudflare-workers:log` → CLOUDFLARE_WORKERS_LOG →
 * "info" (limiter waits, retries, upload progress). "debug" adds one line per request; "off" prints nothing
 * but warnings. An unknown value counts as "info" (a log setting never fails a deployment).
 */
export function resolveLogLevel(): LogLevel {
  const value = configuredSetting("log")?.value.trim().toLowerCase();
  return LOG_LEVELS.find((level) => level === value) ?? "info";
}

export function resolveMaxAttempts(options: ExplicitSettings): number {
  const n = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(n) || n < 1) throw new CloudflareConfigError(`maxAttempts must be an integer of at least 1 (got ${n}).`);
  return n;
}

/** Test helper: forgets the stack configuration. */
export function clearStackConfig(): void {
  stackConfig = {};
  stackConfigSource = {};
}
