/** Reading the emulator's request log as a user would describe the calls. */
import type { Emulator } from "../../emulator";
import { ACCOUNT } from "./account";

/** The API calls made since the last call, as `METHOD /path?query` with the account prefix removed; clears the log. */
export function takeCalls(emulator: Emulator, account = ACCOUNT): string[] {
  const calls = emulator.requests.map((r) => {
    const query = new URLSearchParams(r.query).toString();
    return `${r.method} ${r.path.replace(`/accounts/${account}`, "")}${query ? `?${query}` : ""}`;
  });
  emulator.clearRequests();
  return calls;
}
