/**
 * WorkerSecret: one secret of a Worker, set through the secrets endpoints, so that rotating it is a single
 * PUT and never re-uploads code.
 *
 * Lifecycle → endpoints:
 *   create  GET …/secrets/{name} (does it exist?) then PUT …/secrets
 *   read    GET …/secrets/{name}: detects a deleted secret; the API never returns a value, so a value changed
 *           outside Pulumi cannot be seen
 *   update  PUT …/secrets (a new value or type)
 *   delete  DELETE …/secrets/{name}
 * During a gradual rollout (the latest version not deployed at 100%) the API refuses these edits (10215): the
 * error then names the deployed and latest versions and what to do, after two reads (deployments, versions).
 *
 * The value lives in state only under the input keys `text` / `secretKey`, which the engine keeps secret.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import { CloudflareApiError, deleteSecret, getDefaultClient, getSecret, isNotFound, putSecret, type CloudflareClient, type Scope, type SecretInput } from "../cloudflare";
import { explainingRollout, SECRET_ROLLOUT_ADVICE } from "./rollout";
import { SECRET_KEY_FORMATS, SECRET_KEY_USAGES } from "../cloudflare/schemas";
import { toWire } from "./case";
import {
  checkScope,
  diffByTable,
  diffResult,
  failuresFrom,
  printable,
  scopeOf,
  scriptResourceId,
  type CheckFailure,
  type DiffField,
  type ScopeInputs,
} from "./common";
import { wasCreatedHere } from "./script-cache";

export interface SecretKeyInput {
  format: string;
  algorithm: Record<string, unknown>;
  usages: string[];
  keyBase64?: string;
  keyJwk?: Record<string, unknown>;
}

export interface WorkerSecretInputs extends ScopeInputs {
  name?: string;
  text?: string;
  secretKey?: SecretKeyInput;
  adopt?: boolean;
}

export type WorkerSecretOutputs = WorkerSecretInputs & { type?: "secret_text" | "secret_key" };

const INPUT_KEYS = new Set(["accountId", "scriptName", "dispatchNamespace", "name", "text", "secretKey", "adopt", "__provider"]);

/** A secret's name is a binding name and a URL segment: letters, digits and `_`, as an environment variable. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME_MAX_LENGTH = 256;
/** The API limit on a secret's size. */
export const SECRET_TEXT_MAX_BYTES = 5 * 1024;

