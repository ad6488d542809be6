/**
 * Field tables: each input of a resource declared once, and everything else derived from it (the Inputs
 * type, the allowed keys, check, the diff table, the wire mapping, what a read keeps).
 *
 * How a resource uses it:
 *
 * ```ts
 * const FIELDS = defineFields({
 *   ...SCRIPT_SCOPE_FIELDS,                                    // accountId (filled from config), scriptName, dispatchNamespace
 *   enabled: { schema: booleanSchema, diff: "update", wire: "enabled" },
 *   usageModel: { schema: usageModelSchema.optional(), diff: "update", wire: "usage_model", cleared: "standard",
 *                 normalise: normaliseUsageModel },
 *   bindings: { schema: bindingInputListSchema.optional(), shape: "wire", diff: "update", wire: "bindings" },
 *   adopt: ADOPT_FIELD,
 * });
 * export type ThingInputs = InputsOf<typeof FIELDS>;          // scriptName: string; usageModel?: "standard" | …
 *
 * export function makeThingProvider(client: ClientSource = getDefaultClient) {
 *   return {
 *     check: checkWith("Thing", FIELDS),                       // unknown keys, every schema, failures name the property
 *     diff: diffWith(FIELDS),                                  // replace / update / ignore, through each normaliser
 *     async create(inputs) { await put(clientOf(client), wireOf(FIELDS, inputs)); … },
 *     async read(id, props) { … keepStoredWhenSame(FIELDS, props, live) … },
 *     …
 *   } satisfies dynamic.ResourceProvider<ThingInputs, ThingOutputs>;
 * }
 * export const thingProvider = makeThingProvider();           // the name sdk/lazy-provider requires
 * ```
 *
 * Adding an input is one entry in the table (plus its tests); the sdk's Args are derived from the Inputs type.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import { resolveAccountId, type CloudflareClient } from "../cloudflare";
import { accountIdSchema, dispatchNamespaceNameSchema, dispatchScriptNameSchema, scriptNameSchema } from "../cloudflare/schemas";
import { fromWire, toWire, type CamelKeys } from "./case";
import { failuresFrom, printable, sameValue, type CheckFailure } from "./common";

/** What a change of the field does: replace the resource, update it in place, or nothing (never compared). */
export type DiffKind = "replace" | "update" | "ignore";

export interface Field {
  /** What a program may write. `.optional()` makes the input optional (in the Inputs type too). */
  schema: z.ZodType;
  diff: DiffKind;
  /**
   * "wire": the schema describes the snake_case wire form; the program's camelCase value is checked as
   * `toWire(value)` and typed as the schema's type with camelCase keys. Default "input": checked as written.
   */
  shape?: "input" | "wire";
  /** The field's name on the wire, when it travels to the API. */
  wire?: string;
  /** The wire value that puts back the API default when the program stops setting the field. */
  cleared?: unknown;
  /** Canonical form for comparisons (diff, keep-stored-on-read): server defaults and ordering never diff. */
  normalise?: (value: unknown) => unknown;
  /** Input → wire value; default: `toWire` (camelCase keys to snake_case, data values untouched). */
  toWire?: (value: unknown) => unknown;
  /** Wire → input value; default: `fromWire`. */
  fromWire?: (value: unknown) => unknown;
  /** Filled in by check when the program leaves it unset or empty (the account from the stack config). */
  fill?: () => unknown;
  /** Chooses the schema from the other inputs (a script name inside a dispatch namespace is checked differently). */
  schemaFor?: (news: RawInputs) => z.ZodType;
  /** The failure quotes the value (`scriptName "My_Worker": …`) and gives the first problem only. */
  quote?: boolean;
  /** A fixed reason for any failure of this field, instead of the schema's messages. */
  reason?: string;
  /** The reason when the field is missing; default "required". */
  required?: string;
  /** Never quote the value, not even in a nested path (secret values and key material). */
  secret?: boolean;
  /** Set by check or the lifecycle, not by the program: allowed as a key, never validated, dropped before the resource's own check. */
  computed?: boolean;
  /** Checked by the resource's own rules (the code, the assets): the schema gives the type only. */
  ownCheck?: boolean;
  /**
   * Left to the API while unset: not compared, and not read back, until the program sets it; a program that
   * stops setting it leaves the live value as it is (a queue consumer's batch size). Compare `read: "whenSet"`,
   * which also keeps an unset field unread but restores `cleared` when the program removes it; defineFields
   * refuses the two together, and `cleared` here (it would never be sent).
   */
  unmanagedWhenUnset?: boolean;
  /**
   * How a read takes the field back from the live wire object: "live" (default: a value set outside the
   * program shows as drift), "whenSet" (only when the program sets it; else the API's choice stays unreported,
   * such as the compatibility date it picks), "never" (the API cannot report it: the stored value stays),
   * "own" (the resource maps it itself). Needs a wire name.
   */
  read?: "live" | "whenSet" | "never" | "own";
  /**
   * Kept in the inputs only, never echoed in the outputs: a large value that neither diff nor read needs
   * because a computed field stands for it (the module text, for contentHash). The engine rewrites the whole
   * snapshot after every step, so each byte of state is paid per step. Only for fields with `diff: "ignore"`.
   */
  inputOnly?: boolean;
}

