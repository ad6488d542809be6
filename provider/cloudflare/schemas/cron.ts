/**
 * Cron expressions as Cloudflare's Cron Triggers accept them: a pure parser that says which field of which
 * expression is wrong, and a canonical key so that two spellings of one schedule are seen as the same.
 *
 * The grammar follows Cloudflare's own parser (cloudflare/saffron, "the backend for Cron Triggers"), as
 * documented on developers.cloudflare.com/workers/configuration/cron-triggers ("Supported cron
 * expressions"):
 *
 * | field        | values                              | characters     |
 * |--------------|-------------------------------------|----------------|
 * | minute       | 0-59                                | * , - /        |
 * | hour         | 0-23                                | * , - /        |
 * | day of month | 1-31                                | * , - / L W    |
 * | month        | 1-12, JAN-DEC (any case)            | * , - /        |
 * | day of week  | 1-7 (1 = Sunday), SUN-SAT (any case)| * , - / L #    |
 *
 * - exactly five fields, separated by spaces or tabs, nothing before or after; no `?`, no seconds, no year;
 * - `a-b` ranges (a range may wrap: `FRI-SUN`, `22-2`), `a/s` and `a-b/s` and `*` + `/s` steps (a step is
 *   1 to max − min), comma lists of those;
 * - day of month: `L` (last day), `LW` (last weekday), `L-n` (n days before the last, 1-30), `L-nW`,
 *   `nW` (weekday nearest the nth); each alone in its field; `L` and `W` upper case;
 * - day of week: `L` (Saturday), `dL` (last d of the month), `d#n` (nth d, 1-5), each alone;
 *   `0` is refused (workers-sdk#8923: `0 22 * * 0` → "invalid cron string [code: 10100]").
 *
 * Cloudflare refuses two expressions of one Worker that compile to the same schedule (saffron-worker's
 * `validate`: "Expression '…' already exists in the form of '…'"); `cronKey` gives that compiled identity.
 *
 * One deliberate difference: a bare `*` inside a list (`5,*`), which saffron reads as the field's lowest
 * value, is refused here as almost certainly a mistake.
 *
 * Also the wire shapes of a Worker's cron triggers (`…/scripts/{name}/schedules`), from the official SDK
 * (cloudflare-typescript `resources/workers/scripts/schedules.ts`): the answer liberal, the PUT body strict.
 */
import { z } from "zod";

/** A cron trigger: `modified_on` (and `created_on`) may be absent (the SDK types both optional). */
export const scheduleSchema = z.looseObject({ cron: z.string(), created_on: z.string().nullish(), modified_on: z.string().nullish() });
export const schedulesResultSchema = z.looseObject({
  schedules: z
    .array(scheduleSchema)
    .nullish()
    .transform((list) => list ?? []),
});
export type SchedulesResult = z.infer<typeof schedulesResultSchema>;
/** PUT `…/schedules` body: the whole list (`[]` clears it). */
export const schedulesInputSchema = z.array(z.strictObject({ cron: z.string().min(1) }));

export const CRON_FIELDS = ["minute", "hour", "day of month", "month", "day of week"] as const;
export type CronField = (typeof CRON_FIELDS)[number];

/** Cloudflare's error code for an expression it cannot parse (workers-sdk#8923). */
export const CRON_INVALID_CODE = 10100;

interface FieldSpec {
  field: CronField;
  min: number;
  max: number;
  /** Three-letter names, for values min, min + 1, … */
  names?: readonly string[];
}

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

const SPECS: Record<CronField, FieldSpec> = {
  minute: { field: "minute", min: 0, max: 59 },
  hour: { field: "hour", min: 0, max: 23 },
  "day of month": { field: "day of month", min: 1, max: 31 },
  month: { field: "month", min: 1, max: 12, names: MONTH_NAMES },
  "day of week": { field: "day of week", min: 1, max: 7, names: WEEKDAY_NAMES },
};

/** Largest offset of `L-n` (saffron's DayOfMonthOffset) and of `#n` (NthDay). */
const MAX_LAST_OFFSET = 30;
const MAX_NTH = 5;

