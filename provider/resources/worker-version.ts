/**
 * WorkerVersion: one version of a Worker with its code and versioned configuration, uploaded and not deployed
 * (wrangler's `versions upload`). WorkerDeployment decides what serves.
 *
 * Lifecycle → endpoints:
 *   create  POST …/versions (the full upload form; `keep_bindings` carries the secrets of the latest version,
 *           `keep_assets` its static assets). The Worker must exist: it is looked up in the account listing
 *           (shared by every resource of the run), so a version never creates a Worker by accident.
 *           The upload carries `workers/tag` = a digest of what it uploads (unless the program sets its own
 *           tag); GET …/versions first, and when the Worker's newest version carries that tag it is this
 *           create's own upload whose answer was lost (a failure after the write): it is taken, not uploaded again
 *   read    GET …/versions/{id}: detects a version that is gone; a version never changes
 *   update  none: every input replaces (a new version is uploaded, the old one stays in the Worker's history)
 *   delete  nothing: the API keeps every version; deleting the resource forgets it
 *
 * Outputs `previewUrl` (https://<first 8 of the id>-<script>.<account subdomain>.workers.dev) when the
 * version has a preview and the Worker's preview URLs are on, as wrangler prints them (GET …/subdomain, then the
 * account subdomain, once per run); `previewAlias` names the version's alias (annotation `workers/alias`, as
 * wrangler's `--preview-alias` sends it), served at `previewAliasUrl`.
 *
 * The fields are a Worker's code and versioned configuration (worker-config.ts, the entries WorkerScript
 * spreads too, each replacing here). Not here: `migrations` (a migration applies with a deployment at 100%, so
 * it belongs to WorkerScript's full upload), `assets` (kept from the latest version), script-level settings
 * (WorkerScriptSettings).
 */
import { createHash } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  describeWorker,
  getDefaultClient,
  getNewestVersion,
  getSubdomain,
  getVersion,
  isNotFound,
  uploadVersion,
  type CloudflareClient,
  type Scope,
  type UploadMetadata,
} from "../cloudflare";
import { dashedVersionId, SECRET_BINDING_TYPES } from "../cloudflare/schemas";
import { compact, scopeOf, scriptResourceId } from "./common";
import {
  SCRIPT_SCOPE_FIELDS,
  checkWith,
  clientOf,
  defineFields,
  diffWith,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
  storedOutputs,
} from "./fields";
import { ResourceInputError } from "./refusals";
import { listedScript, wasCreatedHere } from "./script-cache";
import { accountSubdomain, previewUrl, versionPreviewLabel } from "./urls";
import { WORKER_CODE_FIELDS, WORKER_CONFIG_FIELDS, checkCode, codeToDeploy, replacing, uploadMetadata } from "./worker-config";

/**
 * A preview alias: a DNS label starting with a letter, of letters, digits and '-' (wrangler's
 * `ALIAS_VALIDATION_REGEX`, deploy-helpers `preview-alias.ts`); with the script name and a '-' it must fit the
 * 63 characters of a label, which check verifies.
 */
export const PREVIEW_ALIAS_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const MAX_DNS_LABEL_LENGTH = 63;
const previewAliasSchema = z
  .string()
  .regex(PREVIEW_ALIAS_PATTERN, "a preview alias is lower-case letters, digits and '-', starting with a letter and not ending with '-'");

/** An input of WorkerScript that a version does not take, refused with where it belongs. */
function notForAVersion(reason: string) {
  return { schema: z.undefined(), diff: "ignore", reason } as const;
}

