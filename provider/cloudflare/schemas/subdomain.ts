/**
 * workers.dev: a Worker's `…/subdomain` and the account's workers.dev subdomain.
 */
import { z } from "zod";

export const subdomainSchema = z.looseObject({ enabled: z.boolean(), previews_enabled: z.boolean().optional() });
export type Subdomain = z.infer<typeof subdomainSchema>;
/** The account's workers.dev subdomain (`GET /accounts/{a}/workers/subdomain`). */
export const accountSubdomainSchema = z.looseObject({ subdomain: z.string().min(1) });
/** POST `…/subdomain` as we send it: both fields, always (see endpoints/subdomain.ts). */
export const subdomainInputSchema = z.strictObject({ enabled: z.boolean(), previews_enabled: z.boolean() });
/** POST `…/subdomain` as the emulator accepts it, as the API does: `previews_enabled` may be left out. */
export const subdomainRequestSchema = subdomainInputSchema.extend({ previews_enabled: z.boolean().optional() });