export type Fields = Record<string, Field>;

/** What check receives: anything a program (or an older state) sent. */
export type RawInputs = Record<string, unknown>;

/**
 * The table, typed as written (literal diff kinds and shapes kept). A contradiction in it is refused here,
 * when the module loads, naming the table and the field (terraform-plugin-framework's
 * `ValidateImplementation` runs on every attribute before any plan, for the same reason): a knob that only
 * means something on the wire without a wire name, a field left to the API that also says how to clear or
 * read it, a field kept in the inputs only that the diff would compare.
 */
export function defineFields<const F extends Fields>(fields: F, table: string): F {
  for (const [key, field] of Object.entries(fields)) {
    const refuse = (why: string): never => {
      throw new Error(`${table}: field ${key}: ${why}`);
    };
    // Diff compares the stored outputs with the new inputs: a field missing from the outputs must not be compared.
    if (field.inputOnly && field.diff !== "ignore") refuse('inputOnly needs diff: "ignore"');
    if (field.wire === undefined) {
      for (const knob of ["cleared", "read", "toWire", "fromWire"] as const) {
        if (field[knob] !== undefined) refuse(`${knob} needs a wire name (wire: "…"); without one it does nothing`);
      }
    }
    if (field.unmanagedWhenUnset) {
      // Left to the API while unset: a removed field is never compared, so never patched with `cleared`; and it is
      // already not read while unset, which is all `read: "whenSet"` adds.
      if (field.cleared !== undefined)
        refuse("unmanagedWhenUnset never sends cleared (a field the program removes is left to the API); remove one");
      if (field.read !== undefined && field.read !== "live")
        refuse(
          `unmanagedWhenUnset with read: "${field.read}": choose one (unmanagedWhenUnset leaves a removed field as it is; read: "whenSet" restores its cleared value)`,
        );
      if (field.diff === "ignore") refuse('unmanagedWhenUnset needs a compared field (diff "update" or "replace")');
    }
    if (field.read === "whenSet" && field.diff === "ignore") refuse('read: "whenSet" needs a compared field (diff "update" or "replace")');
    if (field.computed && field.wire !== undefined) refuse("a computed field is set by check or the lifecycle and never sent: remove wire");
  }
  return fields;
}

type ValueOf<F extends Field> = F extends { shape: "wire" } ? CamelKeys<z.input<F["schema"]>> : z.input<F["schema"]>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: undefined extends ValueOf<F[K]> ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The checked inputs: required fields required, each typed by its schema. */
export type InputsOf<F extends Fields> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: ValueOf<F[K]> } & { [K in OptionalKeys<F>]?: ValueOf<F[K]> }
>;

/** The fields a diff compares (every field but those with `diff: "ignore"`): what a diff test table must cover. */
export type DiffKeysOf<F extends Fields> = { [K in keyof F & string]: F[K] extends { diff: "ignore" } ? never : K }[keyof F & string];

type ComputedKeys<F extends Fields> = { [K in keyof F]: F[K] extends { computed: true } ? K : never }[keyof F];
type FilledKeys<F extends Fields> = { [K in keyof F]: F[K] extends { fill: () => unknown } ? K : never }[keyof F];
type RefusedKeys<F extends Fields> = { [K in keyof F]: [ValueOf<F[K]>] extends [undefined] ? K : never }[keyof F];

/**
 * What a program writes (the sdk's Args derive from it): the checked inputs less what check computes and
 * the keys only named to be refused, with the fields check fills in (the account) optional.
 */
export type ProgramInputsOf<F extends Fields> = Simplify<
  Omit<InputsOf<F>, ComputedKeys<F> | FilledKeys<F> | RefusedKeys<F>> & Partial<Pick<InputsOf<F>, FilledKeys<F> & keyof InputsOf<F>>>
>;

// ---------------------------------------------------------------------------------------------------------
// Shared fields

/** A boolean input whose failure says what to write. */
export const booleanSchema = z.boolean({ error: "expected true or false" });

