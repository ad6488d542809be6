/**
 * WorkerDeployment: which one or two versions of a Worker serve, by percentage (wrangler's `versions deploy`).
 *
 * Lifecycle → endpoints:
 *   create  POST …/deployments (`strategy: "percentage"`, `?force=true` with `force`)
 *   read    GET …/deployments: the first one serves. Another deployment there is drift (the versions show
 *           what serves), except versions that secret edits made on top of ours (WorkerSecret rotating a
 *           secret of a Worker fully deployed on our version)
 *   update  POST …/deployments: a new deployment (a rollback is a deployment of an older version); a change
 *           of `force` alone sends nothing
 *   delete  nothing: the Worker keeps serving what it serves
 *
 * One WorkerDeployment per Worker: two would take turns deploying.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import {
  describeWorker,
  CloudflareApiError,
  createDeployment,
  getDefaultClient,
  isNotFound,
  listDeployments,
  listVersions,
  type CloudflareClient,
  type Deployment,
  type Scope,
} from "../cloudflare";
import { DEPLOYMENT_MAX_VERSIONS, DEPLOYMENT_MESSAGE_MAX_BYTES, dashedVersionId } from "../cloudflare/schemas";
import { compact, printable, scopeOf, scriptResourceId } from "./common";
import { ResourceInputError } from "./refusals";
import {
  SCRIPT_SCOPE_FIELDS,
  booleanSchema,
  changedFields,
  checkWith,
  clientOf,
  defineFields,
  diffWith,
  flag,
  type ClientSource,
  type InputsOf,
  type ProgramInputsOf,
} from "./fields";

/** The API's "versions secret edit" annotation: versions made by PUT/DELETE …/secrets. */
const SECRET_TRIGGER = "secret";

/**
 * A version id is a UUID (https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/),
 * written with or without dashes. Pulumi's placeholder for a value unknown at preview is a UUID too, so a
 * `versionId` taken from a WorkerVersion being created passes.
 */
export const VERSION_ID_PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;
const VERSION_ID_RULE =
  "not a version id (a UUID such as 0b5ad1c2-53e8-4c4e-9a4b-5d2e8a1c7f3e): pass a WorkerVersion's versionId output, or the id `wrangler versions list` shows";

export const deploymentVersionsSchema = z
  .array(
    z.strictObject({
      versionId: z.string().superRefine((id, ctx) => {
        if (!VERSION_ID_PATTERN.test(id))
          ctx.addIssue({ code: "custom", message: `${JSON.stringify(printable(id))} is ${VERSION_ID_RULE}` });
      }),
      percentage: z.number().min(0, "a percentage is 0 to 100").max(100, "a percentage is 0 to 100"),
    }),
  )
  .min(1, "give one version at 100, or two whose percentages add up to 100")
  .max(DEPLOYMENT_MAX_VERSIONS, "a deployment serves at most two versions")
  .superRefine((versions, ctx) => {
    const total = versions.reduce((sum, v) => sum + v.percentage, 0);
    if (Math.abs(total - 100) > 1e-9)
      ctx.addIssue({ code: "custom", message: `the percentages add up to ${total}; they must add up to 100` });
    if (new Set(versions.map((v) => v.versionId)).size !== versions.length)
      ctx.addIssue({ code: "custom", message: "a version is named twice; name each version once" });
  });

/** A version id as a string in its dashed form (an upload's `deployment_id` spells it without dashes). */
function dashed(id: unknown): unknown {
  return typeof id === "string" ? dashedVersionId(id) : id;
}

/** Percentages by version id, order-insensitive; either spelling of an id is the same version. */
function normaliseVersions(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return [...(value as DeploymentVersionInput[])]
    .map((v) => ({ versionId: dashed(v.versionId) as string, percentage: v.percentage }))
    .sort((a, b) => (a.versionId < b.versionId ? -1 : a.versionId > b.versionId ? 1 : 0));
}

export const WORKER_DEPLOYMENT_FIELDS = defineFields(
  {
    accountId: SCRIPT_SCOPE_FIELDS.accountId,
    // Not an input: named so that check says why.
    dispatchNamespace: {
      schema: z.undefined(),
      diff: "ignore",
      reason: "versions and deployments exist for Workers of the account only; remove it",
    },
    scriptName: SCRIPT_SCOPE_FIELDS.scriptName,
    /** One version at 100, or two whose percentages add up to 100. */
    versions: {
      schema: deploymentVersionsSchema,
      diff: "update",
      normalise: normaliseVersions,
      required: "required, e.g. [{ versionId: version.versionId, percentage: 100 }]",
    },
    /** `workers/message` of each deployment this resource makes. */
    message: {
      schema: z
        .string()
        .refine((m) => Buffer.byteLength(m) <= DEPLOYMENT_MESSAGE_MAX_BYTES, `at most ${DEPLOYMENT_MESSAGE_MAX_BYTES} bytes`)
        .optional(),
      diff: "update",
    },
    /** Deploy even where the API would block it (a rollback over changed secrets). */
    force: { schema: booleanSchema.optional(), diff: "update", normalise: flag },
    /** The deployment this resource made last, and when. */
    deploymentId: { schema: z.string().optional(), diff: "ignore", computed: true },
    createdOn: { schema: z.string().optional(), diff: "ignore", computed: true },
  },
  "WorkerDeployment",
);
const FIELDS = WORKER_DEPLOYMENT_FIELDS;

