/**
 * One GET …/secrets answers the name and type of every secret of a Worker, so a refresh (or the existence
 * checks of a create) of a Worker's N WorkerSecrets reads the list once instead of N secrets one by one.
 * Like the account listing of script-cache.ts, a list is kept in the client's run state
 * (provider/cloudflare/run-state.ts) for at most SECRET_LIST_TTL_MS; our own writes update it in place.
 */
import { listSecrets, runSlot, type CloudflareClient, type Scope, type Secret } from "../cloudflare";

export const SECRET_LIST_TTL_MS = 60_000;

interface SecretList {
  at: number;
  secrets: Promise<Map<string, Secret>>;
}

/** The secrets lists of this client's run, by Worker (account, namespace, name). */
const SECRET_LISTS = runSlot("Workers' secrets lists", () => new Map<string, SecretList>());

function listKey(scope: Scope, scriptName: string): string {
  return JSON.stringify([scope.accountId, scope.dispatchNamespace ?? "", scriptName]);
}

/**
 * The secret as the Worker's list shows it, or undefined when the Worker has no such secret. Rejects as the
 * list does (not found when the Worker itself is gone).
 */
export async function listedSecret(client: CloudflareClient, scope: Scope, scriptName: string, name: string): Promise<Secret | undefined> {
  const lists = client.runCache(SECRET_LISTS);
  const key = listKey(scope, scriptName);
  let list = lists.get(key);
  if (!list || Date.now() - list.at > SECRET_LIST_TTL_MS) {
    const secrets = listSecrets(client, scope, scriptName).then((rows) => new Map(rows.map((s) => [s.name, s])));
    const fetched: SecretList = { at: Date.now(), secrets };
    // A failed list is not kept: the next caller asks again.
    secrets.catch(() => lists.get(key) === fetched && lists.delete(key));
    lists.set(key, (list = fetched));
  }
  return (await list.secrets).get(name);
}

/** Records a secret we just set (never its value), so a list fetched before stays true. */
export async function rememberSecret(client: CloudflareClient, scope: Scope, scriptName: string, secret: Secret): Promise<void> {
  const secrets = await client
    .runCache(SECRET_LISTS)
    .get(listKey(scope, scriptName))
    ?.secrets.catch(() => undefined);
  secrets?.set(secret.name, { name: secret.name, type: secret.type });
}

export async function forgetSecret(client: CloudflareClient, scope: Scope, scriptName: string, name: string): Promise<void> {
  const secrets = await client
    .runCache(SECRET_LISTS)
    .get(listKey(scope, scriptName))
    ?.secrets.catch(() => undefined);
  secrets?.delete(name);
}
