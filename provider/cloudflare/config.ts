/**
 * Client configuration, always read when a request is made (never at import), so a long-lived provider
 * process sees the stack configuration it was handed and the environment it runs in.
 *
 * Precedence for every setting: explicit client option > stack configuration (`cloudflare:*`, handed to
 * the dynamic provider's `configure`) > environment (`CLOUDFLARE_*`, the names wrangler uses) > default.
 * Pulumi users expect what they put in the stack to win over whatever happens to be exported in the shell.
 * Credentials are resolved source by source: the first source holding a complete credential (a token, or
 * an email together with a Global API key) is used, and a token wins over a key within one source.
 */
import { CloudflareConfigError } from "./errors";
import type { RequestLimiter } from "./limiter";

export const DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface RequestEvent {
  method: string;
  path: string;
  status?: number;
  attempt: number;
  durationMs: number;
  error?: string;
}

export interface ClientOptions {
  /** Explicit credentials override stack configuration and environment. */
  apiToken?: string;
  apiKey?: string;
  email?: string;
  /** Default: stack config `cloudflare:apiBaseUrl`, env CLOUDFLARE_API_BASE_URL, or https://api.cloudflare.com/client/v4. */
  baseUrl?: string;
  /** Default account. */
  accountId?: string;
  /** Per attempt (connect, headers and body), default 60 s. */
  timeoutMs?: number;
  /** Attempts for a request that may be repeated, default 5. */
  maxAttempts?: number;
  /** Observation hook, called once per attempt; it never sees credentials. */
  onRequest?: (event: RequestEvent) => void;
  /** Test hook: waits between attempts (backoff, Retry-After). Default: real timers. */
  sleep?: (ms: number) => Promise<void>;
  /** Test hook: jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Test hook: wall clock used to read an HTTP-date Retry-After. Default Date.now. */
  now?: () => number;
  /** The limiter every request passes through. Default: the one shared by the whole process. */
  limiter?: RequestLimiter;
}

/** The stack configuration keys honoured, as @pulumi/cloudflare users already set them. */
export const STACK_CONFIG_KEYS = {
  apiToken: "cloudflare:apiToken",
  apiKey: "cloudflare:apiKey",
  email: "cloudflare:email",
  accountId: "cloudflare:accountId",
  baseUrl: "cloudflare:apiBaseUrl",
  /** Requests per 5 minutes this stack may spend (see provider/cloudflare/limiter.ts). */
  rateLimit: "cloudflare-workers:rateLimit",
} as const;

export const ENV_VARS = {
  apiToken: "CLOUDFLARE_API_TOKEN",
  apiKey: "CLOUDFLARE_API_KEY",
  email: "CLOUDFLARE_EMAIL",
  accountId: "CLOUDFLARE_ACCOUNT_ID",
  baseUrl: "CLOUDFLARE_API_BASE_URL",
  rateLimit: "CLOUDFLARE_WORKERS_RATE_LIMIT",
} as const;

type Setting = keyof typeof STACK_CONFIG_KEYS;
type Settings = Partial<Record<Setting, string>>;

/** Kept in this module's memory only: never written to state, logs or errors. */
let stackConfig: Settings = {};

/**
 * Records the stack configuration handed to a dynamic provider's `configure()`. Accepts the namespaced keys
 * (`cloudflare:apiToken`) and the long form (`cloudflare:config:apiToken`); other keys are ignored.
 * Calling it again replaces the previous configuration.
 */
export function setStackConfig(config: Record<string, unknown>): void {
  const next: Settings = {};
  for (const setting of Object.keys(STACK_CONFIG_KEYS) as Setting[]) {
    const key = STACK_CONFIG_KEYS[setting];
    const value = config[key] ?? config[key.replace(":", ":config:")];
    if (typeof value === "string" && value.length > 0) next[setting] = value;
  }
  stackConfig = next;
}

function fromEnv(setting: Setting): string | undefined {
  const value = process.env[ENV_VARS[setting]];
  return value === undefined || value === "" ? undefined : value;
}

/** A setting from the stack configuration, else the environment, with where it came from (for messages). */
export function configuredSetting(setting: Setting): { value: string; source: string } | undefined {
  const stack = stackConfig[setting];
  if (stack !== undefined) return { value: stack, source: `stack config ${STACK_CONFIG_KEYS[setting]}` };
  const env = fromEnv(setting);
  return env === undefined ? undefined : { value: env, source: ENV_VARS[setting] };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** The default account: explicit → stack config `cloudflare:accountId` → CLOUDFLARE_ACCOUNT_ID. */
export function resolveAccountId(explicit?: string): string {
  const id = nonEmpty(explicit) ?? stackConfig.accountId ?? fromEnv("accountId");
  if (id === undefined) {
    throw new CloudflareConfigError(
      "No Cloudflare account id is configured. Set it in the stack with " +
        "`pulumi config set cloudflare:accountId <32-hex account id>` (or pass accountId), " +
        "or export CLOUDFLARE_ACCOUNT_ID=<account id>.",
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

function credentialSources(options: ClientOptions): CredentialSource[] {
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

export function resolveCredentials(options: ClientOptions = {}): Credentials {
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
 * The base URL to use, without a trailing slash: explicit → stack config `cloudflare:apiBaseUrl` →
 * CLOUDFLARE_API_BASE_URL → https://api.cloudflare.com/client/v4. Refuses anything but https://, except
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

export function resolveTimeoutMs(options: ClientOptions): number {
  const t = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(t) || t <= 0) throw new CloudflareConfigError(`timeoutMs must be a positive number (got ${t}).`);
  return t;
}

export function resolveMaxAttempts(options: ClientOptions): number {
  const n = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(n) || n < 1) throw new CloudflareConfigError(`maxAttempts must be an integer of at least 1 (got ${n}).`);
  return n;
}

/** Test helper: forgets the stack configuration. */
export function clearStackConfig(): void {
  stackConfig = {};
}
