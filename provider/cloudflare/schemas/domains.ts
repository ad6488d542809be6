/**
 * Custom domains (`/accounts/{a}/workers/domains`): their wire shapes, from the official SDK
 * (cloudflare-typescript `resources/workers/domains.ts`), and what a custom-domain hostname may look like, a rule
 * the resource's check and the emulator both apply (the API refuses other hostnames with error 100113). Answer
 * schemas are liberal (nulls, absent optionals, unknown fields kept), the input schema strict.
 */
import { z } from "zod";

export const customDomainSchema = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  service: z.string(),
  zone_id: z.string().nullish(),
  zone_name: z.string().nullish(),
  /** Deprecated by Cloudflare; "production" when present. */
  environment: z.string().nullish(),
  cert_id: z.string().nullish(),
  /** Whether the hostname serves the Worker's production traffic; absent in older answers: true (workers-sdk#13222). */
  enabled: z.boolean().nullish(),
  /** Whether `<preview>.<hostname>` serves the Worker's previews; absent in older answers: false (workers-sdk#13222). */
  previews_enabled: z.boolean().nullish(),
});
export type CustomDomainWire = z.infer<typeof customDomainSchema>;
export const customDomainListSchema = z.array(customDomainSchema);
export const customDomainInputSchema = z.strictObject({
  hostname: z.string(),
  service: z.string(),
  zone_id: z.string().optional(),
  zone_name: z.string().optional(),
  environment: z.string().optional(),
  /** Take the hostname over from another Worker's custom domain (else 100116). */
  override_existing_origin: z.boolean().optional(),
  /** Replace DNS records already at the hostname (else 100117). */
  override_existing_dns_record: z.boolean().optional(),
  /** Serve production traffic on the hostname (default true; wrangler's `publishCustomDomains`, workers-sdk#13222). */
  enabled: z.boolean().optional(),
  /** Serve previews on subdomains of the hostname (default false). */
  previews_enabled: z.boolean().optional(),
});
export type CustomDomainInput = z.infer<typeof customDomainInputSchema>;
/** DELETE answers 200 with an empty body and no content type (terraform-provider-cloudflare), or an envelope. */
export const customDomainDeleteSchema = z.unknown();

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const HOSTNAME_MAX_LENGTH = 253;

/** Why a custom-domain hostname is not DNS-compliant (error 100113), or undefined. */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname.length === 0) return "is empty";
  if (/\s/.test(hostname)) return "contains white space";
  if (hostname.includes("*")) return "contains `*`: a custom domain is one exact hostname (use a WorkerRoute for wildcards)";
  if (/[/:?#@]/.test(hostname)) return "is a URL, not a hostname: write only the host, e.g. app.example.com";
  if (hostname !== hostname.toLowerCase()) return "has upper-case letters: write it in lower case";
  if (hostname.length > HOSTNAME_MAX_LENGTH) return `is longer than ${HOSTNAME_MAX_LENGTH} characters`;
  const labels = hostname.split(".");
  if (labels.length < 2) return "has a single label: write a full hostname such as app.example.com";
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return bad === ""
      ? "has an empty label (two dots in a row, or a leading or trailing dot)"
      : `has the label ${JSON.stringify(bad)}: labels are 1-63 of a-z, 0-9 and '-', not starting or ending with '-'`;
  }
  return undefined;
}
