/**
 * WorkerCustomDomain: a hostname whose origin is a Worker (Cloudflare makes its DNS record and certificate).
 *
 * Lifecycle → endpoints:
 *   create   PUT /accounts/{a}/workers/domains {hostname, service, zone_id?, environment?, override_…?};
 *            with adopt, GET …/domains?hostname= first and write only when it runs another Worker
 *   read     GET …/domains/{domain_id}
 *   update   PUT …/domains with override_existing_origin (the hostname is ours: moving it to another Worker),
 *            `enabled` and `previews_enabled` always (a domain switched off outside the program is switched back on)
 *   delete   DELETE …/domains/{domain_id}
 *   a hostname, zone or environment change replaces the resource.
 *
 * Refusals name the property: a hostname in no zone of the account (100112), held by another Worker
 * (100116, unless overrideExistingOrigin) or by DNS records (100117, unless overrideExistingDnsRecord).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isIP } from "node:net";
import { z } from "zod";
import {
  deleteDomain,
  describeWorker,
  getDefaultClient,
  getDomain,
  isNotFound,
  listDomains,
  putDomain,
  type CloudflareApiError,
  type CloudflareClient,
  type CustomDomainInput,
  type CustomDomainWire,
} from "../cloudflare";
import { hostnameProblem, zoneIdSchema } from "../cloudflare/schemas";
import { compact } from "./common";
import {
  ACCOUNT_FIELD,
  ADOPT_FIELD,
  SCRIPT_SCOPE_FIELDS,
  booleanSchema,
  checkWith,
  flag,
  sameWire,
  clientOf,
  defineFields,
  diffWith,
  inputsFromWire,
  keepStoredWhenSame,
  wireOf,
  type ClientSource,
  type InputsOf,
} from "./fields";
import { cloudflareSays, refusalCode, ResourceInputError } from "./refusals";
import { customDomainUrl } from "./urls";

/** A DNS-compliant hostname (what Cloudflare refuses with 100113, refused here first). */
export const hostnameSchema = z.string({ error: "expected a hostname such as app.example.com" }).superRefine((hostname, ctx) => {
  const problem = ipAddressProblem(hostname) ?? hostnameProblem(hostname);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * A custom domain is a hostname inside a zone of the account, which Cloudflare gives a DNS record and a
 * certificate (https://developers.cloudflare.com/workers/configuration/routing/custom-domains/); an IP
 * address is in no zone, so the API can only refuse it after a request.
 */
function ipAddressProblem(hostname: string): string | undefined {
  if (isIP(hostname.replace(/^\[(.*)\]$/, "$1")) === 0) return undefined;
  return "is an IP address, which no zone can hold: a custom domain is a hostname in one of the account's zones, e.g. app.example.com";
}

export const WORKER_CUSTOM_DOMAIN_FIELDS = defineFields(
  {
    accountId: ACCOUNT_FIELD,
    /**
     * One exact hostname: the apex or a subdomain of a zone of the account, e.g. "app.example.com". Lower
     * case, at least two labels, at most 253 characters; each label 1-63 of a-z, 0-9 and `-`, neither starting
     * nor ending with `-`. No `*` (a WorkerRoute takes wildcards), no scheme, path or port (only the host), no
     * IP address.
     */
    hostname: { schema: hostnameSchema, diff: "replace", wire: "hostname", quote: true },
    /** The Worker serving the hostname. */
    scriptName: { schema: SCRIPT_SCOPE_FIELDS.scriptName.schema, diff: "update", wire: "service", quote: true },
    /** The zone of the hostname; found by Cloudflare from the hostname when unset. */
    zoneId: { schema: zoneIdSchema.optional(), diff: "replace", wire: "zone_id", quote: true, unmanagedWhenUnset: true },
    /** Deprecated by Cloudflare (Worker environments); "production" when unset. */
    environment: { schema: z.string().min(1).optional(), diff: "replace", wire: "environment", unmanagedWhenUnset: true },
    /** At create: take the hostname over from another Worker's custom domain (sent, never reported back). */
    overrideExistingOrigin: { schema: booleanSchema.optional(), diff: "ignore", wire: "override_existing_origin", read: "never" },
    /** At create: replace DNS records already at the hostname (sent, never reported back). */
    overrideExistingDnsRecord: { schema: booleanSchema.optional(), diff: "ignore", wire: "override_existing_dns_record", read: "never" },
    /**
     * Serve the Worker's production traffic on the hostname (the API's default: true; workers-sdk#13222). A
     * domain switched off outside the program shows as drift. Answers without the field read as true.
     */
    enabled: { schema: booleanSchema.optional(), diff: "update", wire: "enabled", cleared: true, normalise: (v) => v !== false },
    /** Serve the Worker's previews at `<preview>.<hostname>` (the API's default: false). */
    previewsEnabled: { schema: booleanSchema.optional(), diff: "update", wire: "previews_enabled", cleared: false, normalise: flag },
    /** Take over a custom domain of this hostname that exists already (moving it to this Worker if needed). */
    adopt: ADOPT_FIELD,
    // Outputs: what the API measures.
    domainId: { schema: z.string().optional(), diff: "ignore", computed: true },
    zoneName: { schema: z.string().optional(), diff: "ignore", computed: true },
    certId: { schema: z.string().optional(), diff: "ignore", computed: true },
    /** Output: the URL the hostname serves, https://<hostname>. */
    url: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerCustomDomain",
);
const FIELDS = WORKER_CUSTOM_DOMAIN_FIELDS;

export type WorkerCustomDomainInputs = InputsOf<typeof FIELDS>;
export type WorkerCustomDomainOutputs = WorkerCustomDomainInputs & { domainId: string };

const DOMAIN_REFUSALS = [10007, 100112, 100113, 100116, 100117, 7003] as const;

/**
 * The PUT body. A create sends `enabled`/`previews_enabled` only when set (the API defaults them); an update
 * sends them always (`cleared`), so a domain switched off outside the program is switched back on.
 */
function body(inputs: WorkerCustomDomainInputs, overrides: Partial<CustomDomainInput> = {}, cleared = false): CustomDomainInput {
  const wire = wireOf(FIELDS, inputs, { cleared });
  return { ...(wire as unknown as CustomDomainInput), ...overrides };
}

function outputs(inputs: WorkerCustomDomainInputs, live: CustomDomainWire): WorkerCustomDomainOutputs {
  return compact({
    ...inputs,
    domainId: live.id,
    zoneName: live.zone_name ?? undefined,
    certId: live.cert_id ?? undefined,
    url: customDomainUrl(inputs.hostname),
  }) as WorkerCustomDomainOutputs;
}

/** Rethrows a refused attach as an error naming the property, the hostname and what to change. */
async function explain(client: CloudflareClient, error: unknown, inputs: WorkerCustomDomainInputs): Promise<never> {
  const code = refusalCode(error, DOMAIN_REFUSALS);
  if (code === undefined) throw error;
  const says = cloudflareSays(error as CloudflareApiError);
  const host = JSON.stringify(inputs.hostname);
  switch (code) {
    case 10007:
      throw new ResourceInputError(
        "scriptName",
        `WorkerCustomDomain scriptName: ${describeWorker(inputs, inputs.scriptName)} does not exist (${says}); deploy it first (pass WorkerScript.scriptName)`,
        { cause: error },
      );
    case 100116: {
      const holder = (await listDomains(client, inputs.accountId, { hostname: inputs.hostname }).catch(() => []))[0];
      throw new ResourceInputError(
        "hostname",
        `WorkerCustomDomain hostname ${host}: already the custom domain of ${holder?.service ? describeWorker(inputs, holder.service) : "another Worker"} (${says}); set overrideExistingOrigin: true (or adopt: true) to move it to ${JSON.stringify(inputs.scriptName)}, or remove it there`,
        { cause: error },
      );
    }
    case 100117:
      throw new ResourceInputError(
        "hostname",
        `WorkerCustomDomain hostname ${host}: DNS records already exist there (${says}); set overrideExistingDnsRecord: true to replace them, or delete them`,
        { cause: error },
      );
    case 7003:
      throw new ResourceInputError(
        "zoneId",
        `WorkerCustomDomain zoneId ${JSON.stringify(inputs.zoneId ?? "")}: not a zone of account ${inputs.accountId} (${says})`,
        { cause: error },
      );
    default:
      throw new ResourceInputError(
        "hostname",
        `WorkerCustomDomain hostname ${host}: refused (${says}); the hostname must be a zone of account ${inputs.accountId}${inputs.zoneId ? ` (zone ${inputs.zoneId})` : ""} or a subdomain of one`,
        { cause: error },
      );
  }
}

export function makeWorkerCustomDomainProvider(client: ClientSource = getDefaultClient) {
  return {
    check: checkWith("WorkerCustomDomain", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const c = clientOf(client);
      try {
        if (inputs.adopt) {
          const live = (await listDomains(c, inputs.accountId, { hostname: inputs.hostname }))[0];
          // Taking over a domain already as wanted: nothing to write.
          if (
            live !== undefined &&
            live.service === inputs.scriptName &&
            (inputs.zoneId === undefined || live.zone_id === inputs.zoneId) &&
            sameWire(FIELDS, inputs, live)
          ) {
            return { id: `${inputs.accountId}/${live.id}`, outs: outputs(inputs, live) };
          }
          const domain = await putDomain(c, inputs.accountId, body(inputs, live === undefined ? {} : { override_existing_origin: true }));
          return { id: `${inputs.accountId}/${domain.id}`, outs: outputs(inputs, domain) };
        }
        const domain = await putDomain(c, inputs.accountId, body(inputs));
        return { id: `${inputs.accountId}/${domain.id}`, outs: outputs(inputs, domain) };
      } catch (error) {
        return explain(c, error, inputs);
      }
    },

    async read(id, props) {
      if (!props) return {};
      try {
        const live = await getDomain(clientOf(client), props.accountId, props.domainId ?? id.split("/").pop()!);
        // What the API reports back, as the table says: the zone and environment only when the program sets them.
        const fresh = { ...outputs(props, live), ...inputsFromWire(FIELDS, live, { stored: props }) };
        return { id, props: keepStoredWhenSame(FIELDS, props, compact(fresh) as WorkerCustomDomainOutputs) };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id, _olds, news) {
      const c = clientOf(client);
      try {
        // The hostname is this resource's: moving it to another Worker overrides the old origin, ours.
        const domain = await putDomain(c, news.accountId, body(news, { override_existing_origin: true }, true));
        return { outs: outputs(news, domain) };
      } catch (error) {
        return explain(c, error, news);
      }
    },

    async delete(id, props) {
      try {
        await deleteDomain(clientOf(client), props.accountId, props.domainId ?? id.split("/").pop()!);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerCustomDomainInputs, WorkerCustomDomainOutputs>;
}

export const workerCustomDomainProvider = makeWorkerCustomDomainProvider();
