/** The account every test uses: one id, one scope. */
import type { Scope } from "../../provider/cloudflare";

export const ACCOUNT = "0123456789abcdef0123456789abcdef";
export const scope: Scope = { accountId: ACCOUNT };
