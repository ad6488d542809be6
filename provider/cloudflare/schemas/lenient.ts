/**
 * Reading lists the way the API's published types allow, and a little further: one odd element (a Worker of
 * the account whose row carries a field in a shape we did not expect) must not fail a read of the whole list,
 * and so an operation on another Worker.
 */
import { z } from "zod";

/**
 * An object parsed field by field when it does not parse as a whole: each field of the shape that parses is
 * kept, each that does not is dropped, fields outside the shape are kept as they are. Only for schemas whose
 * fields are all optional (a dropped field must leave a valid object). Pure.
 */
export function salvageObject<S extends z.ZodObject>(schema: S, value: unknown): z.infer<S> | undefined {
  const whole = schema.safeParse(value);
  if (whole.success) return whole.data;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  const shape = schema.shape as Record<string, z.ZodType>;
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const fieldSchema = shape[key];
    if (fieldSchema === undefined) {
      out[key] = field;
      continue;
    }
    const parsed = fieldSchema.safeParse(field);
    if (parsed.success) out[key] = parsed.data;
  }
  const again = schema.safeParse(out);
  return again.success ? again.data : undefined;
}

/**
 * A list answer read element by element: an element that does not parse is salvaged field by field
 * (`salvageObject`), and one that cannot be salvaged at all (not an object) is left out.
 */
export function lenientList<S extends z.ZodObject>(schema: S) {
  return z
    .array(z.unknown())
    .transform((rows) => rows.map((row) => salvageObject(schema, row)).filter((row): row is z.infer<S> => row !== undefined));
}
