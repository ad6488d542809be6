/**
 * Canonical forms of what the API gives back, so that a read of an unchanged Worker diffs to nothing:
 * server defaults, ordering the server does not preserve, empty values it omits and values it measures.
 * Every function takes and returns the wire (snake_case) shape and is idempotent.
 */
import { OPAQUE_BINDING_MARKER, SECRET_BINDING_TYPES } from "../cloudflare/schemas";

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A total order on strings: locale collation would call some distinct names equal and keep their input order. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.values(value).every((v) => v === undefined);
  return false;
}

/** A list whose order the API does not keep: sorted, de-duplicated, empty ≡ absent. */
export function normaliseStringSet(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return [...new Set(value.map(String))].sort();
}

/** One binding in canonical form: d1's deprecated `id` folded into `database_id`, absent fields dropped. */
export function normaliseBinding(binding: Json): Json {
  const out: Json = {};
  // `opaque` marks, in a program, a binding this package cannot check; it never travels on the wire.
  for (const [k, v] of Object.entries(binding)) if (v !== undefined && v !== null && k !== OPAQUE_BINDING_MARKER) out[k] = v;
  if (out.type === "d1" && out.database_id === undefined && out.id !== undefined) {
    out.database_id = out.id;
    delete out.id;
  } else if (out.type === "d1" && out.id === out.database_id) {
    delete out.id;
  }
  if (out.type === "send_email") {
    for (const key of ["allowed_destination_addresses", "allowed_sender_addresses"]) {
      const set = normaliseStringSet(out[key]);
      if (set) out[key] = set;
      else delete out[key];
    }
  }
  return out;
}

/** Bindings sorted by name (names are unique), each canonical. Empty ≡ absent. */
export function normaliseBindings(value: unknown): Json[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value
    .filter(isRecord)
    .map(normaliseBinding)
    .sort((a, b) => byCodeUnits(String(a.name), String(b.name)));
}

export function isSecretBinding(binding: Json): boolean {
  return (SECRET_BINDING_TYPES as readonly string[]).includes(String(binding.type));
}

/** Placement without what the server measures (`last_analyzed_at`, `status`); `{}` ≡ absent. */
export function normalisePlacement(value: unknown): Json | undefined {
  if (!isRecord(value)) return undefined;
  const { last_analyzed_at: _analyzed, status: _status, ...rest } = value;
  return isEmpty(rest) ? undefined : rest;
}

/** Objects the API omits when empty (`limits`, `observability` sub-objects): `{}` ≡ absent. */
export function normaliseOptionalObject(value: unknown): unknown {
  return isEmpty(value) ? undefined : value;
}

/** An object of switches that default to off (`cache_options`): members that are false or null dropped, `{}` ≡ absent. */
export function normaliseOffByDefault(value: unknown): Json | undefined {
  if (!isRecord(value)) return undefined;
  const on = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== false && v !== null && v !== undefined));
  return Object.keys(on).length === 0 ? undefined : on;
}

/** The usage model the API reports for a Worker that never set one. */
export const DEFAULT_USAGE_MODEL = "standard";

export function normaliseUsageModel(value: unknown): unknown {
  return value === undefined || value === null || value === DEFAULT_USAGE_MODEL ? undefined : value;
}

/** Tail consumers: order-insensitive, empty ≡ absent. */
export function normaliseTailConsumers(value: unknown): Json[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value
    .filter(isRecord)
    .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== null)))
    .sort((a, b) =>
      byCodeUnits(JSON.stringify([a.service, a.environment, a.namespace]), JSON.stringify([b.service, b.environment, b.namespace])),
    );
}

/**
 * Fields the server fills in on a binding the program wrote without them: a `durable_object_namespace`
 * binding comes back with the `namespace_id` the API assigned (terraform-provider-cloudflare v5 marks it
 * Computed). Wire names.
 */
export const SERVER_FILLED_BINDING_FIELDS: Readonly<Record<string, readonly string[]>> = {
  durable_object_namespace: ["namespace_id"],
};

/**
 * A live binding in the program's form: a server-filled field the program's binding of the same name and
 * type leaves out is dropped, so a refresh shows no diff for it. Wire shape in and out. Pure.
 */
export function bindingInProgramForm(live: Json, program: Json | undefined): Json {
  if (program === undefined || program.type !== live.type) return live;
  const filled = SERVER_FILLED_BINDING_FIELDS[String(live.type)] ?? [];
  const out = { ...live };
  for (const field of filled) if (program[field] === undefined) delete out[field];
  return out;
}

/** Removes `null` and `undefined` members, recursively (the API answers `null` for what was never set). Pure. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  return out;
}

/**
 * The live value of an object the program manages in part (observability), seen through the program's keys:
 * members the program did not write are left out (the server fills defaults such as `head_sampling_rate: 1`
 * and answers `null` for the rest), nested objects likewise. Where the program wrote a key, the live value is
 * kept as it is, so drift there still shows. Pure.
 */
export function projectOntoProgram(live: unknown, program: unknown): unknown {
  if (!isRecord(program)) return withoutNulls(live);
  if (!isRecord(live)) return live ?? undefined;
  const out: Json = {};
  for (const [key, mine] of Object.entries(program)) {
    const theirs = live[key];
    if (theirs !== undefined && theirs !== null) out[key] = projectOntoProgram(theirs, mine);
  }
  return out;
}
