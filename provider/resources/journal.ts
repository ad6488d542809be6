/**
 * Creates that recognise their own earlier write after the process that made it is gone.
 *
 * A `pulumi up` killed while a create's request is in flight (a CI job cancelled, a runner lost) leaves a
 * write the API may have applied and Pulumi never recorded: the engine drops the pending create and the next
 * `up` runs create again. For most resources the second create meets its own result and knows it (an
 * identical Worker, a route of the same pattern and Worker, an idempotent PUT). Where the API cannot tell us
 * who made what exists (a secret: the API lists its name and type, never its value or its writer; a dispatch
 * namespace; a Worker with assets; cron triggers the program changed since), the create would refuse to take
 * over "someone else's" resource.
 *
 * So every such create notes its write here before sending it and forgets it when an answer arrives (the
 * write applied, or definitely refused). A note left behind means "our write may have been applied": the next
 * create of the same resource, in any process on this machine within JOURNAL_TTL_MS, takes what exists as its
 * own and writes the program's value. A note holds no value, only a hash of where the write went (API, account,
 * namespace, Worker, resource), in a folder of the user's own (0700).
 *
 * Off this machine (a fresh CI runner) the note is not there: the create's error then names the one-run
 * setting RECOVER_ENV (`CLOUDFLARE_WORKERS_RECOVER=1 pulumi up`), under which creates take over what they
 * find, as `adopt: true` would, without a program edit.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudflareApiError, LIMITER_STATE_DIR, resolveBaseUrl, type CloudflareClient, type Scope } from "../cloudflare";

/** How long a note of an unanswered write is trusted: a crashed run is usually re-run within the day. */
export const JOURNAL_TTL_MS = 24 * 60 * 60 * 1000;
/** Where the notes live; a CI job can point it at a cached folder so a re-run on another runner finds them. */
export const JOURNAL_DIR_ENV = "CLOUDFLARE_WORKERS_JOURNAL_DIR";
/** Set to 1 for the `up` after a crash the journal cannot vouch for: creates take over what they find. */
export const RECOVER_ENV = "CLOUDFLARE_WORKERS_RECOVER";

/** A write of one resource: the kind of write and the names that place it in its scope. */
export interface JournalKey {
  kind: "script" | "secret" | "namespace" | "schedules";
  scope: Scope;
  names: readonly string[];
}

function journalDir(): string {
  const dir = process.env[JOURNAL_DIR_ENV];
  return dir !== undefined && dir !== "" ? dir : join(LIMITER_STATE_DIR, "journal");
}

/** The API a client talks to (a note for the emulator on one port is not one for Cloudflare). */
function apiOf(client: CloudflareClient): string {
  try {
    return resolveBaseUrl(client.toJSON().baseUrl as string | undefined);
  } catch {
    // A base URL the client refuses never reaches the API: no write to note.
    return "";
  }
}

function noteFile(client: CloudflareClient, key: JournalKey): string {
  const where = JSON.stringify([apiOf(client), key.scope.accountId, key.scope.dispatchNamespace ?? "", key.kind, ...key.names]);
  return join(journalDir(), `${createHash("sha256").update(where).digest("hex")}.json`);
}

/** Whether this run is the one-off recovery run (`CLOUDFLARE_WORKERS_RECOVER=1`). */
export function recovering(): boolean {
  const value = process.env[RECOVER_ENV];
  return value === "1" || value === "true";
}

/**
 * Whether an earlier write of this resource may have been applied without an answer: a note left by a process
 * on this machine in the last JOURNAL_TTL_MS, or the recovery run.
 */
export function mayBeOurs(client: CloudflareClient, key: JournalKey): boolean {
  if (recovering()) return true;
  try {
    const note = JSON.parse(readFileSync(noteFile(client, key), "utf8")) as { at?: unknown };
    return typeof note.at === "number" && Date.now() - note.at < JOURNAL_TTL_MS;
  } catch {
    return false;
  }
}

/**
 * Sends a create's write with a note of it kept until an answer arrives. The note stays when none did (no
 * answer, a timeout, a server error: the write may have been applied) and when the process dies meanwhile.
 * A journal that cannot be written (a read-only disk) never stops the write.
 */
export async function journaled<T>(client: CloudflareClient, key: JournalKey, write: () => Promise<T>): Promise<T> {
  const file = noteFile(client, key);
  note(file);
  try {
    const result = await write();
    forget(file);
    return result;
  } catch (error) {
    if (!mayHaveApplied(error)) forget(file);
    throw error;
  }
}

/** Forgets a note once what it was about is settled some other way (the resource taken over, or deleted). */
export function settle(client: CloudflareClient, key: JournalKey): void {
  forget(noteFile(client, key));
}

/** A failure after which the request may still have been applied: no answer, a timeout, or a server error. */
export function mayHaveApplied(error: unknown): boolean {
  return error instanceof CloudflareApiError && (error.status === 0 || error.status >= 500);
}

function note(file: string): void {
  try {
    mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ at: Date.now() }), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // Without a journal the recovery falls back to the documented setting.
  }
}

function forget(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Never written, or already forgotten.
  }
}
