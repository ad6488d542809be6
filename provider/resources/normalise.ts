/**
 * Canonical forms of what the API gives back, so that a read of an unchanged Worker diffs to nothing:
 * server defaults, ordering the server does not preserve, empty values it omits and values it measures.
 * Every function takes and returns the wire (snake_case) shape and is idempotent.
 */
import { SECRET_BINDING_TYPES } from "../cloudflare/schemas";

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
  for (const [k, v] of Object.entries(binding)) if (v !== undefined && v !== null) out[k] = v;
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
  return value.filter(isRecord).map(normaliseBinding).sort((a, b) => byCodeUnits(String(a.name), String(b.name)));
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
    .sort((a, b) => byCodeUnits(JSON.stringify([a.service, a.environment, a.namespace]), JSON.stringify([b.service, b.environment, b.namespace])));
}
