/** Worker custom domains (`/accounts/{a}/workers/domains`). */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import {
  customDomainDeleteSchema,
  customDomainInputSchema,
  customDomainListSchema,
  customDomainSchema,
  type CustomDomainInput,
  type CustomDomainWire,
} from "../schemas";

export interface DomainFilter {
  hostname?: string;
  service?: string;
  zone_id?: string;
  zone_name?: string;
  environment?: string;
}

/** GET the account's custom domains, filtered on the server. */
export async function listDomains(client: CloudflareClient, accountId: string, filter: DomainFilter = {}): Promise<CustomDomainWire[]> {
  return client.request({
    method: "GET",
    path: path`/accounts/${accountId}/workers/domains`,
    query: { ...filter },
    schema: customDomainListSchema,
  });
}

export async function getDomain(client: CloudflareClient, accountId: string, domainId: string): Promise<CustomDomainWire> {
  return client.request({ method: "GET", path: path`/accounts/${accountId}/workers/domains/${domainId}`, schema: customDomainSchema });
}

/** PUT: attaches a hostname to a Worker. Idempotent for the same hostname and Worker. */
export async function putDomain(client: CloudflareClient, accountId: string, body: CustomDomainInput): Promise<CustomDomainWire> {
  return client.request({
    method: "PUT",
    path: path`/accounts/${accountId}/workers/domains`,
    json: customDomainInputSchema.parse(body),
    schema: customDomainSchema,
  });
}

export async function deleteDomain(client: CloudflareClient, accountId: string, domainId: string): Promise<void> {
  await client.request({
    method: "DELETE",
    path: path`/accounts/${accountId}/workers/domains/${domainId}`,
    schema: customDomainDeleteSchema,
  });
}