/** The normaliser of a flag that defaults to false. */
export const flag = (value: unknown): boolean => value === true;

/** `adopt`: take over what already exists instead of failing; only matters at create. */
export const ADOPT_FIELD = { schema: booleanSchema.optional(), diff: "update", normalise: flag } as const satisfies Field;

/** The account, filled from the stack config or CLOUDFLARE_ACCOUNT_ID when the program leaves it unset. */
export const ACCOUNT_FIELD = {
  schema: accountIdSchema,
  diff: "replace",
  fill: () => resolveAccountId(),
  quote: true,
} as const satisfies Field;

/** Where a Worker lives: account, optional dispatch namespace, script name. A change of any replaces. */
export const SCRIPT_SCOPE_FIELDS = {
  accountId: ACCOUNT_FIELD,
  dispatchNamespace: { schema: dispatchNamespaceNameSchema.optional(), diff: "replace" },
  scriptName: {
    schema: scriptNameSchema,
    diff: "replace",
    quote: true,
    schemaFor: (news: RawInputs) => (news.dispatchNamespace !== undefined ? dispatchScriptNameSchema : scriptNameSchema),
  },
} as const satisfies Fields;

/** Values a program writes inside a wire-shaped field: normalise the wire form. */
export function wireNormalised(normalise: (value: unknown) => unknown): (value: unknown) => unknown {
  return (value) => normalise(toWire(value));
}

// ---------------------------------------------------------------------------------------------------------
// Check

export interface CheckContext<F extends Fields> {
  olds: Partial<InputsOf<F>>;
  news: RawInputs;
  failures: CheckFailure[];
}

/**
 * `check` derived from the table: unknown keys refused, fills applied, every field validated by its schema
 * with failures that name the property, then the resource's own rules (`refine`, which may also set the
 * computed fields). On failure the program's inputs are returned unchanged with the failures.
 */
export function checkWith<F extends Fields>(
  resource: string,
  fields: F,
  refine?: (inputs: InputsOf<F>, context: CheckContext<F>) => void | Promise<void>,
): (olds: RawInputs | undefined, news: RawInputs) => Promise<dynamic.CheckResult<InputsOf<F>>> {
  return async (olds, news) => {
    const failures: CheckFailure[] = [];
    for (const key of Object.keys(news)) {
      if (key !== "__provider" && !Object.prototype.hasOwnProperty.call(fields, key)) {
        failures.push({ property: key, reason: `${key}: not an input of ${resource}; check the spelling` });
      }
    }
    const inputs: RawInputs = { ...news };
    for (const [key, field] of Object.entries(fields)) {
      if (field.computed) {
        delete inputs[key];
        continue;
      }
      let value = news[key];
      if (field.fill && (value === undefined || value === "")) {
        try {
          value = inputs[key] = field.fill();
        } catch (error) {
          failures.push({ property: key, reason: (error as Error).message });
          continue;
        }
      }
      if (!field.ownCheck) failures.push(...checkField(key, field, value, news));
    }
    // The resource's own rules run even after a field failed, so one preview shows every problem.
    await refine?.(inputs as InputsOf<F>, { olds: (olds ?? {}) as Partial<InputsOf<F>>, news, failures });
    return failures.length > 0 ? { inputs: news as InputsOf<F>, failures } : { inputs: inputs as InputsOf<F> };
  };
}

/** The failures of one field: none when its schema accepts the value. */
export function checkField(key: string, field: Field, value: unknown, news: RawInputs = {}): CheckFailure[] {
  const schema = field.schemaFor?.(news) ?? field.schema;
  const parsed = schema.safeParse(field.shape === "wire" ? toWire(value) : value);
  if (parsed.success) return [];
  if (value === undefined) return [{ property: key, reason: `${key}: ${field.required ?? "required"}` }];
  if (field.quote || field.reason) {
    const shown = field.quote && !field.secret && typeof value === "string" ? ` "${printable(value)}"` : "";
    return [{ property: key, reason: `${key}${shown}: ${field.reason ?? parsed.error.issues[0]!.message}` }];
  }
  const failures = failuresFrom(parsed.error, [key]);
  return field.secret ? failures.map(hideValues) : failures;
}