const secretKeySchema = z
  .strictObject({
    format: z.enum(SECRET_KEY_FORMATS),
    algorithm: z.record(z.string(), z.unknown()),
    usages: z.array(z.enum(SECRET_KEY_USAGES)).min(1, "give at least one usage"),
    keyBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "keyBase64 must be base64").optional(),
    keyJwk: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((key, ctx) => {
    if (key.format === "jwk" && key.keyJwk === undefined) ctx.addIssue({ code: "custom", path: ["keyJwk"], message: "format jwk needs keyJwk" });
    if (key.format !== "jwk" && key.keyBase64 === undefined) ctx.addIssue({ code: "custom", path: ["keyBase64"], message: `format ${key.format} needs keyBase64` });
  });

export const WORKER_SECRET_DIFF: Record<string, DiffField> = {
  accountId: { kind: "replace" },
  dispatchNamespace: { kind: "replace" },
  scriptName: { kind: "replace" },
  name: { kind: "replace" },
  text: { kind: "update" },
  secretKey: { kind: "update" },
  adopt: { kind: "update", normalise: (v) => v === true },
};

function secretBody(inputs: WorkerSecretInputs): SecretInput {
  if (inputs.text !== undefined) return { name: inputs.name!, type: "secret_text", text: inputs.text };
  const key = toWire<Record<string, unknown>>(inputs.secretKey);
  return { name: inputs.name!, type: "secret_key", ...key } as SecretInput;
}

function outputsOf(inputs: WorkerSecretInputs): WorkerSecretOutputs {
  return { ...inputs, type: inputs.text !== undefined ? "secret_text" : "secret_key" };
}

export const workerSecretProvider = {
  async check(_olds: WorkerSecretInputs, news: WorkerSecretInputs): Promise<dynamic.CheckResult<WorkerSecretInputs>> {
    const failures: CheckFailure[] = [];
    for (const key of Object.keys(news)) {
      if (!INPUT_KEYS.has(key)) failures.push({ property: key, reason: `${key}: not an input of WorkerSecret; check the spelling` });
    }
    const scope = checkScope(news, failures);
    if (typeof news.name !== "string" || !SECRET_NAME_PATTERN.test(news.name) || news.name.length > SECRET_NAME_MAX_LENGTH) {
      const shown = typeof news.name === "string" ? ` "${printable(news.name)}"` : "";
      failures.push({ property: "name", reason: `name${shown}: a secret name uses letters, digits and '_' (not starting with a digit), at most ${SECRET_NAME_MAX_LENGTH} characters` });
    }
    if ((news.text === undefined) === (news.secretKey === undefined)) {
      failures.push({ property: "text", reason: "give exactly one of text (a secret_text) or secretKey (a secret_key)" });
    } else if (news.text !== undefined) {
      // The reason never echoes the value.
      if (typeof news.text !== "string") failures.push({ property: "text", reason: "text: expected a string" });
      else if (Buffer.byteLength(news.text, "utf8") > SECRET_TEXT_MAX_BYTES) failures.push({ property: "text", reason: `text: a secret is at most ${SECRET_TEXT_MAX_BYTES} bytes` });
    } else {
      const parsed = secretKeySchema.safeParse(news.secretKey);
      if (!parsed.success) failures.push(...failuresFrom(parsed.error, ["secretKey"]).map(hideValues));
    }
    if (news.adopt !== undefined && typeof news.adopt !== "boolean") failures.push({ property: "adopt", reason: "adopt: expected true or false" });
    return failures.length > 0 ? { inputs: news, failures } : { inputs: { ...news, ...scope } };
  },

  async diff(_id: string, olds: WorkerSecretOutputs, news: WorkerSecretInputs): Promise<dynamic.DiffResult> {
    return diffResult(diffByTable(WORKER_SECRET_DIFF, olds as Record<string, unknown>, news as Record<string, unknown>));
  },

  async create(inputs: WorkerSecretInputs): Promise<dynamic.CreateResult<WorkerSecretOutputs>> {
    const scope = scopeOf(inputs);
    const client = getDefaultClient();
    // The one read before the write, so a secret someone else set is not overwritten by surprise; not needed for
    // a Worker this run has just uploaded, which has no other secrets.
    const fresh = !inputs.adopt && wasCreatedHere(scope.accountId, scope.dispatchNamespace, inputs.scriptName!);
    const live = fresh
      ? undefined
      : await getSecret(client, scope, inputs.scriptName!, inputs.name!).catch((error) => (isNotFound(error) ? undefined : Promise.reject(error)));
    const id = scriptResourceId(scope, inputs.scriptName!, "secrets", inputs.name!);
    if (live && !inputs.adopt && !unacknowledged.has(id)) {
      throw new Error(
        `Secret "${inputs.name}" of Worker "${inputs.scriptName}" already exists. Set adopt: true to take it over as it is ` +
          `(the API never shows a secret's value, so the deployed value is kept until this program's value changes), or choose another name.`,
      );
    }
    // Adopting a secret of the same type keeps its value: the API cannot show it, so it is taken to be the program's.
    if (live && inputs.adopt && live.type === secretBody(inputs).type) return { id, outs: outputsOf(inputs) };
    try {
      await versionAware(client, scope, inputs, () => putSecret(client, scope, inputs.scriptName!, secretBody(inputs)));
    } catch (error) {
      throw mayHaveApplied(error) ? unacknowledgedPut(id, inputs, error as Error) : error;
    }
    unacknowledged.delete(id);
    return { id, outs: outputsOf(inputs) };
  },

  async read(id: string, props: WorkerSecretOutputs): Promise<dynamic.ReadResult<WorkerSecretOutputs>> {
    const scope = scopeOf(props);
    try {
      const live = await getSecret(getDefaultClient(), scope, props.scriptName!, props.name!);
      if (live.type !== props.type) {
        // Same name, other kind: the value we hold is not what is deployed; show it as a changed value.
        return { id, props: { ...props, type: live.type as WorkerSecretOutputs["type"], text: undefined, secretKey: undefined } };
      }
      return { id, props };
    } catch (error) {
      if (isNotFound(error)) return {};
      throw error;
    }
  },

  async update(_id: string, olds: WorkerSecretOutputs, news: WorkerSecretInputs): Promise<dynamic.UpdateResult<WorkerSecretOutputs>> {
    const { changed } = diffByTable(WORKER_SECRET_DIFF, olds as Record<string, unknown>, news as Record<string, unknown>);
    if (changed.includes("text") || changed.includes("secretKey")) {
      const client = getDefaultClient();
      await versionAware(client, scopeOf(news), news, () => putSecret(client, scopeOf(news), news.scriptName!, secretBody(news)));
    }
    return { outs: outputsOf(news) };
  },

  async delete(_id: string, props: WorkerSecretOutputs): Promise<void> {
    try {
      const client = getDefaultClient();
      await versionAware(client, scopeOf(props), props, () => deleteSecret(client, scopeOf(props), props.scriptName!, props.name!));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },
};

/**
 * A secret edit that never ends in a raw 10215: while the Worker's latest version is not the one deployed at
 * 100% (a gradual rollout), the API refuses secret edits, and the error says which versions serve, which is
 * latest and what to do (rollout.ts). It does not copy the latest version the way `wrangler versions secret
 * put` does: that copy would be undeployed and unknown to the WorkerDeployment.
 */
function versionAware<T>(client: CloudflareClient, scope: Scope, inputs: WorkerSecretInputs, edit: () => Promise<T>): Promise<T> {
  return explainingRollout(client, scope, inputs.scriptName!, `Secret "${inputs.name}" of Worker "${inputs.scriptName}"`, SECRET_ROLLOUT_ADVICE, edit);
}

/** Secrets whose PUT this process sent without learning whether it was applied: an existing one is ours. */
const unacknowledged = new Set<string>();

/** A failure after which the request may still have been applied: no answer, a timeout, or a server error. */
function mayHaveApplied(error: unknown): boolean {
  return error instanceof CloudflareApiError && (error.status === 0 || error.status >= 500);
}

/**
 * The PUT may have been applied: the error carries the resource id, so the engine keeps the secret in state
 * (a partial create) without its value, and the next `up` sees the value as changed and PUTs it again.
 * Nothing is orphaned, whichever way the lost request went.
 */
function unacknowledgedPut(id: string, inputs: WorkerSecretInputs, cause: Error): Error {
  unacknowledged.add(id);
  const error = new Error(`${cause.message} (the secret may or may not have been set; the next update sets it again)`) as Error & {
    id: string;
    properties: Record<string, unknown>;
    reasons: string[];
  };
  error.id = id;
  const { text: _text, secretKey: _key, ...withoutValue } = outputsOf(inputs);
  error.properties = withoutValue;
  error.reasons = [cause.message];
  return error;
}

/** A check failure about key material never quotes it. */
function hideValues(failure: CheckFailure): CheckFailure {
  return { property: failure.property, reason: failure.reason.replace(/"[^"]{12,}"/g, '"…"') };
}
