import * as pulumi from "@pulumi/pulumi";
import type { WorkerCustomDomainInputs } from "../provider/resources/worker-custom-domain";
import { lazyProvider } from "./lazy-provider";

export interface WorkerCustomDomainArgs {
  accountId?: pulumi.Input<string>;
  /** A zone of the account or a subdomain of one, e.g. `"app.example.com"`. Changing it replaces the domain. */
  hostname: pulumi.Input<string>;
  /** The Worker serving the hostname; a change moves the hostname to that Worker in place. */
  scriptName: pulumi.Input<string>;
  /** The hostname's zone; Cloudflare finds it from the hostname when unset. */
  zoneId?: pulumi.Input<string>;
  /** Deprecated by Cloudflare: the Worker environment ("production" when unset). */
  environment?: pulumi.Input<string>;
  /** At create: take the hostname over from another Worker's custom domain. */
  overrideExistingOrigin?: pulumi.Input<boolean>;
  /** At create: replace DNS records that already exist at the hostname. */
  overrideExistingDnsRecord?: pulumi.Input<boolean>;
  /** Serve the Worker's production traffic on the hostname (default true); switched off outside the program, it shows as drift. */
  enabled?: pulumi.Input<boolean>;
  /** Serve the Worker's previews at `<preview>.<hostname>` (default false). */
  previewsEnabled?: pulumi.Input<boolean>;
  /** Take over a custom domain of this hostname that exists already (moving it to this Worker if needed). */
  adopt?: pulumi.Input<boolean>;
}

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
    super(
      lazyProvider("workerCustomDomainProvider"),
      name,
      { domainId: undefined, zoneName: undefined, certId: undefined, url: undefined, ...args },
      opts,
      "cloudflare-workers",
      "WorkerCustomDomain",
    );
  }
}

export type WorkerCustomDomainArgsAreInputs = keyof WorkerCustomDomainArgs extends keyof WorkerCustomDomainInputs ? true : never;
