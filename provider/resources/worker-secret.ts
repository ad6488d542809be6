/**
 * WorkerSecret: one secret of a Worker, set through the secrets endpoints, so that rotating it is a single
 * PUT and never re-uploads code.
 *
 * Lifecycle → endpoints:
 *   create  GET …/secrets (does it exist? one list per Worker, shared: secret-cache.ts) then PUT …/secrets
 *   read    GET …/secrets, one list per Worker shared by its secrets: detects a deleted secret; the API never
 *           returns a value, so a value changed outside Pulumi cannot be seen
 *   update  PUT …/secrets (a new value or type)
 *   delete  DELETE …/secrets/{name}
 * During a gradual rollout (the latest version not deployed at 100%) the API refuses these edits (10215): the
 * error then names the deployed and latest versions and what to do, after two reads (deployments, versions).
 *
 * The value lives in state only under the input keys `text` / `secretKey`, which the engine keeps secret.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  deleteSecret,
  describeWorker,
  getDefaultClient,
  isNotFound,
  putSecret,
  type CloudflareClient,
  type Scope,
  type SecretInput,
} from "../cloudflare";
import { ResourceInputError } from "./refusals";
import { explainingRollout, SECRET_ROLLOUT_ADVICE } from "./rollout";
import { secretKeySchema } from "../cloudflare/schemas";
import { toWire } from "./case";
import { scopeOf, scriptResourceId } from "./common";
import {
  ADOPT_FIELD,
  SCRIPT_SCOPE_FIELDS,
  changedFields,
  checkWith,
  clientOf,
  defineFields,
  diffTable,
  diffWith,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
  type ProviderOf,
} from "./fields";
import { journaled, mayBeOurs, mayHaveApplied, RECOVER_ENV, settle, type JournalKey } from "./journal";
import { wasCreatedHere } from "./script-cache";
import { forgetSecret, listedSecret, rememberSecret } from "./secret-cache";

/** A secret's name is a binding name and a URL segment: letters, digits and `_`, as an environment variable. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME_MAX_LENGTH = 256;
/** The API limit on a secret's size. */
export const SECRET_TEXT_MAX_BYTES = 5 * 1024;

const NAME_RULE = `a secret name uses letters, digits and '_' (not starting with a digit), at most ${SECRET_NAME_MAX_LENGTH} characters`;

export const WORKER_SECRET_FIELDS = defineFields(
  {
    ...SCRIPT_SCOPE_FIELDS,
    /** The secret's binding name. */
    name: {
      schema: z.string().regex(SECRET_NAME_PATTERN).max(SECRET_NAME_MAX_LENGTH),
      diff: "replace",
      quote: true,
      reason: NAME_RULE,
      required: NAME_RULE,
    },
    /** A secret_text value (the reason of a failure never echoes it). */
    text: {
      schema: z
        .string({ error: "expected a string" })
        .refine((text) => Buffer.byteLength(text, "utf8") <= SECRET_TEXT_MAX_BYTES, `a secret is at most ${SECRET_TEXT_MAX_BYTES} bytes`)
        .optional(),
      diff: "update",
      secret: true,
    },
    /** A secret_key: a WebCrypto key, as the secret_key binding has it (camelCase). */
    secretKey: { schema: secretKeySchema.optional(), shape: "wire", diff: "update", secret: true },
    /**
     * Take over a secret that already exists instead of failing. The API never shows a secret's value, so an
     * existing secret of the same kind is taken as it is: its value is kept until this program's value changes.
     */
    adopt: ADOPT_FIELD,
  },
  "WorkerSecret",
);
const FIELDS = WORKER_SECRET_FIELDS;

export type WorkerSecretInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk derives its Args from it). */
export type WorkerSecretProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type SecretKeyInput = NonNullable<WorkerSecretInputs["secretKey"]>;
export type WorkerSecretOutputs = WorkerSecretInputs & { type?: "secret_text" | "secret_key" };

/** What each input does to the resource when it changes, derived from the field table. */
export const WORKER_SECRET_DIFF = diffTable(FIELDS);

function secretBody(inputs: WorkerSecretInputs): SecretInput {
  if (inputs.text !== undefined) return { name: inputs.name, type: "secret_text", text: inputs.text };
  return { name: inputs.name, type: "secret_key", ...toWire<z.infer<typeof secretKeySchema>>(inputs.secretKey) };
}

function outputsOf(inputs: WorkerSecretInputs): WorkerSecretOutputs {
  return { ...inputs, type: inputs.text !== undefined ? "secret_text" : "secret_key" };
}

