import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";

export interface WorkerSecretKeyArgs {
  format: pulumi.Input<"raw" | "pkcs8" | "spki" | "jwk">;
  /** WebCrypto algorithm parameters, e.g. `{ name: "HMAC", hash: "SHA-256" }`. */
  algorithm: pulumi.Input<Record<string, unknown>>;
  usages: pulumi.Input<pulumi.Input<"encrypt" | "decrypt" | "sign" | "verify" | "deriveKey" | "deriveBits" | "wrapKey" | "unwrapKey">[]>;
  keyBase64?: pulumi.Input<string>;
  keyJwk?: pulumi.Input<Record<string, unknown>>;
}

export interface WorkerSecretArgs {
  accountId?: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  dispatchNamespace?: pulumi.Input<string>;
  /** The secret's binding name. */
  name: pulumi.Input<string>;
  /** A secret_text value. Always stored as a Pulumi secret. */
  text?: pulumi.Input<string>;
  /** A secret_key (a WebCrypto key). Always stored as a Pulumi secret. */
  secretKey?: pulumi.Input<WorkerSecretKeyArgs>;
  /**
   * Take over a secret that already exists instead of failing. The API never shows a secret's value, so an
   * existing secret of the same kind is taken as it is: its value is kept until this program's value changes.
   */
  adopt?: pulumi.Input<boolean>;
}

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
      ...args,
      text: args.text === undefined ? undefined : pulumi.secret(args.text),
      secretKey: args.secretKey === undefined ? undefined : pulumi.secret(args.secretKey),
      type: undefined,
    };
    super(lazyProvider("workerSecretProvider"), name, props, opts, "cloudflare-workers", "WorkerSecret");
  }
}
