/**
 * Durable Object migrations as wrangler has them: an ordered list of tagged steps. The Worker carries the tag
 * of the last step applied (`migration_tag`, in the account listing); an update sends only the steps after
 * it, from `old_tag` = the live tag to `new_tag` = the last tag, and nothing when the live tag is the last one.
 * A live tag that the list does not contain is an error, never a silent overwrite.
 *
 * The single-object form (`{ newTag, oldTag?, newClasses?, …, steps? }`, the shape of the upload metadata) is
 * read as a history of one step ending at `newTag`; without `newTag` it cannot be tracked and check shows the list.
 *
 * Pure functions; inputs in the program's camelCase, results in wire snake_case.
 * Evidence for the rule: wrangler's publish (workers-sdk) reads `migration_tag` from `GET /workers/scripts`,
 * finds it in `[[migrations]]` and sends `{old_tag, new_tag, steps: <the steps after it>}`.
 */
import { liveMigrationTag, migrationListInputSchema, migrationsInputSchema, type TaggedMigrationStep } from "../cloudflare/schemas";

export { liveMigrationTag };
import { fromWire, toWire } from "./case";
import { failuresFrom, type CheckFailure } from "./common";
import { ResourceInputError } from "./refusals";

type Json = Record<string, unknown>;

/** What an upload or a settings PATCH carries as `migrations`. */
export interface WireMigrations {
  old_tag?: string;
  new_tag: string;
  steps: Json[];
  [field: string]: unknown;
}

/** The new form, written in the program: `[{ tag: "v1", newClasses: ["Counter"] }, …]`. */
export const MIGRATIONS_LIST_EXAMPLE =
  'migrations: [{ tag: "v1", newClasses: ["Counter"] }, { tag: "v2", renamedClasses: [{ from: "Counter", to: "Tally" }] }]';

const STEP_FIELDS = ["new_classes", "new_sqlite_classes", "deleted_classes", "renamed_classes", "transferred_classes"] as const;

function stepOf(step: Json): Json {
  const out: Json = {};
  for (const field of STEP_FIELDS) if (step[field] !== undefined) out[field] = step[field];
  return out;
}

/** The old single-object form, in wire spelling, or undefined for the list form. */
function singleObject(value: unknown): (Json & { new_tag?: string; old_tag?: string; steps?: Json[] }) | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? toWire<Json>(value) : undefined;
}

/**
 * Replays the steps over the classes they create: a class created twice in the history is reported with the
 * step's tag. A rename, delete or transfer of a class no step created is not: a history may start after steps
 * applied elsewhere (an imported Worker's list begins with a step holding only its live tag).
 */
function classFailures(steps: TaggedMigrationStep[]): string[] {
  const classes = new Set<string>();
  const problems: string[] = [];
  for (const step of steps) {
    const create = (name: string) => {
      if (classes.has(name)) problems.push(`step "${step.tag}" creates class ${name}, which an earlier step already created`);
      classes.add(name);
    };
    for (const name of [...(step.new_classes ?? []), ...(step.new_sqlite_classes ?? [])]) create(name);
    for (const { from, to } of step.renamed_classes ?? []) {
      classes.delete(from);
      create(to);
    }
    for (const name of step.deleted_classes ?? []) classes.delete(name);
    for (const { to } of step.transferred_classes ?? []) create(to);
  }
  return problems;
}

