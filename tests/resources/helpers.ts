/** Shared set-up of resource tests: a started emulator, the environment pointing at it, and its request log. */
import { DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator } from "../../emulator";
import { getDefaultClient, type Scope } from "../../provider/cloudflare";
import { clearScriptCache } from "../../provider/resources/script-cache";
import { clearSecretCache } from "../../provider/resources/secret-cache";

export const ACCOUNT = "0123456789abcdef0123456789abcdef";
export const scope: Scope = { accountId: ACCOUNT };

export async function startTestEmulator(): Promise<Emulator> {
  const emulator = await startEmulator();
  process.env.CLOUDFLARE_API_BASE_URL = emulator.url;
  process.env.CLOUDFLARE_API_TOKEN = DEFAULT_EMULATOR_TOKEN;
  process.env.CLOUDFLARE_ACCOUNT_ID = ACCOUNT;
  return emulator;
}

/** The API calls made since the last call, as `METHOD /path?query` with the account prefix removed; clears the log. */
export function takeCalls(emulator: Emulator): string[] {
  const calls = emulator.requests.map((r) => {
    const query = new URLSearchParams(r.query).toString();
    return `${r.method} ${r.path.replace(`/accounts/${ACCOUNT}`, "")}${query ? `?${query}` : ""}`;
  });
  emulator.clearRequests();
  return calls;
}

/** A new Pulumi operation starts a new provider process: nothing cached survives. */
export function newRun(): void {
  clearScriptCache();
  clearSecretCache();
}

export const client = () => getDefaultClient();
