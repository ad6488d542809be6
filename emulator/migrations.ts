/**
 * Durable Object migration tags: which tag a Worker carries after an upload or a settings PATCH that sends
 * `migrations`, and the precondition the API checks first (the Worker's tag must be the migration's
 * `old_tag`). Both wire forms are read: one step with `new_tag`/`old_tag` beside the step's fields, or
 * `{old_tag, new_tag, steps: [...]}` (the form wrangler sends for a `[[migrations]]` list). Pure.
 *
 * Evidence: workers-sdk#705 ("Migration tag precondition failed; current tag is v1 [code: 10079]" for an upload
 * without `old_tag` to a Worker that has a tag); pulumi-cloudflare#1215 ("Actor migration tag precondition
 * failed, got tag 'v0' when expected tag is 'v1'. Please make sure the tags match and try again."); alchemy's
 * adoption fix (alchemy-run#437) catches it as HTTP 412.
 */
import { ApiError, ERROR } from "./envelope";

export const MIGRATION_PRECONDITION_STATUS = 412;

interface WireMigrations {
  old_tag?: unknown;
  new_tag?: unknown;
}

function precondition(message: string): ApiError {
  return new ApiError(MIGRATION_PRECONDITION_STATUS, ERROR.MIGRATION_TAG_PRECONDITION, message);
}

/** The Worker's migration tag after `migrations` is applied to a Worker whose tag is `current`. */
export function migrationTagAfter(migrations: unknown, current: string | undefined): string | undefined {
  if (migrations === undefined || migrations === null || typeof migrations !== "object") return current;
  const m = migrations as WireMigrations;
  const oldTag = typeof m.old_tag === "string" ? m.old_tag : undefined;
  const newTag = typeof m.new_tag === "string" ? m.new_tag : undefined;
  if (oldTag === undefined && current !== undefined) {
    throw precondition(`Migration tag precondition failed; current tag is ${current}`);
  }
  if (oldTag !== undefined && oldTag !== current) {
    throw precondition(
      `Actor migration tag precondition failed, got tag '${oldTag}' when expected tag is '${current ?? ""}'. Please make sure the tags match and try again.`,
    );
  }
  return newTag ?? current;
}