/** Check of the `migrations` input: shape, unique tags, class names and their history. */
export function checkMigrations(value: unknown): CheckFailure[] {
  if (value === undefined) return [];
  const failure = (reason: string): CheckFailure => ({ property: "migrations", reason: `migrations: ${reason}` });
  if (Array.isArray(value)) {
    const parsed = migrationListInputSchema.safeParse(toWire(value));
    if (!parsed.success) return failuresFrom(parsed.error, ["migrations"]);
    const failures: CheckFailure[] = [];
    const seen = new Set<string>();
    for (const step of parsed.data) {
      if (seen.has(step.tag)) failures.push(failure(`tag "${step.tag}" appears twice; every step needs its own tag`));
      seen.add(step.tag);
    }
    for (const problem of classFailures(parsed.data)) failures.push(failure(problem));
    return failures;
  }
  const single = singleObject(value);
  if (single === undefined) return [failure(`expected the ordered list of tagged steps, e.g. ${MIGRATIONS_LIST_EXAMPLE}`)];
  const parsed = migrationsInputSchema.safeParse(single);
  if (!parsed.success) return failuresFrom(parsed.error, ["migrations"]);
  if (typeof single.new_tag !== "string" || single.new_tag === "") {
    return [
      failure(
        `a migration without newTag cannot be tracked (it would be sent again with every upload); write the ordered list of tagged steps instead: ${MIGRATIONS_LIST_EXAMPLE}`,
      ),
    ];
  }
  return [];
}

/** The tag the Worker carries once every step of `value` is applied, or undefined without migrations. */
export function lastMigrationTag(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? undefined : String((value[value.length - 1] as Json).tag);
  return singleObject(value)?.new_tag;
}

function describeTag(tag: string | undefined): string {
  return tag === undefined ? "no migration tag" : `migration tag "${tag}"`;
}

/**
 * The `migrations` to send to a Worker whose live tag is `liveTag`: the steps after it, or undefined when there
 * is nothing to apply. Throws when the live tag is not part of the program's history. `who` names the resource.
 */
export function migrationsToSend(value: unknown, liveTag: string | undefined, who: string): WireMigrations | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    const steps = toWire<(Json & { tag: string })[]>(value);
    if (steps.length === 0) return undefined;
    const last = steps[steps.length - 1]!.tag;
    if (liveTag === last) return undefined;
    const at = liveTag === undefined ? -1 : steps.findIndex((s) => s.tag === liveTag);
    if (liveTag !== undefined && at < 0) {
      throw new ResourceInputError(
        "migrations",
        `${who}: the live Worker has ${describeTag(liveTag)}, which is not in migrations (tags ${steps.map((s) => `"${s.tag}"`).join(", ")}). ` +
          `Nothing was sent. If steps already applied were removed from the list, put them back in order; if the Worker was migrated outside ` +
          `this program, add that step (tag "${liveTag}") where it belongs. Only the steps after the live tag are ever sent.`,
      );
    }
    return compactWire({ old_tag: liveTag, new_tag: last, steps: steps.slice(at + 1).map(stepOf) });
  }
  const single = singleObject(value)!;
  const newTag = single.new_tag!;
  if (liveTag === newTag) return undefined;
  if (liveTag !== single.old_tag) {
    throw new ResourceInputError(
      "migrations",
      `${who}: migrations goes from ${describeTag(single.old_tag)} to "${newTag}", but the live Worker has ${describeTag(liveTag)}. Nothing was sent. ` +
        `Write migrations as the ordered list of every step, so that only the steps after the live tag are sent: ${MIGRATIONS_LIST_EXAMPLE}.`,
    );
  }
  return compactWire({ old_tag: single.old_tag, new_tag: newTag, steps: single.steps ?? [stepOf(single)] });
}

function compactWire(m: { old_tag?: string; new_tag: string; steps: Json[] }): WireMigrations {
  return m.old_tag === undefined ? { new_tag: m.new_tag, steps: m.steps } : m;
}

/**
 * The `migrations` value that describes the live Worker, for a refresh: the program's value when the live tag is
 * its last tag; the steps applied so far when the live tag is an earlier one (the next update sends the rest);
 * `[{ tag: <live> }]` when the live tag is unknown to the program (the next update stops with an error).
 */
export function migrationsAsLive(value: unknown, liveTag: string | undefined): unknown {
  if (value === undefined || liveTag === lastMigrationTag(value)) return value;
  if (Array.isArray(value)) {
    if (liveTag === undefined) return [];
    const at = value.findIndex((s) => (s as Json).tag === liveTag);
    return at >= 0 ? value.slice(0, at + 1) : [{ tag: liveTag }];
  }
  return fromWire({ ...singleObject(value), new_tag: liveTag });
}