/** A failure about key material never quotes it. */
function hideValues(failure: CheckFailure): CheckFailure {
  return { property: failure.property, reason: failure.reason.replace(/"[^"]{12,}"/g, '"…"') };
}

// ---------------------------------------------------------------------------------------------------------
// Diff and read

/** The fields a diff compares for these inputs: every replace/update field, less those left to the API. */
function compared(fields: Fields, news: RawInputs): [string, Field][] {
  return Object.entries(fields).filter(([key, field]) => field.diff !== "ignore" && !(field.unmanagedWhenUnset && news[key] === undefined));
}

const canonical = (field: Field, value: unknown) => (field.normalise ? field.normalise(value) : value);

/** The fields whose value differs (canonically) between `olds` and `news`, and which of them replace. */
export function changedFields<F extends Fields>(
  fields: F,
  olds: object,
  news: object,
): { changed: (keyof F & string)[]; replaces: (keyof F & string)[] } {
  const changed: string[] = [];
  const replaces: string[] = [];
  const o = olds as RawInputs;
  const n = news as RawInputs;
  for (const [key, field] of compared(fields, n)) {
    if (!sameValue(canonical(field, o[key]), canonical(field, n[key]))) {
      changed.push(key);
      if (field.diff === "replace") replaces.push(key);
    }
  }
  return { changed, replaces };
}

/** The diff table derived from the field table: each compared field's kind and normaliser (for tests and docs). */
export function diffTable<F extends Fields>(
  fields: F,
): Record<string, { kind: Exclude<DiffKind, "ignore">; normalise?: (value: unknown) => unknown }> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, field]) => field.diff !== "ignore")
      .map(([key, field]) => [key, { kind: field.diff as Exclude<DiffKind, "ignore">, normalise: field.normalise }]),
  );
}

/** `diff` derived from the table. Fields not in it (outputs the API measures, `__provider`) never diff. */
export function diffWith<F extends Fields>(fields: F, options: { deleteBeforeReplace?: boolean } = {}) {
  return async (_id: string, olds: object, news: object): Promise<dynamic.DiffResult> => {
    const { changed, replaces } = changedFields(fields, olds, news);
    return {
      changes: changed.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && options.deleteBeforeReplace ? true : undefined,
    };
  };
}

/**
 * After a read: every field whose live value equals the stored one (canonically) keeps its stored form, so a
 * refresh of an unchanged resource changes no output, not even the order of a list or a default spelled out.
 */
export function keepStoredWhenSame<T extends object>(fields: Fields, stored: T, live: T): T {
  const out: RawInputs = { ...(live as RawInputs) };
  for (const [key, field] of Object.entries(fields)) {
    if (field.diff === "ignore") continue;
    if (sameValue(canonical(field, (stored as RawInputs)[key]), canonical(field, (live as RawInputs)[key])))
      out[key] = (stored as RawInputs)[key];
  }
  return compactObject(out) as T;
}

// ---------------------------------------------------------------------------------------------------------
// Wire mapping

/** The keys of the fields that travel on the wire, typed from the table. */
export type WireKeysOf<F extends Fields> = { [K in keyof F & string]: F[K] extends { wire: string } ? K : never }[keyof F & string];

/** The wire names of a table's fields, typed from the table: `{ usageModel: "usage_model", … }`. */
export type WireNamesOf<F extends Fields> = { [K in WireKeysOf<F>]: F[K] extends { wire: infer W extends string } ? W : never };

/** The keys of the fields that travel on the wire. */
export function wireKeys<F extends Fields>(fields: F): WireKeysOf<F>[] {
  return Object.keys(fields).filter((key) => fields[key]!.wire !== undefined) as WireKeysOf<F>[];
}

/** Whether `key` names a field of the table that travels on the wire. */
export function isWireKey<F extends Fields>(fields: F, key: string): key is WireKeysOf<F> {
  return Object.prototype.hasOwnProperty.call(fields, key) && fields[key]!.wire !== undefined;
}

/** One field's wire value; a field the program left unset is `cleared` when asked for, else absent. */
export function wireValue(field: Field, value: unknown, cleared = false): unknown {
  if (value === undefined) return cleared ? field.cleared : undefined;
  return (field.toWire ?? toWire)(value);
}

/**
 * The wire body of `keys` (default: every wire field): `{ wire_name: value }`. With `cleared`, a field the
 * program stopped setting carries the value that restores the API default (a PATCH of only what changed).
 */
export function wireOf<F extends Fields>(
  fields: F,
  inputs: object,
  options: { keys?: readonly WireKeysOf<F>[]; cleared?: boolean } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of options.keys ?? wireKeys(fields)) {
    const field = fields[key]!;
    const value = wireValue(field, (inputs as RawInputs)[key], options.cleared);
    if (value !== undefined) out[field.wire!] = value;
  }
  return out;
}

/**
 * The live values of the wire fields read from a wire object, as inputs: `keys` (default: every wire field
 * the API reports back). A value the API omits or gives as null is the field's `cleared` value (its API
 * default). With `stored` (the resource's state), a field left to the API stays unset while its live value
 * is (canonically) absent or the field is read only when set.
 */
