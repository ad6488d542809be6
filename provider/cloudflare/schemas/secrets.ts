/**
 * A Worker's secrets (`…/secrets`): the PUT body of each kind, and a secret as the API lists it (never
 * with its value).
 */
import { z } from "zod";
import { addProblems, secretKeyProblems, SECRET_KEY_FIELDS } from "./bindings";

/** PUT `…/secrets` body. */
export const secretTextInputSchema = z.strictObject({
  name: z.string().min(1),
  type: z.literal("secret_text"),
  text: z.string(),
});
export const secretKeyInputSchema = z
  .strictObject({ name: z.string().min(1), type: z.literal("secret_key"), ...SECRET_KEY_FIELDS })
  .superRefine((key, ctx) => addProblems(ctx, secretKeyProblems(key)));
export const secretInputSchema = z.discriminatedUnion("type", [secretTextInputSchema, secretKeyInputSchema]);
export type SecretInput = z.infer<typeof secretInputSchema>;

/** A secret as the API describes it: never with its value. */
export const secretSchema = z.looseObject({ name: z.string(), type: z.string() });
export type Secret = z.infer<typeof secretSchema>;
export const secretListSchema = z.array(secretSchema);