export class CronFieldError extends Error {
  override readonly name = "CronFieldError";
  constructor(
    readonly field: CronField | undefined,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export type CronParse = { ok: true; key: string } | { ok: false; field?: CronField; reason: string };

/** Parses one expression: its canonical key, or the field at fault and why. Never throws. */
export function parseCron(expression: string): CronParse {
  try {
    return { ok: true, key: compile(expression) };
  } catch (error) {
    if (error instanceof CronFieldError) {
      return error.field === undefined ? { ok: false, reason: error.reason } : { ok: false, field: error.field, reason: error.reason };
    }
    throw error;
  }
}

/** A message naming the expression and the field at fault, or undefined when Cloudflare would accept it. */
export function cronProblem(expression: string): string | undefined {
  const parsed = parseCron(expression);
  if (parsed.ok) return undefined;
  const where = parsed.field === undefined ? "" : ` the ${parsed.field} field`;
  return `cron ${JSON.stringify(expression)}:${where} ${parsed.reason}`.replace(/: +/, ": ");
}

/** The compiled identity of an expression (two spellings of one schedule share it); throws CronFieldError. */
export function cronKey(expression: string): string {
  return compile(expression);
}

function compile(expression: string): string {
  if (typeof expression !== "string" || expression.length === 0)
    throw new CronFieldError(undefined, 'is empty; write five fields, e.g. "*/5 * * * *"');
  if (/^\s|\s$/.test(expression)) throw new CronFieldError(undefined, "has spaces before or after it; remove them");
  if (/[^\x21-\x7e \t]/.test(expression))
    throw new CronFieldError(undefined, "contains a character other than printable ASCII, spaces and tabs");
  const fields = expression.split(/[ \t]+/);
  if (fields.length !== 5) {
    throw new CronFieldError(
      undefined,
      `has ${fields.length} field${fields.length === 1 ? "" : "s"}; Cloudflare takes exactly five (minute hour day-of-month month day-of-week), without seconds or year`,
    );
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return [
    listField(minute, SPECS.minute),
    listField(hour, SPECS.hour),
    dayOfMonthField(dom),
    listField(month, SPECS.month),
    dayOfWeekField(dow),
  ].join(" ");
}

function fail(spec: FieldSpec, text: string, reason: string): never {
  throw new CronFieldError(spec.field, `${JSON.stringify(text)}: ${reason}`);
}

function rangeText(spec: FieldSpec): string {
  return spec.names === undefined
    ? `${spec.min}-${spec.max}`
    : `${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}`;
}

/** One value: digits within [min, max], or a three-letter name (any case). */
function value(spec: FieldSpec, whole: string, text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) {
      if (spec.field === "day of week" && n === 0)
        fail(spec, whole, "0 is not a weekday here: Cloudflare numbers weekdays 1-7 with 1 = Sunday (or write SUN)");
      fail(spec, whole, `${text} is out of range ${rangeText(spec)}`);
    }
    return n;
  }
  if (spec.names !== undefined) {
    const index = spec.names.indexOf(text.toUpperCase());
    if (index >= 0) return spec.min + index;
  }
  if (text === "") fail(spec, whole, "a value is missing (an empty list item, or a range or step without its number)");
  if (text === "?") fail(spec, whole, "Cloudflare does not support `?`; use `*`");
  fail(spec, whole, `${JSON.stringify(text)} is not a value of this field (${rangeText(spec)})`);
}

function step(spec: FieldSpec, whole: string, text: string): number {
  const max = spec.max - spec.min;
  if (!/^\d+$/.test(text)) fail(spec, whole, `the step ${JSON.stringify(text)} is not a number`);
  const n = Number(text);
  if (n < 1 || n > max) fail(spec, whole, `the step ${text} is out of range 1-${max}`);
  return n;
}

/** Values from..to (wrapping past max back to min, as Quartz and saffron do) taking every `by`th. */
function walk(spec: FieldSpec, from: number, to: number, by: number, into: Set<number>): void {
  const size = spec.max - spec.min + 1;
  const span = (to - from + size) % size;
  for (let offset = 0; offset <= span; offset += by) into.add(spec.min + ((from - spec.min + offset) % size));
}

/** `*`, or a comma list of `a`, `a-b`, `a/s`, `a-b/s`, `*` + `/s`: the set of values, as a canonical string. */
function listValues(text: string, spec: FieldSpec): Set<number> | "*" {
  if (text === "*") return "*";
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const slash = item.indexOf("/");
    const base = slash < 0 ? item : item.slice(0, slash);
    const by = slash < 0 ? 1 : step(spec, text, item.slice(slash + 1));
    if (base === "*") {
      if (slash < 0) fail(spec, text, "`*` stands alone (or as `*/step`); it cannot be one item of a list");
      walk(spec, spec.min, spec.max, by, values);
      continue;
    }
    if (base.startsWith("*")) fail(spec, text, "`*` cannot start a range; write `*/step` or a range of values");
    const dash = base.indexOf("-");
    if (dash < 0) {
      const start = value(spec, text, base);
      if (slash < 0) values.add(start);
      else walk(spec, start, spec.max, by, values);
    } else {
      walk(spec, value(spec, text, base.slice(0, dash)), value(spec, text, base.slice(dash + 1)), by, values);
    }
  }
  return values;
}

