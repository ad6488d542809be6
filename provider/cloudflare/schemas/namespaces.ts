/**
 * Workers for Platforms dispatch namespaces.
 */
import { z } from "zod";

export const dispatchNamespaceSchema = z.looseObject({
  namespace_id: z.string().optional(),
  namespace_name: z.string().optional(),
  created_on: z.string().optional(),
  created_by: z.string().optional(),
  modified_on: z.string().optional(),
  modified_by: z.string().optional(),
  script_count: z.number().optional(),
  trusted_workers: z.boolean().optional(),
});
export type DispatchNamespace = z.infer<typeof dispatchNamespaceSchema>;
export const dispatchNamespaceListSchema = z.array(dispatchNamespaceSchema);
export const dispatchNamespaceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9_][a-z0-9-_]*$/, "a namespace name uses only a-z, 0-9, '-' and '_'");
