/**
 * Durable Object migrations on the wire: the two forms an upload's `migrations` takes (one step, or
 * `steps`), and the ordered list of tagged steps a program writes (wrangler's `[[migrations]]`).
 */
import { z } from "zod";

const renamedClassSchema = z.looseObject({ from: z.string().optional(), to: z.string().optional() });
const transferredClassSchema = z.looseObject({
  from: z.string().optional(),
  from_script: z.string().optional(),
  to: z.string().optional(),
});
const migrationStepSchema = z.looseObject({
  new_classes: z.array(z.string()).optional(),
  new_sqlite_classes: z.array(z.string()).optional(),
  deleted_classes: z.array(z.string()).optional(),
  renamed_classes: z.array(renamedClassSchema).optional(),
  transferred_classes: z.array(transferredClassSchema).optional(),
});
export const migrationsSchema = z.union([
  z.looseObject({ new_tag: z.string().optional(), old_tag: z.string().optional(), steps: z.array(migrationStepSchema) }),
  migrationStepSchema.extend({ new_tag: z.string().optional(), old_tag: z.string().optional() }),
]);

/** Migrations as our own code sends them: one of the two documented forms exactly, nothing else. */
export const migrationsInputSchema = z.union([
  z.strictObject({ new_tag: z.string().optional(), old_tag: z.string().optional(), steps: z.array(migrationStepSchema.strict()) }),
  migrationStepSchema.extend({ new_tag: z.string().optional(), old_tag: z.string().optional() }).strict(),
]);

/** A class named in a migration step: the exported Durable Object class, a JavaScript identifier. */
export const MIGRATION_CLASS_PATTERN = /^[A-Za-z_$][\w$]*$/;
const migrationClassSchema = z
  .string()
  .regex(MIGRATION_CLASS_PATTERN, "a class name is a JavaScript identifier: the exported Durable Object class");

/**
 * One tagged step of a migrations list (wrangler's `[[migrations]]`), as a program writes it (wire spelling).
 * The list is ordered; the provider sends only the steps after the Worker's live tag.
 */
export const taggedMigrationStepInputSchema = z.strictObject({
  tag: z.string().min(1, "a migration tag cannot be empty").max(100),
  new_classes: z.array(migrationClassSchema).optional(),
  new_sqlite_classes: z.array(migrationClassSchema).optional(),
  deleted_classes: z.array(migrationClassSchema).optional(),
  renamed_classes: z.array(z.strictObject({ from: migrationClassSchema, to: migrationClassSchema })).optional(),
  transferred_classes: z
    .array(z.strictObject({ from: migrationClassSchema, from_script: z.string().min(1), to: migrationClassSchema }))
    .optional(),
});
export type TaggedMigrationStep = z.infer<typeof taggedMigrationStepInputSchema>;
export const migrationListInputSchema = z.array(taggedMigrationStepInputSchema);
