import * as pulumi from "@pulumi/pulumi";
import type { SecretKeyInput, WORKER_SECRET_FIELDS } from "../provider/resources/worker-secret";
import { lazyProvider } from "./lazy-provider";
import { secretInputs } from "./secrets";
import type { ArgsOf, ArgsOfFields, PropsOf, SecretKeysOf } from "./types";

/** A secret_key: `format`, WebCrypto `algorithm` (e.g. `{ name: "HMAC", hash: "SHA-256" }`), `usages`, and `keyBase64` or `keyJwk`. */
export type WorkerSecretKeyArgs = ArgsOf<SecretKeyInput>;

/**
 * The inputs of a WorkerSecret: `scriptName`, `name`, exactly one of `text` and `secretKey` (always stored as
 * Pulumi secrets), `adopt` (take over an existing secret as it is), `accountId`, `dispatchNamespace`.
 */
export type WorkerSecretArgs = ArgsOfFields<typeof WORKER_SECRET_FIELDS>;

/** The inputs stored as Pulumi secrets: every field the table marks `secret`. */
export const WORKER_SECRET_SECRET_INPUTS = { text: true, secretKey: true } as const satisfies Record<
  SecretKeysOf<typeof WORKER_SECRET_FIELDS>,
  true
>;

/**
 * One secret of a Worker, set through the secrets endpoints: rotating it is one API call and never touches
 * the code. The API never returns secret values, so a value changed outside Pulumi cannot be detected; a
 * deleted secret is.
 */
export class WorkerSecret extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly scriptName: pulumi.Output<string>;
  declare public readonly dispatchNamespace: pulumi.Output<string | undefined>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly type: pulumi.Output<"secret_text" | "secret_key">;
  declare public readonly text: pulumi.Output<string | undefined>;

  constructor(name: string, args: WorkerSecretArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      accountId: undefined,
      dispatchNamespace: undefined,
      ...args,
      ...secretInputs(args, WORKER_SECRET_SECRET_INPUTS),
      type: undefined,
    } satisfies PropsOf<WorkerSecret>;
    super(lazyProvider("workerSecretProvider"), name, props, opts, "cloudflare-workers", "WorkerSecret");
  }
}
