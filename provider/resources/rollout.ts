/**
 * What a Worker in a gradual rollout refuses, explained. While the latest version of a Worker is not the one
 * deployed at 100% (after a WorkerVersion upload, or during a split WorkerDeployment), the API refuses
 * secret edits (10215) and settings PATCHes (10214). Rather than a raw code, the user is told which versions
 * serve, which one is latest, and what to do. Reads happen only after the refusal: the common case stays one call.
 */
import { CloudflareApiError, listDeployments, listVersions, type CloudflareClient, type Scope } from "../cloudflare";

/** 10215: secret edit refused; 10214: settings edit refused; both "the latest version isn't currently deployed". */
export const LATEST_NOT_DEPLOYED_CODES = [10215, 10214] as const;

export function isLatestNotDeployed(error: unknown): error is CloudflareApiError {
  return error instanceof CloudflareApiError && error.errors.some((e) => (LATEST_NOT_DEPLOYED_CODES as readonly number[]).includes(e.code));
}

export interface RolloutState {
  /** What serves: version number, id and share. */
  deployed: { id: string; number?: number; percentage: number }[];
  latest?: { id: string; number: number };
}

/** The latest deployment and the latest version: two reads. */
export async function rolloutState(client: CloudflareClient, scope: Scope, scriptName: string): Promise<RolloutState> {
  const [deployments, versions] = await Promise.all([
    listDeployments(client, scope, scriptName),
    listVersions(client, scope, scriptName, { page: 1, perPage: 10 }),
  ]);
  // Liberal: a row without an id or a number is skipped rather than trusted.
  const rows = versions.items.filter(
    (v): v is typeof v & { id: string; number: number } => typeof v.id === "string" && typeof v.number === "number",
  );
  const numbers = new Map(rows.map((v) => [v.id, v.number]));
  const deployed = (deployments[0]?.versions ?? []).map((v) => ({
    id: v.version_id,
    number: numbers.get(v.version_id),
    percentage: v.percentage,
  }));
  const latest = [...rows].sort((a, b) => b.number - a.number)[0];
  return latest === undefined ? { deployed } : { deployed, latest: { id: latest.id, number: latest.number } };
}

function versionLabel(v: { id: string; number?: number }): string {
  return v.number === undefined ? `version ${v.id}` : `version ${v.number} (${v.id})`;
}

/** "version 2 (…) at 90% and version 3 (…) at 10%" */
export function describeDeployed(state: RolloutState): string {
  if (state.deployed.length === 0) return "no deployment";
  return state.deployed.map((v) => `${versionLabel(v)} at ${v.percentage}%`).join(" and ");
}

/**
 * The error for an edit the API refused because the latest version is not deployed: `what` is the edit
 * ("Secret \"TOKEN\" of Worker \"api\" in account …"), `advice` what this resource's user can do besides finishing the rollout.
 */
export function latestNotDeployedError(what: string, state: RolloutState, cause: CloudflareApiError, advice: string): Error {
  const latest = state.latest === undefined ? "unknown" : versionLabel(state.latest);
  return new Error(
    `${what} cannot be changed now: the Worker's latest version is not the one fully deployed (deployed: ${describeDeployed(state)}; latest: ${latest}), ` +
      `and Cloudflare refuses this edit until it is (code ${cause.errors.map((e) => e.code).join(", ")}). Nothing was changed. ` +
      `Deploy the latest version at 100% (WorkerDeployment versions: [{ versionId: <latest>, percentage: 100 }]: a rollback to an older one does not lift this), then run the update again; ${advice}`,
    { cause },
  );
}

/**
 * Runs one edit of a Worker; when the API refuses it because the latest version is not deployed, reads the
 * rollout state and throws the explanation instead. Workers in a dispatch namespace have no versions API.
 */
export async function explainingRollout<T>(
  client: CloudflareClient,
  scope: Scope,
  scriptName: string,
  what: string,
  advice: string,
  edit: () => Promise<T>,
): Promise<T> {
  try {
    return await edit();
  } catch (error) {
    if (!isLatestNotDeployed(error) || scope.dispatchNamespace !== undefined) throw error;
    throw latestNotDeployedError(what, await rolloutState(client, scope, scriptName), error, advice);
  }
}

/** What a WorkerSecret's user can do besides deploying the latest version. */
export const SECRET_ROLLOUT_ADVICE =
  "or, for a value that may differ between the versions of a rollout, declare it as a secret_text binding of each WorkerVersion (a Pulumi secret), which uploads it with the version.";
