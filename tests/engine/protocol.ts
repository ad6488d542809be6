/**
 * Messages between the harness (parent) and a program child over the Node IPC channel. The child runs a
 * stack program under `pulumi.runtime.setMocks` and forwards every RegisterResource to the parent, which
 * answers with the resource's id and outputs, exactly as the engine answers the language host.
 */
import { z } from "zod";

const secretPathSchema = z.array(z.string());

export const registrationSchema = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  /** false for component resources (no provider is involved). */
  custom: z.boolean(),
  parent: z.string(),
  /** Plain input values (secrets unwrapped), including `__provider` for dynamic resources. */
  inputs: z.record(z.string(), z.unknown()),
  /** Top-level input keys whose value is or contains a secret. */
  secretKeys: z.array(z.string()),
  /** Exact positions of secrets inside `inputs`. */
  secretPaths: z.array(secretPathSchema),
  dependencies: z.array(z.string()),
  propertyDependencies: z.record(z.string(), z.array(z.string())),
  additionalSecretOutputs: z.array(z.string()),
  deleteBeforeReplace: z.boolean(),
  ignoreChanges: z.array(z.string()),
  replaceOnChanges: z.array(z.string()),
  protect: z.boolean(),
});
/** One resource registration as the program made it (what the engine receives in RegisterResource). */
export type Registration = z.infer<typeof registrationSchema>;

export const childMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("register"), seq: z.number(), registration: registrationSchema }),
  z.object({ kind: z.literal("done"), errors: z.array(z.string()) }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;

export const parentMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("registered"),
    seq: z.number(),
    /** Empty while previewing a create: the SDK treats it as unknown. */
    id: z.string(),
    outputs: z.record(z.string(), z.unknown()),
    secretPaths: z.array(secretPathSchema),
  }),
  z.object({ kind: z.literal("failed"), seq: z.number(), message: z.string() }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;
