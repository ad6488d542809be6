import * as pulumi from "@pulumi/pulumi";
import type { WORKER_CUSTOM_DOMAIN_FIELDS } from "../provider/resources/worker-custom-domain";
import { lazyProvider } from "./lazy-provider";
import type { ArgsOfFields, PropsOf } from "./types";

/**
 * The inputs of a WorkerCustomDomain (derived from the provider's field table): `hostname`, `scriptName`,
 * `zoneId`, `environment`, `overrideExistingOrigin`, `overrideExistingDnsRecord`, `enabled`,
 * `previewsEnabled`, `adopt`; `accountId` as everywhere.
 */
export type WorkerCustomDomainArgs = ArgsOfFields<typeof WORKER_CUSTOM_DOMAIN_FIELDS>;

/** Serves a Worker on a hostname of your own (Cloudflare creates its DNS record and certificate). */
export class WorkerCustomDomain extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly hostname: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  /** The custom domain's id. */
  declare public readonly domainId: pulumi.Output<string>;
  declare public readonly zoneName: pulumi.Output<string>;
  declare public readonly certId: pulumi.Output<string | undefined>;
  /** `https://<hostname>`: where the Worker answers. */
  declare public readonly url: pulumi.Output<string>;

  constructor(name: string, args: WorkerCustomDomainArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      accountId: undefined,
      domainId: undefined,
      zoneName: undefined,
      certId: undefined,
      url: undefined,
      ...args,
    } satisfies PropsOf<WorkerCustomDomain>;
    super(lazyProvider("workerCustomDomainProvider"), name, props, opts, "cloudflare-workers", "WorkerCustomDomain");
  }
}