function canonical(values: Set<number> | "*"): string {
  return values === "*" ? "*" : [...values].sort((a, b) => a - b).join(",");
}

function listField(text: string, spec: FieldSpec): string {
  if (/[LW#]/i.test(text) && spec.names === undefined)
    fail(spec, text, "`L`, `W` and `#` are only for the day-of-month and day-of-week fields");
  const values = listValues(text, spec);
  // Every value listed is the same schedule as `*` (saffron compiles both to a full bit set).
  return values !== "*" && values.size === spec.max - spec.min + 1 ? "*" : canonical(values);
}

function dayOfMonthField(text: string): string {
  const spec = SPECS["day of month"];
  if (/[lw]/.test(text)) fail(spec, text, "`L` and `W` are written in upper case");
  if (text === "L" || text === "LW") return text;
  const last = /^L-(\d+)(W?)$/.exec(text);
  if (last !== null) {
    const n = Number(last[1]);
    if (n < 1 || n > MAX_LAST_OFFSET) fail(spec, text, `the offset ${last[1]} of \`L-n\` is out of range 1-${MAX_LAST_OFFSET}`);
    return `L-${n}${last[2]}`;
  }
  if (text.startsWith("L")) fail(spec, text, "`L` is written alone, or as `LW`, `L-n` or `L-nW`");
  const nearest = /^(\d+)W$/.exec(text);
  if (nearest !== null) return `${value(spec, text, nearest[1]!)}W`;
  if (/[LW#]/.test(text))
    fail(
      spec,
      text,
      "`L` and `W` stand alone in this field (`L`, `LW`, `L-n`, `nW`), not in a list or range; `#` is for the day-of-week field",
    );
  return canonical(listValues(text, spec));
}

function dayOfWeekField(text: string): string {
  const spec = SPECS["day of week"];
  if (text === "L") return "7";
  const lastOf = /^([A-Za-z]{3}|\d+)L$/.exec(text);
  if (lastOf !== null) return `${value(spec, text, lastOf[1]!)}L`;
  const nth = /^([A-Za-z]{3}|\d+)#(\d+)$/.exec(text);
  if (nth !== null) {
    const n = Number(nth[2]);
    if (n < 1 || n > MAX_NTH) fail(spec, text, `#${nth[2]}: the occurrence is out of range 1-${MAX_NTH}`);
    return `${value(spec, text, nth[1]!)}#${n}`;
  }
  if (text.includes("#")) fail(spec, text, "`#` is written `day#n` (e.g. `6#3`, the third Friday), alone in the field");
  if (/\d[Ll](,|$)|[A-Za-z]{3}[Ll](,|-|$)/.test(text) && !/^([A-Za-z]{3}|\d+)L$/.test(text)) {
    fail(
      spec,
      text,
      "`L` is written upper case, alone (Saturday) or after one day (`6L`, `FRIL`: the last Friday), not in a list or range",
    );
  }
  return canonical(listValues(text, spec));
}