export type WorkerDeploymentInputs = InputsOf<typeof FIELDS>;
/** What a program writes (the sdk's WorkerDeploymentArgs derive from it). */
export type WorkerDeploymentProgramInputs = ProgramInputsOf<typeof FIELDS>;
export type WorkerDeploymentOutputs = WorkerDeploymentInputs;
export type DeploymentVersionInput = WorkerDeploymentInputs["versions"][number];

function describe(scope: Scope, name: string): string {
  return `WorkerDeployment of ${describeWorker(scope, name)}`;
}

function deploymentOutputs(d: Deployment): Partial<WorkerDeploymentOutputs> {
  return compact({ deploymentId: d.id ?? undefined, createdOn: d.created_on ?? undefined });
}

/** The live deployment's versions, in the program's spelling. */
function liveVersions(d: Deployment): DeploymentVersionInput[] {
  return (d.versions ?? []).map((v) => ({ versionId: dashedVersionId(v.version_id), percentage: v.percentage }));
}

/** Errors of a deployment the API refused, with what to do. */
function explained(scope: Scope, name: string, error: unknown): unknown {
  if (!(error instanceof CloudflareApiError)) return error;
  const codes = error.errors.map((e) => e.code);
  const said = error.errors.map((e) => e.message).join("; ") || error.message;
  if (codes.includes(10220)) {
    return new ResourceInputError(
      "versions",
      `${describe(scope, name)}: the API refused to deploy a version whose secrets changed since it was uploaded (${said}). ` +
        `That version would run with the secrets it was uploaded with. To deploy it anyway set force: true on this WorkerDeployment; ` +
        `otherwise deploy a WorkerVersion uploaded after the secret change.`,
      { cause: error },
    );
  }
  if (isNotFound(error)) {
    return new ResourceInputError(
      "versions",
      `${describe(scope, name)}: ${said}. Every versionId must be a version of this Worker (a WorkerVersion's or WorkerScript's versionId output).`,
      { cause: error },
    );
  }
  return error;
}

async function deploy(client: CloudflareClient, scope: Scope, name: string, inputs: WorkerDeploymentInputs): Promise<Deployment> {
  try {
    return await createDeployment(client, scope, name, { versions: inputs.versions, message: inputs.message, force: inputs.force });
  } catch (error) {
    throw explained(scope, name, error);
  }
}

/**
 * Whether the live deployment is ours with only secret edits on top: ours served one version at 100%, and what
 * serves now is one newer version at 100% made by a secret edit (the secrets API copies the deployed version).
 */
async function onlySecretEditsSince(
  client: CloudflareClient,
  scope: Scope,
  name: string,
  ours: DeploymentVersionInput[],
  live: DeploymentVersionInput[],
): Promise<boolean> {
  if (ours.length !== 1 || live.length !== 1 || live[0]!.percentage !== 100) return false;
  const { items } = await listVersions(client, scope, name, { page: 1, perPage: 10 });
  const liveItem = items.find((v) => typeof v.id === "string" && dashedVersionId(v.id) === dashedVersionId(live[0]!.versionId));
  const ourItem = items.find((v) => typeof v.id === "string" && dashedVersionId(v.id) === dashedVersionId(ours[0]!.versionId));
  if (liveItem === undefined) return false;
  const bySecret = liveItem.annotations?.["workers/triggered_by"] === SECRET_TRIGGER;
  // Our version is older than the ten newest when absent here: the live one is newer.
  return bySecret && (ourItem === undefined || (ourItem.number ?? Infinity) < (liveItem.number ?? -Infinity));
}

export function makeWorkerDeploymentProvider(source: ClientSource = getDefaultClient) {
  const client = () => clientOf(source);
  return {
    check: checkWith("WorkerDeployment", FIELDS),
    diff: diffWith(FIELDS),

    async create(inputs: WorkerDeploymentInputs): Promise<dynamic.CreateResult<WorkerDeploymentOutputs>> {
      const scope = scopeOf(inputs);
      const deployment = await deploy(client(), scope, inputs.scriptName, inputs);
      return {
        id: scriptResourceId(scope, inputs.scriptName, "deployment"),
        outs: compact({ ...inputs, ...deploymentOutputs(deployment) }),
      };
    },

    async read(id: string, props?: WorkerDeploymentOutputs): Promise<dynamic.ReadResult<WorkerDeploymentOutputs>> {
      if (!props) return {};
      const scope = scopeOf(props);
      let deployments: Deployment[];
      try {
        deployments = await listDeployments(client(), scope, props.scriptName);
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
      const live = deployments[0];
      if (live === undefined) return {};
      if (live.id === props.deploymentId) return { id, props };
      const versions = liveVersions(live);
      if (await onlySecretEditsSince(client(), scope, props.scriptName, props.versions, versions)) return { id, props };
      return { id, props: compact({ ...props, versions, ...deploymentOutputs(live) }) };
    },

    async update(
      _id: string,
      olds: WorkerDeploymentOutputs,
      news: WorkerDeploymentInputs,
    ): Promise<dynamic.UpdateResult<WorkerDeploymentOutputs>> {
      const { changed } = changedFields(FIELDS, olds, news);
      if (changed.every((key) => key === "force")) {
        return { outs: compact({ ...news, deploymentId: olds.deploymentId, createdOn: olds.createdOn }) };
      }
      const deployment = await deploy(client(), scopeOf(news), news.scriptName, news);
      return { outs: compact({ ...news, ...deploymentOutputs(deployment) }) };
    },

    async delete(): Promise<void> {
      // Deleting the resource leaves the Worker serving what it serves: there is no "undeploy".
    },
  } satisfies dynamic.ResourceProvider<WorkerDeploymentInputs, WorkerDeploymentOutputs>;
}

export const workerDeploymentProvider = makeWorkerDeploymentProvider();