export const WORKER_VERSION_FIELDS = defineFields(
  {
    accountId: SCRIPT_SCOPE_FIELDS.accountId,
    dispatchNamespace: notForAVersion("versions and deployments exist for Workers of the account only; remove it"),
    scriptName: SCRIPT_SCOPE_FIELDS.scriptName,
    ...WORKER_CODE_FIELDS,
    contentHash: replacing(WORKER_CODE_FIELDS).contentHash,
    ...replacing(WORKER_CONFIG_FIELDS),
    migrations: notForAVersion(
      "migrations apply with a deployment at 100%: keep them on the WorkerScript, whose full upload sends only the steps not yet applied",
    ),
    assets: notForAVersion("a version keeps the Worker's current static assets; change assets on the WorkerScript"),
    adopt: notForAVersion("a version is always new; remove it"),
    trackVersion: notForAVersion("a WorkerVersion always reports versionId and versionNumber; remove it"),
    /** Set by create: the version's id and number, what WorkerDeployment's versions take. */
    versionId: { schema: z.string().optional(), diff: "ignore", computed: true },
    versionNumber: { schema: z.number().optional(), diff: "ignore", computed: true },
    createdOn: { schema: z.string().optional(), diff: "ignore", computed: true },
    /** A stable preview URL for this version, https://<alias>-<script>.<account subdomain>.workers.dev (e.g. a branch name). */
    previewAlias: { schema: previewAliasSchema.optional(), diff: "replace", quote: true },
    /** Outputs: where this version answers before it is deployed, while the Worker's preview URLs are on. */
    previewUrl: { schema: z.string().optional(), diff: "ignore", computed: true },
    previewAliasUrl: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerVersion",
);
const FIELDS = WORKER_VERSION_FIELDS;

export type WorkerVersionInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk's WorkerVersionArgs derive from it). */
export type WorkerVersionProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type WorkerVersionOutputs = WorkerVersionInputs;

function describe(scope: Scope, name: string): string {
  return `WorkerVersion of ${describeWorker(scope, name)}`;
}

/** The version's preview URLs, when it has a preview and the Worker's preview URLs are on (wrangler's rule). */
async function previewUrls(
  client: CloudflareClient,
  scope: Scope,
  name: string,
  versionId: string,
  alias: string | undefined,
): Promise<{ previewUrl?: string; previewAliasUrl?: string }> {
  const { previews_enabled } = await getSubdomain(client, scope, name);
  if (previews_enabled !== true) return {};
  const subdomain = await accountSubdomain(client, scope.accountId);
  if (subdomain === undefined) return {};
  return {
    previewUrl: previewUrl(versionPreviewLabel(versionId), name, subdomain),
    previewAliasUrl: alias === undefined ? undefined : previewUrl(alias, name, subdomain),
  };
}

async function workerExists(client: CloudflareClient, scope: Scope, name: string): Promise<boolean> {
  return wasCreatedHere(client, { accountId: scope.accountId }, name) || (await listedScript(client, scope.accountId, name)) !== undefined;
}

/** The prefix and 18 hex digits of the digest: 25 characters, within what WorkerScript's `annotations` allow a tag. */
const UPLOAD_TAG_PREFIX = "pulumi-";
const UPLOAD_TAG_DIGITS = 18;

/**
 * The tag that names this upload: a digest of the code and the metadata, or undefined when it cannot name it.
 * Not when the program sets its own `workers/tag`, and not when the bindings declare secret values: a digest
 * over them would let anyone who can list the versions test guesses of a secret, and one without them would
 * take an older version for this one when only a secret value changed. Pure.
 */
export function uploadTag(metadata: UploadMetadata, contentHash: string): string | undefined {
  if (metadata.annotations?.["workers/tag"] !== undefined) return undefined;
  if ((metadata.bindings ?? []).some((b) => (SECRET_BINDING_TYPES as readonly string[]).includes(b.type))) return undefined;
  const digest = createHash("sha256")
    .update(JSON.stringify([contentHash, metadata]))
    .digest("hex");
  return `${UPLOAD_TAG_PREFIX}${digest.slice(0, UPLOAD_TAG_DIGITS)}`;
}

export function makeWorkerVersionProvider(source: ClientSource = getDefaultClient) {
  const client = () => clientOf(source);
  return {
    // The rules of a Worker's code and bindings, as WorkerScript checks them (worker-config.ts).
    check: checkWith("WorkerVersion", FIELDS, async (inputs, context) => {
      await checkCode(inputs, context);
      const alias = context.news.previewAlias;
      const name = context.news.scriptName;
      if (typeof alias === "string" && typeof name === "string" && alias.length + 1 + name.length > MAX_DNS_LABEL_LENGTH) {
        context.failures.push({
          property: "previewAlias",
          reason: `previewAlias "${alias}": "${alias}-${name}" is longer than the ${MAX_DNS_LABEL_LENGTH} characters of a DNS label; use at most ${Math.max(0, MAX_DNS_LABEL_LENGTH - 1 - name.length)} characters`,
        });
      }
    }),
    diff: diffWith(FIELDS),

    async create(inputs: WorkerVersionInputs): Promise<dynamic.CreateResult<WorkerVersionOutputs>> {
      const scope = scopeOf(inputs);
      const name = inputs.scriptName;
      const code = await codeToDeploy(inputs, describe(scope, name));
      if (!(await workerExists(client(), scope, name))) {
        throw new ResourceInputError(
          "scriptName",
          `${describe(scope, name)}: the Worker does not exist. Create it with a WorkerScript (its first version) and pass that ` +
            `resource's scriptName output here, so the Worker exists before its versions.`,
        );
      }
      const base = uploadMetadata(inputs, code.mainModule);
      const metadata: UploadMetadata = {
        ...base,
        keep_assets: true,
        ...(inputs.previewAlias === undefined ? {} : { annotations: { ...base.annotations, "workers/alias": inputs.previewAlias } }),
      };
      const tag = uploadTag(metadata, code.hash);
      // 1. Our own upload, made by an earlier attempt whose answer was lost, is the newest version: take it.
      const ours = (v: { annotations?: { "workers/tag"?: string | null } | null } | undefined) =>
        v !== undefined && v.annotations?.["workers/tag"] === tag;
      const newest = tag === undefined ? undefined : await getNewestVersion(client(), scope, name);
      let version: {
        id?: string | null;
        number?: number | null;
        metadata?: { created_on?: string | null; has_preview?: boolean | null; hasPreview?: boolean | null } | null;
      } =
        newest !== undefined && ours(newest)
          ? newest
          : // 2. Otherwise upload, naming the upload with its tag.
            await uploadVersion(client(), scope, name, {
              metadata: tag === undefined ? metadata : { ...metadata, annotations: { ...metadata.annotations, "workers/tag": tag } },
              modules: code.modules,
            });
      if (typeof version.id !== "string") {
        // 3. An answer without the id (the SDK types it optional): the upload happened, so find it rather than fail.
        const uploaded = await getNewestVersion(client(), scope, name);
        if (uploaded === undefined || (tag !== undefined && !ours(uploaded))) {
          throw new Error(
            `${describe(scope, name)}: the version was uploaded but the API's answer did not name it; run the update again (it finds the version instead of uploading another)`,
          );
        }
        version = uploaded;
      }
      const versionId = dashedVersionId(version.id!);
      const hasPreview = version.metadata?.has_preview ?? version.metadata?.hasPreview;
      const urls = hasPreview === true ? await previewUrls(client(), scope, name, versionId, inputs.previewAlias) : {};
      const outs: WorkerVersionOutputs = storedOutputs(FIELDS, {
        ...inputs,
        contentHash: code.hash,
        versionId,
        versionNumber: version.number ?? undefined,
        createdOn: version.metadata?.created_on ?? undefined,
        ...urls,
      });
      return { id: scriptResourceId(scope, name, "versions", versionId), outs };
    },

    async read(id: string, props?: WorkerVersionOutputs): Promise<dynamic.ReadResult<WorkerVersionOutputs>> {
      if (!props?.versionId) return {};
      try {
        const live = await getVersion(client(), scopeOf(props), props.scriptName, props.versionId);
        return { id, props: compact({ ...props, versionNumber: live.number ?? props.versionNumber }) };
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
    },

    async update(_id: string, olds: WorkerVersionOutputs, news: WorkerVersionInputs): Promise<dynamic.UpdateResult<WorkerVersionOutputs>> {
      // Every compared field replaces; an update only ever carries what no field compares.
      return {
        outs: storedOutputs(FIELDS, {
          ...news,
          versionId: olds.versionId,
          versionNumber: olds.versionNumber,
          createdOn: olds.createdOn,
          contentHash: olds.contentHash,
          previewUrl: olds.previewUrl,
          previewAliasUrl: olds.previewAliasUrl,
        }),
      };
    },

    async delete(): Promise<void> {
      // The API keeps every version of a Worker; forgetting it is all there is to do.
    },
  } satisfies dynamic.ResourceProvider<WorkerVersionInputs, WorkerVersionOutputs>;
}

export const workerVersionProvider = makeWorkerVersionProvider();