export function makeWorkerSecretProvider(client: ClientSource = getDefaultClient): ProviderOf<WorkerSecretInputs, WorkerSecretOutputs> {
  return {
    check: checkWith("WorkerSecret", FIELDS, (_inputs, { news, failures }) => {
      if ((news.text === undefined) === (news.secretKey === undefined)) {
        // Reported instead of the value's own problems: which one the program meant is unknown.
        const others = failures.filter((f) => f.property !== "text" && f.property !== "secretKey");
        failures.splice(0, failures.length, ...others, {
          property: "text",
          reason: "give exactly one of text (a secret_text) or secretKey (a secret_key)",
        });
      }
    }),
    diff: diffWith(FIELDS),

    async create(inputs) {
      const scope = scopeOf(inputs);
      const api = clientOf(client);
      // The one read before the write, so a secret someone else set is not overwritten by surprise; not needed for
      // a Worker this run has just uploaded, which has no other secrets.
      const fresh = !inputs.adopt && wasCreatedHere(api, scope, inputs.scriptName);
      const live = fresh
        ? undefined
        : await listedSecret(api, scope, inputs.scriptName, inputs.name).catch((error) =>
            isNotFound(error) ? undefined : Promise.reject(error),
          );
      const id = scriptResourceId(scope, inputs.scriptName, "secrets", inputs.name);
      const key = journalKey(inputs);
      // An earlier PUT of this secret that got no answer (this process or one that died) may have set it: it is ours,
      // and is set again below, so whichever way that PUT went the program's value is what is deployed.
      if (live && !inputs.adopt && !mayBeOurs(api, key)) {
        throw new ResourceInputError(
          "name",
          `Secret ${JSON.stringify(inputs.name)} of ${describeWorker(scope, inputs.scriptName)} already exists. Set adopt: true to take it over as it is ` +
            `(the API never shows a secret's value, so the deployed value is kept until this program's value changes), or choose another name. ` +
            `If an earlier \`pulumi up\` of this stack was interrupted while setting it, run \`${RECOVER_ENV}=1 pulumi up\` once instead: it sets this program's value.`,
        );
      }
      // Adopting a secret of the same type keeps its value: the API cannot show it, so it is taken to be the program's.
      if (live && inputs.adopt && live.type === secretBody(inputs).type) {
        settle(api, key);
        return { id, outs: outputsOf(inputs) };
      }
      try {
        await journaled(api, key, () =>
          versionAware(api, scope, inputs, () => putSecret(api, scope, inputs.scriptName, secretBody(inputs))),
        );
      } catch (error) {
        throw mayHaveApplied(error) ? unacknowledgedPut(id, inputs, error as Error) : error;
      }
      await rememberSecret(api, scope, inputs.scriptName, { name: inputs.name, type: secretBody(inputs).type });
      return { id, outs: outputsOf(inputs) };
    },

    async read(id, props) {
      if (!props) return {};
      try {
        const live = await listedSecret(clientOf(client), scopeOf(props), props.scriptName, props.name);
        if (!live) return {};
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

    async update(_id, olds, news) {
      const { changed } = changedFields(FIELDS, olds, news);
      if (changed.includes("text") || changed.includes("secretKey")) {
        const api = clientOf(client);
        await versionAware(api, scopeOf(news), news, () => putSecret(api, scopeOf(news), news.scriptName, secretBody(news)));
        await rememberSecret(api, scopeOf(news), news.scriptName, { name: news.name, type: secretBody(news).type });
        settle(api, journalKey(news));
      }
      return { outs: outputsOf(news) };
    },

    async delete(_id, props) {
      try {
        const api = clientOf(client);
        await versionAware(api, scopeOf(props), props, () => deleteSecret(api, scopeOf(props), props.scriptName, props.name));
        await forgetSecret(api, scopeOf(props), props.scriptName, props.name);
        settle(api, journalKey(props));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  } satisfies dynamic.ResourceProvider<WorkerSecretInputs, WorkerSecretOutputs>;
}

export const workerSecretProvider = makeWorkerSecretProvider();

/**
 * A secret edit that never ends in a raw 10215: while the Worker's latest version is not the one deployed at
 * 100% (a gradual rollout), the API refuses secret edits, and the error says which versions serve, which is
 * latest and what to do (rollout.ts). It does not copy the latest version the way `wrangler versions secret
 * put` does: that copy would be undeployed and unknown to the WorkerDeployment.
 */
function versionAware<T>(client: CloudflareClient, scope: Scope, inputs: WorkerSecretInputs, edit: () => Promise<T>): Promise<T> {
  return explainingRollout(
    client,
    scope,
    inputs.scriptName,
    `Secret ${JSON.stringify(inputs.name)} of ${describeWorker(scope, inputs.scriptName)}`,
    SECRET_ROLLOUT_ADVICE,
    edit,
  );
}

/** Where a secret's create notes its PUT until the answer arrives (journal.ts). */
function journalKey(inputs: WorkerSecretInputs): JournalKey {
  return { kind: "secret", scope: scopeOf(inputs), names: [inputs.scriptName, inputs.name] };
}

/**
 * The PUT may have been applied: the error carries the resource id, so the engine keeps the secret in state
 * (a partial create) without its value, and the next `up` sees the value as changed and PUTs it again.
 * Nothing is orphaned, whichever way the lost request went.
 */
function unacknowledgedPut(id: string, inputs: WorkerSecretInputs, cause: Error): Error {
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