export function inputsFromWire<F extends Fields>(
  fields: F,
  live: object,
  options: { stored?: object; keys?: readonly WireKeysOf<F>[] } = {},
): Partial<InputsOf<F>> {
  const out: RawInputs = {};
  const stored = options.stored as RawInputs | undefined;
  const keys = options.keys ?? readKeys(fields);
  for (const key of keys) {
    const field = fields[key]!;
    const unset = stored !== undefined && stored[key] === undefined;
    if (unset && (field.unmanagedWhenUnset || field.read === "whenSet")) continue;
    const value = (live as RawInputs)[field.wire!] ?? field.cleared;
    const mapped = (field.fromWire ?? fromWire)(value ?? undefined);
    if (unset && canonical(field, mapped) === undefined) continue;
    out[key] = mapped;
  }
  return out as Partial<InputsOf<F>>;
}

/** The wire fields a read takes back from the live wire object (not those the API cannot report, nor the resource's own). */
function readKeys<F extends Fields>(fields: F): WireKeysOf<F>[] {
  return wireKeys(fields).filter((key) => fields[key]!.read !== "never" && fields[key]!.read !== "own");
}

/**
 * A live wire object as a program would write it (the import generator): every field a read takes back, in the
 * program's form, left out where it is (canonically) what the API assumes when the program leaves it unset.
 */
export function programFromWire<F extends Fields>(fields: F, live: object): Partial<InputsOf<F>> {
  const out: RawInputs = {};
  for (const key of readKeys(fields)) {
    const field = fields[key]!;
    const value = (live as RawInputs)[field.wire!] ?? field.cleared;
    const mapped = (field.fromWire ?? fromWire)(value ?? undefined);
    if (canonical(field, mapped) !== undefined) out[key] = mapped;
  }
  return out as Partial<InputsOf<F>>;
}

/** Whether a live wire object already holds what `inputs` ask for, in every wire field they manage. */
export function sameWire<F extends Fields>(fields: F, inputs: object, live: object): boolean {
  const keys = wireKeys(fields);
  const asLive = { ...inputs, ...inputsFromWire(fields, live, { stored: inputs }) };
  return changedFields(fields, asLive, inputs).changed.every((key) => !(keys as string[]).includes(key));
}

/**
 * The outputs a create or update stores: without the fields kept in the inputs only, and without `undefined`
 * members. Stored outputs that still hold such a field (state written before it was input-only) are read as they are.
 */
export function storedOutputs<T extends object>(fields: Fields, outs: T): T {
  const out = compactObject(outs as RawInputs);
  for (const [key, field] of Object.entries(fields)) if (field.inputOnly) delete out[key];
  return out as T;
}

/**
 * The outputs of an update: every input as the new inputs have it (one the program removed is gone, never
 * kept from the old state, or the next diff would show it again), and from the old outputs only what the API
 * measured (the keys that are not fields of the table: an etag, an id, a date).
 */
export function outputsAfterUpdate<F extends Fields, O extends object>(fields: F, olds: O, news: InputsOf<F>): O {
  const measured = Object.entries(olds).filter(([key]) => !Object.prototype.hasOwnProperty.call(fields, key));
  return compactObject({ ...Object.fromEntries(measured), ...(news as RawInputs) }) as O;
}

/** Drops `undefined` members (Pulumi state cannot hold them). */
function compactObject(value: RawInputs): RawInputs {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

// ---------------------------------------------------------------------------------------------------------
// Providers and clients

/**
 * The provider object of a resource: the dynamic-provider methods, check taking what a program sent and the
 * others the checked inputs. Written out so each resource's `makeXProvider` declares its return type.
 */
export interface ProviderOf<Inputs, Outputs> {
  check(olds: RawInputs | undefined, news: RawInputs): Promise<dynamic.CheckResult<Inputs>>;
  diff(id: string, olds: Outputs, news: Inputs): Promise<dynamic.DiffResult>;
  create(inputs: Inputs): Promise<dynamic.CreateResult<Outputs>>;
  read(id: string, props?: Outputs): Promise<dynamic.ReadResult<Outputs>>;
  update(id: string, olds: Outputs, news: Inputs): Promise<dynamic.UpdateResult<Outputs>>;
  delete(id: string, props: Outputs): Promise<void>;
}

/** A client, or a function giving one (the default client is made on first use, from the configuration then). */
export type ClientSource = CloudflareClient | (() => CloudflareClient);

export function clientOf(source: ClientSource): CloudflareClient {
  return typeof source === "function" ? source() : source;
}
