/** The account every test uses: one id, one scope. It owns the emulator's seeded zones. */
import { DEFAULT_ACCOUNT_ID } from "../../emulator";
import type { Scope } from "../../provider/cloudflare";

export const ACCOUNT = DEFAULT_ACCOUNT_ID;
export const scope: Scope = { accountId: ACCOUNT };
